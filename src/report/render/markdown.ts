// The Markdown report: what a team pastes into a wiki page or a pull request. GitHub-flavoured tables;
// every name is escaped (markdownCode / escapeMarkdown), so a plan or response can add no markup. Pure.
import type { RunSummary } from '../model/summary.js';
import {
  BUILTIN_METRICS,
  describeMetric,
  formatCount,
  formatMs,
  formatObserved,
  formatPercent,
  formatRate,
} from './table.js';
import { escapeMarkdown, markdownCode } from './escape.js';
import { describeHost, formatDate, groupLabel, statusText } from './format.js';
import { messages, verdictOf, type Lang } from './i18n.js';
import type { RunReport } from '../model/report.js';
import { observeRun } from './observations.js';
import { richToMarkdown } from './rich.js';

const VERDICT_MARK = {
  passed: '✅',
  'thresholds-failed': '❌',
  aborted: '⚠️',
  'generator-saturated': '⚠️',
  'k6-error': '❌',
  'invariants-failed': '❌',
} as const;

const cell = (text: string) => escapeMarkdown(text);
const codeCell = (text: string) => markdownCode(text, true);

/** A GitHub table; cells are Markdown already escaped for a table. */
export function markdownTable(
  head: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align: ReadonlyArray<'l' | 'r'> = [],
): string {
  const sep = head.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function observedOf(s: RunSummary) {
  return (t: RunSummary['thresholds'][number]) => {
    const metric = s.metrics[t.metric.split('{')[0] ?? ''];
    return formatObserved(t, metric?.contains, metric?.type);
  };
}

const ok = (pass: boolean) => (pass ? '✅' : '❌');

export function renderMarkdownReport(
  report: RunReport,
  opts: { lang?: Lang; version?: string } = {},
): string {
  const m = messages(opts.lang);
  const s = report.summary;
  const t = s.totals;
  const meta = report.meta;
  const out: string[] = [];
  const verdict = verdictOf(s.outcome);

  out.push(`# ${escapeMarkdown(m.title(s.plan))}`, '');
  out.push(`**${VERDICT_MARK[verdict]} ${escapeMarkdown(m.verdict[verdict])}**`);
  if (s.outcome.kind === 'thresholds-failed')
    out[out.length - 1] += ` — ${s.outcome.failed.map((f) => markdownCode(f)).join(', ')}`;
  out.push('');
  if (report.plan?.description) out.push(`> ${escapeMarkdown(report.plan.description)}`, '');

  const item = (label: string, value: string) => `- **${escapeMarkdown(label)}**: ${value}`;
  const target = `${markdownCode(s.target.name)} ${escapeMarkdown(s.target.url)}${
    meta?.target?.description ? ` — ${escapeMarkdown(meta.target.description)}` : ''
  }`;
  out.push(
    item(m.field.date, escapeMarkdown(formatDate(s.startedAt))),
    item(
      m.field.plan,
      `${markdownCode(s.plan)}${meta?.plan?.file ? ` (${escapeMarkdown(meta.plan.file)})` : ''}`,
    ),
    ...(s.profile ? [item(m.field.profile, markdownCode(s.profile))] : []),
    item(m.field.target, target),
    item(m.field.run, markdownCode(s.runId)),
    item(m.field.duration, escapeMarkdown(formatMs(s.durationMs))),
    '',
  );

  out.push(`## ${escapeMarkdown(m.section.environment)}`, '');
  const env: string[] = [];
  if (meta?.k6?.version) env.push(item(m.field.k6, escapeMarkdown(meta.k6.version)));
  if (meta?.loadctl) env.push(item(m.field.loadctl, escapeMarkdown(meta.loadctl)));
  if (meta?.host) env.push(item(m.field.generator, escapeMarkdown(describeHost(meta.host, m))));
  const tags = Object.entries(meta?.tags ?? {});
  if (tags.length) env.push(item(m.field.tags, tags.map(([k, v]) => markdownCode(`${k}=${v}`)).join(' ')));
  if (env.length === 0) env.push(item(m.field.k6, '–'));
  out.push(...env, '');

  const scenarios = Object.entries(report.plan?.scenarios ?? {});
  if (scenarios.length > 0) {
    out.push(`## ${escapeMarkdown(m.section.configuration)}`, '');
    out.push(
      markdownTable(
        [m.col.scenario, m.col.executor, m.col.load, m.col.flow].map(cell),
        scenarios.map(([name, sc]) => [
          codeCell(name),
          codeCell(sc.executor),
          cell(m.load(sc)),
          typeof sc['flow'] === 'string'
            ? codeCell(sc['flow'])
            : typeof sc['exec'] === 'string'
              ? codeCell(sc['exec'])
              : '',
        ]),
      ),
      '',
    );
  }

  out.push(`## ${escapeMarkdown(m.section.results)}`, '');
  const checksTotal = t.checksPassed + t.checksFailed;
  out.push(
    markdownTable(
      [
        m.total.requests,
        m.total.rps,
        m.total.failed,
        'p50',
        'p95',
        'p99',
        'max',
        ...(t.vusMax > 0 ? [m.total.vusMax] : []),
        m.total.iterations,
        ...(checksTotal > 0 ? [m.total.checks] : []),
      ].map(cell),
      [
        [
          formatCount(t.requests),
          formatRate(t.rps),
          formatPercent(t.errorRate),
          formatMs(s.latency['med'] ?? s.latency['p(50)']),
          formatMs(s.latency['p(95)']),
          formatMs(s.latency['p(99)']),
          formatMs(s.latency['max']),
          ...(t.vusMax > 0 ? [formatCount(t.vusMax)] : []),
          formatCount(t.iterations),
          ...(checksTotal > 0 ? [formatPercent(t.checksPassed / checksTotal)] : []),
        ].map(cell),
      ],
      Array<'r'>(10).fill('r'),
    ),
    '',
  );

  if (s.endpoints.length > 0) {
    out.push(`### ${escapeMarkdown(m.section.endpoints)}`, '');
    out.push(
      markdownTable(
        [
          m.col.endpoint,
          m.col.requests,
          m.col.rps,
          'p50',
          'p90',
          'p95',
          'p99',
          'max',
          m.col.errors,
          m.col.statuses,
        ].map(cell),
        s.endpoints.map((e) => [
          codeCell(e.name),
          ...[
            formatCount(e.requests),
            formatRate(e.rps),
            formatMs(e.duration['med'] ?? e.duration['p(50)']),
            formatMs(e.duration['p(90)']),
            formatMs(e.duration['p(95)']),
            formatMs(e.duration['p(99)']),
            formatMs(e.duration['max']),
            formatPercent(e.errorRate),
            statusText(e),
          ].map(cell),
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
      '',
    );
  }

  if (s.thresholds.length > 0) {
    const observed = observedOf(s);
    out.push(`## ${escapeMarkdown(m.section.thresholds)}`, '');
    out.push(
      markdownTable(
        ['', m.col.metric, m.col.threshold, m.col.observed].map(cell),
        s.thresholds.map((x) => [
          ok(x.ok),
          codeCell(x.metric),
          `${codeCell(x.expression)}${x.abortOnFail ? ` (${cell(m.abortOnFail)})` : ''}`,
          cell(x.observed === undefined ? m.noSamples : observed(x)),
        ]),
        ['l', 'l', 'l', 'r'],
      ),
      '',
    );
  }

  if (s.checks.length > 0) {
    out.push(`## ${escapeMarkdown(m.section.checks)}`, '');
    out.push(
      markdownTable(
        ['', m.col.group, m.col.check, m.col.passed, m.col.failed].map(cell),
        s.checks.map((c) => [
          ok(c.fails === 0),
          cell(groupLabel(c.group, m)),
          codeCell(c.name),
          cell(formatCount(c.passes)),
          cell(formatCount(c.fails)),
        ]),
        ['l', 'l', 'l', 'r', 'r'],
      ),
      '',
    );
  }

  if (s.invariants.length > 0) {
    out.push(`## ${escapeMarkdown(m.section.invariants)}`, '');
    out.push(
      markdownTable(
        ['', m.col.invariant, m.col.detail].map(cell),
        s.invariants.map((i) => [ok(i.ok), codeCell(i.name), cell(i.detail)]),
      ),
      '',
    );
  }

  const custom = Object.entries(s.metrics).filter(([name]) => !BUILTIN_METRICS.has(name));
  if (custom.length > 0) {
    out.push(`## ${escapeMarkdown(m.section.customMetrics)}`, '');
    out.push(
      markdownTable(
        [m.col.metric, m.col.type, m.col.value].map(cell),
        custom.map(([name, x]) => [
          codeCell(name),
          cell(x.type),
          cell(describeMetric(x.type, x.contains, x.values)),
        ]),
      ),
      '',
    );
  }

  if (s.generator.saturated) {
    out.push(`## ${escapeMarkdown(m.section.generator)}`, '');
    out.push(
      markdownTable(
        [m.col.reason, m.col.detail, m.col.fix].map(cell),
        s.generator.reasons.map((r) => [codeCell(r.kind), cell(r.detail), cell(r.fix)]),
      ),
      '',
    );
  }

  const observations = observeRun(s, report.series, observedOf(s));
  if (observations.length > 0) {
    out.push(`## ${escapeMarkdown(m.section.observations)}`, '');
    for (const o of observations) out.push(`- ${richToMarkdown(m.observation(o))}`);
    out.push('');
  }

  if (s.notes.length > 0) {
    out.push(`## ${escapeMarkdown(m.section.notes)}`, '');
    for (const n of s.notes) out.push(`- ${escapeMarkdown(n)}`);
    out.push('');
  }

  out.push(`<sub>${escapeMarkdown(m.generatedBy(meta?.loadctl ?? opts.version ?? '?'))}</sub>`, '');
  return out.join('\n');
}
