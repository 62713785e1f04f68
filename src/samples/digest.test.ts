import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addEncoded,
  bucketIndexOf,
  bucketsFromHistogram,
  bucketsFromSorted,
  decodeHistogram,
  encodeHistogram,
  histogramFromBuckets,
  mergeBuckets,
  newHistogram,
  packBuckets,
  percentileOf,
  recordUnits,
  toUnits,
  unpackBuckets,
  type DigestView,
} from './digest.js';

/** k6's TrendSink.P on the exact values: the reference. */
function k6Percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 1) return sorted[0]!;
  const i = (p / 100) * (sorted.length - 1);
  const j = sorted[Math.floor(i)]!;
  const k = sorted[Math.ceil(i)]!;
  return j + (k - j) * (i - Math.floor(i));
}

function digestOf(values: number[]): DigestView {
  const pos = newHistogram();
  const neg = newHistogram();
  for (const v of values) recordUnits(v >= 0 ? pos : neg, toUnits(Math.abs(v)));
  return {
    count: values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    pos: pos.totalCount > 0 ? pos : null,
    neg: neg.totalCount > 0 ? neg : null,
  };
}

describe('recordUnits', () => {
  it('fills the same buckets as the library’s recordValue', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 2 ** 32 + 5 }),
            fc.integer({ min: 0, max: 5000 }),
            fc.constantFrom(0, 2047, 2048, 2 ** 31, 2 ** 32 - 1, 2 ** 40),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        (units) => {
          const a = newHistogram();
          const b = newHistogram();
          for (const u of units) {
            a.recordValue(u);
            recordUnits(b, u);
          }
          // The same counts in the same buckets (b may have grown further: it resizes with headroom).
          expect(bucketsFromHistogram(b)).toEqual(bucketsFromHistogram(a));
          expect(bucketsFromSorted(units.map(bucketIndexOf).sort((x, y) => x - y))).toEqual(
            bucketsFromHistogram(a),
          );
          expect([b.totalCount, b.maxValue, b.minNonZeroValue]).toEqual([
            a.totalCount,
            a.maxValue,
            a.minNonZeroValue,
          ]);
        },
      ),
    );
  });
});

describe('percentileOf', () => {
  it('follows k6 (linear interpolation between ranks) within 0.1%, negatives included', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: -1000, max: 100000, noNaN: true }),
            fc.double({ min: 0, max: 5, noNaN: true }),
          ),
          { minLength: 1, maxLength: 400 },
        ),
        fc.constantFrom(0, 1, 10, 50, 90, 95, 99, 99.9, 100),
        (values, p) => {
          const d = digestOf(values);
          const want = k6Percentile(values, p);
          const got = percentileOf(d, p);
          // 0.05% per bucket, plus the 1e-6 absolute rounding to millionths.
          expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.abs(want) * 0.001 + 1e-6);
        },
      ),
    );
  });

  it('is exact at the ends and for one value; near elsewhere', () => {
    const d = digestOf([3, 1, 2]);
    expect([percentileOf(d, 0), percentileOf(d, 100)]).toEqual([1, 3]);
    expect(percentileOf(d, 50)).toBeCloseTo(2, 3);
    expect(percentileOf(d, 75)).toBeCloseTo(2.5, 3);
    expect(percentileOf(digestOf([42.5]), 99)).toBe(42.5);
    expect(percentileOf({ count: 0, min: Infinity, max: -Infinity, pos: null, neg: null }, 50)).toBeNaN();
  });
});

describe('buckets (the packed per-second form)', () => {
  it('pack/unpack, merge and conversion to and from histograms lose nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 5_000_000 }), { maxLength: 200 }),
        (xs, ys) => {
          const sorted = (us: number[]) => bucketsFromSorted(us.map(bucketIndexOf).sort((a, b) => a - b));
          const a = sorted(xs);
          const b = sorted(ys);
          expect(unpackBuckets(packBuckets(a))).toEqual(a);
          const merged = mergeBuckets(a, b);
          expect(merged).toEqual(sorted([...xs, ...ys]));
          const h = histogramFromBuckets(merged);
          expect(h.totalCount).toBe(xs.length + ys.length);
          expect(bucketsFromHistogram(h)).toEqual(merged);
          expect(bucketsFromHistogram(decodeHistogram(encodeHistogram(h)))).toEqual(merged);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('addEncoded', () => {
  const counts = (h: ReturnType<typeof newHistogram>) => {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < h.countsArrayLength; i++)
      if (h.getCountAtIndex(i) > 0) out.push([i, h.getCountAtIndex(i)]);
    return out;
  };

  it('adds what decoding and adding adds, bucket for bucket, into an empty or a filled histogram', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3_600_000_000_000 }), { maxLength: 300 }),
        fc.array(fc.integer({ min: 0, max: 50_000_000 }), { maxLength: 50 }),
        (encodedValues, already) => {
          const src = newHistogram();
          for (const v of encodedValues) recordUnits(src, v);
          const encoded = encodeHistogram(src);
          const a = newHistogram();
          const b = newHistogram();
          for (const v of already) {
            recordUnits(a, v);
            recordUnits(b, v);
          }
          a.add(decodeHistogram(encoded));
          addEncoded(b, encoded);
          expect(b.totalCount).toBe(a.totalCount);
          expect(counts(b)).toEqual(counts(a));
          if (a.totalCount > 1) {
            const view = (h: typeof a) => ({ count: h.totalCount, min: 0, max: 4e6, pos: h, neg: null });
            expect(percentileOf(view(b), 95)).toBe(percentileOf(view(a), 95));
          }
        },
      ),
      { numRuns: 200, seed: 15 },
    );
  });
});
