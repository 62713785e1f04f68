// A run's server figures per time batch (summary.json's `batches`, src/report/model/batches.ts): the CPU each
// batch saw and the CPU-seconds it cost, so compare can estimate the noise of the CPU figures the way it does
// for latency, by pairing batch k of two runs. Pure.
import type { ServerBatchLayout, ServerBatches, ServerRecord, ServerSeries } from './model.js';

/** The batch of a point at `t` seconds: each point stands for the interval that ends at it. */
function batchOf(t: number, layout: ServerBatchLayout): number {
  const k = Math.ceil((t * 1000) / layout.ms) - 1;
  return Math.min(layout.count - 1, Math.max(0, k));
}

/** Per batch, the readings of several series that fell in it. */
function bucket(series: readonly ServerSeries[], layout: ServerBatchLayout): number[][] {
  const out: number[][] = Array.from({ length: layout.count }, () => []);
  for (const s of series)
    for (const [t, v] of s.points) if (Number.isFinite(v)) out[batchOf(t, layout)]?.push(v);
  return out;
}

const meanOrNull = (vs: readonly number[]) =>
  vs.length === 0 ? null : vs.reduce((a, b) => a + b, 0) / vs.length;

/** Σ share busy × cores × dt of one CPU series, per batch. */
function busyByBatch(
  s: ServerSeries,
  cores: number,
  intervalS: number,
  layout: ServerBatchLayout,
  into: Array<number | null>,
): void {
  let prevT: number | undefined;
  for (const [t, pct] of s.points) {
    const dt = prevT === undefined ? intervalS : t - prevT;
    prevT = t;
    if (!Number.isFinite(pct) || !(dt > 0)) continue;
    const k = batchOf(t, layout);
    into[k] = (into[k] ?? 0) + (pct / 100) * cores * dt;
  }
}

/**
 * The server figures per batch, measured the way the whole run's are (src/monitor/stats.ts): the hosts' CPU
 * (their mean with several, each reading weighing the same) and their CPU-seconds, else the process's.
 */
export function summarizeServerBatches(record: ServerRecord, layout: ServerBatchLayout): ServerBatches {
  const intervalS = record.intervalMs / 1000;
  const hosts = record.series.filter((s) => s.id === 'cpu' && s.points.length > 0);
  const proc = record.series.filter((s) => s.id === 'processCpu' && s.points.length > 0).slice(0, 1);
  const cpuSeries = hosts.length > 0 ? hosts : proc;
  const cpu = bucket(cpuSeries, layout).map(meanOrNull);
  const cpuSeconds: Array<number | null> = Array.from({ length: layout.count }, () => null);
  for (const s of cpuSeries) {
    const cores = s.id === 'processCpu' ? 1 : record.sources.find((src) => src.id === s.source)?.cores;
    if (cores !== undefined) busyByBatch(s, cores, intervalS, layout, cpuSeconds);
  }
  return { cpu, cpuSeconds };
}
