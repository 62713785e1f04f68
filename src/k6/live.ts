// Live data while k6 runs: snapshots of k6's cumulative metrics (its REST API), turned into a per-second
// series. Pure.

/** k6's cumulative state at one moment. */
export interface LiveSnapshot {
  /** Milliseconds since k6 started. */
  elapsedMs: number;
  vus: number;
  vusMax: number;
  requests: number;
  failed: number;
  iterations: number;
  droppedIterations: number;
  /** http_req_duration percentiles over the run so far (k6's REST API has no windowed ones). */
  latency: { med?: number; p95?: number; p99?: number; max?: number };
  /** The sample values of the metrics asked for by id (e.g. sub-metrics), when parseRestMetrics got `keep`. */
  metrics?: Record<string, Record<string, number>>;
}

/** One second of the run, as charts and compare read it. */
export interface SeriesPoint {
  /** Seconds since k6 started, at the end of the interval. */
  t: number;
  vus: number;
  rps: number;
  errorsPerSecond: number;
  /** Failed share of this interval's requests. */
  errorRate: number;
  iterationsPerSecond: number;
  droppedIterations: number;
  /** Cumulative-to-date latency percentiles (ms), the best k6's REST API gives (it has no p99). */
  p50?: number;
  p95?: number;
  p99?: number;
}

interface RestMetric {
  id?: unknown;
  attributes?: { type?: unknown; sample?: Record<string, unknown> };
}

function sampleOf(byId: Map<string, Record<string, unknown>>, id: string, key: string): number | undefined {
  const v = byId.get(id)?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** GET /v1/metrics (JSON:API) → snapshot; undefined for an answer that is not k6's. */
export function parseRestMetrics(
  body: unknown,
  elapsedMs: number,
  keep?: (id: string) => boolean,
): LiveSnapshot | undefined {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return undefined;
  const byId = new Map<string, Record<string, unknown>>();
  for (const item of data as RestMetric[]) {
    if (typeof item.id === 'string' && item.attributes?.sample) byId.set(item.id, item.attributes.sample);
  }
  const kept: Record<string, Record<string, number>> = {};
  if (keep) {
    for (const [id, sample] of byId) {
      if (!keep(id)) continue;
      const values: Record<string, number> = {};
      for (const [k, v] of Object.entries(sample))
        if (typeof v === 'number' && Number.isFinite(v)) values[k] = v;
      kept[id] = values;
    }
  }
  return {
    ...(keep ? { metrics: kept } : {}),
    elapsedMs,
    vus: sampleOf(byId, 'vus', 'value') ?? 0,
    vusMax: sampleOf(byId, 'vus_max', 'value') ?? 0,
    requests: sampleOf(byId, 'http_reqs', 'count') ?? 0,
    // k6's REST API gives http_req_failed only as a rate over all requests (one sample per request).
    failed: Math.round(
      (sampleOf(byId, 'http_req_failed', 'rate') ?? 0) * (sampleOf(byId, 'http_reqs', 'count') ?? 0),
    ),
    iterations: sampleOf(byId, 'iterations', 'count') ?? 0,
    droppedIterations: sampleOf(byId, 'dropped_iterations', 'count') ?? 0,
    latency: {
      ...(sampleOf(byId, 'http_req_duration', 'med') !== undefined
        ? { med: sampleOf(byId, 'http_req_duration', 'med') }
        : {}),
      ...(sampleOf(byId, 'http_req_duration', 'p(95)') !== undefined
        ? { p95: sampleOf(byId, 'http_req_duration', 'p(95)') }
        : {}),
      ...(sampleOf(byId, 'http_req_duration', 'p(99)') !== undefined
        ? { p99: sampleOf(byId, 'http_req_duration', 'p(99)') }
        : {}),
      ...(sampleOf(byId, 'http_req_duration', 'max') !== undefined
        ? { max: sampleOf(byId, 'http_req_duration', 'max') }
        : {}),
    },
  };
}

/** Consecutive snapshots → per-interval rates. */
export function toSeriesPoint(prev: LiveSnapshot | undefined, cur: LiveSnapshot): SeriesPoint {
  const dt = Math.max(0.001, (cur.elapsedMs - (prev?.elapsedMs ?? 0)) / 1000);
  const requests = cur.requests - (prev?.requests ?? 0);
  const failed = cur.failed - (prev?.failed ?? 0);
  return {
    t: Math.round(cur.elapsedMs / 100) / 10,
    vus: cur.vus,
    rps: requests / dt,
    errorsPerSecond: failed / dt,
    errorRate: requests > 0 ? failed / requests : 0,
    iterationsPerSecond: (cur.iterations - (prev?.iterations ?? 0)) / dt,
    droppedIterations: cur.droppedIterations - (prev?.droppedIterations ?? 0),
    ...(cur.latency.med !== undefined ? { p50: cur.latency.med } : {}),
    ...(cur.latency.p95 !== undefined ? { p95: cur.latency.p95 } : {}),
    ...(cur.latency.p99 !== undefined ? { p99: cur.latency.p99 } : {}),
  };
}

/**
 * A snapshot with no counts, only the time: what a run without k6's REST API counts starts from (the metric
 * stream fills them in, src/run/frames-live.ts fillSnapshot).
 */
export function emptySnapshot(elapsedMs: number): LiveSnapshot {
  return {
    elapsedMs,
    vus: 0,
    vusMax: 0,
    requests: 0,
    failed: 0,
    iterations: 0,
    droppedIterations: 0,
    latency: {},
  };
}

/** One second of raw-sample aggregates (see ingest/aggregate.ts SecondStats), as a series point. */
export interface SampleSecond {
  offset: number;
  requests: number;
  failed: number;
  iterations: number;
  maxVus: number | null;
  duration: { p50: number; p95: number; p99: number } | null;
}

/** Per-second points from raw samples: exact per-second percentiles, unlike the REST API's to-date ones. */
export function seriesFromSamples(seconds: readonly SampleSecond[]): SeriesPoint[] {
  return seconds.map((s) => ({
    t: s.offset + 1,
    vus: s.maxVus ?? 0,
    rps: s.requests,
    errorsPerSecond: s.failed,
    errorRate: s.requests > 0 ? s.failed / s.requests : 0,
    iterationsPerSecond: s.iterations,
    droppedIterations: 0,
    ...(s.duration ? { p50: s.duration.p50, p95: s.duration.p95, p99: s.duration.p99 } : {}),
  }));
}
