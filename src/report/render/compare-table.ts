// A comparison as text: the terminal tables and the Markdown a pull request comment takes. Pure; colour is a
// parameter, printing is the caller's.
import { Chalk, type ChalkInstance } from 'chalk';
import { terminalSafeDeep } from '../../terminal-safe.js';
import type { Cell, Comparison, MetricRow, SideSummary, ThresholdRow } from '../compare/compare.js';
import type { GateResult } from '../compare/gate.js';
import { compareWords } from './compare-words.js';
import { markdownCode } from './escape.js';
import { plainTable } from './plain-table.js';
import { formatBytes, formatCount, formatGrouped, formatMs, formatPercent, formatRate } from './units.js';

export interface CompareRenderOptions {
  color: boolean;
  gate?: readonly GateResult[];
}

const MARK = { better: '✓', worse: '✗', same: '≈', unknown: '?' } as const;

export function formatValue(unit: MetricRow['unit'], v: number | null): string {
  if (v === null) return '–';
  switch (unit) {
    case 'ms':
      return formatMs(v);
    case 'count':
      return formatCount(v);
    case 'rps':
      return formatRate(v);
    case 'fraction':
      return formatPercent(v);
    case 'number':
      return Number.isInteger(v) ? formatCount(v) : v.toFixed(3);
    case 'percent':
      return `${formatGrouped(v, 1)}%`;
    case 'bytes':
      return formatBytes(Math.round(v));
  }
}

export function formatDelta(kind: MetricRow['delta'], delta: number): string {
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const abs = Math.abs(delta) * 100;
  if (kind === 'points') return `${sign}${abs.toFixed(2)}pp`;
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return `${sign}${formatGrouped(abs, digits)}%`;
}

function deltaText(row: MetricRow, cell: Cell): string {
  if (cell.delta === undefined) return '';
  // A number shown but never judged (max) carries no mark: neither ≈ nor ? would be true of it.
  if (!row.judged) return `${formatDelta(row.delta, cell.delta)}  `;
  return `${formatDelta(row.delta, cell.delta)} ${MARK[cell.verdict ?? 'unknown']}`;
}

/** The smallest change the number could have shown here (cell.detectable), as "±18%"; blank when not judged. */
export function detectableText(row: MetricRow, cell: Cell): string {
  if (cell.needs !== undefined) return `needs ~${formatGrouped(cell.needs, 0)} req`;
  if (cell.detectable === undefined) return '';
  return formatDelta(row.delta, cell.detectable).replace(/^\+/, '±');
}

function paint(c: ChalkInstance, cell: Cell, text: string): string {
  switch (cell.verdict) {
    case 'better':
      return c.green(text);
    case 'worse':
      return c.red(text);
    default:
      return c.dim(text);
  }
}

function hostLine(s: SideSummary): string {
  const h = s.facts.host;
  return h ? `${h.arch} · ${h.cpuModel} · ${h.cores} cores` : 'unknown';
}

function sideHeading(c: Comparison, i: number): string {
  const s = c.sides[i] as SideSummary;
  return i === c.baseline ? `${s.label} (baseline)` : s.label;
}

function runsLine(s: SideSummary): string {
  const outcomes = [...new Set(s.outcomes)];
  return `${s.runIds.length} run${s.runIds.length === 1 ? '' : 's'}, ${outcomes.join('/')}`;
}

/** How many of a side's numbers (overall and per endpoint) got a verdict: ✓, ✗ or ≈. */
export function judgedCount(c: Comparison, i: number): number {
  const rows = [...c.overall, ...c.server, ...c.endpoints.flatMap((e) => e.rows), ...c.custom];
  return rows.filter((r) => {
    const v = r.cells[i]?.verdict;
    return v === 'better' || v === 'worse' || v === 'same';
  }).length;
}

/** One line per side but the baseline: what got worse and what got better, significantly. */
export function headlines(c: Comparison): string[] {
  const base = c.sides[c.baseline]?.label ?? '';
  return c.sides.flatMap((s, i) => {
    if (i === c.baseline) return [];
    const pick = (v: 'better' | 'worse') =>
      [...c.overall, ...c.server]
        .filter((r) => r.cells[i]?.verdict === v)
        .map((r) => `${r.label} ${formatDelta(r.delta, r.cells[i]?.delta ?? 0)}`);
    const worse = pick('worse');
    const better = pick('better');
    const judged = judgedCount(c, i);
    const endpointsWorse = c.endpoints
      .filter((e) => e.rows.some((r) => r.cells[i]?.verdict === 'worse'))
      .map((e) => e.name);
    const parts: string[] = [];
    if (worse.length) parts.push(`worse: ${worse.join(', ')}`);
    if (better.length) parts.push(`better: ${better.join(', ')}`);
    if (!worse.length && !better.length)
      parts.push(
        judged === 0
          ? 'not judged (no noise estimate)'
          : `no significant difference in ${judged} judged number${judged === 1 ? '' : 's'}`,
      );
    if (endpointsWorse.length) parts.push(`endpoints worse: ${endpointsWorse.join(', ')}`);
    return [`${s.label} vs ${base}: ${parts.join('; ')}`];
  });
}

// The terminal and Markdown speak the English words of the HTML report.
const methodLine = (c: Comparison): string => compareWords('en').method(c);
const LEGEND = compareWords('en').legend;
const EN = compareWords('en');

/** Whether the comparison has server figures to show (a side without them says so). */
export function hasServer(c: Comparison): boolean {
  return c.server.length > 0 || c.sides.some((s) => s.server.sources !== null);
}

function thresholdCell(t: ThresholdRow['cells'][number], unitMs: boolean): string {
  if (t === null) return '–';
  if (t.noData) return 'no data';
  const observed =
    t.observed === undefined
      ? 'no data'
      : unitMs
        ? formatMs(t.observed)
        : t.observed <= 1
          ? formatPercent(t.observed)
          : formatCount(t.observed);
  const runs = t.runs > 1 ? ` (${t.runs - t.failedRuns}/${t.runs})` : '';
  return `${observed} ${t.ok ? '✓' : '✗'}${runs}`;
}

/** Whether a threshold's observed value is a time (else a share or a count). */
export function thresholdIsTime(t: ThresholdRow): boolean {
  return !/^(rate|count)/.test(t.stat) && !/_failed|^checks/.test(t.metric);
}

function gateLines(gate: readonly GateResult[], code: (text: string) => string = (t) => t): string[] {
  return gate.map((g) => {
    const delta =
      g.delta === undefined ? '' : ` ${formatDelta(g.rule.unit === 'pp' ? 'points' : 'relative', g.delta)}`;
    const mark = g.status === 'failed' ? '✗' : g.status === 'passed' ? '✓' : '?';
    const why =
      g.status === 'unjudged'
        ? ` — not judged: ${g.reason ?? ''}`
        : g.status === 'inconclusive'
          ? ` — ${g.reason ?? 'inconclusive'}`
          : g.status === 'failed'
            ? ' — significant, over the limit'
            : g.verdict === 'same'
              ? ' (≈ within the noise)'
              : '';
    return `${mark} ${code(g.rule.text)} · ${g.side}:${delta}${why}`;
  });
}

function metricTable(c: Comparison, rows: readonly MetricRow[], ch: ChalkInstance): string {
  const head = ['metric'];
  const aligns: Array<'left' | 'right'> = ['left'];
  c.sides.forEach((_s, i) => {
    head.push(sideHeading(c, i));
    aligns.push('right');
    if (i !== c.baseline) {
      head.push('Δ', 'detectable');
      aligns.push('right', 'right');
    }
  });
  const table = plainTable(head, aligns);
  for (const r of rows) {
    const line = [r.label];
    r.cells.forEach((cell, i) => {
      line.push(formatValue(r.unit, cell.value));
      if (i !== c.baseline) line.push(paint(ch, cell, deltaText(r, cell)), ch.dim(detectableText(r, cell)));
    });
    table.push(line);
  }
  return table.toString();
}

export function renderCompareTable(comparison: Comparison, opts: CompareRenderOptions): string {
  // Names in stored runs (plan, labels, endpoints, URLs, thresholds) are made visible before drawing.
  const c = terminalSafeDeep(comparison);
  opts = { ...opts, gate: terminalSafeDeep(opts.gate) };
  const ch = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  const within = c.by ? ` · run ${c.by.run} by tag ${c.by.tag}` : '';
  out.push(ch.bold(`compare ${c.plan}${within} · baseline ${c.sides[c.baseline]?.label ?? ''}`));
  for (const h of headlines(c)) out.push(`  ${h}`);
  const shared = EN.sharedMachine(c);
  if (shared) out.push(ch.yellow(`  ⚠ ${shared}`));
  out.push('');

  const facts = plainTable(
    ['', ...c.sides.map((_s, i) => sideHeading(c, i))],
    ['left', ...c.sides.map(() => 'left' as const)],
  );
  facts.push(['target', ...c.sides.map((s) => s.url)]);
  if (c.sides.some((s) => s.facts.targetDescription))
    facts.push(['described', ...c.sides.map((s) => s.facts.targetDescription ?? '')]);
  facts.push(['generator', ...c.sides.map(hostLine)]);
  facts.push(['k6', ...c.sides.map((s) => s.facts.k6Version ?? 'unknown')]);
  facts.push(['runs', ...c.sides.map(runsLine)]);
  if (hasServer(c)) facts.push(['server', ...c.sides.map(EN.serverSource)]);
  out.push(facts.toString(), '');

  out.push(ch.bold('overall'), metricTable(c, c.overall, ch), '');
  if (c.server.length > 0)
    out.push(ch.bold('server'), metricTable(c, c.server, ch), ch.dim(EN.serverLegend), '');
  for (const e of c.endpoints) out.push(ch.bold(`endpoint ${e.name}`), metricTable(c, e.rows, ch), '');
  if (c.custom.length > 0) out.push(ch.bold('custom metrics'), metricTable(c, c.custom, ch), '');
  if (c.thresholds.length > 0) {
    const t = plainTable(
      ['threshold', ...c.sides.map((_s, i) => sideHeading(c, i))],
      ['left', ...c.sides.map(() => 'right' as const)],
    );
    for (const th of c.thresholds)
      t.push([
        `${th.metric} ${th.expression}`,
        ...th.cells.map((cell) => thresholdCell(cell, thresholdIsTime(th))),
      ]);
    out.push(ch.bold('thresholds'), t.toString(), '');
  }
  out.push(ch.dim(LEGEND), ch.dim(methodLine(c)));
  for (const n of c.notes) out.push(ch.yellow(`⚠ ${n}`));
  if (opts.gate && opts.gate.length > 0) {
    out.push('', ch.bold('regression gate'));
    for (const line of gateLines(opts.gate))
      out.push(`  ${line.startsWith('✗') ? ch.red(line) : line.startsWith('?') ? ch.yellow(line) : line}`);
  }
  return `${out.join('\n')}\n`;
}

function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|#]/g, (ch) => `\\${ch}`);
}

function mdTable(head: string[], rows: string[][], right: boolean[]): string {
  const lines = [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_h, i) => (right[i] ? '---:' : ':---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  return lines.join('\n');
}

function mdMetricTable(c: Comparison, rows: readonly MetricRow[]): string {
  const head = ['metric'];
  const right = [false];
  c.sides.forEach((_s, i) => {
    head.push(mdEscape(sideHeading(c, i)));
    right.push(true);
    if (i !== c.baseline) {
      head.push('Δ', 'detectable');
      right.push(true, true);
    }
  });
  const body = rows.map((r) => {
    const line = [mdEscape(r.label)];
    r.cells.forEach((cell, i) => {
      line.push(formatValue(r.unit, cell.value));
      if (i !== c.baseline) {
        const text = deltaText(r, cell);
        line.push(cell.verdict === 'better' || cell.verdict === 'worse' ? `**${text}**` : text);
        line.push(detectableText(r, cell));
      }
    });
    return line;
  });
  return mdTable(head, body, right);
}

export function renderCompareMarkdown(
  comparison: Comparison,
  options: { gate?: readonly GateResult[] } = {},
): string {
  const c = terminalSafeDeep(comparison);
  const opts = { gate: terminalSafeDeep(options.gate) };
  const out: string[] = [];
  const within = c.by ? ` (run ${markdownCode(c.by.run, true)} by tag ${mdEscape(c.by.tag)})` : '';
  out.push(`### loadctl compare: ${mdEscape(c.plan)}${within}`, '');
  for (const h of headlines(c)) out.push(`- ${mdEscape(h)}`);
  const shared = EN.sharedMachine(c);
  if (shared) out.push('', `> ⚠ ${mdEscape(shared)}`);
  out.push('');
  out.push(
    mdTable(
      ['', ...c.sides.map((_s, i) => mdEscape(sideHeading(c, i)))],
      [
        ['target', ...c.sides.map((s) => markdownCode(s.url, true))],
        ['generator', ...c.sides.map((s) => mdEscape(hostLine(s)))],
        ['k6', ...c.sides.map((s) => mdEscape(s.facts.k6Version ?? 'unknown'))],
        ['runs', ...c.sides.map((s) => s.runIds.map((id) => markdownCode(id, true)).join(', '))],
        ['outcome', ...c.sides.map((s) => [...new Set(s.outcomes)].join(', '))],
        ...(hasServer(c) ? [['server', ...c.sides.map((s) => mdEscape(EN.serverSource(s)))]] : []),
      ],
      c.sides.map(() => false).concat(false),
    ),
    '',
  );
  out.push('#### Overall', '', mdMetricTable(c, c.overall), '');
  if (c.server.length > 0)
    out.push(
      '#### Server',
      '',
      mdMetricTable(c, c.server),
      '',
      `<sub>${mdEscape(EN.serverLegend)}</sub>`,
      '',
    );
  for (const e of c.endpoints)
    out.push(`#### Endpoint ${markdownCode(e.name)}`, '', mdMetricTable(c, e.rows), '');
  if (c.custom.length > 0) out.push('#### Custom metrics', '', mdMetricTable(c, c.custom), '');
  if (c.thresholds.length > 0) {
    out.push(
      '#### Thresholds',
      '',
      mdTable(
        ['threshold', ...c.sides.map((_s, i) => mdEscape(sideHeading(c, i)))],
        c.thresholds.map((th) => [
          markdownCode(`${th.metric} ${th.expression}`, true),
          ...th.cells.map((cell) => thresholdCell(cell, thresholdIsTime(th))),
        ]),
        [false, ...c.sides.map(() => true)],
      ),
      '',
    );
  }
  if (opts.gate && opts.gate.length > 0) {
    out.push('#### Regression gate', '');
    for (const line of gateLines(opts.gate, (t) => `\`${t.replace(/`/g, "'")}\``)) out.push(`- ${line}`);
    out.push('');
  }
  out.push(`<sub>${mdEscape(LEGEND)}. ${mdEscape(methodLine(c))}.</sub>`);
  for (const n of c.notes) out.push('', `> ⚠ ${n.replace(/[<>|]/g, (ch) => `\\${ch}`)}`);
  return `${out.join('\n')}\n`;
}
