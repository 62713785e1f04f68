// loadctl's metric stream (docs/stream.md): frames that loadctl's k6 output writes once a period, parsed and
// merged. Pure: the bytes come from the caller. Frames of several k6 processes merge exactly: counts and sums
// add, HDR histograms add bucket by bucket, so the percentiles of a merge are the percentiles of the union.
import type { JsHistogram } from 'hdr-histogram-js';
import { z } from 'zod';
import { decodeHistogram, newHistogram, percentileOf, recordUnits, type DigestView } from './digest.js';
import type { DurationStats, SecondStats } from './aggregate.js';

export const FRAMES_SCHEMA = 'loadctl.frames/v1';

const seriesSchema = z.object({
  metric: z.string(),
  type: z.enum(['counter', 'gauge', 'rate', 'trend']),
  name: z.string(),
  status: z.string(),
  scenario: z.string(),
  count: z.number().int().nonnegative(),
  sum: z.number(),
  min: z.number().optional(),
  max: z.number().optional(),
  last: z.number().optional(),
  /** A trend with few values: them, in integer nanoseconds, instead of `hdr`. */
  values: z.array(z.number().int()).optional(),
  hdr: z.string().optional(),
});

const frameSchema = z.object({
  schema: z.literal(FRAMES_SCHEMA),
  instance: z.string(),
  seq: z.number().int().nonnegative(),
  periodMs: z.number().int().positive(),
  start: z.number(),
  final: z.boolean(),
  series: z.array(seriesSchema),
});

export type Frame = z.infer<typeof frameSchema>;
export type FrameSeries = z.infer<typeof seriesSchema>;

export type FrameParse = { ok: true; frame: Frame } | { ok: false; problem: string };

export function parseFrameLine(line: string): FrameParse {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = frameSchema.safeParse(raw);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    problem: issue ? `${issue.path.join('.') || '(frame)'}: ${issue.message}` : 'not a frame',
  };
}

/** Complete lines of a chunk of the frames file, and the unfinished tail to prepend to the next chunk. */
export function splitLines(pending: string, chunk: string): { lines: string[]; rest: string } {
  const text = pending + chunk;
  const end = text.lastIndexOf('\n');
  if (end < 0) return { lines: [], rest: text };
  return {
    lines: text
      .slice(0, end)
      .split('\n')
      .filter((l) => l !== ''),
    rest: text.slice(end + 1),
  };
}

/** One metric and tag set in one period, merged over instances. */
interface Cell {
  type: FrameSeries['type'];
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Gauges: the last value of each instance (their sum is the gauge across instances). */
  last: Map<string, number>;
  hdr: JsHistogram | null;
}

export interface FrameFilter {
  /** Only this endpoint (the `name` tag); undefined: every sample. */
  endpoint?: string;
}

const HTTP_DURATION = 'http_req_duration';

export class FrameAggregates {
  private readonly periods = new Map<number, Map<string, Cell>>();
  private readonly instances = new Map<string, { seq: number; final: boolean }>();
  periodMs: number | undefined;

  /** Adds a frame. A frame of a known instance with a seq already seen is a duplicate and is refused. */
  add(frame: Frame): void {
    const known = this.instances.get(frame.instance);
    if (known && frame.seq <= known.seq)
      throw new Error(`frame ${frame.seq} of ${frame.instance} came twice or out of order`);
    this.instances.set(frame.instance, { seq: frame.seq, final: frame.final });
    if (this.periodMs === undefined) this.periodMs = frame.periodMs;
    else if (this.periodMs !== frame.periodMs)
      throw new Error(`frames with periods of ${this.periodMs} and ${frame.periodMs} ms cannot be merged`);
    if (frame.series.length === 0) return;
    let period = this.periods.get(frame.start);
    if (!period) this.periods.set(frame.start, (period = new Map()));
    for (const s of frame.series) mergeInto(period, frame.instance, s);
  }

  /** Instances seen, and whether each has sent its final frame. */
  instanceStates(): Array<{ instance: string; final: boolean }> {
    return [...this.instances].map(([instance, s]) => ({ instance, final: s.final }));
  }

  /** Period starts (Unix ms) with data, oldest first. */
  starts(): number[] {
    return [...this.periods.keys()].sort((a, b) => a - b);
  }

  /**
   * One row per period from the first to the last (empty periods included), in the shape of the raw-sample
   * aggregates: requests, failures, iterations, VUs and http_req_duration's distribution of that period.
   */
  perPeriod(filter: FrameFilter = {}): SecondStats[] {
    const starts = this.starts();
    const first = starts[0];
    const last = starts[starts.length - 1];
    const step = this.periodMs ?? 1000;
    if (first === undefined || last === undefined) return [];
    const rows: SecondStats[] = [];
    for (let start = first; start <= last; start += step) {
      const w = this.window(start, start + step, filter);
      rows.push({
        sec: start / 1000,
        offset: (start - first) / 1000,
        requests: w.requests,
        failed: w.failed,
        iterations: filter.endpoint === undefined ? w.iterations : 0,
        maxVus: w.maxVus,
        duration: w.duration,
      });
    }
    return rows;
  }

  /** Everything of the periods that start in [fromMs, toMs), merged. */
  window(fromMs: number, toMs: number, filter: FrameFilter = {}): WindowStats {
    const acc = new WindowAccumulator();
    for (const [start, cells] of this.periods)
      if (start >= fromMs && start < toMs) for (const [key, cell] of cells) acc.add(key, cell, filter);
    return acc.result();
  }

  /** Every metric and tag set of the periods that start in [fromMs, toMs). */
  forEachCell(
    fromMs: number,
    toMs: number,
    visit: (key: string, cell: Readonly<Omit<Cell, 'type'>>, type: FrameSeries['type']) => void,
  ): void {
    for (const [start, cells] of this.periods)
      if (start >= fromMs && start < toMs) for (const [key, cell] of cells) visit(key, cell, cell.type);
  }

  /** The whole run. */
  total(filter: FrameFilter = {}): WindowStats {
    return this.window(-Infinity, Infinity, filter);
  }

  /** Endpoint names (the `name` tag of http_reqs), in first-seen order. */
  endpoints(): string[] {
    const names = new Set<string>();
    for (const start of this.starts())
      for (const key of this.periods.get(start)?.keys() ?? []) {
        const k = splitKey(key);
        if (k.metric === 'http_reqs' && k.name !== '') names.add(k.name);
      }
    return [...names];
  }
}

export interface WindowStats {
  requests: number;
  failed: number;
  iterations: number;
  maxVus: number | null;
  duration: DurationStats | null;
  /** Requests per HTTP status class (`2xx`, `none` for status 0, …). */
  statusClasses: Record<string, number>;
}

class WindowAccumulator {
  private requests = 0;
  private failed = 0;
  private iterations = 0;
  private maxVus: number | null = null;
  private readonly statusClasses: Record<string, number> = {};
  private durations: DigestView = { count: 0, min: Infinity, max: -Infinity, pos: null, neg: null };

  add(key: string, cell: Cell, filter: FrameFilter): void {
    const k = splitKey(key);
    if (k.metric === 'vus') {
      let vus = 0;
      for (const v of cell.last.values()) vus += v;
      this.maxVus = Math.max(this.maxVus ?? 0, vus);
      return;
    }
    if (k.metric === 'iterations') {
      this.iterations += cell.sum;
      return;
    }
    if (filter.endpoint !== undefined && k.name !== filter.endpoint) return;
    if (k.metric === 'http_reqs') {
      this.requests += cell.sum;
      if (k.status !== '') this.statusClasses[k.status] = (this.statusClasses[k.status] ?? 0) + cell.sum;
    } else if (k.metric === 'http_req_failed') this.failed += cell.sum;
    else if (k.metric === HTTP_DURATION && cell.count > 0) {
      const d = this.durations;
      d.count += cell.count;
      d.min = Math.min(d.min, cell.min);
      d.max = Math.max(d.max, cell.max);
      if (cell.hdr) {
        if (!d.pos) d.pos = newHistogram();
        d.pos.add(cell.hdr);
      }
    }
  }

  result(): WindowStats {
    const d = this.durations;
    return {
      requests: this.requests,
      failed: this.failed,
      iterations: this.iterations,
      maxVus: this.maxVus,
      statusClasses: this.statusClasses,
      duration:
        d.count === 0
          ? null
          : {
              count: d.count,
              min: d.min,
              max: d.max,
              p50: percentileOf(d, 50),
              p90: percentileOf(d, 90),
              p95: percentileOf(d, 95),
              p99: percentileOf(d, 99),
            },
    };
  }
}

function keyOf(s: FrameSeries): string {
  return `${s.metric}\u0000${s.name}\u0000${s.status}\u0000${s.scenario}`;
}

function splitKey(key: string): { metric: string; name: string; status: string; scenario: string } {
  const [metric = '', name = '', status = '', scenario = ''] = key.split('\u0000');
  return { metric, name, status, scenario };
}

function mergeInto(period: Map<string, Cell>, instance: string, s: FrameSeries): void {
  const key = keyOf(s);
  let cell = period.get(key);
  if (!cell) {
    cell = { type: s.type, count: 0, sum: 0, min: Infinity, max: -Infinity, last: new Map(), hdr: null };
    period.set(key, cell);
  }
  cell.count += s.count;
  cell.sum += s.sum;
  if (s.min !== undefined) cell.min = Math.min(cell.min, s.min);
  if (s.max !== undefined) cell.max = Math.max(cell.max, s.max);
  if (s.last !== undefined) cell.last.set(instance, s.last);
  if (s.values !== undefined) {
    cell.hdr ??= newHistogram();
    for (const v of s.values) recordUnits(cell.hdr, v);
  }
  if (s.hdr !== undefined) {
    const h = decodeHistogram(s.hdr);
    if (cell.hdr) cell.hdr.add(h);
    else cell.hdr = h;
  }
}

/**
 * Frames fed as text chunks, in file order: complete lines are parsed and added, the unfinished tail waits for
 * the next chunk (a write in progress). A line that is not a frame is an error naming its line number.
 */
export class FrameReader {
  readonly frames = new FrameAggregates();
  private pending = '';
  private lineNo = 0;
  /** Lines the redactor changed: a secret in a tag (a script's URL as a request's name, say). */
  redactedLines = 0;

  constructor(private readonly redact: (text: string) => string = (t) => t) {}

  push(chunk: string): void {
    const { lines, rest } = splitLines(this.pending, chunk);
    this.pending = rest;
    for (const raw of lines) {
      this.lineNo++;
      const line = this.redact(raw);
      if (line !== raw) this.redactedLines++;
      const parsed = parseFrameLine(line);
      if (!parsed.ok) throw new Error(`line ${this.lineNo}: ${parsed.problem}`);
      this.frames.add(parsed.frame);
    }
  }

  /** Bytes of a last line that never ended (k6 killed mid-write): nothing to add, only to report. */
  get unfinishedTail(): number {
    return this.pending.length;
  }
}

/** One metric over a window, merged over the periods, instances and tag sets the selector takes. */
export interface MetricWindow {
  type: FrameSeries['type'] | undefined;
  /** Samples. */
  count: number;
  /** Counter: the total added; rate: the non-zero samples; trend: the sum of values. */
  sum: number;
  min: number;
  max: number;
  /** A trend's distribution (null for the other types). */
  digest: DigestView | null;
}

/** Which tag sets a windowed threshold takes: every one, or those of one endpoint and/or one scenario. */
export interface MetricSelector {
  name?: string;
  scenario?: string;
}

/** A metric's samples in the periods that start in [fromMs, toMs). */
export function metricWindow(
  frames: FrameAggregates,
  metric: string,
  selector: MetricSelector,
  fromMs: number,
  toMs: number,
): MetricWindow {
  const w: MetricWindow = { type: undefined, count: 0, sum: 0, min: Infinity, max: -Infinity, digest: null };
  frames.forEachCell(fromMs, toMs, (key, cell, type) => {
    const k = splitKey(key);
    if (k.metric !== metric) return;
    if (selector.name !== undefined && k.name !== selector.name) return;
    if (selector.scenario !== undefined && k.scenario !== selector.scenario) return;
    w.type = type;
    w.count += cell.count;
    w.sum += cell.sum;
    w.min = Math.min(w.min, cell.min);
    w.max = Math.max(w.max, cell.max);
    if (cell.hdr) {
      w.digest ??= { count: 0, min: Infinity, max: -Infinity, pos: newHistogram(), neg: null };
      w.digest.count += cell.count;
      w.digest.min = Math.min(w.digest.min, cell.min);
      w.digest.max = Math.max(w.digest.max, cell.max);
      w.digest.pos?.add(cell.hdr);
    }
  });
  return w;
}
