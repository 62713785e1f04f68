// k6's end-of-test data rebuilt from loadctl's metric stream (docs/stream.md), for runs where k6 keeps no
// metrics of its own (`--summary-mode=disabled --no-thresholds`: k6's memory then stays flat however long the run,
// docs/benchmarks.md). The result has the shape of handleSummary's data, so every reader of k6's summary
// (summary.json, batches, the guard, compare) reads it unchanged: counts are exact, percentiles are k6's
// interpolated ones over HDR histograms (within 0.1 %), and every threshold carries loadctl's verdict. Pure.
import type { K6Group, K6Metric, K6Summary } from '../../k6/summary.js';
import { addEncoded, percentileOf, recordUnits } from '../../samples/digest.js';
import { type FrameAggregates, type FrameCell } from '../../samples/frames.js';
import { selects, WindowSum, type MetricSelector, type MetricWindow } from '../../samples/metric-window.js';
import type { ThresholdSpec } from './summary.js';
import { holds, parseExpression, splitKey } from './window-thresholds.js';

export interface StreamSummaryInput {
  /** Sub-metrics besides the top-level metrics (per endpoint, per batch, the guard's), as k6 keys them. */
  keys: readonly string[];
  /** The trend statistics k6 would have computed (`summaryTrendStats`). */
  trendStats: readonly string[];
  /** The plan's thresholds; those over a window are judged elsewhere (window-thresholds.ts). */
  thresholds: Readonly<Record<string, ReadonlyArray<string | ThresholdSpec>>>;
  /** The run's duration when the stream has none (k6 stopped before its final frame): wall time. */
  fallbackMs: number;
  /** The plan's own metrics: k6 reports each one, with zeros when nothing added to it. */
  declared?: Readonly<Record<string, { type: K6Metric['type']; time?: boolean | undefined }>>;
  /** The abortOnFail threshold loadctl stopped k6 for: failed, as k6 leaves one that aborted the run. */
  abortedBy?: { key: string; expression: string };
}

// k6's built-in metrics that are not plain numbers, and the times k6/x/loadctl-sse records (registered as
// Time, which k6's own summary says as `contains: time`); a plan's custom metric's kind is not in the stream.
const CONTAINS: Record<string, string> = {
  data_sent: 'data',
  data_received: 'data',
  iteration_duration: 'time',
  group_duration: 'time',
  ttft: 'time',
  ttfb_headers: 'time',
  inter_token_latency: 'time',
  tpot: 'time',
  e2e_latency: 'time',
};

function containsOf(metric: string, input: StreamSummaryInput): string {
  const declared = input.declared?.[metric];
  if (declared) return declared.time === true ? 'time' : 'default';
  return (
    CONTAINS[metric] ?? (metric.startsWith('http_req_') && metric !== 'http_req_failed' ? 'time' : 'default')
  );
}

// The types of k6's built-in metrics, for a sub-metric asked for that no sample reached (k6 reports it with
// zeros): the dropped iterations of a scenario that kept up, say.
const BUILTIN_TYPES: Record<string, K6Metric['type']> = {
  http_reqs: 'counter',
  http_req_failed: 'rate',
  checks: 'rate',
  iterations: 'counter',
  dropped_iterations: 'counter',
  data_sent: 'counter',
  data_received: 'counter',
  vus: 'gauge',
  vus_max: 'gauge',
  iteration_duration: 'trend',
  group_duration: 'trend',
};

function builtinType(metric: string): K6Metric['type'] | undefined {
  return BUILTIN_TYPES[metric] ?? (metric.startsWith('http_req_') ? 'trend' : undefined);
}

/** One nanosecond in k6's milliseconds: the stream's lowest recorded value. */
const ONE_NS = 1e-6;

function trendValue(w: MetricWindow, stat: string): number {
  if (w.count === 0) return 0;
  if (stat === 'avg') return w.sum / w.count;
  if (stat === 'min') return w.min;
  if (stat === 'max') return w.max;
  if (stat === 'count') return w.count;
  const p = stat === 'med' ? 50 : Number(/^p\(([\d.]+)\)$/.exec(stat)?.[1]);
  if (!Number.isFinite(p) || w.digest === null) return 0;
  const v = percentileOf(w.digest, p);
  if (!Number.isFinite(v)) return 0;
  // The stream records values below 1 ns as 1 ns (docs/stream.md): such a percentile is the exact minimum,
  // 0 for the connecting time of a reused connection, not 0.000001 ms.
  return v <= ONE_NS && w.min < ONE_NS ? w.min : v;
}

/** handleSummary's `values` of one metric over the whole run. */
export function valuesOf(
  type: K6Metric['type'],
  w: MetricWindow,
  seconds: number,
  stats: readonly string[],
): Record<string, number> {
  switch (type) {
    case 'counter':
      return { count: w.sum, rate: w.sum / seconds };
    case 'rate':
      return { rate: w.count > 0 ? w.sum / w.count : 0, passes: w.sum, fails: w.count - w.sum };
    case 'gauge':
      return w.count > 0 ? { value: w.last ?? 0, min: w.min, max: w.max } : { value: 0, min: 0, max: 0 };
    case 'trend':
      return Object.fromEntries(stats.map((stat) => [stat, trendValue(w, stat)]));
  }
}

/** The statistics a key's thresholds test beyond the trend statistics asked for (`count`, a percentile). */
function statsOf(list: ReadonlyArray<string | ThresholdSpec> | undefined, base: readonly string[]): string[] {
  const stats = [...base];
  for (const item of list ?? []) {
    const expression = typeof item === 'string' ? item : item.threshold;
    const stat = parseExpression(expression)?.stat;
    if (stat !== undefined && !stats.includes(stat)) stats.push(stat);
  }
  return stats;
}

/** Each threshold's verdict, as k6 gives it: one with no sample is not evaluated, and passes. */
function verdictsOf(
  list: ReadonlyArray<string | ThresholdSpec>,
  values: Record<string, number>,
  samples: number,
): Record<string, { ok: boolean }> {
  const out: Record<string, { ok: boolean }> = {};
  for (const item of list) {
    if (typeof item !== 'string' && item.window !== undefined) continue;
    const expression = typeof item === 'string' ? item : item.threshold;
    const test = parseExpression(expression);
    const observed = test && values[test.stat];
    out[expression] = {
      ok:
        samples === 0 || test === undefined || observed === undefined || holds(test.op, observed, test.limit),
    };
  }
  return out;
}

/** Every metric's type, as the stream gives it. */
function typesOf(frames: FrameAggregates): Map<string, K6Metric['type']> {
  const types = new Map<string, K6Metric['type']>();
  frames.forEachCell(-Infinity, Infinity, (cell) => {
    if (!types.has(cell.key.metric)) types.set(cell.key.metric, cell.type);
  });
  return types;
}

/**
 * The checks by name and group (the `check` and `group` tags of `checks`), as handleSummary's root_group:
 * in the order they first ran, groups nested by their `::` paths.
 */
export function checksGroupOf(frames: FrameAggregates): K6Group {
  const found = new Map<
    string,
    { name: string; path: string; passes: number; fails: number; first: number }
  >();
  frames.forEachCell(-Infinity, Infinity, (cell, _h, start) => {
    const check = cell.key.tags['check'];
    if (cell.key.metric !== 'checks' || check === undefined) return;
    const path = cell.key.tags['group'] ?? '';
    const id = `${path}\u0000${check}`;
    const c = found.get(id) ?? { name: check, path, passes: 0, fails: 0, first: start };
    c.passes += cell.sum;
    c.fails += cell.count - cell.sum;
    c.first = Math.min(c.first, start);
    found.set(id, c);
  });
  const root: K6Group = { name: '', path: '', checks: [], groups: [] };
  const groups = new Map<string, K6Group>([['', root]]);
  const groupAt = (path: string): K6Group => {
    const known = groups.get(path);
    if (known) return known;
    const cut = path.lastIndexOf('::');
    const parent = groupAt(cut > 0 ? path.slice(0, cut) : '');
    const g: K6Group = { name: path.slice(cut + 2), path, checks: [], groups: [] };
    parent.groups.push(g);
    groups.set(path, g);
    return g;
  };
  for (const c of [...found.values()].sort((a, b) => a.first - b.first))
    groupAt(c.path).checks.push({
      name: c.name,
      path: `${c.path}::${c.name}`,
      passes: c.passes,
      fails: c.fails,
    });
  return root;
}

interface KeyAcc {
  key: string;
  selector: MetricSelector;
  sum: WindowSum;
}

/**
 * A trend cell's samples into every key's histogram that takes it: values as they are (recording a few
 * hundred values costs less than adding a histogram of tens of thousands of counters), an encoded histogram
 * decoded once and added to each.
 */
function addTrend(cell: FrameCell, accs: readonly KeyAcc[]): void {
  const histograms = accs.map(({ sum }) => sum.histogramFor(cell));
  if (cell.hdr) for (const h of histograms) h.add(cell.hdr);
  for (const part of cell.pending) {
    if (typeof part === 'string') for (const h of histograms) addEncoded(h, part);
    else for (const h of histograms) for (const v of part) recordUnits(h, v);
  }
}

/**
 * Every key's metric over the whole run, in one pass over the stream: each trend cell is decoded once and
 * added to every key that takes it (the overall metric, its endpoint, its batch…), and nothing decoded is
 * kept, so a long run's end costs memory by the keys, not by its cells.
 */
function mergeByKeys(frames: FrameAggregates, keys: Iterable<string>): Map<string, MetricWindow> {
  const byMetric = new Map<string, KeyAcc[]>();
  for (const key of keys) {
    const { metric, selector } = splitKey(key);
    const list = byMetric.get(metric) ?? [];
    list.push({ key, selector, sum: new WindowSum() });
    byMetric.set(metric, list);
  }
  frames.forEachCell(-Infinity, Infinity, (cell, _histogram, start) => {
    const accs = byMetric.get(cell.key.metric)?.filter((a) => selects(a.selector, cell.key));
    if (!accs || accs.length === 0) return;
    if (cell.type === 'trend' && cell.count > 0) addTrend(cell, accs);
    for (const { sum } of accs) sum.addCell(cell, start);
  });
  const out = new Map<string, MetricWindow>();
  for (const list of byMetric.values()) for (const { key, sum } of list) out.set(key, sum.result());
  return out;
}

/** k6's end-of-test data as the stream gives it: top-level metrics, the keys asked for, thresholds judged. */
export function k6SummaryFromFrames(frames: FrameAggregates, input: StreamSummaryInput): K6Summary {
  const runMs = frames.runMs ?? input.fallbackMs;
  const seconds = runMs > 0 ? runMs / 1000 : 1;
  const types = typesOf(frames);
  const declared = Object.keys(input.declared ?? {});
  const keys = new Set<string>([
    ...types.keys(),
    ...declared,
    ...input.keys,
    ...Object.keys(input.thresholds),
  ]);
  // http_req_duration{…} with no sample is told from one with samples by http_reqs{…} (summary.ts hasNoSamples).
  for (const key of [...keys]) {
    const http = /^http_req_[a-z_]+(\{.*\})$/.exec(key);
    if (http) keys.add(`http_reqs${http[1]}`);
  }
  const merged = mergeByKeys(frames, keys);
  const metrics: Record<string, K6Metric> = {};
  for (const key of keys) {
    const { metric } = splitKey(key);
    const type = types.get(metric) ?? input.declared?.[metric]?.type ?? builtinType(metric);
    const w = merged.get(key);
    if (type === undefined || w === undefined) continue;
    const list = input.thresholds[key];
    const values = valuesOf(type, w, seconds, statsOf(list, input.trendStats));
    const thresholds = list ? verdictsOf(list, values, w.count) : {};
    const aborted = input.abortedBy;
    if (aborted?.key === key && thresholds[aborted.expression])
      thresholds[aborted.expression] = { ok: false };
    metrics[key] = {
      type,
      contains: containsOf(metric, input),
      values,
      ...(Object.keys(thresholds).length > 0 ? { thresholds } : {}),
    };
  }
  return {
    root_group: checksGroupOf(frames),
    state: { testRunDurationMs: runMs },
    options: { summaryTrendStats: [...input.trendStats] },
    metrics,
  };
}
