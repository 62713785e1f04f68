// loadctl's metric stream (docs/stream.md): frames that loadctl's k6 output writes once a period, parsed and
// merged. Pure: the bytes come from the caller. Frames of several k6 processes merge exactly: counts and sums
// add, HDR histograms add bucket by bucket, so the percentiles of a merge are the percentiles of the union.
import type { JsHistogram } from 'hdr-histogram-js';
import { z } from 'zod';
import {
  addPending,
  copyHistogram,
  durationStatsOf,
  newHistogram,
  type DigestView,
  type DurationStats,
} from './digest.js';
import type { SecondStats } from './aggregate.js';
import { isFrameShape } from './frame-check.js';
import {
  accumulateInstance,
  totalsOf,
  type InstanceAccumulator,
  type InstanceTotals,
} from './frame-instances.js';

export type { InstanceTotals };

export const FRAMES_SCHEMA = 'loadctl.frames/v1';

const seriesSchema = z.object({
  metric: z.string(),
  type: z.enum(['counter', 'gauge', 'rate', 'trend']),
  name: z.string(),
  status: z.string(),
  scenario: z.string(),
  /** The tags loadctl asked the output to keep besides these (`tags=`), those the sample had. */
  tags: z.record(z.string(), z.string()).optional(),
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
  /** The final frame's: milliseconds from the output's start to its stop, the test's run duration. */
  runMs: z.number().int().nonnegative().optional(),
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
  // Checked by hand first: a collector takes a hundred runners' frames a second, and the schema's parse,
  // which copies every series, was a third of its work. The schema still says what is wrong with a bad one.
  if (isFrameShape(raw, FRAMES_SCHEMA)) return { ok: true, frame: raw as Frame };
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
  /** The trend's histogram so far; use histogramOf(), which first adds what is still encoded. */
  hdr: JsHistogram | null;
  /** Encoded histograms and value lists not decoded yet: only what a window asks for is ever decoded. */
  pending: Array<string | Float64Array>;
  key: CellKey;
}

/** One metric and tag set in one period, as a reader sees it. */
export type FrameCell = Readonly<Cell>;

export interface CellKey {
  metric: string;
  name: string;
  status: string;
  scenario: string;
  /** The other tags kept (docs/stream.md `tags=`); empty when none were asked for. */
  tags: Readonly<Record<string, string>>;
}

/**
 * A trend cell's histogram, decoding and adding what its frames brought: once, kept in the cell, when `keep`
 * (a run's live view asks for the same periods every second); else a histogram of its own for the caller,
 * the cell left encoded (the end of a long run reads each cell once or twice, and a decoded histogram is
 * tens of KB where its encoding is a few hundred bytes).
 */
function histogramOf(cell: Cell, keep = true): JsHistogram | null {
  if (!keep) {
    if (cell.pending.length === 0) return cell.hdr;
    const h = cell.hdr ? copyHistogram(cell.hdr) : null;
    return addPending(cell.pending, h);
  }
  cell.hdr = addPending(cell.pending, cell.hdr);
  cell.pending = [];
  return cell.hdr;
}

export interface FrameFilter {
  /** Only this endpoint (the `name` tag); undefined: every sample. */
  endpoint?: string;
}

const HTTP_DURATION = 'http_req_duration';

export class FrameAggregates {
  private readonly periods = new Map<number, Map<string, Cell>>();
  private readonly instances = new Map<string, { seq: number; final: boolean }>();
  /** Each period's figures per endpoint (and overall, key ''), merged once: windows add whole periods. */
  private readonly parts = new Map<number, Map<string, WindowAccumulator>>();
  periodMs: number | undefined;
  /** The run's duration as the final frames give it (the longest of the instances'). */
  runMs: number | undefined;

  /** Each instance's own totals, when asked for (runners: a run's end shows each one's share). */
  private readonly byInstance: Map<string, InstanceAccumulator> | undefined;

  /**
   * `keep`: decoded histograms and each period's merged figures are kept for the next ask (a run's live
   * view); without it (a whole file read once at the end) memory holds the frames as they were written.
   * `perInstance`: also each instance's requests, failures, iterations and request durations.
   */
  constructor(
    private readonly keep = true,
    perInstance = false,
  ) {
    this.byInstance = perInstance ? new Map() : undefined;
  }

  /** Each instance's totals, in first-seen order (empty unless asked for at construction). */
  instanceTotals(): InstanceTotals[] {
    return [...(this.byInstance ?? new Map<string, InstanceAccumulator>())].map(([instance, a]) =>
      totalsOf(instance, a),
    );
  }

  /** Adds a frame. A frame of a known instance with a seq already seen is a duplicate and is refused. */
  add(frame: Frame): void {
    const known = this.instances.get(frame.instance);
    if (known && frame.seq <= known.seq)
      throw new Error(`frame ${frame.seq} of ${frame.instance} came twice or out of order`);
    this.instances.set(frame.instance, { seq: frame.seq, final: frame.final });
    if (this.periodMs === undefined) this.periodMs = frame.periodMs;
    else if (this.periodMs !== frame.periodMs)
      throw new Error(`frames with periods of ${this.periodMs} and ${frame.periodMs} ms cannot be merged`);
    if (frame.runMs !== undefined) this.runMs = Math.max(this.runMs ?? 0, frame.runMs);
    if (frame.series.length === 0) return;
    if (this.byInstance) accumulateInstance(this.byInstance, frame);
    let period = this.periods.get(frame.start);
    if (!period) this.periods.set(frame.start, (period = new Map()));
    for (const s of frame.series) mergeInto(period, frame.instance, s);
    this.parts.delete(frame.start);
  }

  /**
   * Drops the periods that start before `beforeMs` and what was merged of them: a run's live view keeps only
   * the periods its windows can still ask for, so its memory does not grow with the run.
   */
  forget(beforeMs: number): void {
    for (const start of this.periods.keys()) if (start < beforeMs) this.periods.delete(start);
    for (const start of this.parts.keys()) if (start < beforeMs) this.parts.delete(start);
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
    for (const start of this.startsIn(fromMs, toMs)) acc.absorb(this.part(start, filter));
    return acc.result();
  }

  /**
   * The starts with data in [fromMs, toMs). Periods start at multiples of the period (docs/stream.md), so a
   * short range is stepped through, never scanned: a series or a judge asks for each of an hour's 3,600
   * periods in turn.
   */
  private *startsIn(fromMs: number, toMs: number): Iterable<number> {
    const step = this.periodMs;
    if (
      step !== undefined &&
      Number.isFinite(fromMs) &&
      Number.isFinite(toMs) &&
      (toMs - fromMs) / step < this.periods.size
    ) {
      for (let start = Math.ceil(fromMs / step) * step; start < toMs; start += step)
        if (this.periods.has(start)) yield start;
      return;
    }
    for (const start of this.periods.keys()) if (start >= fromMs && start < toMs) yield start;
  }

  /** http_req_duration of one period (of one endpoint, or all), merged once and kept: read it, do not change it. */
  durationOf(start: number, filter: FrameFilter = {}): Readonly<DigestView> {
    return this.part(start, filter).durationView();
  }

  private part(start: number, filter: FrameFilter): WindowAccumulator {
    let byEndpoint = this.parts.get(start);
    if (!byEndpoint) this.parts.set(start, (byEndpoint = new Map()));
    const id = filter.endpoint ?? '\u0000all';
    let part = byEndpoint.get(id);
    if (!part) {
      part = new WindowAccumulator(this.keep);
      for (const cell of this.periods.get(start)?.values() ?? []) part.add(cell, filter);
      if (this.keep) byEndpoint.set(id, part);
    }
    return part;
  }

  /** Every metric and tag set of the periods that start in [fromMs, toMs). */
  forEachCell(
    fromMs: number,
    toMs: number,
    visit: (cell: Readonly<Cell>, histogram: () => JsHistogram | null, start: number) => void,
  ): void {
    for (const start of this.startsIn(fromMs, toMs))
      for (const cell of this.periods.get(start)?.values() ?? []) visit(cell, () => histogramOf(cell), start);
  }

  /** The whole run. */
  total(filter: FrameFilter = {}): WindowStats {
    return this.window(-Infinity, Infinity, filter);
  }

  /** Endpoint names (the `name` tag of http_reqs), in first-seen order. */
  endpoints(): string[] {
    const names = new Set<string>();
    for (const start of this.starts())
      for (const { key: k } of this.periods.get(start)?.values() ?? [])
        if (k.metric === 'http_reqs' && k.name !== '') names.add(k.name);
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
  constructor(private readonly keep = true) {}
  private requests = 0;
  private failed = 0;
  private iterations = 0;
  private maxVus: number | null = null;
  private readonly statusClasses: Record<string, number> = {};
  private durations: DigestView = { count: 0, min: Infinity, max: -Infinity, pos: null, neg: null };

  durationView(): Readonly<DigestView> {
    return this.durations;
  }

  /** Adds a whole period's figures (windows over several periods). */
  absorb(part: WindowAccumulator): void {
    this.requests += part.requests;
    this.failed += part.failed;
    this.iterations += part.iterations;
    if (part.maxVus !== null) this.maxVus = Math.max(this.maxVus ?? 0, part.maxVus);
    for (const [cls, n] of Object.entries(part.statusClasses))
      this.statusClasses[cls] = (this.statusClasses[cls] ?? 0) + n;
    const d = this.durations;
    const p = part.durations;
    if (p.count === 0) return;
    d.count += p.count;
    d.min = Math.min(d.min, p.min);
    d.max = Math.max(d.max, p.max);
    if (p.pos) {
      if (!d.pos) d.pos = newHistogram();
      d.pos.add(p.pos);
    }
  }

  add(cell: Cell, filter: FrameFilter): void {
    const k = cell.key;
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
      const h = histogramOf(cell, this.keep);
      if (h) {
        if (!d.pos) d.pos = newHistogram();
        d.pos.add(h);
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
      duration: d.count === 0 ? null : durationStatsOf(d),
    };
  }
}

function keyOf(s: FrameSeries): string {
  const base = `${s.metric}\u0000${s.name}\u0000${s.status}\u0000${s.scenario}`;
  if (s.tags === undefined) return base;
  const extra = Object.keys(s.tags)
    .sort()
    .map((k) => `${k}\u0001${s.tags?.[k] ?? ''}`);
  return extra.length === 0 ? base : `${base}\u0000${extra.join('\u0000')}`;
}

function mergeInto(period: Map<string, Cell>, instance: string, s: FrameSeries): void {
  const key = keyOf(s);
  let cell = period.get(key);
  if (!cell) {
    cell = {
      type: s.type,
      count: 0,
      sum: 0,
      min: Infinity,
      max: -Infinity,
      last: new Map(),
      hdr: null,
      pending: [],
      key: { metric: s.metric, name: s.name, status: s.status, scenario: s.scenario, tags: s.tags ?? {} },
    };
    period.set(key, cell);
  }
  cell.count += s.count;
  cell.sum += s.sum;
  if (s.min !== undefined) cell.min = Math.min(cell.min, s.min);
  if (s.max !== undefined) cell.max = Math.max(cell.max, s.max);
  if (s.last !== undefined) cell.last.set(instance, s.last);
  // 8 bytes a value, where a parsed array of numbers above 2^31 takes 16 and more: a long run's end holds them all.
  if (s.values !== undefined) cell.pending.push(Float64Array.from(s.values));
  if (s.hdr !== undefined) cell.pending.push(s.hdr);
}

/**
 * Frames fed as text chunks, in file order: complete lines are parsed and added, the unfinished tail waits for
 * the next chunk (a write in progress). A line that is not a frame is an error naming its line number.
 */
export class FrameReader {
  readonly frames: FrameAggregates;
  private pending = '';
  private lineNo = 0;
  /** Lines the redactor changed: a secret in a tag (a script's URL as a request's name, say). */
  redactedLines = 0;

  constructor(
    private readonly redact: (text: string) => string = (t) => t,
    opts: { keep?: boolean; perInstance?: boolean } = {},
  ) {
    this.frames = new FrameAggregates(opts.keep ?? true, opts.perInstance ?? false);
  }

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
