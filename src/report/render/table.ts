// The printed end-of-run summary. A pure function of the summary: colour and width are parameters.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { describeOutcome } from '../model/outcome.js';
import { TABLE_WORDS, type TableLang } from './table-words.js';
import type { RunSummary, ThresholdSummary } from '../model/summary.js';

export interface RenderOptions {
  color: boolean;
  /** Terminal width; long names are cut to fit. */
  width?: number;
  /** Where the run's files are, shown at the end. */
  runDir?: string;
  k6Version?: string;
  /** Language of the headings (`--lang`); English by default. */
  lang?: TableLang;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1) return `${(ms * 1000).toFixed(0)}µs`;
  if (ms < 10) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${ms.toFixed(1)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1);
}

export function formatPercent(fraction: number): string {
  if (fraction > 0 && fraction < 0.0001) return '<0.01%';
  return `${(fraction * 100).toFixed(2)}%`;
}

/** An observed value in the unit of its threshold's metric. */
export function formatObserved(t: ThresholdSummary, contains: string | undefined, type?: string): string {
  if (t.observed === undefined) return 'no samples';
  // A counter's rate is per second; a Rate metric's rate is a share.
  if (t.stat === 'rate')
    return type === 'counter' ? `${formatRate(t.observed)}/s` : formatPercent(t.observed);
  if (t.stat === 'count') return formatCount(t.observed);
  if (contains === 'time') return formatMs(t.observed);
  return Number.isInteger(t.observed) ? String(t.observed) : t.observed.toFixed(3);
}

/** A borderless table with a rule under the header: the look of every table loadctl prints. */
export function plainTable(head: string[], aligns: Array<'left' | 'right'>): Table.Table {
  return new Table({
    head,
    colAligns: aligns,
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '─',
      'mid-mid': '─',
      right: '',
      'right-mid': '',
      middle: ' ',
    },
  });
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function outcomeLine(s: RunSummary, c: ChalkInstance): string {
  const text = describeOutcome(s.outcome);
  switch (s.outcome.kind) {
    case 'passed':
      return c.green.bold(`✓ ${text.toUpperCase()}`);
    case 'interrupted':
      return c.yellow.bold(`⚠ ${text}`);
    case 'generator-saturated':
      return c.red.bold(`⚠ ${text}`);
    default:
      return c.red.bold(`✗ ${text}`);
  }
}

export function renderSummaryTable(s: RunSummary, opts: RenderOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const w = TABLE_WORDS[opts.lang ?? 'en'];
  const width = opts.width ?? 100;
  const nameWidth = Math.max(12, Math.min(40, width - 75));
  const lines: string[] = [];
  const seconds = s.durationMs / 1000;

  lines.push(
    c.bold(`${s.plan}`) +
      ` · target ${s.target.name} (${s.target.url})${s.profile ? ` · profile ${s.profile}` : ''} · run ${s.runId}`,
  );
  const t = s.totals;
  const checksTotal = t.checksPassed + t.checksFailed;
  lines.push(
    [
      opts.k6Version ? `k6 ${opts.k6Version}` : undefined,
      `${seconds.toFixed(1)}s`,
      t.vusMax > 0 ? `${t.vusMax} VUs max` : undefined,
      `${formatCount(t.iterations)} iterations`,
      `${formatCount(t.requests)} requests (${formatRate(t.rps)}/s)`,
      `${formatPercent(t.errorRate)} failed`,
      checksTotal > 0
        ? `checks ${formatPercent(t.checksPassed / checksTotal)} (${formatCount(t.checksPassed)}/${formatCount(checksTotal)})`
        : undefined,
      t.droppedIterations > 0
        ? c.yellow(`${formatCount(t.droppedIterations)} dropped iterations`)
        : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
  );
  lines.push('');
  // Before any number, so nobody reads the generator's limits as the target's.
  if (s.generator.saturated) {
    lines.push(c.red.bold('⚠ generator saturated — results not valid for the target'));
    for (const r of s.generator.reasons)
      lines.push(` ${c.red('✗')} ${r.kind}: ${r.detail}`, `     fix: ${r.fix}`);
    lines.push('');
  }

  const table = plainTable(
    [w.endpoint, w.requests, w.rps, 'p50', 'p90', 'p95', 'p99', 'max', w.errors, w.statuses].map((h) =>
      c.bold(h),
    ),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
  const row = (
    name: string,
    requests: number,
    rps: number,
    d: Record<string, number>,
    errorRate: number,
    statuses: string,
  ) => [
    cut(name, nameWidth),
    formatCount(requests),
    formatRate(rps),
    formatMs(d['med'] ?? d['p(50)']),
    formatMs(d['p(90)']),
    formatMs(d['p(95)']),
    formatMs(d['p(99)']),
    formatMs(d['max']),
    errorRate > 0 ? c.red(formatPercent(errorRate)) : formatPercent(errorRate),
    statuses,
  ];
  for (const e of s.endpoints) {
    const statuses = Object.entries(e.statuses)
      .filter(([, n]) => n > 0)
      .map(([code, n]) => `${code}: ${formatCount(n)}`)
      .join(' · ');
    table.push(row(e.name, e.requests, e.rps, e.duration, e.errorRate, statuses));
  }
  table.push(row(c.bold(w.all), t.requests, t.rps, s.latency, t.errorRate, ''));
  lines.push(table.toString());

  if (s.thresholds.length > 0) {
    lines.push('', c.bold(w.thresholds));
    const th = plainTable(['', w.metric, w.threshold, w.observed], ['left', 'left', 'left', 'right']);
    for (const x of s.thresholds) {
      const metric = s.metrics[x.metric.split('{')[0] ?? ''];
      th.push([
        x.ok ? c.green('✓') : c.red('✗'),
        cut(x.metric, nameWidth + 20),
        x.expression + (x.abortOnFail ? ' (abortOnFail)' : ''),
        formatObserved(x, metric?.contains, metric?.type),
      ]);
    }
    lines.push(th.toString());
  }

  if (s.checks.length > 0) {
    lines.push('', c.bold(w.checks));
    const ch = plainTable(['', w.check, w.passed], ['left', 'left', 'right']);
    for (const x of s.checks) {
      const total = x.passes + x.fails;
      const group = x.group ? `${x.group.replace(/^::/, '').replaceAll('::', ' › ')} › ` : '';
      ch.push([
        x.fails === 0 ? c.green('✓') : c.red('✗'),
        cut(group + x.name, nameWidth + 30),
        `${formatPercent(total ? x.passes / total : 1)} (${formatCount(x.passes)}/${formatCount(total)})`,
      ]);
    }
    lines.push(ch.toString());
  }

  const custom = Object.entries(s.metrics).filter(([name]) => !BUILTIN_METRICS.has(name));
  if (custom.length > 0) {
    lines.push('', c.bold(w.customMetrics));
    const cm = plainTable([w.metric, w.type, w.value], ['left', 'left', 'left']);
    for (const [name, m] of custom) cm.push([name, m.type, describeMetric(m.type, m.contains, m.values)]);
    lines.push(cm.toString());
  }

  if (s.invariants.length > 0) {
    lines.push('', c.bold(w.invariants));
    for (const inv of s.invariants)
      lines.push(` ${inv.ok ? c.green('✓') : c.red('✗')} ${inv.name}: ${inv.detail}`);
  }

  for (const note of s.notes) lines.push(c.yellow(`note: ${note}`));
  lines.push('', outcomeLine(s, c));
  if (opts.runDir) lines.push(`results: ${opts.runDir}`);
  return `${lines.join('\n')}\n`;
}

/** k6's built-in metrics (and loadctl's own): everything else in a summary is a plan's custom metric. */
export const BUILTIN_METRICS: ReadonlySet<string> = new Set([
  'http_reqs',
  'http_req_failed',
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'iteration_duration',
  'group_duration',
  'iterations',
  'dropped_iterations',
  'data_sent',
  'data_received',
  'checks',
  'vus',
  'vus_max',
  'loadctl_flow_aborted',
]);

export function describeMetric(type: string, contains: string, v: Record<string, number>): string {
  const fmt = (x: number | undefined) =>
    contains === 'time'
      ? formatMs(x)
      : x === undefined
        ? '–'
        : Number.isInteger(x)
          ? formatCount(x)
          : x.toFixed(2);
  switch (type) {
    case 'counter':
      return `${fmt(v['count'])} (${formatRate(v['rate'] ?? 0)}/s)`;
    case 'rate':
      return `${formatPercent(v['rate'] ?? 0)} (${formatCount(v['passes'] ?? 0)} of ${formatCount((v['passes'] ?? 0) + (v['fails'] ?? 0))})`;
    case 'gauge':
      return `${fmt(v['value'])} (min ${fmt(v['min'])}, max ${fmt(v['max'])})`;
    default:
      return `avg ${fmt(v['avg'])} · p50 ${fmt(v['med'])} · p95 ${fmt(v['p(95)'])} · max ${fmt(v['max'])}`;
  }
}
