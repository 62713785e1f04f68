// The Markdown report: what a team pastes into a wiki page or a pull request. GitHub-flavoured tables;
// every name is escaped (markdownCode / escapeMarkdown), so a plan or response can add no markup. Pure.
import { terminalSafeDeep } from '../../terminal-safe.js';
import type { RunReport } from '../model/report.js';
import { buildRunSections, type RunSections } from '../model/sections.js';
import { escapeMarkdown, markdownCode } from './escape.js';
import { describeHost, groupLabel } from './format.js';
import { messages, type Lang } from './i18n.js';
import type { Messages } from './messages.js';
import { richToMarkdown } from './rich.js';
import { responseTimeRows } from './study-words.js';
import { LLM_WORDS, llmRows } from './llm-words.js';
import { formatCount, formatDate, formatMs, formatPercent, formatRate } from './units.js';
import { sourcesWithErrors } from '../model/server-section.js';
import { efficiencyText } from './server-table.js';
import { formatServerValue, readErrorText, serverStatLabel, severalSources } from './server-words.js';
import { describeMetric, endpointFigureCells, formatObserved, statusText, runnerCells } from './values.js';

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
const ok = (pass: boolean) => (pass ? '✅' : '❌');
const item = (label: string, value: string) => `- **${escapeMarkdown(label)}**: ${value}`;
const heading = (level: '##' | '###', title: string) => `${level} ${escapeMarkdown(title)}`;

/** A GitHub table; cells are Markdown already escaped for a table. */
export function markdownTable(
  head: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align: ReadonlyArray<'l' | 'r'> = [],
): string {
  const sep = head.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** A titled table, or nothing when it has no rows. */
function tableSection(
  title: string,
  head: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align?: ReadonlyArray<'l' | 'r'>,
  show = rows.length > 0,
): string[] {
  if (!show) return [];
  return [heading('##', title), '', markdownTable(head.map(cell), rows, align), ''];
}

function titleLines(sec: RunSections, m: Messages): string[] {
  const r = sec.run;
  let verdict = `**${VERDICT_MARK[sec.verdict]} ${escapeMarkdown(m.verdict[sec.verdict])}**`;
  if (sec.outcome.kind === 'thresholds-failed')
    verdict += ` — ${sec.outcome.failed.map((f) => markdownCode(f)).join(', ')}`;
  const target = `${markdownCode(r.target.name)} ${escapeMarkdown(r.target.url)}${
    r.target.description ? ` — ${escapeMarkdown(r.target.description)}` : ''
  }`;
  return [
    `# ${escapeMarkdown(m.title(r.plan))}`,
    '',
    verdict,
    '',
    ...(r.description ? [`> ${escapeMarkdown(r.description)}`, ''] : []),
    item(m.field.date, escapeMarkdown(formatDate(r.startedAt))),
    item(m.field.plan, `${markdownCode(r.plan)}${r.planFile ? ` (${escapeMarkdown(r.planFile)})` : ''}`),
    ...(r.profile ? [item(m.field.profile, markdownCode(r.profile))] : []),
    ...(r.overrides ? [item(m.field.overrides, markdownCode(r.overrides))] : []),
    item(m.field.target, target),
    item(m.field.run, markdownCode(r.runId)),
    item(m.field.duration, escapeMarkdown(formatMs(r.durationMs))),
    '',
  ];
}

/** The plan's `about:` facts: what was measured, as the study's authors wrote it. */
function aboutLines(sec: RunSections, m: Messages): string[] {
  if (sec.about.length === 0) return [];
  return [heading('##', m.study.about), '', ...sec.about.map(([k, v]) => item(k, escapeMarkdown(v))), ''];
}

/** Average response times: all requests, and the stream's figures for stream steps. */
function responseTimeLines(sec: RunSections, m: Messages): string[] {
  const rows = responseTimeRows(sec.responseTimes, m.study);
  if (rows.length === 0) return [];
  return [heading('###', m.study.responseTime), '', ...rows.map(([k, v]) => item(k, escapeMarkdown(v))), ''];
}

/** TTFT, TPOT, ITL, E2E, tokens and goodput of stream steps (docs/llm.md). */
function llmLines(sec: RunSections, m: Messages): string[] {
  const w = LLM_WORDS[m.lang];
  const rows = llmRows(sec.llm, w);
  if (rows.length === 0) return [];
  return [heading('###', w.heading), '', ...rows.map(([k, v]) => item(k, escapeMarkdown(v))), ''];
}

function environmentLines(sec: RunSections, m: Messages): string[] {
  const e = sec.environment;
  const env: string[] = [];
  if (e.k6Version) env.push(item(m.field.k6, escapeMarkdown(e.k6Version)));
  if (e.loadctl) env.push(item(m.field.loadctl, escapeMarkdown(e.loadctl)));
  if (e.host) env.push(item(m.field.generator, escapeMarkdown(describeHost(e.host, m))));
  if (e.tags.length)
    env.push(item(m.field.tags, e.tags.map(([k, v]) => markdownCode(`${k}=${v}`)).join(' ')));
  if (env.length === 0) env.push(item(m.field.k6, '–'));
  return [heading('##', m.section.environment), '', ...env, ''];
}

function configurationLines(sec: RunSections, m: Messages): string[] {
  return tableSection(
    m.section.configuration,
    [m.col.scenario, m.col.executor, m.col.load, m.col.flow],
    sec.scenarios.map((sc) => [
      codeCell(sc.name),
      codeCell(sc.executor),
      cell(m.load(sc.settings)),
      sc.flow !== undefined ? codeCell(sc.flow) : '',
    ]),
  );
}

function resultLines(sec: RunSections, m: Messages): string[] {
  const t = sec.headline;
  const checks = t.checks.total > 0;
  const head = [
    m.total.requests,
    m.total.rps,
    m.total.failed,
    'p50',
    'p95',
    'p99',
    'max',
    ...(t.vusMax > 0 ? [m.total.vusMax] : []),
    m.total.iterations,
    ...(checks ? [m.total.checks] : []),
  ];
  const values = [
    formatCount(t.requests),
    formatRate(t.rps),
    formatPercent(t.errorRate),
    formatMs(t.latency['med'] ?? t.latency['p(50)']),
    formatMs(t.latency['p(95)']),
    formatMs(t.latency['p(99)']),
    formatMs(t.latency['max']),
    ...(t.vusMax > 0 ? [formatCount(t.vusMax)] : []),
    formatCount(t.iterations),
    ...(checks ? [formatPercent(t.checks.passed / t.checks.total)] : []),
  ];
  return [
    heading('##', m.section.results),
    '',
    markdownTable(head.map(cell), [values.map(cell)], Array<'r'>(10).fill('r')),
    '',
  ];
}

function endpointLines(sec: RunSections, m: Messages): string[] {
  if (sec.endpoints.length === 0) return [];
  const head = [
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
  ];
  const rows = sec.endpoints.map((e) => [
    codeCell(e.name),
    ...[...endpointFigureCells(e), formatPercent(e.errorRate), statusText(e)].map(cell),
  ]);
  return [
    heading('###', m.section.endpoints),
    '',
    markdownTable(head.map(cell), rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']),
    '',
  ];
}

function outcomeTableLines(sec: RunSections, m: Messages): string[] {
  return [
    ...tableSection(
      m.section.thresholds,
      ['', m.col.metric, m.col.threshold, m.col.observed],
      sec.thresholds.map((x) => [
        x.noData ? '–' : ok(x.ok),
        codeCell(x.metric),
        `${codeCell(x.expression)}${x.window ? ` ${cell(m.overWindow(x.window))}` : ''}${x.abortOnFail ? ` (${cell(m.abortOnFail)})` : ''}`,
        cell(x.observed === undefined ? m.noSamples : formatObserved(x, x.unit)),
      ]),
      ['l', 'l', 'l', 'r'],
    ),
    ...tableSection(
      m.section.checks,
      ['', m.col.group, m.col.check, m.col.passed, m.col.failed],
      sec.checks.map((c) => [
        ok(c.fails === 0),
        cell(groupLabel(c.group, m)),
        codeCell(c.name),
        cell(formatCount(c.passes)),
        cell(formatCount(c.fails)),
      ]),
      ['l', 'l', 'l', 'r', 'r'],
    ),
    ...tableSection(
      m.section.invariants,
      ['', m.col.invariant, m.col.detail],
      sec.invariants.map((i) => [ok(i.ok), codeCell(i.name), cell(i.detail)]),
    ),
    ...tableSection(
      m.section.customMetrics,
      [m.col.metric, m.col.type, m.col.value],
      sec.customMetrics.map((x) => [
        codeCell(x.name),
        cell(x.type),
        cell(describeMetric(x.type, x.contains, x.values)),
      ]),
    ),
    ...tableSection(
      m.section.generator,
      [m.col.reason, m.col.detail, m.col.fix],
      sec.generator.reasons.map((r) => [codeCell(r.kind), cell(r.detail), cell(r.fix)]),
      undefined,
      sec.generator.saturated,
    ),
  ];
}

/** The target's server side: every figure (avg, p95, max), what a request cost, sources and failed reads. */
function serverLines(sec: RunSections, m: Messages): string[] {
  const server = sec.server;
  if (!server) return [];
  const w = m.server;
  const lines = [heading('##', w.section), ''];
  const f = server.figures;
  if (f) {
    const stats = [f.cpu, f.memory, ...f.others].filter((x) => x !== undefined);
    const several = severalSources(stats);
    if (f.sources.length > 0)
      lines.push(
        item(w.source, f.sources.map((x) => `${cell(w.kind[x.kind])} ${codeCell(x.address)}`).join(', ')),
        '',
      );
    if (stats.length > 0)
      lines.push(
        markdownTable(
          [w.figure, w.avg, 'p95', w.max].map(cell),
          stats.map((x) => [
            cell(serverStatLabel(x, w, several)),
            ...[x.avg, x.p95, x.max].map((v) => cell(formatServerValue(x.unit, v))),
          ]),
          ['l', 'r', 'r', 'r'],
        ),
        '',
      );
    const efficiency = efficiencyText(f, w);
    if (efficiency) lines.push(escapeMarkdown(efficiency), '');
    for (const x of sourcesWithErrors(f)) lines.push(`> ⚠️ ${escapeMarkdown(readErrorText(x, w) ?? '')}`, '');
  }
  if (server.shared) lines.push(`> ⚠️ ${escapeMarkdown(w.shared[server.shared])}`, '');
  return lines;
}

/** Each runner's share and how it ended (a run split over runners, docs/distributed.md). */
function runnerLines(summary: RunReport['summary'], m: Messages): string[] {
  return tableSection(
    m.section.runners,
    [m.col.runner, m.col.segment, m.col.requests, m.col.iterations, m.col.errors, 'p95', m.col.exit],
    (summary.runners ?? []).map((r) => {
      const [name, ...rest] = runnerCells(r);
      return [codeCell(name), ...rest.map(cell)];
    }),
    ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
  );
}

function listLines(title: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  return [heading('##', title), '', ...items.map((x) => `- ${x}`), ''];
}

export function renderMarkdownReport(
  report: RunReport,
  opts: { lang?: Lang; version?: string } = {},
): string {
  const m = messages(opts.lang);
  // Markdown is often printed to a terminal (`report --format markdown`): control characters in any name
  // are made visible first, then escaped as Markdown.
  const sec = buildRunSections(terminalSafeDeep(report));
  return [
    ...titleLines(sec, m),
    ...aboutLines(sec, m),
    ...environmentLines(sec, m),
    ...configurationLines(sec, m),
    ...resultLines(sec, m),
    ...responseTimeLines(sec, m),
    ...llmLines(sec, m),
    ...endpointLines(sec, m),
    ...serverLines(sec, m),
    ...outcomeTableLines(sec, m),
    ...runnerLines(terminalSafeDeep(report.summary), m),
    ...listLines(
      m.section.observations,
      sec.observations.map((o) => richToMarkdown(m.observation(o))),
    ),
    ...listLines(
      m.study.recommendations,
      sec.recommendations.map((r) => richToMarkdown(m.study.recommendation(r))),
    ),
    ...listLines(
      m.section.notes,
      sec.notes.map((n) => escapeMarkdown(n)),
    ),
    `<sub>${escapeMarkdown(m.generatedBy(sec.environment.loadctl ?? opts.version ?? '?'))}</sub>`,
    '',
  ].join('\n');
}
