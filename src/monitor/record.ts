// server.json from what the sources gave: readings put on the run's clock (seconds since k6 started, as
// series.json), a plan's PromQL queries asked over the run's time range, errors counted by message.
import type { Io } from '../io/io.js';
import {
  QUERY_SERIES_PREFIX,
  SERVER_SERIES,
  type BuiltInSeriesId,
  type MonitorSource,
  type ServerRecord,
  type ServerSeries,
} from './model.js';
import { parseQueryAnswer, queryRangeUrl, type QuerySeries } from './prometheus.js';
import type { SourceRecording } from './sampler.js';
import { isLoopbackUrl, type SourceSpec } from './sources.js';

/** The run's time range on the wall clock. */
export interface RunClock {
  /** When k6 started: t = 0 of series.json. */
  startMs: number;
  endMs: number;
}

/** A time on the run's clock, to a tenth of a second as series.json's. */
export function runSeconds(atMs: number, clock: RunClock): number {
  return Math.round((atMs - clock.startMs) / 100) / 10;
}

function errorList(errors: Map<string, number>): MonitorSource['errors'] {
  return [...errors.entries()].map(([message, count]) => ({ message, count }));
}

function builtInSeries(rec: SourceRecording, sourceId: string, clock: RunClock): ServerSeries[] {
  const byId = new Map<BuiltInSeriesId, [number, number][]>();
  const last = runSeconds(clock.endMs, clock) + 1;
  for (const r of rec.readings) {
    const t = runSeconds(r.atMs, clock);
    // Readings before k6 started or after it ended are outside the run.
    if (t < 0 || t > last) continue;
    for (const [id, v] of Object.entries(r.values) as [BuiltInSeriesId, number][]) {
      // Three decimals are more than any of these figures can tell apart.
      if (Number.isFinite(v)) byId.set(id, [...(byId.get(id) ?? []), [t, Math.round(v * 1000) / 1000]]);
    }
  }
  return [...byId.entries()].map(([id, points]) => ({ id, source: sourceId, ...SERVER_SERIES[id], points }));
}

/** A plan query's series: one per label set Prometheus answered, named `query:<name>`. */
export function querySeries(name: string, answer: QuerySeries[], clock: RunClock): ServerSeries[] {
  return answer.map((s) => ({
    id: `${QUERY_SERIES_PREFIX}${name}`,
    source: 'prometheus',
    label: answer.length > 1 ? `${name} ${s.labels}` : name,
    unit: 'number' as const,
    points: s.values.map(([ts, v]): [number, number] => [runSeconds(ts * 1000, clock), v]),
  }));
}

export interface PrometheusResult {
  spec: Extract<SourceSpec, { kind: 'prometheus' }>;
  series: ServerSeries[];
  errors: Map<string, number>;
  local: boolean;
}

/** Asks Prometheus for each of the plan's queries over the run (at most 11,000 points each: its limit). */
export async function askPrometheus(
  io: Io,
  spec: Extract<SourceSpec, { kind: 'prometheus' }>,
  clock: RunClock,
  intervalMs: number,
): Promise<PrometheusResult> {
  const errors = new Map<string, number>();
  const series: ServerSeries[] = [];
  const stepS = Math.max(intervalMs / 1000, Math.ceil((clock.endMs - clock.startMs) / 1000 / 11_000));
  for (const [name, query] of Object.entries(spec.queries)) {
    const url = queryRangeUrl(spec.url, query, clock.startMs + intervalMs, clock.endMs, stepS);
    let answer: ReturnType<typeof parseQueryAnswer>;
    try {
      const res = await io.fetch(url, { signal: AbortSignal.timeout(10_000) });
      answer = parseQueryAnswer(await res.json().catch(() => undefined));
      if (!res.ok && !('error' in answer)) answer = { error: `HTTP ${res.status}` };
    } catch (err) {
      answer = {
        error: err instanceof Error && err.name === 'TimeoutError' ? 'no answer in 10 s' : String(err),
      };
    }
    if ('error' in answer) errors.set(`query ${name}: ${answer.error}`, 1);
    else series.push(...querySeries(name, answer, clock));
  }
  return { spec, series, errors, local: isLoopbackUrl(spec.url) };
}

/** server.json's content from the sampled sources and Prometheus's answers. */
export function serverRecord(
  target: string,
  intervalMs: number,
  clock: RunClock,
  recordings: readonly SourceRecording[],
  prometheus: readonly PrometheusResult[],
): ServerRecord {
  const sources: MonitorSource[] = [];
  const series: ServerSeries[] = [];
  for (const rec of recordings) {
    if (rec.spec.kind === 'prometheus') continue;
    const own = builtInSeries(rec, rec.spec.id, clock);
    series.push(...own);
    sources.push({
      id: rec.spec.id,
      kind: rec.spec.kind === 'node-exporter' ? 'node-exporter' : 'process',
      address: rec.address,
      local: rec.local,
      ...(rec.cores !== undefined ? { cores: rec.cores } : {}),
      ...(rec.memoryBytes !== undefined ? { memoryBytes: rec.memoryBytes } : {}),
      samples: rec.readings.length,
      errors: errorList(rec.errors),
    });
  }
  for (const p of prometheus) {
    series.push(...p.series);
    sources.push({
      id: p.spec.id,
      kind: 'prometheus',
      address: p.spec.url,
      local: p.local,
      samples: p.series.reduce((n, s) => n + s.points.length, 0),
      errors: errorList(p.errors),
    });
  }
  return { target, intervalMs, sources, series };
}
