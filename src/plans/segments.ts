// Multi-runner runs split a test the way the k6-operator does: runner i of N runs
// `k6 run --execution-segment=(i-1)/N:i/N --execution-segment-sequence=0,1/N,…,1`. This module gives those
// flags and what each runner's k6 then does with a scenario. It follows k6 v1.8.1's own arithmetic
// (lib/execution_segment.go and lib/executor/*), because a share that is off by one VU or one iteration
// from what k6 does would make per-runner numbers disagree with the run they describe. Pure.
import type { Scenario, Stage } from 'k6/options';
import { usageError } from '../errors.js';
import { durationNanos } from './duration.js';

/** The most runners a run splits into. */
export const MAX_SEGMENTS = 64;

/** A non-negative rational number in lowest terms. */
export interface Fraction {
  readonly num: number;
  readonly den: number;
}

export interface SegmentArgs {
  /** The value of `--execution-segment`, e.g. `1/3:2/3`. */
  readonly segment: string;
  /** The value of `--execution-segment-sequence`, the same for every runner, e.g. `0,1/3,2/3,1`. */
  readonly sequence: string;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function fraction(num: number, den: number): Fraction {
  const d = gcd(num, den);
  return { num: num / d, den: den / d };
}

/** As k6 prints a rational (Go's big.Rat.RatString): `0`, `1`, `2/3`. */
export function renderFraction(f: Fraction): string {
  return f.den === 1 ? String(f.num) : `${f.num}/${f.den}`;
}

function checkRunners(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEGMENTS)
    throw usageError(
      `A run splits into 1 to ${MAX_SEGMENTS} runners, not ${String(n)}.`,
      `Give a whole number of runners between 1 and ${MAX_SEGMENTS}.`,
    );
}

/** The k6 flags of each of n runners, in runner order: entry i-1 is runner i's. */
export function segmentArgs(n: number): SegmentArgs[] {
  checkRunners(n);
  const points = Array.from({ length: n + 1 }, (_, i) => renderFraction(fraction(i, n)));
  const sequence = points.join(',');
  return points.slice(1).map((to, i) => ({ segment: `${points[i] ?? '0'}:${to}`, sequence }));
}

// ------------------------------------------------------------------------------------------ striping

/**
 * k6's striped ownership of the integers (ExecutionSegmentSequenceWrapper): of every `lcd` consecutive
 * integers, segment j owns those at `positions[j]`. Whole numbers (VUs, iterations) are split by counting
 * owned integers below them, and iteration k of an arrival-rate scenario runs on the runner that owns k.
 */
interface Striping {
  readonly lcd: number;
  readonly positions: ReadonlyArray<readonly number[]>;
}

// Both the striping loop and its products go up to lcd², which must stay exact in a double.
const MAX_LCD = Math.floor(Math.sqrt(Number.MAX_SAFE_INTEGER));

/** NewExecutionSegmentSequenceWrapper's striping, for segment lengths that add up to 1. */
function stripe(lengths: readonly Fraction[]): Striping {
  const lcd = lengths.reduce((acc, l) => (acc * l.den) / gcd(acc, l.den), 1);
  if (lcd > MAX_LCD) throw new Error(`execution segments: a sequence with denominator ${lcd} is too fine`);
  const weights = lengths.map((l) => l.num * (lcd / l.den));
  // Biggest segments choose first; a stable sort keeps equal ones in sequence order, as Go's SliceStable.
  const order = weights.map((_, j) => j).sort((a, b) => (weights[b] ?? 0) - (weights[a] ?? 0));
  const chosen = order.map(() => 0);
  const positions: number[][] = lengths.map(() => []);
  for (let i = 0; i < lcd; i++) {
    for (let s = 0; s < order.length; s++) {
      const j = order[s] ?? 0;
      // k6: i > num/denom || (i == num/denom && num%denom == 0) in integers, i.e. i·denom ≥ num.
      if (i * (weights[j] ?? 1) >= (chosen[s] ?? 0) * lcd) {
        chosen[s] = (chosen[s] ?? 0) + 1;
        positions[j]?.push(i);
        break;
      }
    }
  }
  return { lcd, positions };
}

/** ExecutionSegmentSequenceWrapper.ScaleInt64: how many integers in [0, value) segment j owns. */
function scaleInt(striping: Striping, j: number, value: number): number {
  const own = striping.positions[j] ?? [];
  const rest = value % striping.lcd;
  return Math.floor(value / striping.lcd) * own.length + own.filter((p) => p < rest).length;
}

function owns(striping: Striping, j: number, k: number): boolean {
  return scaleInt(striping, j, k + 1) > scaleInt(striping, j, k);
}

interface Tuple {
  readonly striping: Striping;
  readonly index: number;
  /** This segment's length. */
  readonly length: Fraction;
}

/**
 * GetNewExecutionTupleFromValue: the sequence re-cut so that each segment's length is its share of `value`
 * over `value`, without the segments that get none. Executors that hand out iterations to VUs use it, so
 * their iterations follow the VUs. Undefined where this segment gets none of `value`.
 */
function resegment(tuple: Tuple, value: number): Tuple | undefined {
  if (value < 1) return undefined;
  if (value % tuple.striping.lcd === 0) return tuple;
  const lengths: Fraction[] = [];
  let index = -1;
  tuple.striping.positions.forEach((_, j) => {
    const share = scaleInt(tuple.striping, j, value);
    if (share === 0) return;
    if (j === tuple.index) index = lengths.length;
    lengths.push(fraction(share, value));
  });
  const length = lengths[index];
  return length === undefined ? undefined : { striping: stripe(lengths), index, length };
}

function runnerTuple(segmentIndex: number, n: number): Tuple {
  checkRunners(n);
  if (!Number.isInteger(segmentIndex) || segmentIndex < 0 || segmentIndex >= n)
    throw usageError(`Runner index ${String(segmentIndex)} is outside 0…${n - 1} for ${n} runners.`);
  const length = fraction(1, n);
  return { striping: stripe(Array.from({ length: n }, () => length)), index: segmentIndex, length };
}

// ------------------------------------------------------------------------------------------ shares

interface ShareBase {
  /**
   * Whether this runner's k6 runs the scenario at all (k6's HasWork). A runner whose share of the VUs is 0
   * lists it in its header with 0 VUs and emits nothing for it; the other runners do all of its work.
   */
  readonly hasWork: boolean;
  /** The most VUs this runner's k6 holds for the scenario. */
  readonly maxVUs: number;
}

interface ArrivalShare extends ShareBase {
  readonly preAllocatedVUs: number;
  /**
   * Iterations this runner starts strictly before the scenario's end, given free VUs when they are due
   * (k6 drops an iteration no VU is free for, and counts it in dropped_iterations).
   */
  readonly iterations: number;
  /**
   * Whether this runner also owns the iteration whose exact start time is the scenario's end, so that k6
   * runs `iterations` or `iterations + 1`. k6 schedules it at the end or, having truncated a constant
   * rate's period to whole ns, a few ns before it, and races it against the end of the duration
   * (7/s for 2s ran 15 of 15 times, 0→10/s over 1s ran 5 or 4); float64 rounding can also leave it out of
   * a ramping rate's schedule altogether (1→3/s over 7s always runs 13 of an exact 14).
   */
  readonly endIteration: boolean;
}

/**
 * What one runner's k6 does with one scenario. Counts of VUs are split by k6's striping, so the runners'
 * shares add up exactly to the scenario's; so do iterations and rates.
 *
 * Arrival rates: k6 scales a rate by a segment length, and a runner starts the iterations whose global
 * index it owns, at the instant the whole test would start them (index k of a constant rate r per timeUnit
 * at k·timeUnit/r), so its iterations are spread over the whole duration, not a block of it. Ownership
 * follows the VUs: k6 re-cuts the segments by each runner's share of maxVUs, so a runner gets that share
 * of the iterations (1/N when N divides maxVUs), and none without VUs; with maxVUs 7 over 8 runners, each
 * of the first 7 runs every 7th iteration and the 8th is idle. In k6's header a user sees
 * - constant-arrival-rate: the rate times the runner's share of maxVUs over maxVUs (`rate`), the rate the
 *   runner's iterations actually arrive at;
 * - ramping-arrival-rate: "Up to" the highest target over N (`stageTargets`), whatever the runner's VUs,
 *   although its iterations arrive at its share of maxVUs over maxVUs of the rate.
 */
export type ScenarioShare =
  | (ShareBase & {
      readonly executor: 'shared-iterations';
      readonly vus: number;
      readonly iterations: number;
    })
  | (ShareBase & {
      readonly executor: 'per-vu-iterations';
      readonly vus: number;
      /** Unchanged: k6 scales only the VUs, each still runs the scenario's count. */
      readonly iterationsPerVU: number;
      readonly iterations: number;
    })
  | (ShareBase & { readonly executor: 'constant-vus'; readonly vus: number })
  | (ShareBase & {
      readonly executor: 'ramping-vus';
      readonly startVUs: number;
      readonly stageTargets: readonly number[];
    })
  | (ArrivalShare & {
      readonly executor: 'constant-arrival-rate';
      /** Iterations per timeUnit, as k6 shows it for this runner. */
      readonly rate: Fraction;
    })
  | (ArrivalShare & {
      readonly executor: 'ramping-arrival-rate';
      /** Iterations per timeUnit as k6's header scales them: the scenario's rates over N. */
      readonly startRate: Fraction;
      readonly stageTargets: readonly Fraction[];
    })
  | (ShareBase & { readonly executor: 'externally-controlled'; readonly vus: number });

function nanos(duration: string, field: string): bigint {
  const ns = durationNanos(duration);
  if (ns === undefined) throw usageError(`${field}: "${duration}" is not a k6 duration.`);
  return ns;
}

function times(f: Fraction, value: number): Fraction {
  return fraction(f.num * value, f.den);
}

/**
 * An arrival-rate scenario's iterations as k6 schedules them: indexes 0…scheduled-1. `atEnd` is the index
 * whose exact start time is the scenario's end, which k6 races against the end of the duration; it may be
 * the last scheduled one (at the end, or a few ns before it) or, left out by rounding, the next.
 */
interface Arrivals {
  readonly scheduled: number;
  readonly atEnd?: number;
}

/**
 * Iteration k of a constant rate starts at k·T, T being timeUnit/rate in whole ns (k6 truncates it), so
 * k6 may schedule one more than the exact rate gives a few ns before the end.
 */
function constantArrivals(rate: number, timeUnit: string, duration: string): Arrivals {
  const unit = nanos(timeUnit, 'timeUnit');
  const period = BigInt(Math.trunc(Number(unit) / rate));
  if (period <= 0n) throw usageError(`A rate of ${rate} per ${timeUnit} is more than one iteration per ns.`);
  const end = nanos(duration, 'duration');
  const scheduled = Number((end + period - 1n) / period);
  const exact = end * BigInt(rate);
  return exact % unit === 0n ? { scheduled, atEnd: Number(exact / unit) } : { scheduled };
}

/**
 * Iterations of a ramping rate: k6 (RampingArrivalRateConfig.cal) starts iteration k when the area under
 * the rate reaches k+1, and counts that area in float64, in the order written here. JavaScript numbers are
 * the same doubles and k6's amd64 build does not fuse multiply-adds, so the count agrees to the last one,
 * also where rounding loses an iteration the exact area has.
 */
function rampingArrivals(startRate: number, timeUnit: string, stages: readonly Stage[]): Arrivals {
  const unit = nanos(timeUnit, 'timeUnit');
  let from = startRate / Number(unit);
  let endCount = 0;
  let area = 0n; // the exact area, times 2·timeUnit
  let prevRate = startRate;
  let endsAtEnd = false;
  for (const stage of stages) {
    const to = stage.target / Number(unit);
    const dur = nanos(stage.duration, 'stage duration');
    endCount += from !== to ? Number(dur) * ((to - from) / 2 + from) : Number(dur) * to;
    area += dur * BigInt(prevRate + stage.target);
    if (dur > 0n) endsAtEnd = prevRate + stage.target > 0;
    from = to;
    prevRate = stage.target;
  }
  const scheduled = Math.floor(endCount);
  const exact = area / (2n * unit);
  // A whole exact area is reached at the scenario's end when the area still grows in the last stage that
  // takes time; a closing stage at rate 0 has it reached, and its last iteration started, earlier.
  return area % (2n * unit) === 0n && exact > 0n && endsAtEnd
    ? { scheduled, atEnd: Number(exact) - 1 }
    : { scheduled };
}

function arrivalShare(
  tuple: Tuple,
  preAllocated: number,
  max: number | undefined,
  arrivals: Arrivals,
): ArrivalShare & { vuTuple: Tuple | undefined } {
  const maxVUs = max ?? preAllocated;
  const vuTuple = resegment(tuple, maxVUs);
  const own = (k: number) => vuTuple !== undefined && owns(vuTuple.striping, vuTuple.index, k);
  const { scheduled, atEnd } = arrivals;
  const racing = atEnd !== undefined && own(atEnd);
  const runnerMaxVUs = scaleInt(tuple.striping, tuple.index, maxVUs);
  return {
    hasWork: runnerMaxVUs > 0,
    maxVUs: runnerMaxVUs,
    preAllocatedVUs: scaleInt(tuple.striping, tuple.index, preAllocated),
    iterations:
      vuTuple === undefined
        ? 0
        : scaleInt(vuTuple.striping, vuTuple.index, scheduled) - (racing && atEnd < scheduled ? 1 : 0),
    endIteration: racing,
    vuTuple,
  };
}

/**
 * What runner `segmentIndex` (0-based: runner i is index i-1) of `n` gets of a scenario, with k6's
 * defaults for fields the scenario leaves out. See ScenarioShare for what a user sees.
 */
export function scenarioShare(scenario: Scenario, segmentIndex: number, n: number): ScenarioShare {
  const tuple = runnerTuple(segmentIndex, n);
  const scale = (value: number) => scaleInt(tuple.striping, tuple.index, value);
  switch (scenario.executor) {
    case 'shared-iterations': {
      const vus = scale(scenario.vus ?? 1);
      // Iterations follow the VUs: k6 scales them with the segments re-cut by each runner's VUs.
      const byVUs = resegment(tuple, scenario.vus ?? 1);
      const iterations = byVUs ? scaleInt(byVUs.striping, byVUs.index, scenario.iterations ?? 1) : 0;
      return {
        executor: scenario.executor,
        hasWork: vus > 0 && iterations > 0,
        maxVUs: vus,
        vus,
        iterations,
      };
    }
    case 'per-vu-iterations': {
      const vus = scale(scenario.vus ?? 1);
      const iterationsPerVU = scenario.iterations ?? 1;
      const iterations = vus * iterationsPerVU;
      return {
        executor: scenario.executor,
        hasWork: iterations > 0,
        maxVUs: vus,
        vus,
        iterationsPerVU,
        iterations,
      };
    }
    case 'constant-vus': {
      const vus = scale(scenario.vus ?? 1);
      return { executor: scenario.executor, hasWork: vus > 0, maxVUs: vus, vus };
    }
    case 'ramping-vus': {
      const start = scenario.startVUs ?? 1;
      const maxVUs = scale(Math.max(start, ...scenario.stages.map((s) => s.target)));
      const stageTargets = scenario.stages.map((s) => scale(s.target));
      return {
        executor: scenario.executor,
        hasWork: maxVUs > 0,
        maxVUs,
        startVUs: scale(start),
        stageTargets,
      };
    }
    case 'constant-arrival-rate': {
      const arrivals = constantArrivals(scenario.rate, scenario.timeUnit ?? '1s', scenario.duration);
      const { vuTuple, ...share } = arrivalShare(tuple, scenario.preAllocatedVUs, scenario.maxVUs, arrivals);
      const rate = vuTuple ? times(vuTuple.length, scenario.rate) : fraction(0, 1);
      return { executor: scenario.executor, ...share, rate };
    }
    case 'ramping-arrival-rate': {
      const startRate = scenario.startRate ?? 0;
      const arrivals = rampingArrivals(startRate, scenario.timeUnit ?? '1s', scenario.stages);
      const { vuTuple: _, ...share } = arrivalShare(
        tuple,
        scenario.preAllocatedVUs,
        scenario.maxVUs,
        arrivals,
      );
      const stageTargets = scenario.stages.map((s) => times(tuple.length, s.target));
      return {
        executor: scenario.executor,
        ...share,
        startRate: times(tuple.length, startRate),
        stageTargets,
      };
    }
    case 'externally-controlled': {
      // k6 reads a missing maxVUs as vus, and a missing vus as 0; VUs can always be added over its REST API.
      const vus = scenario.vus ?? 0;
      return {
        executor: scenario.executor,
        hasWork: true,
        maxVUs: scale(scenario.maxVUs ?? vus),
        vus: scale(vus),
      };
    }
  }
}
