// loadctl's metric stream while k6 runs (docs/stream.md): the frames file followed once a second, and the
// latency of the last second and the last 10 s, overall and per endpoint, for the progress line.
import type { Io } from '../io/io.js';
import { WindowJudge, type WindowThreshold, type WindowVerdict } from '../report/model/window-thresholds.js';
import type { JsHistogram } from 'hdr-histogram-js';
import { newHistogram, percentileOf, type DigestView } from '../samples/digest.js';
import { FrameReader, type Frame } from '../samples/frames.js';
import { metricWindow } from '../samples/metric-window.js';
import { RunJudge, type AbortThreshold } from '../report/model/run-judge.js';
import type { LiveSnapshot } from '../k6/live.js';

/** What the progress line shows of the stream: p95 over the last period and the last 10 s (ms). */
export interface WindowedLatency {
  p95Last1s?: number;
  p95Last10s?: number;
  endpoints: Array<{ name: string; p95Last10s: number }>;
}

// Periods kept beyond the longest window: the judges and the progress line take each period within seconds.
const FORGET_MARGIN_MS = 30_000;

/** What the progress line and the in-run guard read of the stream (fillSnapshot, latency). */
const LIVE_METRICS = [
  'http_reqs',
  'http_req_failed',
  'http_req_duration',
  'iterations',
  'vus',
  'vus_max',
  'dropped_iterations',
];

// One poll reads at most this much: a second of frames is KiBs.
const MAX_READ = 8 * 1024 * 1024;

export class FramesTail {
  private readonly reader = new FrameReader();
  private readonly decoder = new TextDecoder('utf-8');
  private offset = 0;
  private busy = false;
  private fed = false;
  private liveMetrics: Set<string> | undefined;
  private judges: WindowJudge[] | undefined;
  private readonly slides = new Map<string, SlidingDurations>();
  private judgedUpTo = -Infinity;
  /** Why following stopped (a line that is not a frame); the run's end reads the whole file again. */
  failed: string | undefined;

  private runJudges: RunJudge[] | undefined;
  private readonly totals = new RunTotals();

  constructor(
    private readonly io: Io,
    private readonly path: string,
    private readonly windows: readonly WindowThreshold[] = [],
    private readonly aborts: readonly AbortThreshold[] = [],
  ) {}

  /**
   * The whole-run thresholds with abortOnFail, judged on the periods read so far, as k6 judges its own when
   * it keeps metrics: the first one that failed, if any.
   */
  failedRunThreshold(): AbortThreshold | undefined {
    const frames = this.reader.frames;
    const period = frames.periodMs;
    if (this.aborts.length === 0 || period === undefined) return undefined;
    this.runJudges ??= this.aborts.map((t) => new RunJudge(t, period));
    const starts = frames.starts();
    for (const j of this.runJudges) {
      for (const start of starts) {
        if (start <= j.upTo) continue;
        j.push(start, metricWindow(frames, j.threshold.metric, j.threshold.selector, start, start + period));
      }
    }
    return this.runJudges.find((j) => j.failedAt !== undefined)?.threshold;
  }

  /**
   * A live snapshot's counts and latency from the stream (k6's REST API has none when k6 keeps no metrics):
   * since the start, up to the last period written (a period or two behind k6).
   */
  fillSnapshot(snap: LiveSnapshot): LiveSnapshot {
    const frames = this.reader.frames;
    const period = frames.periodMs;
    if (period === undefined) return snap;
    for (const start of frames.starts()) {
      if (start <= this.totals.upTo) continue;
      const w = frames.window(start, start + period);
      this.totals.absorb(start, w, frames.durationOf(start), {
        dropped: metricWindow(frames, 'dropped_iterations', {}, start, start + period).sum,
        vusMax: metricWindow(frames, 'vus_max', {}, start, start + period).last,
      });
    }
    return this.totals.snapshot(snap);
  }

  /**
   * The plan's thresholds over a window, judged on the periods read so far (each period once, in order):
   * the first one that failed, if any. The run's end judges them again on the whole file.
   */
  failedWindow(): { threshold: WindowThreshold; verdict: WindowVerdict } | undefined {
    const frames = this.reader.frames;
    const period = frames.periodMs;
    if (this.windows.length === 0 || period === undefined) return undefined;
    this.judges ??= this.windows.map((w) => new WindowJudge(w, period));
    for (const start of frames.starts()) {
      if (start <= this.judgedUpTo) continue;
      for (const j of this.judges)
        j.push(start, metricWindow(frames, j.threshold.metric, j.threshold.selector, start, start + period));
      this.judgedUpTo = start;
    }
    const failed = this.judges.find((j) => !j.result().ok);
    return failed && { threshold: failed.threshold, verdict: failed.result() };
  }

  /**
   * Frames handed over by loadctl's own collector, which has parsed and checked them already (runners):
   * from the first one on, the file is not followed, so a second of 100 runners' frames is not parsed twice.
   */
  feed(frames: readonly Frame[]): void {
    this.fed = true;
    if (this.failed !== undefined) return;
    // Only the metrics the live view reads: most of a frame is timings it never shows (http_req_waiting…).
    const read = (this.liveMetrics ??= new Set([
      ...LIVE_METRICS,
      ...this.windows.map((w) => w.metric),
      ...this.aborts.map((a) => a.metric),
    ]));
    try {
      for (const f of frames)
        this.reader.frames.add({ ...f, series: f.series.filter((s) => read.has(s.metric)) });
      this.forgetOld();
    } catch (err) {
      this.failed = (err as Error).message;
    }
  }

  /** Reads what k6 appended since the last poll; a poll while one is running does nothing. */
  async poll(): Promise<void> {
    if (this.fed || this.busy || this.failed !== undefined) return;
    this.busy = true;
    try {
      if (!(await this.io.exists(this.path))) return;
      const bytes = await this.io.readFrom(this.path, this.offset, MAX_READ);
      this.offset += bytes.length;
      this.reader.push(this.decoder.decode(bytes, { stream: true }));
      this.forgetOld();
    } catch (err) {
      this.failed = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Forgets periods no window can ask for any more: the longest window (10 s, or a threshold's) and a margin
   * for the judges, which take each period a second or so after it is read. The run's end reads the file again.
   */
  private forgetOld(): void {
    const starts = this.reader.frames.starts();
    const latest = starts[starts.length - 1];
    if (latest === undefined) return;
    const longest = Math.max(10_000, ...this.windows.map((w) => w.windowMs));
    this.reader.frames.forget(latest - longest - FORGET_MARGIN_MS);
  }

  latency(): WindowedLatency | undefined {
    const frames = this.reader.frames;
    const starts = frames.starts();
    const last = starts[starts.length - 1];
    const period = frames.periodMs;
    if (last === undefined || period === undefined) return undefined;
    const windowFrom = last + period - 10_000;
    const slide = (endpoint: string | undefined) => {
      const id = endpoint ?? '';
      let w = this.slides.get(id);
      if (!w) this.slides.set(id, (w = new SlidingDurations()));
      w.advance(starts, windowFrom, (start) =>
        frames.durationOf(start, endpoint === undefined ? {} : { endpoint }),
      );
      return w.p95();
    };
    const endpoints = frames.endpoints().flatMap((name) => {
      const v = slide(name);
      return v === undefined ? [] : [{ name, p95Last10s: v }];
    });
    const lastPeriod = frames.durationOf(last);
    const p95Last1s = lastPeriod.count > 0 ? percentileOf(lastPeriod, 95) : undefined;
    const p95Last10s = slide(undefined);
    return {
      ...(p95Last1s !== undefined ? { p95Last1s } : {}),
      ...(p95Last10s !== undefined ? { p95Last10s } : {}),
      endpoints,
    };
  }
}

/**
 * The last 10 s of one endpoint's durations, slid a period at a time: the newest period's histogram added,
 * the oldest subtracted (HDR counts subtract exactly), instead of ten periods merged every second.
 */
class SlidingDurations {
  private readonly periods: Array<{ start: number; view: Readonly<DigestView> }> = [];
  private readonly hist: JsHistogram = newHistogram();
  private count = 0;
  private upTo = -Infinity;

  advance(
    starts: readonly number[],
    from: number,
    durationOf: (start: number) => Readonly<DigestView>,
  ): void {
    for (const start of starts) {
      if (start <= this.upTo || start < from) continue;
      const view = durationOf(start);
      this.periods.push({ start, view });
      this.count += view.count;
      if (view.pos) this.hist.add(view.pos);
      this.upTo = start;
    }
    while (this.periods.length > 0 && (this.periods[0]?.start ?? Infinity) < from) {
      const old = this.periods.shift();
      if (!old) break;
      this.count -= old.view.count;
      if (old.view.pos) this.hist.subtract(old.view.pos);
    }
  }

  p95(): number | undefined {
    if (this.count === 0) return undefined;
    let min = Infinity;
    let max = -Infinity;
    for (const { view } of this.periods)
      if (view.count > 0) {
        min = Math.min(min, view.min);
        max = Math.max(max, view.max);
      }
    return percentileOf({ count: this.count, min, max, pos: this.hist, neg: null }, 95);
  }
}

/** The run's counts and latency so far, period by period, for live snapshots. */
class RunTotals {
  upTo = -Infinity;
  private requests = 0;
  private failed = 0;
  private iterations = 0;
  private dropped = 0;
  private vus = 0;
  private vusMax = 0;
  private readonly hist: JsHistogram = newHistogram();
  private count = 0;
  private min = Infinity;
  private max = -Infinity;

  absorb(
    start: number,
    w: { requests: number; failed: number; iterations: number; maxVus: number | null },
    durations: Readonly<DigestView>,
    more: { dropped: number; vusMax: number | undefined },
  ): void {
    this.upTo = start;
    this.requests += w.requests;
    this.failed += w.failed;
    this.iterations += w.iterations;
    this.dropped += more.dropped;
    if (w.maxVus !== null) this.vus = w.maxVus;
    this.vusMax = Math.max(this.vusMax, more.vusMax ?? 0, this.vus);
    if (durations.count > 0) {
      this.count += durations.count;
      this.min = Math.min(this.min, durations.min);
      this.max = Math.max(this.max, durations.max);
      if (durations.pos) this.hist.add(durations.pos);
    }
  }

  snapshot(snap: LiveSnapshot): LiveSnapshot {
    const d: DigestView = { count: this.count, min: this.min, max: this.max, pos: this.hist, neg: null };
    return {
      ...snap,
      vus: this.vus,
      vusMax: this.vusMax,
      requests: this.requests,
      failed: this.failed,
      iterations: this.iterations,
      droppedIterations: this.dropped,
      latency:
        this.count === 0
          ? {}
          : { med: percentileOf(d, 50), p95: percentileOf(d, 95), p99: percentileOf(d, 99), max: this.max },
    };
  }
}
