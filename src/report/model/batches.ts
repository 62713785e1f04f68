// Batches: a run cut into consecutive time slices, each with its own exact statistics. They are what
// `compare` measures noise with (the method of batch means): k6 computes them as sub-metrics of a VU tag the
// generated script sets from the clock, so they cost a tag per VU and a few sub-metrics, never raw samples.
// Pure.
import { metricValues, type K6Summary } from '../../k6/summary.js';
import { BATCH_TAG, batchSelectors, type BatchLayout } from './k6-submetrics.js';

/** Ten batches of a run; fewer when the run is short (a batch is never under a second). */
export const BATCH_COUNT = 10;
const MIN_BATCH_MS = 1000;

export interface BatchStats {
  requests: number;
  failed: number;
  /** http_req_duration of the batch in ms (k6's trend stats); empty when the batch had no requests. */
  duration: Record<string, number>;
}

export interface RunBatches {
  ms: number;
  overall: BatchStats[];
  endpoints: Record<string, BatchStats[]>;
  /** The share of checks that passed in each batch; NaN-free: a batch without checks is absent (null). */
  checks: Array<number | null>;
}

/** The batches of a run planned to last `plannedMs`. */
export function planBatches(plannedMs: number): BatchLayout | undefined {
  if (!(plannedMs >= 2 * MIN_BATCH_MS)) return undefined;
  const count = Math.min(BATCH_COUNT, Math.floor(plannedMs / MIN_BATCH_MS));
  return { ms: Math.ceil(plannedMs / count), count };
}

/** Whether any step of the plan's flows (setup and teardown included) declares checks. */
export function hasChecks(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasChecks);
  if (typeof value !== 'object' || value === null) return false;
  const checks = (value as { checks?: unknown }).checks;
  if (Array.isArray(checks) && checks.length > 0) return true;
  return Object.values(value).some(hasChecks);
}

/** The requests, failures and request durations of one selector (a batch, an endpoint's batch, a tag's). */
export function batchStatsOf(k6: K6Summary, selector: string): BatchStats {
  // http_req_failed counts every request: a failure as a "pass" of the rate, a success as a "fail".
  const f = metricValues(k6, `http_req_failed{${selector}}`);
  const failed = f?.['passes'] ?? 0;
  const requests = failed + (f?.['fails'] ?? 0);
  return {
    requests,
    failed,
    duration: requests > 0 ? (metricValues(k6, `http_req_duration{${selector}}`) ?? {}) : {},
  };
}

/** The batches as k6 measured them; undefined when the run has none (no layout, or k6 wrote no data). */
export function summarizeBatches(
  k6: K6Summary | undefined,
  layout: BatchLayout | undefined,
  endpoints: readonly string[],
): RunBatches | undefined {
  if (!k6 || !layout) return undefined;
  if (k6.metrics[`http_req_failed{${BATCH_TAG}:0}`] === undefined) return undefined;
  const out: RunBatches = { ms: layout.ms, overall: [], endpoints: {}, checks: [] };
  for (const { selector, endpoint } of batchSelectors(layout.count, endpoints)) {
    const s = batchStatsOf(k6, selector);
    if (endpoint === undefined) {
      out.overall.push(s);
      const c = metricValues(k6, `checks{${selector}}`);
      const total = (c?.['passes'] ?? 0) + (c?.['fails'] ?? 0);
      out.checks.push(total > 0 ? (c?.['passes'] ?? 0) / total : null);
    } else (out.endpoints[endpoint] ??= []).push(s);
  }
  return out;
}

/** A run whose first time batch was clearly its slowest: the target (or the generator) started cold. */
export interface ColdStart {
  /** The first batch's length in ms: the run's first `batchMs` were slow. */
  batchMs: number;
  /** p95 of the first batch and the median p95 of the others, in ms. */
  firstP95: number;
  restP95: number;
}

/** Fewer requests in the first batch than this and its p95 says little. */
const COLD_MIN_REQUESTS = 20;
/** How much slower than the median of the other batches the first must be. */
const COLD_RATIO = 1.5;

/**
 * The first batch slower than every other and than 1.5 × their median p95. A ramp starts light, so a first
 * batch slower than the rest under less load is the start of the run (JIT compilation, empty caches and
 * connection pools), not the load: a comparison with it in one run and not in the other measures that.
 */
export function detectColdStart(batches: RunBatches | undefined): ColdStart | undefined {
  if (!batches) return undefined;
  const [first, ...rest] = batches.overall;
  const firstP95 = first?.duration['p(95)'];
  if (firstP95 === undefined || (first?.requests ?? 0) < COLD_MIN_REQUESTS) return undefined;
  const others = rest
    .filter((b) => b.requests >= COLD_MIN_REQUESTS)
    .map((b) => b.duration['p(95)'])
    .filter((v): v is number => v !== undefined)
    .sort((a, b) => a - b);
  if (others.length < 3) return undefined;
  const mid = others.length / 2;
  const restP95 = others.length % 2 ? others[Math.floor(mid)]! : (others[mid - 1]! + others[mid]!) / 2;
  if (!(firstP95 > others[others.length - 1]! && firstP95 >= COLD_RATIO * restP95)) return undefined;
  return { batchMs: batches.ms, firstP95, restP95 };
}
