// One metric over a window of loadctl's metric stream, merged over periods, instances and the tag sets a
// k6-style selector takes. Pure.
import type { JsHistogram } from 'hdr-histogram-js';
import { newHistogram, type DigestView } from './digest.js';
import type { CellKey, FrameAggregates, FrameCell, FrameSeries } from './frames.js';

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
  /** A gauge's value at the window's end: the sum over instances of each one's last value. */
  last?: number;
}

/**
 * Which tag sets a threshold or sub-metric takes, as k6's `{tag:value,…}`: every one, or those whose tags
 * have these values. `name` and `scenario` are kept by every stream; any other tag only when loadctl asked
 * the output to keep it (`tags=`), `status` then being the exact status, not its class.
 */
export interface MetricSelector {
  name?: string;
  scenario?: string;
  tags?: Readonly<Record<string, string>>;
}

/** Whether a metric and tag set is one a selector takes. */
export function selects(selector: MetricSelector, key: CellKey): boolean {
  if (selector.name !== undefined && key.name !== selector.name) return false;
  if (selector.scenario !== undefined && key.scenario !== selector.scenario) return false;
  if (selector.tags !== undefined)
    for (const [tag, value] of Object.entries(selector.tags)) if (key.tags[tag] !== value) return false;
  return true;
}

/**
 * A MetricWindow being summed: cells of the stream (metricWindow, the summary's keys) or whole windows (a
 * judge of the run so far), with a gauge's last value per instance and tag set.
 */
export class WindowSum {
  private readonly w: MetricWindow = {
    type: undefined,
    count: 0,
    sum: 0,
    min: Infinity,
    max: -Infinity,
    digest: null,
  };
  private readonly lastOf = new Map<string, { start: number; value: number }>();
  /** A gauge's last value per period and instance: with several instances its extremes are of their sum. */
  private readonly gaugeByPeriod = new Map<number, Map<string, number>>();
  private readonly gaugeInstances = new Set<string>();

  /** A cell's counts and extremes, and its gauge values; its histogram goes to histogramFor(). */
  addCell(cell: FrameCell, start: number): void {
    this.addCounts(cell);
    // Per instance and tag set: a gauge's tag sets (two scenarios' VUs, say) add up as instances do.
    const k = cell.key;
    for (const [instance, value] of cell.last) {
      const id = `${instance}\u0000${k.name}\u0000${k.scenario}\u0000${JSON.stringify(k.tags)}`;
      const seen = this.lastOf.get(id);
      if (!seen || seen.start <= start) this.lastOf.set(id, { start, value });
      this.gaugeInstances.add(instance);
      let period = this.gaugeByPeriod.get(start);
      if (!period) this.gaugeByPeriod.set(start, (period = new Map()));
      period.set(id, value);
    }
  }

  /** A later window: its counts and distribution, and its gauge value as the latest. */
  addWindow(w: MetricWindow): void {
    if (w.count === 0) return;
    this.addCounts(w);
    if (w.last !== undefined) this.w.last = w.last;
    if (w.digest?.pos) this.histogramFor(w.digest).add(w.digest.pos);
  }

  /** The histogram to add the samples of `part` to, its count and extremes counted. */
  histogramFor(part: { count: number; min: number; max: number }): JsHistogram {
    const d = (this.w.digest ??= { count: 0, min: Infinity, max: -Infinity, pos: newHistogram(), neg: null });
    d.count += part.count;
    d.min = Math.min(d.min, part.min);
    d.max = Math.max(d.max, part.max);
    return (d.pos ??= newHistogram());
  }

  /** The sum so far (not a copy: read it before adding more). */
  result(): MetricWindow {
    if (this.lastOf.size > 0) this.w.last = [...this.lastOf.values()].reduce((sum, l) => sum + l.value, 0);
    if (this.gaugeInstances.size > 1) this.sumGaugeExtremes();
    return this.w;
  }

  /**
   * Several k6 processes' gauge (runners' VUs) is the sum of each one's value: its extremes are those of that
   * sum, period by period, each instance's last value carried until it sends another.
   */
  private sumGaugeExtremes(): void {
    const current = new Map<string, number>();
    let min = Infinity;
    let max = -Infinity;
    for (const start of [...this.gaugeByPeriod.keys()].sort((a, b) => a - b)) {
      for (const [id, value] of this.gaugeByPeriod.get(start) ?? []) current.set(id, value);
      let total = 0;
      for (const v of current.values()) total += v;
      min = Math.min(min, total);
      max = Math.max(max, total);
    }
    this.w.min = min;
    this.w.max = max;
  }

  private addCounts(part: Pick<MetricWindow, 'type' | 'count' | 'sum' | 'min' | 'max'>): void {
    const w = this.w;
    w.type = part.type;
    w.count += part.count;
    w.sum += part.sum;
    w.min = Math.min(w.min, part.min);
    w.max = Math.max(w.max, part.max);
  }
}

/** A metric's samples in the periods that start in [fromMs, toMs). */
export function metricWindow(
  frames: FrameAggregates,
  metric: string,
  selector: MetricSelector,
  fromMs: number,
  toMs: number,
): MetricWindow {
  const sum = new WindowSum();
  frames.forEachCell(fromMs, toMs, (cell, histogram, start) => {
    if (cell.key.metric !== metric || !selects(selector, cell.key)) return;
    sum.addCell(cell, start);
    const h = cell.type === 'trend' ? histogram() : null;
    if (h) sum.histogramFor(cell).add(h);
  });
  return sum.result();
}
