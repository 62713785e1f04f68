// The comparison of runs of one plan: several sides (a target, or one run), one of them the baseline, every
// number with its change against the baseline and a verdict that respects noise. Pure: it reads stored
// summaries (and their meta.json facts), never raw samples.
//
// Noise (docs/compare.md): every run is cut into time batches with exact k6 statistics (./batches.ts). The
// same plan puts the same load in batch k of both runs, so batch k of one side is paired with batch k of the
// baseline (and round i with round i); a difference is called only when the mean paired difference is outside
// its 95 % confidence interval (Student's t) and at least the minimum effect. Without batches, rounds are the
// pairs (three or more needed); without either, the verdict is "unknown", never a guess. A difference is
// called only when it is also a discovery over the whole table (Benjamini–Hochberg), and max never is.
import type { BatchStats, RunBatches } from '../model/batches.js';
import type { EndpointSummary } from '../model/summary.js';
import {
  CHECKS,
  customDefs,
  ERROR_RATE,
  GOODPUT,
  latencyDefs,
  REQUESTS,
  RPS,
  type CompareRun,
  type CompareSideInput,
  type MetricDef,
  type MetricDescription,
} from './metric-defs.js';
import { serverDefs, serverNotes } from './server-defs.js';
import { runNotes, sideSummary, thresholdRows, type SideSummary, type ThresholdRow } from './sides.js';
import {
  benjaminiHochberg,
  detectableShift,
  mean,
  pairedTest,
  proportionTest,
  type Counts,
  type PairedTest,
} from './stats.js';

export { metricAlias } from './metric-defs.js';
export type { CompareRun, CompareSideInput, DeltaKind, RunFacts, Unit } from './metric-defs.js';
export type { SideServer } from './server-defs.js';

export const COMPARE_SCHEMA = 'loadctl.compare/v1';

export type Verdict = 'better' | 'worse' | 'same' | 'unknown';

export interface Cell {
  /** The side's value: the mean over its runs. Null when the side has no such value. */
  value: number | null;
  /** Change against the baseline: a fraction (0.12 = +12 %) or, for shares, points as a fraction (0.005 = +0.5 pp). */
  delta?: number;
  /** 95 % confidence interval of the change, same unit as delta. */
  ci?: [number, number];
  verdict?: Verdict;
  /** How the noise was estimated: paired batches or paired rounds, and how many pairs. */
  basis?: { kind: 'batches' | 'rounds' | 'requests'; pairs: number };
  /** Two-sided p-value of the paired test, before the table-wide control of false alarms. */
  p?: number;
  /** The smallest change (±, delta's unit) found 4 times in 5 here, at least the minimum effect. */
  detectable?: number;
  /** A percentile: the fewest requests above it in any run compared (what its value rests on). */
  tail?: number;
  /** A percentile not judged for want of requests: about this many a run would do. */
  needs?: number;
}

export interface MetricRow extends MetricDescription {
  cells: Cell[];
}

export type { SideSummary, ThresholdRow } from './sides.js';

export interface Comparison {
  schema: typeof COMPARE_SCHEMA;
  plan: string;
  baseline: number;
  sides: SideSummary[];
  overall: MetricRow[];
  endpoints: Array<{ name: string; rows: MetricRow[] }>;
  custom: MetricRow[];
  /** The target's server side (CPU, memory, requests per CPU-second, CPU % per 1,000 req/s); [] without figures. */
  server: MetricRow[];
  thresholds: ThresholdRow[];
  /** Set by `compare <run> --by tag:KEY`: the sides are the groups of one run that differ in this tag. */
  by?: ByTagRef;
  method: {
    confidence: 0.95;
    /**
     * How verdicts hold false alarms over the whole table: Benjamini–Hochberg at `q` over the `tested`
     * numbers that have a better direction (in an A/A comparison, the chance of any false ✓/✗).
     */
    falseAlarms: { method: 'benjamini-hochberg'; q: number; tested: number };
    minEffect: MinEffect;
    /** rounds: three or more rounds were paired; batches: time batches inside the runs; none: not judged. */
    noise: 'rounds' | 'batches' | 'none';
    rounds: number;
    batchesPerRun: number | null;
  };
  notes: string[];
}

export interface MinEffect {
  /** Smallest relative change called a difference (0.03 = 3 %). */
  relative: number;
  /** Smallest change of a share called a difference (0.001 = 0.1 pp). */
  points: number;
}

export const DEFAULT_MIN_EFFECT: MinEffect = { relative: 0.05, points: 0.001 };
/** The false-discovery rate the verdicts of a comparison are held to (docs/compare.md). */
export const FALSE_ALARM_Q = 0.05;
/** From this many rounds on, rounds (not batches) are the pairs. */
export const MIN_ROUNDS = 3;

function batchesOf(run: CompareRun, endpoint: string | undefined): BatchStats[] | undefined {
  const b = run.summary.batches;
  if (!b) return undefined;
  return endpoint === undefined ? b.overall : b.endpoints[endpoint];
}

function diff(def: MetricDef, base: number | undefined, side: number | undefined): number | undefined {
  if (base === undefined || side === undefined || !Number.isFinite(base) || !Number.isFinite(side))
    return undefined;
  if (def.delta === 'points') return side - base;
  return base > 0 && side > 0 ? Math.log(side / base) : undefined;
}

function sameLayout(a: RunBatches | undefined, b: RunBatches | undefined): boolean {
  return a !== undefined && b !== undefined && a.ms === b.ms && a.overall.length === b.overall.length;
}

/**
 * Paired differences of one metric between a side and the baseline. With three or more rounds the rounds
 * are the pairs: their spread includes the drift of the machine between runs, which batches inside one run
 * cannot see. Otherwise batch k of round i is paired with batch k of the baseline's round i.
 */
function pairedDiffs(
  def: MetricDef,
  base: readonly CompareRun[],
  side: readonly CompareRun[],
  endpoint: string | undefined,
): { kind: 'batches' | 'rounds'; diffs: number[] } {
  const pairs = Math.min(base.length, side.length);
  if (pairs >= MIN_ROUNDS) {
    const byRound: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const d = diff(
        def,
        valueOf(def, base[i] as CompareRun, endpoint),
        valueOf(def, side[i] as CompareRun, endpoint),
      );
      if (d !== undefined) byRound.push(d);
    }
    return { kind: 'rounds', diffs: byRound };
  }
  const byBatch: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const a = base[i] as CompareRun;
    const b = side[i] as CompareRun;
    const ab = batchesOf(a, endpoint);
    const bb = batchesOf(b, endpoint);
    if (!sameLayout(a.summary.batches, b.summary.batches) || !ab || !bb)
      return { kind: 'batches', diffs: [] };
    for (let k = 0; k < ab.length; k++) {
      const x = ab[k];
      const y = bb[k];
      if (!x || !y) continue;
      const d = diff(
        def,
        def.batch(x, a.summary.batches?.checks[k] ?? null, { index: k, summary: a.summary }),
        def.batch(y, b.summary.batches?.checks[k] ?? null, { index: k, summary: b.summary }),
      );
      if (d !== undefined) byBatch.push(d);
    }
  }
  return { kind: 'batches', diffs: byBatch };
}

/** A run's endpoint of that name; `null` when the run has none, `undefined` for the whole run. */
function endpointOf(run: CompareRun, endpoint: string | undefined): EndpointSummary | null | undefined {
  return endpoint === undefined
    ? undefined
    : (run.summary.endpoints.find((x) => x.name === endpoint) ?? null);
}

function valueOf(def: MetricDef, run: CompareRun, endpoint: string | undefined): number | undefined {
  const e = endpointOf(run, endpoint);
  return e === null ? undefined : def.run(run.summary, e);
}

function sideValue(def: MetricDef, runs: readonly CompareRun[], endpoint: string | undefined): number | null {
  const values = runs.map((r) => valueOf(def, r, endpoint)).filter((v): v is number => v !== undefined);
  return values.length === runs.length ? (mean(values) ?? null) : null;
}

/** A tested change, before the table-wide pass decides whether it is a discovery. */
interface Tested {
  cell: Cell;
  p: number;
  /** Large enough (the minimum effect) and in the same direction as the whole-run change. */
  meaningful: boolean;
  better: MetricDef['better'];
}

function testCell(
  def: MetricDef,
  value: number,
  delta: number,
  test: PairedTest,
  kind: 'batches' | 'rounds',
  minEffect: MinEffect,
): Tested {
  const ci: [number, number] =
    def.delta === 'relative'
      ? [Math.exp(test.mean - test.halfWidth) - 1, Math.exp(test.mean + test.halfWidth) - 1]
      : [test.mean - test.halfWidth, test.mean + test.halfWidth];
  const floor = def.delta === 'relative' ? minEffect.relative : minEffect.points;
  const shift = detectableShift(test);
  // A relative change is measured as a log-ratio; an increase of this size is the larger of the two ways.
  const size = def.delta === 'relative' ? Math.exp(shift) - 1 : shift;
  const detectable = Math.max(floor, size);
  const cell: Cell = {
    value,
    delta,
    ci,
    verdict: 'same',
    p: test.p,
    basis: { kind, pairs: test.n },
    detectable,
  };
  return {
    cell,
    p: test.p,
    // The whole-run change and the paired differences must agree on the direction.
    meaningful: Math.abs(delta) >= floor && Math.sign(delta) === Math.sign(test.mean),
    better: def.better,
  };
}

/**
 * The verdicts of a whole comparison: a change is ✓ or ✗ only when it is a discovery of the
 * Benjamini–Hochberg procedure over every tested number of the table (every side, overall, per endpoint,
 * custom), and at least the minimum effect. Judging each number at 95 % alone gave an A/A comparison of ~30
 * numbers a false mark most of the time.
 */
function decide(tested: readonly Tested[], q: number): void {
  // Only numbers that can be called better or worse can raise a false alarm.
  const family = tested.filter((t) => t.better !== 'none');
  const found = benjaminiHochberg(
    family.map((t) => t.p),
    q,
  );
  family.forEach((t, i) => {
    if (!found[i] || !t.meaningful) return;
    const delta = t.cell.delta ?? 0;
    t.cell.verdict = (t.better === 'lower' ? delta < 0 : delta > 0) ? 'better' : 'worse';
  });
}

/** Requests above a percentile, in every run compared, for its value to be judged. */
export const MIN_TAIL = 5;

/** For a percentile row: the fewest requests above it in any of the runs, and the run size MIN_TAIL needs. */
function tailOf(
  def: MetricDef,
  runs: readonly CompareRun[],
  endpoint: string | undefined,
): { requests: number; needs: number } | undefined {
  const q = def.key.match(/^p\((\d+(?:\.\d+)?)\)$/)?.[1];
  if (q === undefined) return undefined;
  const above = 1 - Number(q) / 100;
  if (!(above > 0)) return undefined;
  const sizes = runs.map((r) => valueOf(REQUESTS, r, endpoint) ?? 0);
  // Rounded first: 1 − 0.95 is 0.05000000000000004 in floating point.
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    requests: Math.floor(round(Math.min(...sizes) * above)),
    needs: Math.ceil(round(MIN_TAIL / above)),
  };
}

function countsOf(def: MetricDef, runs: readonly CompareRun[], endpoint: string | undefined): Counts {
  const out = { events: 0, trials: 0 };
  for (const r of runs) {
    const e = endpointOf(r, endpoint);
    const c = e === null ? undefined : def.counts?.(r.summary, e);
    out.events += c?.events ?? 0;
    out.trials += c?.trials ?? 0;
  }
  return out;
}

/**
 * A share (errors, checks passed) judged on its counts, every request of every round, with a test for
 * proportions: a share per batch is mostly 0 of a few requests, which a t-test on batch means handles badly.
 */
function shareCell(
  def: MetricDef,
  shown: { value: number; delta: number },
  base: readonly CompareRun[],
  side: readonly CompareRun[],
  endpoint: string | undefined,
  minEffect: MinEffect,
  tested: Tested[],
): Cell {
  const b = countsOf(def, base, endpoint);
  const s = countsOf(def, side, endpoint);
  const test = proportionTest(b, s);
  if (!test) return { ...shown, verdict: 'unknown' };
  const cell: Cell = {
    ...shown,
    ci: test.ci,
    verdict: 'same',
    p: test.p,
    basis: { kind: 'requests', pairs: b.trials + s.trials },
    detectable: Math.max(minEffect.points, test.detectable),
  };
  tested.push({
    cell,
    p: test.p,
    meaningful: Math.abs(shown.delta) >= minEffect.points && Math.sign(shown.delta) === Math.sign(test.diff),
    better: def.better,
  });
  return cell;
}

function row(
  def: MetricDef,
  sides: readonly CompareSideInput[],
  baseline: number,
  endpoint: string | undefined,
  minEffect: MinEffect,
  tested: Tested[],
): MetricRow {
  const base = sides[baseline] as CompareSideInput;
  const baseValue = sideValue(def, base.runs, endpoint);
  const cells = sides.map((side, i): Cell => {
    const value = sideValue(def, side.runs, endpoint);
    if (i === baseline || value === null || baseValue === null) return { value };
    let delta: number | undefined;
    if (def.delta === 'points') delta = value - baseValue;
    else if (baseValue > 0) delta = value / baseValue - 1;
    else if (value === 0) delta = 0;
    if (delta === undefined) return { value };
    if (!def.judged) return { value, delta };
    if (def.counts)
      return shareCell(def, { value, delta }, base.runs, side.runs, endpoint, minEffect, tested);
    const tail = tailOf(def, [...base.runs, ...side.runs], endpoint);
    if (tail && tail.requests < MIN_TAIL)
      return { value, delta, verdict: 'unknown', tail: tail.requests, needs: tail.needs };
    const { kind, diffs } = pairedDiffs(def, base.runs, side.runs, endpoint);
    const test = pairedTest(diffs);
    if (!test) return { value, delta, verdict: 'unknown' };
    const t = testCell(def, value, delta, test, kind, minEffect);
    tested.push(t);
    return t.cell;
  });
  return {
    key: def.key,
    label: def.label,
    unit: def.unit,
    delta: def.delta,
    better: def.better,
    judged: def.judged,
    cells,
  };
}

/** The run whose groups are compared, and the tag that tells them apart. */
export interface ByTagRef {
  run: string;
  tag: string;
}

export interface CompareOptions {
  /** Index of the baseline side (default 0). */
  baseline?: number;
  minEffect?: MinEffect;
  /** The sides are groups of one run (by-tag.ts), not runs. */
  by?: ByTagRef;
}

/** What a reader should know about how the noise was measured. */
function noiseNote(noise: 'rounds' | 'batches' | 'none', by: ByTagRef | undefined): string | undefined {
  if (by !== undefined)
    return noise === 'none'
      ? `run ${by.run} has no time batches: differences between its groups are not judged (?)`
      : `the groups of tag ${by.tag} ran at the same time in run ${by.run}: batch k of one is paired with batch k of the other, so a drift of the machine touches both alike; requests without the tag are in no group`;
  if (noise === 'none')
    return 'the runs have no time batches (an existing script, or runs made before loadctl recorded them) and there are fewer than 3 rounds: differences are not judged (?); `run --targets … --rounds 3` gives them a verdict';
  if (noise === 'batches')
    return 'one round: the noise is measured inside the runs, so drift of the machine between them counts as a difference; `run --targets … --rounds 3` measures it too';
  return undefined;
}

export function compareRuns(sides: readonly CompareSideInput[], opts: CompareOptions = {}): Comparison {
  const baseline = opts.baseline ?? 0;
  const minEffect = opts.minEffect ?? DEFAULT_MIN_EFFECT;
  const all = sides.flatMap((s) => s.runs);
  const plans = [...new Set(all.map((r) => r.summary.plan))];
  const notes = runNotes(sides);

  const tested: Tested[] = [];
  // The groups of one run get the load the plan gives each (its scenarios, VUs and rates), so their counts
  // are the plan's mix, not a result: shown, never judged.
  const counts = opts.by
    ? [REQUESTS, RPS].map((d) => ({ ...d, better: 'none' as const, judged: false }))
    : [REQUESTS, RPS];
  const overallDefs = [...counts, ...latencyDefs(sides), ERROR_RATE, CHECKS, GOODPUT];
  const overall = overallDefs
    .map((def) => row(def, sides, baseline, undefined, minEffect, tested))
    .filter((r) => r.cells.some((c) => c.value !== null));
  const endpointNames: string[] = [];
  for (const r of all)
    for (const e of r.summary.endpoints)
      if (e.requests > 0 && !endpointNames.includes(e.name)) endpointNames.push(e.name);
  const endpointDefs = [...counts, ...latencyDefs(sides), ERROR_RATE];
  const endpoints = endpointNames.map((name) => ({
    name,
    rows: endpointDefs.map((def) => row(def, sides, baseline, name, minEffect, tested)),
  }));
  const custom = customDefs(sides).map((def) => row(def, sides, baseline, undefined, minEffect, tested));
  const server = serverDefs(sides)
    .map((def) => row(def, sides, baseline, undefined, minEffect, tested))
    .filter((r) => r.cells.some((c) => c.value !== null));
  notes.push(...serverNotes(sides));
  decide(tested, FALSE_ALARM_Q);
  const layouts = new Set(all.map((r) => (r.summary.batches ? r.summary.batches.overall.length : 0)));
  const batchesPerRun = layouts.size === 1 && !layouts.has(0) ? ([...layouts][0] ?? null) : null;
  const rounds = Math.min(...sides.map((s) => s.runs.length));
  const noise = rounds >= MIN_ROUNDS ? 'rounds' : batchesPerRun !== null ? 'batches' : 'none';
  const said = noiseNote(noise, opts.by);
  if (said !== undefined) notes.push(said);
  return {
    schema: COMPARE_SCHEMA,
    plan: plans.join(', '),
    baseline,
    sides: sides.map(sideSummary),
    overall,
    endpoints,
    custom,
    server,
    thresholds: thresholdRows(sides),
    ...(opts.by ? { by: opts.by } : {}),
    method: {
      confidence: 0.95,
      falseAlarms: {
        method: 'benjamini-hochberg',
        q: FALSE_ALARM_Q,
        tested: tested.filter((t) => t.better !== 'none').length,
      },
      minEffect,
      noise,
      rounds,
      batchesPerRun,
    },
    notes,
  };
}
