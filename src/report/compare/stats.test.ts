import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, incompleteBeta, pairedTest, tCritical95, tTwoSidedP } from './stats.js';

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
