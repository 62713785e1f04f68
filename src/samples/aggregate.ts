/* eslint-disable max-lines -- the Aggregates class (~420 lines) and the per-series accumulators it mutates on the ingest hot path are one unit; splitting it means exposing their private state */
// Folds k6 samples into exact counts and HDR distributions, per metric × endpoint (`name` tag) ×
// status class × expected_response, plus a per-second series. Pure: no I/O, no clock. Aggregates are
// mergeable (mergeAggregates(a, b) equals folding a's samples then b's) and serialisable (toJSON /
// parseAggregatesJson, histograms as compressed base64 from hdr-histogram-js).
//
// The fold mutates its accumulator in place: an immutable fold would allocate per sample, and ingest is
// measured in millions of samples.
import { z } from 'zod';
import type { JsHistogram } from 'hdr-histogram-js';
import {
  bucketIndexOf,
  bucketsFromHistogram,
  bucketsFromSorted,
  copyHistogram,
  decodeHistogram,
  durationStatsOf,
  encodeHistogram,
  histogramFromBuckets,
  mergeBuckets,
  newHistogram,
  packBuckets,
  packSorted,
  percentileOf,
  recordUnits,
  toUnits,
  unpackBuckets,
  type Buckets,
  type DigestView,
  type DurationStats,
} from './digest.js';
import {
  emptyScanStats,
  type ExpectedCode,
  type MetricDeclaration,
  type MetricType,
  type SampleFields,
  type SampleSink,
  type ScanStats,
} from './scan.js';

export type { MetricType } from './scan.js';

export type StatusClass = 'none' | '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
export const STATUS_CLASSES: readonly StatusClass[] = ['none', '1xx', '2xx', '3xx', '4xx', '5xx'];

// Seconds this far behind the newest have their pending durations packed. A late sample for a packed
// second is still counted (it is packed with the rest next time), so this only trades memory for
// packing work. k6 stamps a sample when it records it (an HTTP request's with its end time) and writes
// it within a flush period (200 ms), so late samples are rare.
const DEFAULT_LIVE_SECONDS = 3;
const MAX_POOLED_ARRAYS = 256;

const ROLE_NONE = 0;
const ROLE_HTTP_REQS = 1;
const ROLE_HTTP_FAILED = 2;
const ROLE_HTTP_DURATION = 3;
const ROLE_ITERATIONS = 4;
const ROLE_VUS = 5;

function roleOf(metric: string): number {
  switch (metric) {
    case 'http_reqs':
      return ROLE_HTTP_REQS;
    case 'http_req_failed':
      return ROLE_HTTP_FAILED;
    case 'http_req_duration':
      return ROLE_HTTP_DURATION;
    case 'iterations':
      return ROLE_ITERATIONS;
    case 'vus':
      return ROLE_VUS;
    default:
      return ROLE_NONE;
  }
}

const SLOTS = 6 * 3; // status class code × expected code

class Series {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  /** Samples whose value is not 0: a Rate's passes. */
  nonZero = 0;
  last = 0;
  /** Position of `last` in fold order, so a gauge's last value across series is well defined. */
  lastSeq = -1;
  pos: JsHistogram | null = null;
  neg: JsHistogram | null = null;

  record(v: number): void {
    if (v >= 0) recordUnits((this.pos ??= newHistogram()), toUnits(v));
    else recordUnits((this.neg ??= newHistogram()), toUnits(-v));
  }
}

class MetricAcc {
  type: MetricType | null = null;
  contains: string | null = null;
  /** Trends, and metrics not declared (yet), keep distributions. */
  keepsDistribution = true;
  readonly role: number;
  readonly byEndpoint = new Map<string | null, (Series | undefined)[]>();
  private lastEndpoint: string | null | undefined = undefined;
  private lastSlots: (Series | undefined)[] = [];

  constructor(readonly name: string) {
    this.role = roleOf(name);
  }

  slots(endpoint: string | null): (Series | undefined)[] {
    if (endpoint === this.lastEndpoint) return this.lastSlots;
    let slots = this.byEndpoint.get(endpoint);
    if (slots === undefined) {
      slots = new Array<Series | undefined>(SLOTS).fill(undefined);
      this.byEndpoint.set(endpoint, slots);
    }
    this.lastEndpoint = endpoint;
    this.lastSlots = slots;
    return slots;
  }

  declare(d: MetricDeclaration): void {
    if (this.type !== null) return;
    this.type = d.type;
    this.contains = d.contains;
    this.keepsDistribution = d.type === 'trend';
    if (!this.keepsDistribution) {
      for (const slots of this.byEndpoint.values()) {
        for (const s of slots) {
          if (s) s.pos = s.neg = null;
        }
      }
    }
  }
}

/** Requests and http_req_duration in one second, for all endpoints or one. */
class Cell {
  requests = 0;
  failed = 0;
  durations = 0;
  durationMin = Infinity;
  durationMax = -Infinity;
  /** Bucket indexes of durations recorded since the last compaction: pending[0, pendingCount). */
  pending: Uint32Array | null = null;
  pendingCount = 0;
  /** The durations before that, packed (see digest.ts). */
  packed: string | null = null;

  recordDuration(v: number, pool: Uint32Array[]): void {
    this.durations++;
    if (v < this.durationMin) this.durationMin = v;
    if (v > this.durationMax) this.durationMax = v;
    let p = this.pending;
    if (p === null) {
      p = pool.pop() ?? new Uint32Array(64);
      this.pending = p;
    } else if (this.pendingCount === p.length) {
      const bigger = new Uint32Array(p.length * 2);
      bigger.set(p);
      this.pending = p = bigger;
    }
    p[this.pendingCount++] = bucketIndexOf(toUnits(v < 0 ? 0 : v));
  }

  /** Sorts the pending indexes in place (their order carries nothing). */
  private sortedPending(): Uint32Array {
    return this.pending === null ? new Uint32Array(0) : this.pending.subarray(0, this.pendingCount).sort();
  }

  buckets(): Buckets {
    const pending = bucketsFromSorted(this.sortedPending());
    return this.packed === null ? pending : mergeBuckets(unpackBuckets(this.packed), pending);
  }

  compact(pool: Uint32Array[]): void {
    if (this.pendingCount === 0) return;
    this.packed = this.packed === null ? packSorted(this.sortedPending()) : packBuckets(this.buckets());
    if (pool.length < MAX_POOLED_ARRAYS) pool.push(this.pending!);
    this.pending = null;
    this.pendingCount = 0;
  }

  histogram(): JsHistogram | null {
    return this.durations === 0 ? null : histogramFromBuckets(this.buckets());
  }

  absorb(other: Cell): void {
    this.requests += other.requests;
    this.failed += other.failed;
    this.durations += other.durations;
    if (other.durationMin < this.durationMin) this.durationMin = other.durationMin;
    if (other.durationMax > this.durationMax) this.durationMax = other.durationMax;
    if (other.durations > 0) {
      this.packed = packBuckets(mergeBuckets(this.buckets(), other.buckets()));
      this.pending = null;
      this.pendingCount = 0;
    }
  }
}

class Second {
  iterations = 0;
  maxVus = -Infinity;
  live = false;
  readonly total = new Cell();
  readonly endpoints = new Map<string | null, Cell>();
  constructor(readonly sec: number) {}

  endpoint(name: string | null): Cell {
    let c = this.endpoints.get(name);
    if (c === undefined) {
      c = new Cell();
      this.endpoints.set(name, c);
    }
    return c;
  }

  compact(pool: Uint32Array[]): void {
    this.total.compact(pool);
    for (const c of this.endpoints.values()) c.compact(pool);
  }
}

export interface SampleTime {
  /** Whole seconds since the Unix epoch. */
  sec: number;
  nanos: number;
}

export interface MetricInfo {
  name: string;
  /** Null when the file had samples of the metric but no declaration line for it. */
  type: MetricType | null;
  /** "time", "data" or "default" (k6's value type). */
  contains: string | null;
  samples: number;
}

/** Which series to add up; an absent field matches everything. */
export interface SeriesFilter {
  /** The `name` tag; null selects samples without one. */
  endpoint?: string | null;
  status?: StatusClass;
  /** The `expected_response` tag; null selects samples without one. */
  expectedResponse?: boolean | null;
}

export interface TrendStats {
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
  /** k6's percentile (p in 0..100, e.g. 95), from the HDR histograms: within 0.05% of k6's own. */
  percentile(p: number): number;
}

export interface CounterStats {
  /** The sum of the values, which k6 calls count. */
  count: number;
  /** count / the run's duration (first to last sample in the file). */
  rate: number;
}

export interface RateStats {
  /** Samples with a non-zero value. */
  passes: number;
  fails: number;
  /** passes / (passes + fails). */
  rate: number;
}

export interface GaugeStats {
  /** The value of the last sample in file order. */
  last: number;
  min: number;
  max: number;
}

export type MetricStats =
  | ({ type: 'trend' } & TrendStats)
  | ({ type: 'counter' } & CounterStats)
  | ({ type: 'rate' } & RateStats)
  | ({ type: 'gauge' } & GaugeStats);

export type { DurationStats } from './digest.js';

/** One whole second of the run, counted from the second of the first sample. */
export interface SecondStats {
  /** Seconds since the Unix epoch. */
  sec: number;
  /** Seconds since the first sample's second. */
  offset: number;
  /** Sum of http_reqs. */
  requests: number;
  /** http_req_failed samples that were failures (k6 decides, honouring expected statuses). */
  failed: number;
  /** Whole-run only (iterations carry no endpoint); 0 when filtering by endpoint. */
  iterations: number;
  /** Highest `vus` sample in this second (whole run, also when filtering); null when k6 wrote none. */
  maxVus: number | null;
  /** http_req_duration in this second (ms); null when there were none. */
  duration: DurationStats | null;
}

const STATUS_INDEX: Record<StatusClass, number> = {
  none: 0,
  '1xx': 1,
  '2xx': 2,
  '3xx': 3,
  '4xx': 4,
  '5xx': 5,
};

function expectedIndex(e: boolean | null): ExpectedCode {
  return e === null ? 0 : e ? 1 : 2;
}

function statusOf(code: number): StatusClass {
  return STATUS_CLASSES[code] ?? 'none';
}

function durationStats(cell: Cell): DurationStats | null {
  if (cell.durations === 0) return null;
  return durationStatsOf({
    count: cell.durations,
    min: cell.durationMin,
    max: cell.durationMax,
    pos: cell.histogram(),
    neg: null,
  });
}

export interface AggregatesOptions {
  /** How many seconds behind the newest one keep live histograms before they are compacted. */
  liveSeconds?: number;
}

/**
 * The accumulator and its query API. Feed it with add()/declare() (it is the scanner's SampleSink),
 * then query. Queries never change what was recorded.
 */
export class Aggregates implements SampleSink {
  /** How the input lines were handled (set by whoever drove the scanner). */
  input: ScanStats = emptyScanStats();
  private points = 0;
  private firstSec = Infinity;
  private firstNanos = 0;
  private lastSec = -Infinity;
  private lastNanos = 0;
  private readonly metricMap = new Map<string, MetricAcc>();
  private readonly seconds = new Map<number, Second>();
  private readonly liveSeconds: number;
  private live: Second[] = [];
  private newestSec = -Infinity;
  private currentSec = NaN;
  private current: Second | null = null;
  private currentName: string | null | undefined = undefined;
  private currentCell: Cell | null = null;
  private lastMetric: MetricAcc | null = null;
  /** Pending-duration arrays of compacted seconds, reused by the next open ones. */
  private readonly pool: Uint32Array[] = [];

  constructor(options: AggregatesOptions = {}) {
    this.liveSeconds = options.liveSeconds ?? DEFAULT_LIVE_SECONDS;
  }

  // ---- fold ----

  declare(d: MetricDeclaration): void {
    this.metric(d.name).declare(d);
  }

  point(s: SampleFields): void {
    this.add(s);
  }

  /** Folds one sample in (the object is read, not kept). */
  add(s: SampleFields): void {
    const seq = this.points++;
    const sec = s.sec;
    if (sec < this.firstSec || (sec === this.firstSec && s.nanos < this.firstNanos)) {
      this.firstSec = sec;
      this.firstNanos = s.nanos;
    }
    if (sec > this.lastSec || (sec === this.lastSec && s.nanos > this.lastNanos)) {
      this.lastSec = sec;
      this.lastNanos = s.nanos;
    }
    let m = this.lastMetric;
    if (m === null || m.name !== s.metric) {
      m = this.metric(s.metric);
      this.lastMetric = m;
    }
    const slots = m.slots(s.name);
    const idx = s.statusClass * 3 + s.expected;
    let series = slots[idx];
    if (series === undefined) {
      series = new Series();
      slots[idx] = series;
    }
    const v = s.value;
    series.count++;
    series.sum += v;
    if (v < series.min) series.min = v;
    if (v > series.max) series.max = v;
    if (v !== 0) series.nonZero++;
    series.last = v;
    series.lastSeq = seq;
    if (m.keepsDistribution) series.record(v);
    if (m.role !== ROLE_NONE) this.addToSecond(m.role, s);
  }

  private metric(name: string): MetricAcc {
    let m = this.metricMap.get(name);
    if (m === undefined) {
      m = new MetricAcc(name);
      this.metricMap.set(name, m);
    }
    return m;
  }

  private addToSecond(role: number, s: SampleFields): void {
    const second = s.sec === this.currentSec && this.current !== null ? this.current : this.second(s.sec);
    const v = s.value;
    if (role === ROLE_ITERATIONS) {
      second.iterations += v;
      return;
    }
    if (role === ROLE_VUS) {
      if (v > second.maxVus) second.maxVus = v;
      return;
    }
    let cell = this.currentCell;
    if (cell === null || s.name !== this.currentName) {
      cell = second.endpoint(s.name);
      this.currentCell = cell;
      this.currentName = s.name;
    }
    if (role === ROLE_HTTP_REQS) {
      second.total.requests += v;
      cell.requests += v;
    } else if (role === ROLE_HTTP_FAILED) {
      if (v !== 0) {
        second.total.failed++;
        cell.failed++;
      }
    } else {
      second.total.recordDuration(v, this.pool);
      cell.recordDuration(v, this.pool);
    }
  }

  private second(sec: number): Second {
    let second = this.seconds.get(sec);
    if (second === undefined) {
      second = new Second(sec);
      this.seconds.set(sec, second);
    }
    if (!second.live) {
      second.live = true;
      this.live.push(second);
    }
    this.current = second;
    this.currentSec = sec;
    this.currentCell = null;
    if (sec > this.newestSec) {
      this.newestSec = sec;
      this.compactBefore(sec - this.liveSeconds);
    }
    return second;
  }

  private compactBefore(limit: number): void {
    if (this.live.length === 0 || this.live.every((s) => s.sec >= limit)) return;
    const keep: Second[] = [];
    for (const s of this.live) {
      if (s.sec < limit) {
        s.compact(this.pool);
        s.live = false;
      } else {
        keep.push(s);
      }
    }
    this.live = keep;
  }

  // ---- queries ----

  /** Samples folded in. */
  get sampleCount(): number {
    return this.points;
  }

  get firstSample(): SampleTime | null {
    return this.points === 0 ? null : { sec: this.firstSec, nanos: this.firstNanos };
  }

  get lastSample(): SampleTime | null {
    return this.points === 0 ? null : { sec: this.lastSec, nanos: this.lastNanos };
  }

  /**
   * First to last sample, in seconds. k6's own rates divide by its run clock, which the JSON output does
   * not carry, so counter rates here differ from k6's by a fraction of a percent.
   */
  get durationSeconds(): number {
    if (this.points === 0) return 0;
    return this.lastSec - this.firstSec + (this.lastNanos - this.firstNanos) / 1e9;
  }

  metrics(): MetricInfo[] {
    return [...this.metricMap.values()]
      .map((m) => ({ name: m.name, type: m.type, contains: m.contains, samples: countOf(m) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The `name` tags seen on a metric (or on any metric), null meaning "no name tag". */
  endpoints(metric?: string): (string | null)[] {
    const names = new Set<string | null>();
    for (const m of this.metricMap.values()) {
      if (metric !== undefined && m.name !== metric) continue;
      for (const name of m.byEndpoint.keys()) names.add(name);
    }
    return [...names].sort(compareNullable);
  }

  /** Stats by the metric's declared type; undefined for an unknown metric or no matching samples. */
  stats(metric: string, filter: SeriesFilter = {}): MetricStats | undefined {
    const m = this.metricMap.get(metric);
    if (m === undefined) return undefined;
    const series = selectSeries(m, filter);
    if (series.length === 0) return undefined;
    switch (m.type ?? 'trend') {
      case 'trend':
        return { type: 'trend', ...trendOf(series) };
      case 'counter':
        return { type: 'counter', ...this.counterOf(series) };
      case 'rate':
        return { type: 'rate', ...rateOf(series) };
      case 'gauge':
        return { type: 'gauge', ...gaugeOf(series) };
    }
  }

  trend(metric: string, filter?: SeriesFilter): TrendStats | undefined {
    const s = this.stats(metric, filter);
    return s?.type === 'trend' ? s : undefined;
  }

  counter(metric: string, filter?: SeriesFilter): CounterStats | undefined {
    const s = this.stats(metric, filter);
    return s?.type === 'counter' ? s : undefined;
  }

  rate(metric: string, filter?: SeriesFilter): RateStats | undefined {
    const s = this.stats(metric, filter);
    return s?.type === 'rate' ? s : undefined;
  }

  gauge(metric: string, filter?: SeriesFilter): GaugeStats | undefined {
    const s = this.stats(metric, filter);
    return s?.type === 'gauge' ? s : undefined;
  }

  private counterOf(series: Series[]): CounterStats {
    let count = 0;
    for (const s of series) count += s.sum;
    const d = this.durationSeconds;
    return { count, rate: d > 0 ? count / d : 0 };
  }

  /**
   * Every whole second from the first sample's to the last sample's, empty seconds included. With an
   * endpoint, requests, failures and durations are that endpoint's.
   */
  perSecond(filter: { endpoint?: string | null } = {}): SecondStats[] {
    if (this.points === 0) return [];
    const rows: SecondStats[] = [];
    const endpoint = filter.endpoint;
    for (let sec = this.firstSec; sec <= this.lastSec; sec++) {
      const second = this.seconds.get(sec);
      const cell =
        second === undefined
          ? undefined
          : endpoint === undefined
            ? second.total
            : second.endpoints.get(endpoint);
      rows.push({
        sec,
        offset: sec - this.firstSec,
        requests: cell?.requests ?? 0,
        failed: cell?.failed ?? 0,
        iterations: second === undefined || endpoint !== undefined ? 0 : second.iterations,
        maxVus: second === undefined || second.maxVus === -Infinity ? null : second.maxVus,
        duration: cell === undefined ? null : durationStats(cell),
      });
    }
    return rows;
  }

  // ---- merge & serialise ----

  /** Adds `other`'s samples as if they had been folded after this one's. */
  absorb(other: Aggregates): void {
    const offset = this.points;
    this.points += other.points;
    if (other.points > 0) {
      if (
        other.firstSec < this.firstSec ||
        (other.firstSec === this.firstSec && other.firstNanos < this.firstNanos)
      ) {
        this.firstSec = other.firstSec;
        this.firstNanos = other.firstNanos;
      }
      if (
        other.lastSec > this.lastSec ||
        (other.lastSec === this.lastSec && other.lastNanos > this.lastNanos)
      ) {
        this.lastSec = other.lastSec;
        this.lastNanos = other.lastNanos;
      }
    }
    this.input = addScanStats(this.input, other.input);
    for (const om of other.metricMap.values()) {
      const m = this.metric(om.name);
      if (om.type !== null) m.declare({ name: om.name, type: om.type, contains: om.contains ?? 'default' });
      for (const [endpoint, oslots] of om.byEndpoint) {
        const slots = m.slots(endpoint);
        oslots.forEach((os, i) => {
          if (os === undefined) return;
          let s = slots[i];
          if (s === undefined) {
            s = new Series();
            slots[i] = s;
          }
          s.count += os.count;
          s.sum += os.sum;
          if (os.min < s.min) s.min = os.min;
          if (os.max > s.max) s.max = os.max;
          s.nonZero += os.nonZero;
          if (os.lastSeq >= 0) {
            s.last = os.last;
            s.lastSeq = os.lastSeq + offset;
          }
          if (m.keepsDistribution) {
            if (os.pos) s.pos = addInto(s.pos, os.pos);
            if (os.neg) s.neg = addInto(s.neg, os.neg);
          }
        });
      }
    }
    for (const os of other.seconds.values()) {
      let s = this.seconds.get(os.sec);
      if (s === undefined) {
        s = new Second(os.sec);
        this.seconds.set(os.sec, s);
      }
      s.iterations += os.iterations;
      if (os.maxVus > s.maxVus) s.maxVus = os.maxVus;
      s.total.absorb(os.total);
      for (const [name, oc] of os.endpoints) s.endpoint(name).absorb(oc);
      s.compact(this.pool);
    }
    this.lastMetric = null;
    this.current = null;
    this.currentSec = NaN;
    this.currentCell = null;
  }

  toJSON(): AggregatesJson {
    const metrics: MetricJson[] = [...this.metricMap.values()].map((m) => ({
      name: m.name,
      type: m.type,
      contains: m.contains,
      series: [...m.byEndpoint].flatMap(([endpoint, slots]) =>
        slots.flatMap((s, i) =>
          s === undefined
            ? []
            : [
                {
                  endpoint,
                  status: statusOf(Math.floor(i / 3)),
                  expectedResponse: i % 3 === 0 ? null : i % 3 === 1,
                  count: s.count,
                  sum: s.sum,
                  min: s.min,
                  max: s.max,
                  nonZero: s.nonZero,
                  last: s.last,
                  lastSeq: s.lastSeq,
                  hdr: s.pos ? encodeHistogram(s.pos) : null,
                  hdrNegative: s.neg ? encodeHistogram(s.neg) : null,
                },
              ],
        ),
      ),
    }));
    const seconds: SecondJson[] = [...this.seconds.values()]
      .sort((a, b) => a.sec - b.sec)
      .map((s) => ({
        sec: s.sec,
        iterations: s.iterations,
        maxVus: s.maxVus === -Infinity ? null : s.maxVus,
        total: cellJson(s.total),
        endpoints: [...s.endpoints].map(([endpoint, c]) => ({ endpoint, ...cellJson(c) })),
      }));
    return {
      format: AGGREGATES_FORMAT,
      version: 1,
      points: this.points,
      first: this.firstSample,
      last: this.lastSample,
      input: this.input,
      metrics,
      seconds,
    };
  }

  /** Rebuilds aggregates from toJSON() output (already validated). */
  static fromJson(json: AggregatesJson): Aggregates {
    const a = new Aggregates();
    a.points = json.points;
    if (json.first && json.last) {
      a.firstSec = json.first.sec;
      a.firstNanos = json.first.nanos;
      a.lastSec = json.last.sec;
      a.lastNanos = json.last.nanos;
    }
    a.input = { ...json.input, invalidLines: [...json.input.invalidLines] };
    for (const mj of json.metrics) {
      const m = a.metric(mj.name);
      if (mj.type !== null) m.declare({ name: mj.name, type: mj.type, contains: mj.contains ?? 'default' });
      for (const sj of mj.series) {
        const slots = m.slots(sj.endpoint);
        const s = new Series();
        s.count = sj.count;
        s.sum = sj.sum;
        s.min = sj.min;
        s.max = sj.max;
        s.nonZero = sj.nonZero;
        s.last = sj.last;
        s.lastSeq = sj.lastSeq;
        s.pos = sj.hdr === null ? null : decodeHistogram(sj.hdr);
        s.neg = sj.hdrNegative === null ? null : decodeHistogram(sj.hdrNegative);
        slots[STATUS_INDEX[sj.status] * 3 + expectedIndex(sj.expectedResponse)] = s;
      }
    }
    for (const sj of json.seconds) {
      const s = new Second(sj.sec);
      s.iterations = sj.iterations;
      s.maxVus = sj.maxVus ?? -Infinity;
      cellFromJson(s.total, sj.total);
      for (const cj of sj.endpoints) cellFromJson(s.endpoint(cj.endpoint), cj);
      a.seconds.set(sj.sec, s);
    }
    return a;
  }
}

function addInto(target: JsHistogram | null, source: JsHistogram): JsHistogram {
  if (target === null) return copyHistogram(source);
  target.add(source);
  return target;
}

function countOf(m: MetricAcc): number {
  let n = 0;
  for (const slots of m.byEndpoint.values()) for (const s of slots) if (s) n += s.count;
  return n;
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function selectSeries(m: MetricAcc, f: SeriesFilter): Series[] {
  const out: Series[] = [];
  const status = f.status === undefined ? -1 : STATUS_INDEX[f.status];
  const expected = f.expectedResponse === undefined ? -1 : expectedIndex(f.expectedResponse);
  for (const [endpoint, slots] of m.byEndpoint) {
    if (f.endpoint !== undefined && endpoint !== f.endpoint) continue;
    slots.forEach((s, i) => {
      if (s === undefined) return;
      if (status !== -1 && Math.floor(i / 3) !== status) return;
      if (expected !== -1 && i % 3 !== expected) return;
      out.push(s);
    });
  }
  return out;
}

function trendOf(series: Series[]): TrendStats {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let pos: JsHistogram | null = null;
  let neg: JsHistogram | null = null;
  for (const s of series) {
    count += s.count;
    sum += s.sum;
    if (s.min < min) min = s.min;
    if (s.max > max) max = s.max;
  }
  const withPos = series.filter((s) => s.pos);
  const withNeg = series.filter((s) => s.neg);
  // One series is read as is; several are added into a copy so the recorded ones stay untouched.
  if (withPos.length === 1) pos = withPos[0]!.pos;
  else for (const s of withPos) pos = addInto(pos, s.pos!);
  if (withNeg.length === 1) neg = withNeg[0]!.neg;
  else for (const s of withNeg) neg = addInto(neg, s.neg!);
  const view: DigestView = { count, min, max, pos, neg };
  return { count, sum, min, max, avg: sum / count, percentile: (p) => percentileOf(view, p) };
}

function rateOf(series: Series[]): RateStats {
  let passes = 0;
  let total = 0;
  for (const s of series) {
    passes += s.nonZero;
    total += s.count;
  }
  return { passes, fails: total - passes, rate: total > 0 ? passes / total : 0 };
}

function gaugeOf(series: Series[]): GaugeStats {
  let last = 0;
  let lastSeq = -1;
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    if (s.lastSeq > lastSeq) {
      lastSeq = s.lastSeq;
      last = s.last;
    }
    if (s.min < min) min = s.min;
    if (s.max > max) max = s.max;
  }
  return { last, min, max };
}

function addScanStats(a: ScanStats, b: ScanStats): ScanStats {
  return {
    lines: a.lines + b.lines,
    fastPoints: a.fastPoints + b.fastPoints,
    parsedPoints: a.parsedPoints + b.parsedPoints,
    declarations: a.declarations + b.declarations,
    blank: a.blank + b.blank,
    ignored: a.ignored + b.ignored,
    invalid: a.invalid + b.invalid,
    invalidLines: [...a.invalidLines, ...b.invalidLines.map((n) => n + a.lines)].slice(0, 20),
  };
}

/** a's samples then b's, as one Aggregates; neither input changes. */
export function mergeAggregates(a: Aggregates, b: Aggregates): Aggregates {
  const merged = new Aggregates();
  merged.absorb(a);
  merged.absorb(b);
  return merged;
}

// ---- JSON form ----

export const AGGREGATES_FORMAT = 'loadctl/k6-aggregates';

const sampleTimeSchema = z.object({ sec: z.number().int(), nanos: z.number().int().min(0).max(999_999_999) });
const cellSchema = z.object({
  requests: z.number(),
  failed: z.number(),
  durations: z.number().int().min(0),
  durationMin: z.number().nullable(),
  durationMax: z.number().nullable(),
  hdr: z.string().nullable(),
});
const seriesSchema = z.object({
  endpoint: z.string().nullable(),
  status: z.enum(['none', '1xx', '2xx', '3xx', '4xx', '5xx']),
  expectedResponse: z.boolean().nullable(),
  count: z.number().int().min(1),
  sum: z.number(),
  min: z.number(),
  max: z.number(),
  nonZero: z.number().int().min(0),
  last: z.number(),
  lastSeq: z.number().int(),
  hdr: z.string().nullable(),
  hdrNegative: z.string().nullable(),
});
export const aggregatesJsonSchema = z.object({
  format: z.literal(AGGREGATES_FORMAT),
  version: z.literal(1),
  points: z.number().int().min(0),
  first: sampleTimeSchema.nullable(),
  last: sampleTimeSchema.nullable(),
  input: z.object({
    lines: z.number().int(),
    fastPoints: z.number().int(),
    parsedPoints: z.number().int(),
    declarations: z.number().int(),
    blank: z.number().int(),
    ignored: z.number().int(),
    invalid: z.number().int(),
    invalidLines: z.array(z.number().int()),
  }),
  metrics: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['counter', 'gauge', 'rate', 'trend']).nullable(),
      contains: z.string().nullable(),
      series: z.array(seriesSchema),
    }),
  ),
  seconds: z.array(
    z.object({
      sec: z.number().int(),
      iterations: z.number(),
      maxVus: z.number().nullable(),
      total: cellSchema,
      endpoints: z.array(cellSchema.extend({ endpoint: z.string().nullable() })),
    }),
  ),
});

export type AggregatesJson = z.infer<typeof aggregatesJsonSchema>;
type MetricJson = AggregatesJson['metrics'][number];
type SecondJson = AggregatesJson['seconds'][number];
type CellJson = z.infer<typeof cellSchema>;

function cellJson(c: Cell): CellJson {
  const h = c.histogram();
  return {
    requests: c.requests,
    failed: c.failed,
    durations: c.durations,
    durationMin: c.durations > 0 ? c.durationMin : null,
    durationMax: c.durations > 0 ? c.durationMax : null,
    hdr: h !== null ? encodeHistogram(h) : null,
  };
}

function cellFromJson(c: Cell, j: CellJson): void {
  c.requests = j.requests;
  c.failed = j.failed;
  c.durations = j.durations;
  c.durationMin = j.durationMin ?? Infinity;
  c.durationMax = j.durationMax ?? -Infinity;
  if (j.hdr !== null) c.packed = packBuckets(bucketsFromHistogram(decodeHistogram(j.hdr)));
}

export type ParseAggregatesResult = { ok: true; aggregates: Aggregates } | { ok: false; issues: string[] };

/** Validates and rebuilds aggregates from their JSON form (parsed JSON, e.g. from a stored file). */
export function parseAggregatesJson(json: unknown): ParseAggregatesResult {
  const parsed = aggregatesJsonSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    };
  }
  return { ok: true, aggregates: Aggregates.fromJson(parsed.data) };
}
