// Distribution of a trend's values: HDR histograms from hdr-histogram-js, 3 significant digits.
//
// Values are recorded in millionths of their unit: k6 times are milliseconds with nanosecond resolution,
// so this keeps them exact below 2048 ns and within 1/2048 relative (0.05%) above, which matters for
// sub-millisecond metrics (http_req_sending is often a few microseconds; whole microseconds would be off
// by tens of percent there). Negative values (possible in custom trends) go to a second histogram of
// their magnitudes. Magnitudes beyond 2^53 millionths (~9e9) are clamped for the histogram only; counts,
// sums, minimum and maximum are exact elsewhere.
//
// Percentiles follow k6 (metrics.TrendSink.P): rank i = p·(n−1) in the sorted values, linear
// interpolation between ranks floor(i) and ceil(i). Rank 0 and n−1 are the exact minimum and maximum.
import { inflateSync } from 'node:zlib';
import {
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  Int32Histogram,
  JsHistogram,
} from 'hdr-histogram-js';

export const UNITS_PER_VALUE = 1e6;
const MAX_UNITS = Number.MAX_SAFE_INTEGER;
const RESIZE_HEADROOM = 8;

export function newHistogram(): JsHistogram {
  // Starts tiny and grows with the largest value recorded.
  const h = new Int32Histogram(1, 2, 3);
  h.autoResize = true;
  return h;
}

export function toUnits(magnitude: number): number {
  const u = Math.round(magnitude * UNITS_PER_VALUE);
  return u > MAX_UNITS ? MAX_UNITS : u;
}

/**
 * h.recordValue(u) for an integer u ≥ 0, without the library's Math.log2/Math.pow index arithmetic
 * below 2^32 (4.3 s in ns): the same bucket index from Math.clz32, a third of the cost on the ingest
 * path. digest.test.ts checks it against recordValue.
 */
export function recordUnits(h: JsHistogram, u: number): void {
  if (u < 4294967296) {
    const magnitude = 31 - Math.clz32(u) - h.subBucketHalfCountMagnitude - h.unitMagnitude;
    const bucket = magnitude > 0 ? magnitude : 0;
    const index =
      (bucket + 1) * h.subBucketHalfCount + (u >>> (bucket + h.unitMagnitude)) - h.subBucketHalfCount;
    if (index < h.countsArrayLength) {
      h.incrementCountAtIndex(index);
      h.updateMinAndMax(u);
      h.incrementTotalCount();
      return;
    }
  }
  // Out of range: grow with headroom (the library would grow to exactly u, copying the counts again
  // at nearly every new maximum).
  if (u > h.highestTrackableValue) h.resize(Math.min(u * RESIZE_HEADROOM, MAX_UNITS));
  h.recordValue(u);
}

// ---- buckets: a compact form for the many small per-second distributions ----
//
// A JsHistogram's counts array is sized by its largest value (~60 KB for tens of ms in ns), whatever
// it holds; a second of one endpoint holds a few dozen values. Those keep the bucket indexes of their
// values instead: pending while the second is open, then packed as LEB128 (index delta, count) pairs,
// a few bytes per distinct bucket. Same buckets as the histograms, so nothing is lost.

const LAYOUT = newHistogram();
const HALF = LAYOUT.subBucketHalfCount;
const HALF_MAGNITUDE = LAYOUT.subBucketHalfCountMagnitude;
if (LAYOUT.unitMagnitude !== 0) throw new Error('hdr-histogram-js: unexpected unit magnitude');

/** The counts-array index of u units in a newHistogram() (what recordValue would increment). */
export function bucketIndexOf(u: number): number {
  if (u < 4294967296) {
    const m = 31 - Math.clz32(u) - HALF_MAGNITUDE;
    const bucket = m > 0 ? m : 0;
    return (bucket + 1) * HALF + (u >>> bucket) - HALF;
  }
  const bucket = Math.floor(Math.log2(u)) - HALF_MAGNITUDE;
  return (bucket + 1) * HALF + Math.floor(u / 2 ** bucket) - HALF;
}

/** Bucket indexes ascending, with their counts. */
export interface Buckets {
  index: number[];
  count: number[];
}

export function bucketsFromSorted(sorted: ArrayLike<number>): Buckets {
  const b: Buckets = { index: [], count: [] };
  let n = -1;
  for (let i = 0; i < sorted.length; i++) {
    const idx = sorted[i]!;
    if (n >= 0 && b.index[n] === idx) b.count[n]!++;
    else {
      b.index.push(idx);
      b.count.push(1);
      n++;
    }
  }
  return b;
}

export function mergeBuckets(a: Buckets, b: Buckets): Buckets {
  const out: Buckets = { index: [], count: [] };
  let i = 0;
  let j = 0;
  while (i < a.index.length || j < b.index.length) {
    const ai = i < a.index.length ? a.index[i]! : Infinity;
    const bj = j < b.index.length ? b.index[j]! : Infinity;
    if (ai === bj) {
      out.index.push(ai);
      out.count.push(a.count[i++]! + b.count[j++]!);
    } else if (ai < bj) {
      out.index.push(ai);
      out.count.push(a.count[i++]!);
    } else {
      out.index.push(bj);
      out.count.push(b.count[j++]!);
    }
  }
  return out;
}

/**
 * LEB128 (index delta, count) pairs as a one-byte string: in the V8 heap at one byte a byte, without
 * the per-object cost of a typed array, for thousands of small per-second distributions.
 */
let scratch = Buffer.allocUnsafe(4096);

function putVarint(out: Buffer, n: number, x: number): number {
  while (x >= 128) {
    out[n++] = (x % 128) + 128;
    x = Math.floor(x / 128);
  }
  out[n++] = x;
  return n;
}

/** packBuckets(bucketsFromSorted(sorted)) without the intermediate arrays. */
export function packSorted(sorted: ArrayLike<number>): string {
  const need = sorted.length * 16;
  if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  let n = 0;
  let prev = 0;
  let i = 0;
  while (i < sorted.length) {
    const idx = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === idx) j++;
    n = putVarint(scratch, n, idx - prev);
    n = putVarint(scratch, n, j - i);
    prev = idx;
    i = j;
  }
  return scratch.toString('latin1', 0, n);
}

export function packBuckets(b: Buckets): string {
  // At most 8 bytes for an index delta or a count (counts fit in 2^53).
  const need = b.index.length * 16;
  if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  let n = 0;
  let prev = 0;
  for (let i = 0; i < b.index.length; i++) {
    n = putVarint(scratch, n, b.index[i]! - prev);
    n = putVarint(scratch, n, b.count[i]!);
    prev = b.index[i]!;
  }
  // latin1 decoding gives a flat one-byte string, one char per byte.
  return scratch.toString('latin1', 0, n);
}

export function unpackBuckets(p: string): Buckets {
  const b: Buckets = { index: [], count: [] };
  let pos = 0;
  let prev = 0;
  const next = (): number => {
    let x = 0;
    let scale = 1;
    for (;;) {
      const byte = p.charCodeAt(pos++);
      x += (byte & 127) * scale;
      if (byte < 128) return x;
      scale *= 128;
    }
  };
  while (pos < p.length) {
    prev += next();
    b.index.push(prev);
    b.count.push(next());
  }
  return b;
}

export function histogramFromBuckets(b: Buckets): JsHistogram {
  const h = newHistogram();
  for (let i = 0; i < b.index.length; i++)
    h.recordValueWithCount(LAYOUT.valueFromIndex(b.index[i]!), b.count[i]!);
  return h;
}

export function bucketsFromHistogram(h: JsHistogram): Buckets {
  const b: Buckets = { index: [], count: [] };
  const n = h.countsArrayLength;
  for (let i = 0; i < n; i++) {
    const c = h.getCountAtIndex(i);
    if (c > 0) {
      b.index.push(bucketIndexOf(h.valueFromIndex(i)));
      b.count.push(c);
    }
  }
  return b;
}

export function encodeHistogram(h: JsHistogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): JsHistogram {
  const h = decodeFromCompressedBase64(encoded, 32);
  if (!(h instanceof JsHistogram)) throw new Error('hdr-histogram-js decoded a non-JS histogram');
  h.autoResize = true;
  return h;
}

// HdrHistogram's V2 encoding (docs/stream.md): a compressed wrapper around a 40-byte header and the counts.
const V2_COOKIE = 0x1c849303;
const V2_COMPRESSED_COOKIE = 0x1c849304;
const V2_HEADER_BYTES = 40;

/**
 * Adds an encoded histogram ("V2 compressed", base64) to `h` without decoding it into a histogram of its
 * own: the stream's histograms span 1 ns … 1 h, so decoding one allocates and walks 33,792 counters, where
 * a second's latencies fill a few hundred. Only its non-zero counts are read and added, at the same indexes
 * (the same lowest value and digits make the same bucket layout); any other layout takes the library's way.
 */
export function addEncoded(h: JsHistogram, encoded: string): void {
  const outer = Buffer.from(encoded, 'base64');
  if (outer.length < 8 || (outer.readInt32BE(0) & ~0xf0) !== V2_COMPRESSED_COOKIE) {
    h.add(decodeHistogram(encoded));
    return;
  }
  const payload = inflateSync(outer.subarray(8, 8 + outer.readInt32BE(4)));
  const sameLayout =
    payload.length >= V2_HEADER_BYTES &&
    (payload.readInt32BE(0) & ~0xf0) === V2_COOKIE &&
    payload.readInt32BE(12) === 3 &&
    payload.readBigInt64BE(16) === 1n &&
    h.unitMagnitude === 0 &&
    h.subBucketCount === 2048;
  if (!sameLayout) {
    h.add(decodeHistogram(encoded));
    return;
  }
  const end = Math.min(payload.length, V2_HEADER_BYTES + payload.readInt32BE(4));
  let pos = V2_HEADER_BYTES;
  let index = 0;
  let total = 0;
  while (pos < end) {
    // ZigZag LEB128, up to 9 bytes: a count, or (negative) a run of empty buckets.
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 9 && pos < end; i++) {
      const b = payload[pos++] as number;
      if (i === 8) {
        raw += b * scale;
        break;
      }
      raw += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) break;
    }
    const count = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    if (count < 0) {
      index -= count;
      continue;
    }
    if (count > 0) {
      if (index >= h.countsArrayLength) {
        const top = h.highestEquivalentValue(h.valueFromIndex(index));
        h.resize(Math.min(top * RESIZE_HEADROOM, MAX_UNITS));
      }
      h.addToCountAtIndex(index, count);
      h.updateMinAndMax(h.valueFromIndex(index));
      total += count;
    }
    index++;
  }
  h.setTotalCount(h.totalCount + total);
}

/**
 * A trend's values as the metric stream carries them (an encoded histogram, or integer-nanosecond values: see
 * docs/stream.md) added into `into`, or into a new histogram; `into` as it was when there is nothing to add.
 */
export function addPending(
  pending: ReadonlyArray<string | Float64Array>,
  into: JsHistogram | null,
): JsHistogram | null {
  if (pending.length === 0) return into;
  const h = into ?? newHistogram();
  for (const p of pending) {
    if (typeof p === 'string') addEncoded(h, p);
    else for (const v of p) recordUnits(h, v);
  }
  return h;
}

export function copyHistogram(h: JsHistogram): JsHistogram {
  const copy = newHistogram();
  copy.add(h);
  return copy;
}

/** The value (in units) of the `rank`-th smallest recorded value (0-based), at its bucket's midpoint. */
function unitsAtRank(h: JsHistogram, rank: number): number {
  let seen = 0;
  const n = h.countsArrayLength;
  for (let i = 0; i < n; i++) {
    const c = h.getCountAtIndex(i);
    if (c === 0) continue;
    seen += c;
    if (seen > rank) return h.medianEquivalentValue(h.valueFromIndex(i));
  }
  return h.maxValue;
}

/** What percentile() needs: counts and exact extremes kept beside the histograms. */
export interface DigestView {
  count: number;
  min: number;
  max: number;
  pos: JsHistogram | null;
  neg: JsHistogram | null;
}

function valueAtRank(d: DigestView, rank: number): number {
  if (rank <= 0) return d.min;
  if (rank >= d.count - 1) return d.max;
  const negCount = d.neg ? d.neg.totalCount : 0;
  let v: number;
  if (rank < negCount) v = -unitsAtRank(d.neg!, negCount - 1 - rank) / UNITS_PER_VALUE;
  else if (d.pos) v = unitsAtRank(d.pos, rank - negCount) / UNITS_PER_VALUE;
  else v = d.max;
  return v < d.min ? d.min : v > d.max ? d.max : v;
}

/** k6's percentile of the recorded values; p in 0..100. NaN when nothing was recorded. */
export function percentileOf(d: DigestView, p: number): number {
  if (d.count === 0 || !(p >= 0 && p <= 100)) return NaN;
  if (d.count === 1) return d.min;
  const i = (p / 100) * (d.count - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  const a = valueAtRank(d, lo);
  if (hi === lo) return a;
  const b = valueAtRank(d, hi);
  return a + (b - a) * (i - lo);
}

export interface DurationStats {
  count: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
}

/** Count, extremes and p50/p90/p95/p99 of a distribution (the raw samples' or the metric stream's). */
export function durationStatsOf(view: Readonly<DigestView>): DurationStats {
  return {
    count: view.count,
    min: view.min,
    max: view.max,
    p50: percentileOf(view, 50),
    p90: percentileOf(view, 90),
    p95: percentileOf(view, 95),
    p99: percentileOf(view, 99),
  };
}
