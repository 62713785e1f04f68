import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  fisherExact,
  incompleteBeta,
  normalUpperTail,
  pairedTest,
  proportionTest,
  tCritical95,
  tTwoSidedP,
} from './stats.js';

/** A small seeded generator (mulberry32), so a statistical property is checked on the same draws every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Student t p-values', () => {
  it('matches the incomplete beta function at values known in closed form', () => {
    // I_x(1, 1) = x; I_x(2, 3) = P(at least 2 of 4 trials succeed, each with chance x): 11/16 at x = 1/2.
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(11 / 16, 12);
    expect(incompleteBeta(0.9, 2, 3)).toBeCloseTo(1 - incompleteBeta(0.1, 3, 2), 12);
  });

  it('gives 5 % at the 95 % critical value for every number of degrees of freedom', () => {
    for (const df of [1, 2, 3, 4, 7, 12, 29, 40, 200])
      expect(tTwoSidedP(tCritical95(df), df)).toBeCloseTo(0.05, 3);
    // With one degree of freedom t is Cauchy: P(|T| > 1) = 1/2.
    expect(tTwoSidedP(1, 1)).toBeCloseTo(0.5, 10);
    expect(tTwoSidedP(0, 5)).toBeCloseTo(1, 12);
  });

  it('carries the p-value in the paired test, certain when the differences do not vary', () => {
    expect(pairedTest([0.25, 0.25, 0.25])?.p).toBe(0);
    expect(pairedTest([0.1, 0.1, 0.1])?.p).toBeLessThan(1e-12);
    expect(pairedTest([0, 0, 0])?.p).toBe(1);
    const t = pairedTest([1, 3, -1, 1]);
    expect(t?.p).toBeGreaterThan(0.05);
    expect(t && Math.abs(t.mean) < t.halfWidth).toBe(true);
  });
});

describe('Benjamini–Hochberg', () => {
  it('finds the step-up cut: every p-value at or under the largest one below its rank line', () => {
    // Lines at q = 0.05 over 5: 0.01, 0.02, 0.03, 0.04, 0.05.
    expect(benjaminiHochberg([0.04, 0.005, 0.5, 0.019, 0.2], 0.05)).toEqual([
      false,
      true,
      false,
      true,
      false,
    ]);
    // 0.04 is over its own line (0.03) but under the line of the rank above it: a step-up procedure keeps it.
    expect(benjaminiHochberg([0.009, 0.04, 0.039, 0.04, 0.9], 0.05)).toEqual([true, true, true, true, false]);
    expect(benjaminiHochberg([], 0.05)).toEqual([]);
  });

  it('holds the chance of any false alarm in a family of 30 true nulls near 5 %, where one test at a time gives 79 %', () => {
    const random = seeded(19);
    const families = 20_000;
    let anyFound = 0;
    let anyUncorrected = 0;
    for (let f = 0; f < families; f++) {
      const ps = Array.from({ length: 30 }, random);
      if (benjaminiHochberg(ps, 0.05).some(Boolean)) anyFound++;
      if (ps.some((p) => p <= 0.05)) anyUncorrected++;
    }
    // Under the global null BH's family-wise rate is exactly q for independent tests; ±4 standard errors.
    expect(anyFound / families).toBeGreaterThan(0.044);
    expect(anyFound / families).toBeLessThan(0.056);
    expect(anyUncorrected / families).toBeGreaterThan(0.77);
  });
});

describe('proportionTest', () => {
  it('agrees with Fisher’s exact test on a small table (R: fisher.test(matrix(c(0,271,6,265),2)) p = 0.0306)', () => {
    expect(fisherExact({ events: 0, trials: 271 }, { events: 6, trials: 271 })).toBeCloseTo(0.0306, 3);
    expect(fisherExact({ events: 3, trials: 10 }, { events: 3, trials: 10 })).toBeCloseTo(1, 9);
  });

  it('uses the pooled z-test when every expected count is 5 or more', () => {
    // 50 of 1,000 against 80 of 1,000: pooled 6.5 %, z = 2.72, p = 0.0065.
    const t = proportionTest({ events: 50, trials: 1000 }, { events: 80, trials: 1000 });
    expect(t?.p).toBeCloseTo(0.0065, 4);
    expect(t?.diff).toBeCloseTo(0.03, 9);
    expect(t!.ci[0]).toBeGreaterThan(0);
  });

  it('says how small a change this many requests can show, either way from the baseline', () => {
    // The case: about 260 requests a run cannot show +1.3 pp of errors.
    const none = proportionTest({ events: 0, trials: 260 }, { events: 3, trials: 260 })!;
    expect(none.p).toBeGreaterThan(0.05);
    expect(none.detectable).toBeGreaterThan(0.013);
    // Checks at 100 %: the change that matters is a fall, and it has the same size.
    const all = proportionTest({ events: 260, trials: 260 }, { events: 260, trials: 260 })!;
    expect(all.detectable).toBeCloseTo(none.detectable, 9);
    // Ten times the requests: about a tenth of the detectable change (it scales with 1/n near 0 %).
    const more = proportionTest({ events: 0, trials: 2600 }, { events: 0, trials: 2600 })!;
    expect(more.detectable).toBeLessThan(none.detectable / 5);
    expect(proportionTest({ events: 0, trials: 0 }, { events: 0, trials: 5 })).toBeUndefined();
  });

  it('has a normal tail within 1e-6', () => {
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 6);
  });
});
