// The figures of a run's server series: avg, p95 and max of each (summary.json's `server`), the CPU-seconds
// behind "requests per CPU-second", and the headline CPU and memory that a summary line, compare and
// breakpoint show. Pure.
import { summarizeServerBatches } from './batches.js';
import type { ServerBatchLayout, ServerRecord, ServerSeries, ServerStat, ServerSummary } from './model.js';

/** The p-th percentile (0–100) by nearest rank of values sorted ascending; NaN for none. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? NaN;
}

export function statOf(series: ServerSeries): ServerStat | undefined {
  const values = series.points.map(([, v]) => v).filter((v) => Number.isFinite(v));
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    id: series.id,
    source: series.source,
    label: series.label,
    unit: series.unit,
    avg: values.reduce((a, b) => a + b, 0) / values.length,
    p95: nearestRank(sorted, 95),
    max: sorted[sorted.length - 1] ?? NaN,
    min: sorted[0] ?? NaN,
    samples: values.length,
  };
}

/** ∫ share busy × cores dt over a CPU series, each point standing for the interval that ends at it. */
function busySeconds(points: readonly [number, number][], cores: number, intervalS: number): number {
  let total = 0;
  let prevT: number | undefined;
  for (const [t, pct] of points) {
    const dt = prevT === undefined ? intervalS : t - prevT;
    prevT = t;
    if (Number.isFinite(pct) && dt > 0) total += (pct / 100) * cores * dt;
  }
  return total;
}

function cpuSecondsOf(record: ServerRecord): Pick<ServerSummary, 'cpuSeconds' | 'cpuSource'> {
  const intervalS = record.intervalMs / 1000;
  const hosts = record.series.filter((s) => s.id === 'cpu');
  let total = 0;
  let counted = 0;
  for (const s of hosts) {
    const cores = record.sources.find((src) => src.id === s.source)?.cores;
    if (cores === undefined || s.points.length === 0) continue;
    total += busySeconds(s.points, cores, intervalS);
    counted++;
  }
  if (counted > 0) return { cpuSeconds: total, cpuSource: 'node-exporter' };
  const proc = record.series.find((s) => s.id === 'processCpu' && s.points.length > 0);
  // processCpu is already "100 = one core": one core's worth per point.
  return proc ? { cpuSeconds: busySeconds(proc.points, 1, intervalS), cpuSource: 'process' } : {};
}

/** The per-second mean over several hosts' series of one id, for the `all` stat. */
function meanSeries(series: readonly ServerSeries[], id: string, source: string): ServerSeries | undefined {
  const first = series[0];
  if (first === undefined) return undefined;
  const byT = new Map<number, number[]>();
  for (const s of series) for (const [t, v] of s.points) byT.set(t, [...(byT.get(t) ?? []), v]);
  const points = [...byT.entries()]
    .filter(([, vs]) => vs.length === series.length)
    .sort(([a], [b]) => a - b)
    .map(([t, vs]): [number, number] => [t, vs.reduce((a, b) => a + b, 0) / vs.length]);
  return { id, source, label: first.label, unit: first.unit, points };
}

/** Source id of the stats over all hosts together (their mean each second), when there are several. */
export const ALL_HOSTS = 'all';

/** The summary of a run's server side; with the run's batch layout, its CPU figures per batch too. */
export function summarizeServer(record: ServerRecord, layout?: ServerBatchLayout): ServerSummary {
  const stats: ServerStat[] = [];
  for (const s of record.series) {
    const stat = statOf(s);
    if (stat) stats.push(stat);
  }
  for (const id of ['cpu', 'memory']) {
    const hosts = record.series.filter((s) => s.id === id);
    const all = hosts.length > 1 ? meanSeries(hosts, id, ALL_HOSTS) : undefined;
    const stat = all ? statOf(all) : undefined;
    if (stat) stats.push(stat);
  }
  return {
    target: record.target,
    onThisMachine: record.sources.length > 0 && record.sources.every((s) => s.local),
    stats,
    ...cpuSecondsOf(record),
    sources: record.sources,
    ...(layout ? { batches: summarizeServerBatches(record, layout) } : {}),
  };
}

function headline(summary: ServerSummary | undefined, hostId: string, processId: string) {
  if (!summary) return undefined;
  const hosts = summary.stats.filter((s) => s.id === hostId);
  return (
    hosts.find((s) => s.source === ALL_HOSTS) ?? hosts[0] ?? summary.stats.find((s) => s.id === processId)
  );
}

/** The CPU a summary line and compare show: the hosts' (their mean with several), else the process's. */
export function headlineCpu(summary: ServerSummary | undefined): ServerStat | undefined {
  return headline(summary, 'cpu', 'processCpu');
}

/** The memory a summary line and compare show: the hosts' used memory, else the process's RSS. */
export function headlineMemory(summary: ServerSummary | undefined): ServerStat | undefined {
  return headline(summary, 'memory', 'processMemory');
}
