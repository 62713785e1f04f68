// One metric over a window of loadctl's metric stream, merged over periods, instances and the tag sets a
// k6-style selector takes. Pure.
import { newHistogram, type DigestView } from './digest.js';
import type { CellKey, FrameAggregates, FrameSeries } from './frames.js';

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

/** A metric's samples in the periods that start in [fromMs, toMs). */
export function metricWindow(
  frames: FrameAggregates,
  metric: string,
  selector: MetricSelector,
  fromMs: number,
  toMs: number,
): MetricWindow {
  const w: MetricWindow = { type: undefined, count: 0, sum: 0, min: Infinity, max: -Infinity, digest: null };
  const lastOf = new Map<string, { start: number; value: number }>();
  frames.forEachCell(fromMs, toMs, (cell, histogram, start) => {
    const k = cell.key;
    const type = cell.type;
    if (k.metric !== metric || !selects(selector, k)) return;
    w.type = type;
    w.count += cell.count;
    w.sum += cell.sum;
    w.min = Math.min(w.min, cell.min);
    w.max = Math.max(w.max, cell.max);
    // Per instance and tag set: a gauge's tag sets (two scenarios' VUs, say) add up as instances do.
    for (const [instance, value] of cell.last) {
      const id = `${instance}\u0000${cell.key.name}\u0000${cell.key.scenario}\u0000${JSON.stringify(cell.key.tags)}`;
      const seen = lastOf.get(id);
      if (!seen || seen.start <= start) lastOf.set(id, { start, value });
    }
    const h = type === 'trend' ? histogram() : null;
    if (h) {
      w.digest ??= { count: 0, min: Infinity, max: -Infinity, pos: newHistogram(), neg: null };
      w.digest.count += cell.count;
      w.digest.min = Math.min(w.digest.min, cell.min);
      w.digest.max = Math.max(w.digest.max, cell.max);
      w.digest.pos?.add(h);
    }
  });
  if (lastOf.size > 0) w.last = [...lastOf.values()].reduce((sum, l) => sum + l.value, 0);
  return w;
}
