// What `loadctl breakpoint` prints: the levels, the verdict and the live progress note. Pure: colour is a
// parameter, printing is the caller's.
import { Chalk, type ChalkInstance } from 'chalk';
import { plainTable } from '../report/render/plain-table.js';
import { formatCount, formatMs, formatPercent, formatRate } from '../report/render/units.js';
import { terminalSafe, terminalSafeDeep } from '../terminal-safe.js';
import type { Ramp } from './ramp.js';
import {
  itemName,
  K6_STAT,
  type LatencyStat,
  type LevelNumbers,
  type ScopeNumbers,
  type Slo,
  type StreamTrend,
} from './slo.js';
import type { BreachOut, BreakpointResult, LevelRef, LevelResult, Verdict } from './verdict.js';

export interface BreakpointHeader {
  plan: string;
  target: string;
  slo: Slo;
  ramp: Ramp;
}

function formatTarget(ramp: Pick<Ramp, 'unit'>, target: number): string {
  return ramp.unit === 'VUs' ? `${target} VUs` : `${target}/s`;
}

function formatValue(b: Pick<BreachOut, 'kind'>, v: number): string {
  return b.kind === 'latency' ? formatMs(v) : formatPercent(v);
}

/** The latency the table and the progress line show: the SLO's first latency criterion's (p95 without one). */
interface Shown {
  metric?: StreamTrend;
  stat: LatencyStat;
  label: string;
}

function shownLatency(slo: Slo): Shown {
  const c = slo.criteria.find((x) => x.kind === 'latency');
  if (c?.kind !== 'latency') return { stat: 'p95', label: 'p95' };
  return c.metric === undefined
    ? { stat: c.stat, label: c.stat }
    : { metric: c.metric, stat: c.stat, label: `${c.metric} ${c.stat}` };
}

function latencyOf(
  shown: Shown,
  n: Pick<ScopeNumbers, 'latency' | 'stream'> | undefined,
): number | undefined {
  const stats = shown.metric === undefined ? n?.latency : n?.stream?.[shown.metric];
  return stats?.[K6_STAT[shown.stat]];
}

export function renderBreach(b: BreachOut): string {
  const stat = itemName(b.criterion);
  const where =
    b.endpoints.length > 0
      ? ` (${b.endpoints.map((e) => `${terminalSafe(e.name)} ${formatValue(b, e.observed)}`).join(', ')})`
      : b.worst
        ? ` (worst: ${terminalSafe(b.worst.name)} ${formatValue(b, b.worst.observed)})`
        : '';
  return `${stat} ${formatValue(b, b.observed)}, limit ${formatValue(b, b.limit)}${where}`;
}

function describeLevel(ramp: Pick<Ramp, 'unit'>, l: LevelRef): string {
  const rps = l.rps === null ? '' : ` (${formatRate(l.rps)} req/s)`;
  return `level ${l.level}, ${formatTarget(ramp, l.target)}${rps}`;
}

/** The verdict in one or two lines, the first a person reads. */
export function describeVerdict(v: Verdict, ramp: Pick<Ramp, 'unit' | 'maxVUs'>): string[] {
  const held = v.held ? `held ${describeLevel(ramp, v.held)}` : 'no level held';
  switch (v.kind) {
    case 'found': {
      const what = [...new Set(v.first.map((b) => b.kind))].join(' and ');
      return [
        `breaking point: ${held}; broke at ${describeLevel(ramp, v.broke)}`,
        `${v.first.length > 1 ? 'broke first, together' : 'broke first'}: ${what} — ${v.first.map(renderBreach).join('; ')}`,
        ...(v.held === null ? ['no level held: start lower with --start to see where it still holds'] : []),
        ...(v.generator
          ? [
              `(the generator check fired too, once the target slowed: ${v.generator.map((r) => r.detail).join('; ')})`,
            ]
          : []),
      ];
    }
    case 'not-found':
      return [
        `no breaking point up to the top level: ${held}`,
        'raise --max-rate/--max-vus (or --steps) to search further',
      ];
    case 'generator-saturated':
      return [
        `generator saturated at ${describeLevel(ramp, v.at)} — that is the load generator's limit, not the target's; ${held}`,
        ...v.reasons.map((r) => `  ${r.detail}\n      fix: ${r.fix}`),
        ...(ramp.maxVUs !== undefined &&
        v.reasons.some((r) => r.kind === 'dropped-iterations' || r.kind === 'vus-at-max')
          ? [`  the search's VU pool is --max-vus (${ramp.maxVUs} here)`]
          : []),
      ];
    case 'incomplete':
      return [`no verdict: ${v.reason}; ${held}`];
  }
}

function statusCell(l: LevelResult, c: ChalkInstance): string {
  switch (l.status) {
    case 'held':
      return c.green('held');
    case 'broken':
      return c.red(`✗ ${l.breaches.map(renderBreach).join('; ')}`);
    case 'too-few-requests':
      return c.yellow('too few requests to judge');
    case 'generator':
      return c.yellow('generator saturated');
  }
}

export interface RenderBreakpointOptions {
  color: boolean;
  runDir?: string;
}

export function renderBreakpoint(
  header: BreakpointHeader,
  result: BreakpointResult,
  opts: RenderBreakpointOptions,
): string {
  // The plan, target, scenario and the breaches' names come from the plan: made visible before drawing.
  const h = terminalSafeDeep(header);
  const r = terminalSafeDeep(result);
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const model = h.ramp.model === 'open' ? 'open model, arrival rate' : 'closed model, VUs';
  const lines = [
    c.bold(`${h.plan} against ${h.target}: breaking point of scenario ${h.ramp.scenario} (${model})`),
    `SLO ${h.slo.criteria.map((x) => x.text).join(', ')} · ${h.ramp.levels.length} levels of ${h.ramp.stepMs / 1000}s, ${formatTarget(h.ramp, h.ramp.levels[0]?.target ?? 0)} → ${formatTarget(h.ramp, h.ramp.levels.at(-1)?.target ?? 0)}`,
    '',
  ];
  const shown = shownLatency(h.slo);
  const goodput = h.slo.criteria.some((x) => x.kind === 'goodput');
  const table = plainTable(
    ['level', 'load', 'req/s', 'requests', 'errors', shown.label, ...(goodput ? ['goodput'] : []), 'verdict'],
    ['right', 'right', 'right', 'right', 'right', 'right', ...(goodput ? ['right' as const] : []), 'left'],
  );
  for (const l of r.levels)
    table.push([
      String(l.level),
      formatTarget(h.ramp, l.target),
      l.rps === null ? '–' : formatRate(l.rps),
      formatCount(l.requests),
      l.errorRate === null ? '–' : formatPercent(l.errorRate),
      formatMs(latencyOf(shown, l)),
      ...(goodput ? [l.goodput === undefined ? '–' : formatPercent(l.goodput)] : []),
      statusCell(l, c),
    ]);
  lines.push(r.levels.length > 0 ? table.toString() : '(no level ran)', '');
  const verdict = describeVerdict(r.verdict, h.ramp);
  const mark =
    r.verdict.kind === 'found' || r.verdict.kind === 'not-found' ? c.green.bold('✓ ') : c.yellow.bold('⚠ ');
  lines.push(`${mark}${verdict[0] ?? ''}`, ...verdict.slice(1));
  if (r.server) lines.push(r.server.summary);
  if (opts.runDir)
    lines.push(`results: ${terminalSafe(opts.runDir)} (breakpoint.json, series.json, summary.json)`);
  return `${lines.join('\n')}\n`;
}

/** The live progress line's addition: the level running and its own numbers so far. */
export function renderLevelNote(ramp: Ramp, level: number, n: LevelNumbers | undefined, slo: Slo): string {
  const l = ramp.levels[level];
  if (l === undefined) return '';
  const shown = shownLatency(slo);
  const latency = latencyOf(shown, n);
  const parts = [`level ${level + 1}/${ramp.levels.length} ${formatTarget(ramp, l.target)}`];
  if (latency !== undefined) parts.push(`level ${shown.label} ${formatMs(latency)}`);
  if (n?.errorRate !== undefined) parts.push(`level errors ${formatPercent(n.errorRate)}`);
  if (n?.goodput !== undefined && slo.criteria.some((x) => x.kind === 'goodput'))
    parts.push(`level goodput ${formatPercent(n.goodput)}`);
  return ` · ${parts.join(' · ')}`;
}
