// JUnit XML of a comparison (`loadctl compare … --format junit`): one suite "compare" with a test case per
// regression rule and side, per threshold and side, and per side's runs. A failed rule carries the observed
// change against its limit; a rule that could not be judged is <skipped> with the reason (CI shows it as
// neither green nor red, which is what it is); a threshold a side's runs broke fails. Names stay English
// (CI history keys on them). Written by renderJUnit, so it reads like a single run's file. Pure.
import { metricAlias, type Comparison, type MetricRow, type SideSummary } from '../compare/compare.js';
import type { GateResult } from '../compare/gate.js';
import { formatDelta, formatValue, thresholdIsTime } from './compare-table.js';
import { compareWords } from './compare-words.js';
import { formatCount, formatMs, formatPercent } from './units.js';
import { renderJUnit, type JUnitCase, type JUnitSuite } from './junit.js';

const sign = (n: number) => (n > 0 ? `+${n}` : String(n));

/** "p95>+10%" as a limit: "> +10%", or "> +0.5pp". */
function limitText(g: GateResult): string {
  const value = Number((g.rule.limit * 100).toFixed(6));
  return `${g.rule.op} ${sign(value)}${g.rule.unit}`;
}

function findRow(c: Comparison, g: GateResult): MetricRow | undefined {
  const rows =
    g.rule.endpoint === undefined
      ? [...c.overall, ...c.server]
      : c.endpoints.find((e) => e.name === g.rule.endpoint)?.rows;
  return rows?.find((r) => r.key === g.rule.metric);
}

function gateCase(c: Comparison, g: GateResult, classname: string): JUnitCase {
  const name = `${g.rule.text} · ${g.side}`;
  const base = c.sides[c.baseline]?.label ?? '';
  if (g.status === 'unjudged' || g.delta === undefined)
    return { name, classname, skipped: { message: `not judged: ${g.reason ?? 'no value on both sides'}` } };
  const kind = g.rule.unit === 'pp' ? 'points' : 'relative';
  const change = formatDelta(kind, g.delta);
  const row = findRow(c, g);
  const side = c.sides.findIndex((s) => s.label === g.side);
  const cell = row?.cells[side];
  const what = `${metricAlias(g.rule.metric)}${g.rule.endpoint ? ` of ${g.rule.endpoint}` : ''}`;
  const detail = [
    `rule: ${g.rule.text}`,
    `side: ${g.side}, against the baseline ${base}`,
    ...(row
      ? [
          `baseline ${base}: ${formatValue(row.unit, row.cells[c.baseline]?.value ?? null)}`,
          `${g.side}: ${formatValue(row.unit, cell?.value ?? null)}`,
        ]
      : []),
    `change: ${change} (${g.verdict ?? 'unknown'}), limit ${limitText(g)}`,
    ...(cell?.ci ? [`95% CI: ${formatDelta(kind, cell.ci[0])} … ${formatDelta(kind, cell.ci[1])}`] : []),
    ...(cell?.basis
      ? [
          cell.basis.kind === 'requests'
            ? `a test for proportions on ${cell.basis.pairs} requests or checks`
            : `noise from ${cell.basis.pairs} paired ${cell.basis.kind}`,
        ]
      : []),
  ].join('\n');
  if (g.status === 'inconclusive')
    return {
      name,
      classname,
      error: { type: 'inconclusive', message: `${g.rule.text} ${g.reason ?? 'inconclusive'}`, detail },
    };
  if (g.status === 'failed')
    return {
      name,
      classname,
      failure: {
        type: 'regression',
        message: `${what} ${change} against ${base}, limit ${limitText(g)}: significant`,
        detail,
      },
    };
  return { name, classname, systemOut: detail };
}

function thresholdObserved(observed: number | undefined, time: boolean): string {
  if (observed === undefined) return 'no samples';
  return time ? formatMs(observed) : observed <= 1 ? formatPercent(observed) : formatCount(observed);
}

function thresholdCases(c: Comparison, classname: string): JUnitCase[] {
  return c.thresholds.flatMap((t) =>
    c.sides.map((s, i): JUnitCase => {
      const name = `${t.metric} ${t.expression} · ${s.label}`;
      const cell = t.cells[i];
      if (!cell) return { name, classname, skipped: { message: `no run of ${s.label} has this threshold` } };
      if (cell.ok) return { name, classname };
      const observed = thresholdObserved(cell.observed, thresholdIsTime(t));
      const runs = cell.runs > 1 ? ` in ${cell.failedRuns} of ${cell.runs} runs` : '';
      return {
        name,
        classname,
        failure: {
          type: 'threshold',
          message: `observed ${observed}, threshold ${t.expression}${runs}`,
          detail: [
            `metric: ${t.metric}`,
            `threshold: ${t.expression}`,
            `side: ${s.label} (runs ${s.runIds.join(', ')})`,
            `observed: ${observed}${cell.runs > 1 ? ' (mean over the runs)' : ''}`,
            `failed in ${cell.failedRuns} of ${cell.runs} run${cell.runs === 1 ? '' : 's'}`,
          ].join('\n'),
        },
      };
    }),
  );
}

const UNJUDGED_OUTCOMES = new Set(['k6-error', 'interrupted', 'generator-saturated']);

/** One case per side: an error when a run of it could not be judged (k6 failed, interrupted, saturated). */
function runCase(s: SideSummary, classname: string): JUnitCase {
  const broken = s.runIds
    .map((id, k) => ({ id, kind: s.outcomes[k] ?? '' }))
    .filter((r) => UNJUDGED_OUTCOMES.has(r.kind));
  const name = `runs · ${s.label}`;
  if (broken.length === 0) return { name, classname };
  const lines = broken.map((r) => `${r.id}: ${r.kind}`);
  return {
    name,
    classname,
    error: { type: broken[0]?.kind ?? 'run', message: lines.join('; '), detail: lines.join('\n') },
  };
}

const num = (v: number) => String(Number(v.toFixed(3)));

/** The server rows as properties: server.<row>.<side> = the value (% or bytes), and its change and verdict. */
function serverProperties(c: Comparison): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of c.server)
    r.cells.forEach((cell, i) => {
      const side = c.sides[i]?.label ?? String(i);
      if (cell.value !== null) out[`server.${r.key}.${side}`] = num(cell.value);
      if (cell.delta !== undefined)
        out[`server.${r.key}.${side}.change`] =
          `${formatDelta(r.delta, cell.delta)}${r.judged ? ` ${cell.verdict ?? 'unknown'}` : ''}`;
    });
  const shared = compareWords('en').sharedMachine(c);
  if (shared) out['server.note'] = shared;
  return out;
}

export function compareJUnitSuite(c: Comparison, gate: readonly GateResult[] = []): JUnitSuite {
  const base = `loadctl.${c.plan}.compare`;
  const time = c.sides.reduce((a, s) => a + (s.durationMs * s.runIds.length) / 1000, 0);
  return {
    name: 'compare',
    time,
    properties: {
      plan: c.plan,
      baseline: c.sides[c.baseline]?.label ?? '',
      sides: c.sides.map((s) => s.label).join(','),
      runs: c.sides.map((s) => `${s.label}=${s.runIds.join('+')}`).join(','),
      noise: c.method.noise,
      rounds: String(c.method.rounds),
      ...serverProperties(c),
    },
    cases: [
      ...gate.map((g) => gateCase(c, g, `${base}.gate`)),
      ...thresholdCases(c, `${base}.thresholds`),
      ...c.sides.map((s) => runCase(s, `${base}.runs`)),
    ],
  };
}

export function renderCompareJUnit(
  c: Comparison,
  opts: { gate?: readonly GateResult[] | undefined } = {},
): string {
  return renderJUnit(`loadctl compare ${c.plan} ${c.sides.map((s) => s.label).join(' vs ')}`, [
    compareJUnitSuite(c, opts.gate ?? []),
  ]);
}
