// The bound on endpoints with statistics of their own. Each such endpoint costs k6 about two dozen sub-metric
// thresholds (k6-submetrics.ts: three, one per expected status, two per time batch), and k6's start-up and
// end-of-test work grow faster than linearly in their number: 1,000 endpoints took it ~9 s to its first
// request, 5,000 took ~85 s (docs/benchmarks.md, "Plan size"). Up to the bound the cost is linear and small;
// the endpoints past it are counted in the run's totals only, and the summary says so. Pure, a leaf.

/** Endpoints that get rows (and time batches) of their own; the rest count in the totals only. */
export const MAX_MEASURED_ENDPOINTS = 200;

export interface BoundedEndpoints<E extends { name: string }> {
  /** The endpoints with statistics of their own, in the plan's order. */
  measured: E[];
  /** The names of the others, in the plan's order. */
  leftOut: string[];
}

/**
 * The endpoints that get statistics of their own: every one up to the bound; past it, those the plan's
 * thresholds name first (k6 computes those sub-metrics anyway), then the plan's order.
 */
export function boundEndpoints<E extends { name: string }>(
  endpoints: readonly E[],
  named: ReadonlySet<string>,
  max: number = MAX_MEASURED_ENDPOINTS,
): BoundedEndpoints<E> {
  if (endpoints.length <= max) return { measured: [...endpoints], leftOut: [] };
  const keep = new Set<string>();
  for (const e of endpoints) if (keep.size < max && named.has(e.name)) keep.add(e.name);
  for (const e of endpoints) if (keep.size < max) keep.add(e.name);
  return {
    measured: endpoints.filter((e) => keep.has(e.name)),
    leftOut: endpoints.filter((e) => !keep.has(e.name)).map((e) => e.name),
  };
}

/** The run's note about the endpoints past the bound; none when every endpoint has its row. */
export function leftOutNotes(leftOut: readonly string[], max: number = MAX_MEASURED_ENDPOINTS): string[] {
  if (leftOut.length === 0) return [];
  const shown = leftOut.slice(0, 3).map((n) => JSON.stringify(n));
  const more = leftOut.length > shown.length ? `, … (${leftOut.length - shown.length} more)` : '';
  return [
    `the plan has ${max + leftOut.length} endpoints; loadctl measures at most ${max} one by one ` +
      `(each costs k6 sub-metrics and start-up time), so ${leftOut.length} count in the totals only: ` +
      `${shown.join(', ')}${more}. Name an endpoint in a threshold to give it a row, or split the plan`,
  ];
}
