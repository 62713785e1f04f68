// The arrival-time generator, checked statistically. Every draw comes from a fixed seed, so each test is
// deterministic; the bounds are still set as if the seed were random, at 5 standard errors of the statistic
// (a normal tail of 5.7e-7), so a change of seed or generator fails them by chance less than once in a
// million, and a wrong distribution (a CV off by 10 %, a mean off by 3 %) fails them for certain.
import { describe, expect, it } from 'vitest';
import { arrivalCount, arrivalOffsets, gammaDraw } from './arrivals.js';
import { seededRandom } from './seeded.js';
import type { RateSegment } from './model.js';

function meanAndCv(xs: readonly number[]): { mean: number; cv: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (xs.length - 1);
  return { mean, cv: Math.sqrt(variance) / mean };
}

const gaps = (times: readonly number[]): number[] => times.slice(1).map((t, i) => t - (times[i] ?? 0));

/** A constant rate: `perSecond` arrivals a second for `seconds`. */
const constant = (perSecond: number, seconds: number): RateSegment[] => [
  { ms: seconds * 1000, from: perSecond / 1000, to: perSecond / 1000 },
];

describe('gammaDraw', () => {
  // Gamma(k, 1): mean k, CV 1/√k. For n = 100,000 draws the mean's relative standard error is 1/√(kn)
  // (0.45 % at k = 0.5) and the CV's about 1 % (variance of the sample variance (2 + 6/k)σ⁴/n): 5 %
  // is 5 standard errors or more for every shape below.
  it.each([0.25, 0.5, 1, 2, 4])('shape %s: mean k and CV 1/√k over 100,000 draws', (k) => {
    const r = seededRandom(42);
    const xs = Array.from({ length: 100_000 }, () => gammaDraw(k, r));
    const { mean, cv } = meanAndCv(xs);
    const bound = k < 0.5 ? 0.08 : 0.05; // shape 0.25: kurtosis 24, the CV's error about 1.6 %
    expect(Math.abs(mean / k - 1)).toBeLessThan(bound);
    expect(Math.abs(cv * Math.sqrt(k) - 1)).toBeLessThan(bound);
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
  });
});

describe('arrivalCount', () => {
  it("is k6's count: one at 0 and one each time the rate's integral passes a whole number", () => {
    expect(arrivalCount(constant(10, 30))).toBe(300);
    expect(arrivalCount(constant(0.1, 30))).toBe(3); // float error in 0.0001 × 30000 is not a 4th
    expect(arrivalCount([{ ms: 10_000, from: 0, to: 0.01 }])).toBe(50);
    expect(arrivalCount([{ ms: 1000, from: 0.0025, to: 0.0025 }])).toBe(3); // 2.5 → 3, as k6 starts at 0
  });
});

describe('arrivalOffsets', () => {
  it('starts `count` arrivals in order, the first at 0 and the last before the end', () => {
    const segments = constant(50, 20);
    const times = arrivalOffsets({ segments, burstiness: 1, seed: 3, count: arrivalCount(segments) });
    expect(times).toHaveLength(1000);
    expect(times[0]).toBe(0);
    expect(gaps(times).every((g) => g >= 0)).toBe(true);
    expect(times[times.length - 1]).toBeLessThan(20_000);
  });

  it('is reproducible from its seed and changes with it', () => {
    const p = { segments: constant(5, 10), burstiness: 1, count: 50 };
    expect(arrivalOffsets({ ...p, seed: 9 })).toEqual(arrivalOffsets({ ...p, seed: 9 }));
    expect(arrivalOffsets({ ...p, seed: 9 })).not.toEqual(arrivalOffsets({ ...p, seed: 10 }));
  });

  // 10,000 arrivals at 100/s: the mean gap is exactly 10 ms by construction (they fill 100 s); the CV of
  // the gaps is 1/√burstiness with a standard error under 1.5 % of it (n = 10,000): 8 % is 5 or more.
  it.each([
    [1, 1],
    [0.5, Math.SQRT2],
    [2, Math.SQRT1_2],
  ])('burstiness %s: the gaps have mean 1/rate and CV %s', (burstiness, expectedCv) => {
    const segments = constant(100, 100);
    const count = arrivalCount(segments);
    const times = arrivalOffsets({ segments, burstiness, seed: 2024, count });
    const all = [...gaps(times), 100_000 - (times[times.length - 1] ?? 0)];
    const { mean, cv } = meanAndCv(all);
    expect(mean).toBeCloseTo(10, 9);
    expect(Math.abs(cv / expectedCv - 1)).toBeLessThan(0.08);
  });

  it('Poisson gaps are exponential-shaped: 1 − 1/e of them are shorter than the mean', () => {
    // The share below the mean of an exponential is 0.632; its standard error over 10,000 gaps is 0.0048.
    const segments = constant(100, 100);
    const times = arrivalOffsets({ segments, burstiness: 1, seed: 77, count: arrivalCount(segments) });
    const g = gaps(times);
    const below = g.filter((x) => x < 10).length / g.length;
    expect(Math.abs(below - (1 - Math.exp(-1)))).toBeLessThan(5 * 0.0048);
  });

  it('follows a ramp: almost regular arrivals (burstiness 10^6) land where the rate integral is whole', () => {
    // 0 → 100/s over 10 s, then 100/s for 5 s: Λ(t) = 0.1·t²/20,000 (t in ms), then linear; 1000 arrivals.
    const segments: RateSegment[] = [
      { ms: 10_000, from: 0, to: 0.1 },
      { ms: 5000, from: 0.1, to: 0.1 },
    ];
    const count = arrivalCount(segments);
    expect(count).toBe(1000);
    const times = arrivalOffsets({ segments, burstiness: 1e6, seed: 1, count });
    const lambda = (t: number): number => (t <= 10_000 ? (0.1 * t * t) / 20_000 : 500 + 0.1 * (t - 10_000));
    // Gaps with CV 0.001 drift from k by at most a few tenths of an arrival over 1000 of them.
    times.forEach((t, k) => expect(Math.abs(lambda(t) - k)).toBeLessThan(0.5));
  });

  it('a ramp with Poisson arrivals puts a quarter of the first stretch’s arrivals in its first half', () => {
    // Λ(5 s)/Λ(10 s) = 1/4 on a ramp from 0: of 500 arrivals, 125 ± 5·√(500·¼·¾) = 125 ± 48.
    const segments: RateSegment[] = [{ ms: 10_000, from: 0, to: 0.1 }];
    const times = arrivalOffsets({ segments, burstiness: 1, seed: 5, count: arrivalCount(segments) });
    expect(Math.abs(times.filter((t) => t < 5000).length - 125)).toBeLessThan(48);
  });
});
