// Settings of the generated k6 script, not parts of the report: the empty thresholds that make k6 compute
// the sub-metrics loadctl later reads from its end-of-test data (per endpoint, per time batch, per
// arrival-rate scenario), and the tag selectors they use. The report models (summary.ts, batches.ts,
// guard.ts) read those sub-metrics back with the same selectors, so both sides live here. Pure, a leaf.

/** The VU tag that carries the batch index. Short and unlikely to meet a plan's own tag. */
export const BATCH_TAG = 'lc_batch';

/** How a run is cut into time batches: the generated script tags each request with its batch's index. */
export interface BatchLayout {
  /** Length of one batch; the last one also takes whatever runs past the plan (graceful stops). */
  ms: number;
  count: number;
}

/** k6 cannot parse a tag selector value holding these; such endpoints get no sub-metrics. */
export function selectorSafe(name: string): boolean {
  return !/[,{}"]/.test(name) && name.trim() === name && name.length > 0;
}

/**
 * Empty thresholds that make k6 compute per-endpoint sub-metrics in its end-of-test data: the cheapest
 * exact per-endpoint source (see docs/benchmarks.md).
 */
export function endpointSubmetrics(
  endpoints: ReadonlyArray<{ name: string; statuses: readonly number[] }>,
): Record<string, never[]> {
  const out: Record<string, never[]> = {};
  for (const { name, statuses } of endpoints) {
    if (!selectorSafe(name)) continue;
    out[`http_reqs{name:${name}}`] = [];
    out[`http_req_duration{name:${name}}`] = [];
    out[`http_req_failed{name:${name}}`] = [];
    for (const status of statuses) out[`http_reqs{name:${name},status:${status}}`] = [];
  }
  return out;
}

/** Endpoint names that thresholds select with {name:…}: per-endpoint rows for plans that run a script. */
export function thresholdEndpoints(keys: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const key of keys) {
    const m = key.match(/^http_req[a-z_]*\{(?:[^}]*,)?\s*name\s*:\s*([^,}]+?)\s*(?:,[^}]*)?\}$/);
    if (m?.[1]) names.add(m[1]);
  }
  return [...names];
}

/** The tag selector of every batch, overall and per endpoint, in the order the batches are summarized. */
export function batchSelectors(
  count: number,
  endpoints: readonly string[],
): Array<{ selector: string; endpoint?: string; i: number }> {
  const out: Array<{ selector: string; endpoint?: string; i: number }> = [];
  for (let i = 0; i < count; i++) {
    out.push({ selector: `${BATCH_TAG}:${i}`, i });
    for (const name of endpoints)
      if (selectorSafe(name)) out.push({ selector: `name:${name},${BATCH_TAG}:${i}`, endpoint: name, i });
  }
  return out;
}

/**
 * The empty thresholds that make k6 compute every batch's sub-metrics (overall and per endpoint). Checks
 * only when the plan has some: a threshold on a metric nothing emits would add an empty `checks` to k6's data.
 */
export function batchSubmetrics(
  layout: BatchLayout,
  endpoints: readonly string[],
  opts: { checks: boolean },
): Record<string, never[]> {
  const out: Record<string, never[]> = {};
  for (const { selector, endpoint } of batchSelectors(layout.count, endpoints)) {
    out[`http_req_duration{${selector}}`] = [];
    out[`http_req_failed{${selector}}`] = [];
    if (endpoint === undefined && opts.checks) out[`checks{${selector}}`] = [];
  }
  return out;
}

/** The sub-metric of one arrival-rate scenario's dropped iterations. */
export const droppedIterationsKey = (scenario: string): string => `dropped_iterations{scenario:${scenario}}`;

/** Empty thresholds that make k6 count dropped iterations per arrival-rate scenario in its end-of-test data. */
export function guardSubmetrics(plan: { arrival: ReadonlyArray<{ name: string }> }): Record<string, never[]> {
  const out: Record<string, never[]> = {};
  for (const { name } of plan.arrival) if (selectorSafe(name)) out[droppedIterationsKey(name)] = [];
  return out;
}
