// Thresholds with abortOnFail judged while k6 runs, when k6 judges none itself (it runs with
// --no-thresholds and loadctl summarizes from its metric stream): each threshold's metric is accumulated
// period by period since the start, and judged as k6 would judge it at that moment, once its
// delayAbortEval has passed. Pure.
import { WindowSum, type MetricWindow } from '../../samples/metric-window.js';
import { parseDuration } from '../../plans/duration.js';
import { valuesOf } from './stream-summary.js';
import type { ThresholdSpec } from './summary.js';
import { holds, judgedThreshold, type JudgedThreshold } from './window-thresholds.js';

export interface AbortThreshold extends JudgedThreshold {
  /** k6's delayAbortEval: no abort before this much of the run has passed. */
  delayMs: number;
}

/** The plan's whole-run thresholds with abortOnFail (those over a window have their own judge). */
export function abortThresholds(
  thresholds: Readonly<Record<string, ReadonlyArray<string | (ThresholdSpec & { delayAbortEval?: string })>>>,
): AbortThreshold[] {
  const out: AbortThreshold[] = [];
  for (const [key, list] of Object.entries(thresholds))
    for (const item of list) {
      if (typeof item === 'string' || item.window !== undefined || item.abortOnFail !== true) continue;
      const judged = judgedThreshold(key, item.threshold);
      if (!judged) continue;
      out.push({
        ...judged,
        delayMs: item.delayAbortEval === undefined ? 0 : (parseDuration(item.delayAbortEval) ?? 0),
      });
    }
  return out;
}

/** One abortOnFail threshold, fed the periods in order. */
export class RunJudge {
  private readonly sum = new WindowSum();
  private first: number | undefined;
  failedAt: number | undefined;
  /** The start of the last period pushed. */
  upTo = -Infinity;

  constructor(
    readonly threshold: AbortThreshold,
    private readonly periodMs: number,
  ) {}

  /** Adds the period that starts at `start`; true once the threshold has failed. */
  push(start: number, w: MetricWindow): boolean {
    this.first ??= start;
    this.upTo = start;
    this.sum.addWindow(w);
    const a = this.sum.result();
    const end = start + this.periodMs;
    const t = this.threshold;
    if (this.failedAt !== undefined || a.type === undefined || a.count === 0)
      return this.failedAt !== undefined;
    if (end - this.first < t.delayMs) return false;
    const observed = valuesOf(a.type, a, (end - this.first) / 1000, [t.stat])[t.stat];
    if (observed !== undefined && !holds(t.op, observed, t.limit)) this.failedAt = end;
    return this.failedAt !== undefined;
  }
}
