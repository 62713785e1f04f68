// Thresholds over a window (`{ threshold: "p(95)<500", window: 30s }`): judged by loadctl from its metric
// stream (docs/stream.md), never by k6, whose thresholds only see the whole run so far. A windowed threshold
// fails when any window of that length, ending at a period's end, breaks it. Pure.
import type { JsHistogram } from 'hdr-histogram-js';
import { newHistogram, percentileOf, type DigestView } from '../../samples/digest.js';
import { type FrameAggregates } from '../../samples/frames.js';
import { metricWindow, type MetricSelector, type MetricWindow } from '../../samples/metric-window.js';
import { parseDuration } from '../../plans/duration.js';
import { THRESHOLD_EXPRESSION } from '../../plans/schema.js';
import type { ThresholdSpec } from './summary.js';

/** A threshold expression's test: the statistic, the operator and the limit, as in `p(95)<500`. */
export interface ThresholdTest {
  stat: string;
  op: string;
  limit: number;
}

/** A plan's threshold that loadctl judges itself: its key's metric and selector, its expression and test. */
export interface JudgedThreshold extends ThresholdTest {
  /** The plan's key, e.g. `http_req_duration{name:reserve}`. */
  key: string;
  metric: string;
  selector: MetricSelector;
  expression: string;
}

export interface WindowThreshold extends JudgedThreshold {
  windowMs: number;
  /** As written in the plan, e.g. `30s`. */
  window: string;
  abortOnFail: boolean;
}

// A threshold expression (checked with THRESHOLD_EXPRESSION first) as its statistic, operator and limit.
const PARTS = /^\s*(\S+?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** A k6 threshold expression (THRESHOLD_EXPRESSION) as its test; undefined for one that is not. */
export function parseExpression(expression: string): ThresholdTest | undefined {
  const m = THRESHOLD_EXPRESSION.test(expression) ? PARTS.exec(expression) : null;
  return m ? { stat: m[1] ?? '', op: m[2] ?? '<', limit: Number(m[3]) } : undefined;
}

/** A plan's threshold as loadctl judges it; undefined for an expression that is not k6's. */
export function judgedThreshold(key: string, expression: string): JudgedThreshold | undefined {
  const test = parseExpression(expression);
  return test && { key, ...splitKey(key), expression, ...test };
}

/** The plan's windowed thresholds (the long form with `window:`); k6 gets the others only. */
export function windowThresholds(
  thresholds: Readonly<Record<string, ReadonlyArray<string | ThresholdSpec>>>,
): WindowThreshold[] {
  const out: WindowThreshold[] = [];
  for (const [key, list] of Object.entries(thresholds))
    for (const item of list) {
      if (typeof item === 'string' || item.window === undefined) continue;
      const judged = judgedThreshold(key, item.threshold);
      const ms = parseDuration(item.window);
      if (!judged || ms === undefined) continue;
      out.push({
        ...judged,
        windowMs: ms,
        window: item.window,
        abortOnFail: item.abortOnFail === true,
      });
    }
  return out;
}

/**
 * `metric{name:x,scenario:y,status:409}` into the metric and its selector: `name` and `scenario` are kept by
 * every stream, any other tag only when the output was asked to keep it (docs/stream.md `tags=`).
 */
export function splitKey(key: string): { metric: string; selector: MetricSelector } {
  const brace = key.indexOf('{');
  if (brace < 0) return { metric: key, selector: {} };
  const selector: MetricSelector = {};
  const tags: Record<string, string> = {};
  for (const part of key.slice(brace + 1, -1).split(',')) {
    const [rawTag = '', ...rest] = part.split(':');
    const tag = rawTag.trim();
    const value = rest.join(':').trim();
    if (tag === 'name') selector.name = value;
    else if (tag === 'scenario') selector.scenario = value;
    else if (tag !== '') tags[tag] = value;
  }
  if (Object.keys(tags).length > 0) selector.tags = tags;
  return { metric: key.slice(0, brace), selector };
}

/** The tags a windowed threshold may select on: the stream keeps these and the status class only. */
export const WINDOW_SELECTOR_TAGS = ['name', 'scenario'] as const;

/** The value of `stat` over a window; undefined without samples (not judged, as k6 does). */
export function windowStat(w: MetricWindow, stat: string, windowMs: number): number | undefined {
  if (w.count === 0) return undefined;
  switch (w.type) {
    case 'counter':
      return stat === 'count' ? w.sum : stat === 'rate' ? w.sum / (windowMs / 1000) : undefined;
    case 'rate':
      return stat === 'rate' ? w.sum / w.count : undefined;
    case 'gauge':
      return stat === 'value' ? w.max : undefined;
    case 'trend': {
      if (stat === 'avg') return w.sum / w.count;
      if (stat === 'min') return w.min;
      if (stat === 'max') return w.max;
      const p = stat === 'med' ? 50 : /^p\(([\d.]+)\)$/.exec(stat)?.[1];
      return p === undefined || w.digest === null ? undefined : percentileOf(w.digest, Number(p));
    }
    default:
      return undefined;
  }
}

export function holds(op: string, observed: number, limit: number): boolean {
  switch (op) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
    case '!=':
      return observed !== limit;
    default:
      // == and ===
      return observed === limit;
  }
}

export interface WindowVerdict {
  ok: boolean;
  /** The value of the worst window (the one furthest past the limit, or closest to it). */
  observed?: number;
  /** The end of the first window that broke it (Unix ms). */
  firstFailureAt?: number;
  windows: number;
}

/**
 * Judges a windowed threshold over periods fed in order: a sliding window of the last `windowMs` of
 * periods, added to and taken from as it moves (HDR histograms subtract exactly). The first window is
 * judged once the stream covers a whole window.
 */
export class WindowJudge {
  private readonly periods: Array<{ start: number; w: MetricWindow }> = [];
  private count = 0;
  private sum = 0;
  private hist: JsHistogram | null = null;
  private firstStart: number | undefined;
  private verdict: WindowVerdict = { ok: true, windows: 0 };

  constructor(
    readonly threshold: WindowThreshold,
    private readonly periodMs: number,
  ) {}

  /** Adds the period that starts at `start` (after every earlier one); returns the verdict so far. */
  push(start: number, w: MetricWindow): WindowVerdict {
    this.firstStart ??= start;
    this.periods.push({ start, w });
    this.count += w.count;
    this.sum += w.sum;
    if (w.digest?.pos) (this.hist ??= newHistogram()).add(w.digest.pos);
    const end = start + this.periodMs;
    while (
      this.periods.length > 0 &&
      (this.periods[0] as { start: number }).start < end - this.threshold.windowMs
    ) {
      const old = this.periods.shift() as { w: MetricWindow };
      this.count -= old.w.count;
      this.sum -= old.w.sum;
      if (old.w.digest?.pos && this.hist) this.hist.subtract(old.w.digest.pos);
    }
    if (end - this.firstStart >= this.threshold.windowMs) this.judge(end);
    return this.verdict;
  }

  result(): WindowVerdict {
    return this.verdict;
  }

  private judge(end: number): void {
    const t = this.threshold;
    const merged = this.window();
    const observed = windowStat(merged, t.stat, t.windowMs);
    if (observed === undefined) return;
    const ok = holds(t.op, observed, t.limit);
    const worse =
      this.verdict.observed === undefined ||
      (t.op.startsWith('<') ? observed > this.verdict.observed : observed < this.verdict.observed);
    this.verdict = {
      ok: this.verdict.ok && ok,
      ...(worse
        ? { observed }
        : this.verdict.observed !== undefined
          ? { observed: this.verdict.observed }
          : {}),
      ...(this.verdict.firstFailureAt !== undefined
        ? { firstFailureAt: this.verdict.firstFailureAt }
        : ok
          ? {}
          : { firstFailureAt: end }),
      windows: this.verdict.windows + 1,
    };
  }

  private window(): MetricWindow {
    let min = Infinity;
    let max = -Infinity;
    let type: MetricWindow['type'];
    for (const { w } of this.periods) {
      if (w.count === 0) continue;
      min = Math.min(min, w.min);
      max = Math.max(max, w.max);
      type = w.type;
    }
    const digest: DigestView | null =
      this.hist === null ? null : { count: this.count, min, max, pos: this.hist, neg: null };
    return { type, count: this.count, sum: this.sum, min, max, digest };
  }
}

/** Judges every windowed threshold over a whole run's frames (the verdict stored with the run). */
export function judgeWindowThresholds(
  frames: FrameAggregates,
  thresholds: readonly WindowThreshold[],
): Array<{ threshold: WindowThreshold; verdict: WindowVerdict }> {
  const starts = frames.starts();
  const period = frames.periodMs ?? 1000;
  const first = starts[0];
  const last = starts[starts.length - 1];
  return thresholds.map((t) => {
    const judge = new WindowJudge(t, period);
    if (first !== undefined && last !== undefined)
      for (let start = first; start <= last; start += period)
        judge.push(start, metricWindow(frames, t.metric, t.selector, start, start + period));
    return { threshold: t, verdict: judge.result() };
  });
}
