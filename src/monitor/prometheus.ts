// A plan's PromQL queries (`monitor.prometheus.queries`), evaluated once a second over the run's time range
// through Prometheus's HTTP API (/api/v1/query_range), and its answer turned into series on the run's clock.
// Pure: the request is built and the answer read here; src/monitor/sampler.ts sends it.

/** The query_range URL for `query` from `startMs` to `endMs` (wall clock) at `stepS`. */
export function queryRangeUrl(base: string, query: string, startMs: number, endMs: number, stepS: number) {
  const params = new URLSearchParams({
    query,
    start: (startMs / 1000).toFixed(3),
    end: (endMs / 1000).toFixed(3),
    step: String(stepS),
  });
  return `${base.replace(/\/+$/, '')}/api/v1/query_range?${params.toString()}`;
}

/** The instant-query URL doctor uses to check a query before a run. */
export function instantQueryUrl(base: string, query: string): string {
  return `${base.replace(/\/+$/, '')}/api/v1/query?${new URLSearchParams({ query }).toString()}`;
}

export interface QuerySeries {
  /** The series' labels as PromQL shows them, `{}` for none. */
  labels: string;
  /** [wall-clock seconds, value]. */
  values: [number, number][];
}

function labelText(metric: unknown): string {
  if (typeof metric !== 'object' || metric === null) return '{}';
  const parts = Object.entries(metric)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `{${parts.join(', ')}}`;
}

function valuesOf(raw: unknown): [number, number][] {
  if (!Array.isArray(raw)) return [];
  const out: [number, number][] = [];
  for (const pair of raw) {
    if (!Array.isArray(pair)) continue;
    const [ts, v] = pair as unknown[];
    const value = Number(v);
    if (typeof ts === 'number' && Number.isFinite(value)) out.push([ts, value]);
  }
  return out;
}

/** Prometheus's answer to a range or instant query: its series, or the error it gave. */
export function parseQueryAnswer(body: unknown): QuerySeries[] | { error: string } {
  if (typeof body !== 'object' || body === null) return { error: 'not a Prometheus API answer' };
  const b = body as { status?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (b.status !== 'success') {
    return { error: typeof b.error === 'string' ? b.error : 'Prometheus answered without success' };
  }
  const result = b.data?.result;
  if (!Array.isArray(result)) return { error: 'Prometheus answered without a result' };
  if (b.data?.resultType === 'scalar') return [{ labels: '{}', values: valuesOf([result]) }];
  return result.map((r: { metric?: unknown; values?: unknown; value?: unknown }) => ({
    labels: labelText(r.metric),
    values: valuesOf(r.values ?? (r.value !== undefined ? [r.value] : [])),
  }));
}
