import { describe, expect, it } from 'vitest';
import { mix32, seededRandom, seededUnit } from './seeded.js';
import { pickRowIndex, promptLengths } from './plan-data.js';

describe('seeded randomness', () => {
  it('is the same sequence for the same seed, another for another, and stays in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('is uniform: the mean of 100,000 draws is 1/2 within 5 standard errors', () => {
    const r = seededRandom(1);
    const n = 100_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += r();
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
  });
  it('a seeded pick depends on the seed and the iteration only, and covers the rows', () => {
    const pick = (seed: number, iterInTest: number) =>
      pickRowIndex('random', 10, { vu: 1, iterInTest, random: () => seededUnit(seed, iterInTest) });
    const first = Array.from({ length: 1000 }, (_, i) => pick(5, i));
    expect(Array.from({ length: 1000 }, (_, i) => pick(5, i))).toEqual(first);
    expect(Array.from({ length: 1000 }, (_, i) => pick(6, i))).not.toEqual(first);
    const counts = new Array<number>(10).fill(0);
    for (const i of first) counts[i] = (counts[i] ?? 0) + 1;
    // 100 expected per row; a binomial(1000, 0.1) has sd 9.5, so 5 sd either side.
    for (const c of counts) expect(Math.abs(c - 100)).toBeLessThan(48);
    expect(mix32(0)).toBe(0);
    expect(mix32(1)).not.toBe(mix32(2));
  });
});

describe('promptLengths', () => {
  it('reads inputLen and outputLen from prepared rows and CSV text alike', () => {
    expect(promptLengths({ text: 'x', inputLen: 12, outputLen: 5 })).toEqual([12, 5]);
    expect(promptLengths({ inputLen: '12', outputLen: '' })).toEqual([12, undefined]);
    expect(promptLengths({ name: 'ann' })).toEqual([undefined, undefined]);
    expect(promptLengths({ inputLen: 'many', outputLen: -1 })).toEqual([undefined, undefined]);
  });
});
