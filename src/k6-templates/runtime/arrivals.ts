// Arrival times of a Poisson or gamma process over a schedule of rates (docs/plans.md, "Poisson and gamma
// arrivals"). Pure and free of k6 and Node imports: the Node side counts the arrivals for k6's options
// (compile.ts), and the k6 side draws their times once into a SharedArray (entry.ts), from the same seed.
//
// The gaps follow vLLM's `bench serve` (benchmarks/serve.py, get_request): gamma with shape = burstiness and
// mean 1/rate, so burstiness 1 is a Poisson process, below 1 burstier, above 1 more regular. As vLLM does
// without a ramp, the drawn times are scaled so the arrivals fill the scenario exactly: the run starts the
// same number of iterations k6's own arrival-rate executor would (one at 0, the last before the end), and
// only their spacing is random. For Poisson arrivals that is a Poisson process given its count, whose
// arrivals are uniformly spread; the gaps stay exponential-shaped (coefficient of variation near 1).
// A ramp of rates is a change of clock (operational time): the unit-rate process is laid out over the
// integral of the rate, Λ, and each arrival is mapped back to the time where Λ reaches it.
import type { ArrivalProcess, RateSegment } from './model.js';
import { seededRandom, standardNormal } from './seeded.js';

/** Arrivals a schedule starts: k6's count for its rates, one at 0 and one each time Λ passes a whole number. */
export function arrivalCount(segments: readonly RateSegment[]): number {
  // The tolerance absorbs float error in Λ (e.g. 0.1/ms × 30000 ms), never a real fraction of an arrival.
  return Math.ceil(totalLambda(segments) - 1e-9);
}

export function totalLambda(segments: readonly RateSegment[]): number {
  return segments.reduce((sum, s) => sum + ((s.from + s.to) / 2) * s.ms, 0);
}

/** A gamma draw with this shape and scale 1 (Marsaglia and Tsang, 2000; shape < 1 by their boost). */
export function gammaDraw(shape: number, random: () => number): number {
  // 1 − random() is in (0, 1]: the logarithm and the power stay finite.
  if (shape === 1) return -Math.log(1 - random());
  if (shape < 1) return gammaDraw(shape + 1, random) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(random);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** The time (ms from the schedule's start) where Λ reaches each of `lambdas`, which must not decrease. */
function invertLambda(segments: readonly RateSegment[], lambdas: readonly number[]): number[] {
  const out: number[] = [];
  let seg = 0;
  let segStart = 0; // ms
  let segLambda = 0; // Λ at segStart
  for (const target of lambdas) {
    for (;;) {
      const s = segments[seg];
      if (s === undefined) {
        out.push(segStart);
        break;
      }
      const area = ((s.from + s.to) / 2) * s.ms;
      if (target < segLambda + area || seg === segments.length - 1) {
        out.push(segStart + Math.min(s.ms, within(s, target - segLambda)));
        break;
      }
      segStart += s.ms;
      segLambda += area;
      seg++;
    }
  }
  return out;
}

/** x ≥ 0 where from·x + slope·x²/2 = delta inside one segment: the stable root of the quadratic. */
function within(s: RateSegment, delta: number): number {
  if (delta <= 0) return 0;
  const slope = (s.to - s.from) / s.ms;
  const root = Math.sqrt(Math.max(0, s.from * s.from + 2 * slope * delta));
  const denominator = s.from + root;
  return denominator > 0 ? (2 * delta) / denominator : 0;
}

/**
 * The arrival times, in ms from the scenario's start, of `count` arrivals: gamma gaps (shape = burstiness)
 * laid end to end, the whole scaled onto Λ's span so that a count+1-th gap would end at the schedule's end.
 */
export function arrivalOffsets(p: ArrivalProcess): number[] {
  const random = seededRandom(p.seed);
  const cumulative: number[] = new Array<number>(p.count);
  let sum = 0;
  for (let i = 0; i < p.count; i++) {
    cumulative[i] = sum;
    sum += gammaDraw(p.burstiness, random);
  }
  const scale = sum > 0 ? totalLambda(p.segments) / sum : 0;
  return invertLambda(
    p.segments,
    cumulative.map((c) => c * scale),
  );
}
