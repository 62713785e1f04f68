// The printed end-of-run summary: the terminal drawing of the run report's sections. A pure function of the
// summary: colour and width are parameters.
import { Chalk, type ChalkInstance } from 'chalk';
import { terminalSafe, terminalSafeDeep } from '../../terminal-safe.js';
import { describeOutcome } from '../model/outcome.js';
import { buildRunSections, type EndpointTotal, type RunSections } from '../model/sections.js';
import type { RunSummary } from '../model/summary.js';
import { plainTable } from './plain-table.js';
import { LLM_WORDS, llmRows, type LlmWords } from './llm-words.js';
import { serverTerminalLines } from './server-table.js';
import { richToText } from './rich.js';
import { SERVER_WORDS } from './server-words.js';
import { STUDY_WORDS, type StudyWords } from './study-words.js';
import { TABLE_WORDS, type TableLang, type TableWords } from './table-words.js';
import { formatCount, formatPercent, formatRate } from './units.js';
import {
  declaredStatusText,
  describeMetric,
  endpointFigureCells,
  formatObserved,
  runnerCells,
} from './values.js';

export interface RenderOptions {
  color: boolean;
  /** Terminal width; long names are cut to fit. */
  width?: number;
  /** Where the run's files are, shown at the end. */
  runDir?: string;
  k6Version?: string;
  /** Language of the headings (`--lang`); English by default. */
  lang?: TableLang;
  /** Each runner's row even when none failed (`run --per-runner`). */
  perRunner?: boolean;
  /** The target is the built-in demo (meta.json's target.demo): it shares this machine. */
  demo?: boolean;
  /** The command line's overrides of the plan, as typed (`--vus 50 --duration 30s`). */
  overrides?: string;
  /** The plan's `about:` facts, shown under the header. */
  about?: Readonly<Record<string, string | number | boolean>>;
}

interface Draw {
  c: ChalkInstance;
  w: TableWords;
  nameWidth: number;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function outcomeLine(sec: RunSections, c: ChalkInstance): string {
  const text = describeOutcome(sec.outcome);
  switch (sec.outcome.kind) {
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

function headerLines(sec: RunSections, c: ChalkInstance, opts: RenderOptions): string[] {
  const r = sec.run;
  const t = sec.headline;
  const k6Version = opts.k6Version;
  return [
    c.bold(`${r.plan}`) +
      ` · target ${r.target.name} (${r.target.url})${r.profile ? ` · profile ${r.profile}` : ''} · run ${r.runId}`,
    ...(opts.overrides ? [`overrides: ${terminalSafe(opts.overrides)}`] : []),
    [
      k6Version ? `k6 ${k6Version}` : undefined,
      `${(r.durationMs / 1000).toFixed(1)}s`,
      t.vusMax > 0 ? `${t.vusMax} VUs max` : undefined,
      `${formatCount(t.iterations)} iterations`,
      `${formatCount(t.requests)} requests (${formatRate(t.rps)}/s)`,
      `${formatPercent(t.errorRate)} failed`,
      t.checks.total > 0
        ? `checks ${formatPercent(t.checks.passed / t.checks.total)} (${formatCount(t.checks.passed)}/${formatCount(t.checks.total)})`
        : undefined,
      t.droppedIterations > 0
        ? c.yellow(`${formatCount(t.droppedIterations)} dropped iterations`)
        : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
    '',
  ];
}

/** The plan's `about:` facts in one line under the header: what was measured. */
function aboutLines(sec: RunSections, c: ChalkInstance, w: StudyWords): string[] {
  if (sec.about.length === 0) return [];
  return [`${c.bold(w.about)}: ${sec.about.map(([k, v]) => `${k} ${c.bold(v)}`).join(' · ')}`, ''];
}

/** The first recommendation: the one to act on. */
function nextStepLines(sec: RunSections, c: ChalkInstance, w: StudyWords): string[] {
  const first = sec.recommendations[0];
  return first ? ['', `${c.bold(`→ ${w.nextStep}`)}: ${richToText(w.recommendation(first))}`] : [];
}

// Before any number, so nobody reads the generator's limits as the target's.
function saturationLines(sec: RunSections, c: ChalkInstance): string[] {
  if (!sec.generator.saturated) return [];
  const lines = [c.red.bold('⚠ generator saturated — results not valid for the target')];
  for (const r of sec.generator.reasons)
    lines.push(` ${c.red('✗')} ${r.kind}: ${r.detail}`, `     fix: ${r.fix}`);
  return [...lines, ''];
}

function endpointTable(sec: RunSections, { c, w, nameWidth }: Draw): string {
  const table = plainTable(
    [w.endpoint, w.requests, w.rps, 'p50', 'p90', 'p95', 'p99', 'max', w.errors, w.statuses].map((h) =>
      c.bold(h),
    ),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
  const row = (name: string, e: EndpointTotal, statuses: string) => [
    cut(name, nameWidth),
    ...endpointFigureCells(e),
    e.errorRate > 0 ? c.red(formatPercent(e.errorRate)) : formatPercent(e.errorRate),
    statuses,
  ];
  for (const e of sec.endpoints) table.push(row(e.name, e, declaredStatusText(e)));
  table.push(row(c.bold(w.all), sec.endpointTotal, ''));
  return table.toString();
}

function thresholdLines(sec: RunSections, { c, w, nameWidth }: Draw): string[] {
  if (sec.thresholds.length === 0) return [];
  const th = plainTable(['', w.metric, w.threshold, w.observed], ['left', 'left', 'left', 'right']);
  for (const x of sec.thresholds)
    th.push([
      // No sample, no verdict: k6 does not evaluate such a threshold, so neither ✓ nor ✗ would be true.
      x.noData ? c.dim('–') : x.ok ? c.green('✓') : c.red('✗'),
      cut(x.metric, nameWidth + 20),
      x.expression + (x.window ? ` ${w.overWindow(x.window)}` : '') + (x.abortOnFail ? ' (abortOnFail)' : ''),
      formatObserved(x, x.unit),
    ]);
  return ['', c.bold(w.thresholds), th.toString()];
}

function checkLines(sec: RunSections, { c, w, nameWidth }: Draw): string[] {
  if (sec.checks.length === 0) return [];
  const ch = plainTable(['', w.check, w.passed], ['left', 'left', 'right']);
  for (const x of sec.checks) {
    const group = x.group ? `${x.group.replace(/^::/, '').replaceAll('::', ' › ')} › ` : '';
    ch.push([
      x.fails === 0 ? c.green('✓') : c.red('✗'),
      cut(group + x.name, nameWidth + 30),
      `${formatPercent(x.total ? x.passes / x.total : 1)} (${formatCount(x.passes)}/${formatCount(x.total)})`,
    ]);
  }
  return ['', c.bold(w.checks), ch.toString()];
}

function customMetricLines(sec: RunSections, { c, w }: Draw): string[] {
  if (sec.customMetrics.length === 0) return [];
  const cm = plainTable([w.metric, w.type, w.value], ['left', 'left', 'left']);
  for (const m of sec.customMetrics) cm.push([m.name, m.type, describeMetric(m.type, m.contains, m.values)]);
  return ['', c.bold(w.customMetrics), cm.toString()];
}

/** TTFT, TPOT, ITL, E2E, tokens and goodput of stream steps (docs/llm.md). */
function llmLines(sec: RunSections, { c, w }: Draw, words: LlmWords): string[] {
  const rows = llmRows(sec.llm, words);
  if (rows.length === 0) return [];
  const t = plainTable([w.metric, w.value], ['left', 'left']);
  for (const row of rows) t.push(row);
  return ['', c.bold(words.heading), t.toString()];
}

function invariantLines(sec: RunSections, { c, w }: Draw): string[] {
  if (sec.invariants.length === 0) return [];
  return [
    '',
    c.bold(w.invariants),
    ...sec.invariants.map((inv) => ` ${inv.ok ? c.green('✓') : c.red('✗')} ${inv.name}: ${inv.detail}`),
  ];
}

/** Each runner's share and how it ended: with --per-runner, or whenever one of them failed. */
function runnerLines(s: RunSummary, { c, w }: Draw, always: boolean): string[] {
  const rows = s.runners ?? [];
  if (rows.length === 0 || (!always && rows.every((r) => r.problem === null))) return [];
  const t = plainTable(
    [w.runner, w.segment, w.requests, w.iterations, w.errors, 'p95', w.exit],
    ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
  );
  for (const r of rows) {
    const cells = runnerCells(r);
    const end = cells.length - 1;
    t.push(cells.map((x, i) => (i === end && r.problem !== null ? c.red(x) : x)));
  }
  return ['', c.bold(w.runners), t.toString()];
}

export function renderSummaryTable(s: RunSummary, opts: RenderOptions): string {
  // Every name in the summary (plan, endpoints, checks, thresholds, tags, URLs, errors) may hold control
  // characters from the plan or a response; they are made visible before anything is drawn.
  const sec = buildRunSections({
    summary: terminalSafeDeep(s),
    ...(opts.demo !== undefined ? { meta: { target: { demo: opts.demo } } } : {}),
    ...(opts.about ? { plan: { about: terminalSafeDeep(opts.about), scenarios: {}, metrics: {} } } : {}),
  });
  const study = STUDY_WORDS[opts.lang ?? 'en'];
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const width = opts.width ?? 100;
  const draw: Draw = {
    c,
    w: TABLE_WORDS[opts.lang ?? 'en'],
    nameWidth: Math.max(12, Math.min(40, width - 75)),
  };
  const lines = [
    ...headerLines(sec, c, opts),
    ...aboutLines(sec, c, study),
    ...saturationLines(sec, c),
    endpointTable(sec, draw),
    ...llmLines(sec, draw, LLM_WORDS[opts.lang ?? 'en']),
    ...serverTerminalLines(sec.server, SERVER_WORDS[opts.lang ?? 'en'], c),
    ...thresholdLines(sec, draw),
    ...checkLines(sec, draw),
    ...customMetricLines(sec, draw),
    ...invariantLines(sec, draw),
    ...runnerLines(terminalSafeDeep(s), draw, opts.perRunner === true),
    ...sec.notes.map((note) => c.yellow(`note: ${note}`)),
    ...nextStepLines(sec, c, study),
    '',
    outcomeLine(sec, c),
  ];
  if (opts.runDir) lines.push(`results: ${terminalSafe(opts.runDir)}`);
  return `${lines.join('\n')}\n`;
}
