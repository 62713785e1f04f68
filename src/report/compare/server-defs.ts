// The server figures compare puts side by side: the target's CPU and memory, and what a request cost it
// (requests per CPU-second, CPU % per 1,000 req/s). CPU and the two costs are judged like latency: the whole
// run's value, and per time batch (summary.json's server.batches) or per round for the noise. Pure.
import { cpuKindOf, cpuPerKiloRps, requestsPerCpuSecond } from '../../monitor/efficiency.js';
import type { ServerSummary } from '../../monitor/model.js';
import { headlineCpu, headlineMemory } from '../../monitor/stats.js';
import { sharedMachineOf, type SharedMachine } from '../model/server-section.js';
import type { CompareRun, CompareSideInput, MetricDef } from './metric-defs.js';

const at = (list: ReadonlyArray<number | null> | undefined, k: number) => list?.[k] ?? undefined;

const share = (pct: number | undefined) => (pct === undefined ? undefined : pct / 100);

// A utilization: its change is in percentage points ("CPU 64 % · 54 %" is −10 pp), as errors' is.
export const CPU: MetricDef = {
  key: 'cpu',
  label: 'CPU',
  unit: 'fraction',
  delta: 'points',
  better: 'lower',
  judged: true,
  run: (s) => share(headlineCpu(s.server)?.avg),
  batch: (_b, _checks, where) => share(at(where?.summary.server?.batches?.cpu, where?.index ?? -1)),
};

// Memory in use follows caches and heap sizing more than the load: shown with its change, never judged.
export const MEMORY: MetricDef = {
  key: 'memory',
  label: 'memory',
  unit: 'bytes',
  delta: 'relative',
  better: 'none',
  judged: false,
  run: (s) => headlineMemory(s.server)?.avg,
  batch: () => undefined,
};

export const REQUESTS_PER_CPU_SECOND: MetricDef = {
  key: 'req_per_cpu_s',
  label: 'requests per CPU-second',
  // Shown like a rate: "2345", "12.5".
  unit: 'rps',
  delta: 'relative',
  better: 'higher',
  judged: true,
  run: (s) => requestsPerCpuSecond(s.totals.requests, s.server?.cpuSeconds),
  batch: (b, _checks, where) =>
    requestsPerCpuSecond(b.requests, at(where?.summary.server?.batches?.cpuSeconds, where?.index ?? -1)),
};

export const CPU_PER_KILO_RPS: MetricDef = {
  key: 'cpu_per_1k_rps',
  label: 'CPU % per 1,000 req/s',
  unit: 'percent',
  delta: 'relative',
  better: 'lower',
  judged: true,
  run: (s) => cpuPerKiloRps(headlineCpu(s.server)?.avg, s.totals.rps),
  batch: (b, _checks, where) => {
    const ms = where?.summary.batches?.ms;
    if (!where || !ms) return undefined;
    return cpuPerKiloRps(at(where.summary.server?.batches?.cpu, where.index), b.requests / (ms / 1000));
  },
};

const serversOf = (sides: readonly CompareSideInput[]): ServerSummary[] =>
  sides.flatMap((s) => s.runs.flatMap((r) => (r.summary.server ? [r.summary.server] : [])));

/**
 * Whether the runs' CPU is measured the same way: a host's share of all its cores and one process's (100 = one
 * core) are different numbers, so CPU and memory are then left out and only the CPU-seconds compared.
 */
export function cpuKindsDiffer(sides: readonly CompareSideInput[]): boolean {
  return (
    new Set(
      serversOf(sides)
        .map(cpuKindOf)
        .filter((k) => k !== undefined),
    ).size > 1
  );
}

/** The server rows of a comparison; none when no run has server figures. */
export function serverDefs(sides: readonly CompareSideInput[]): MetricDef[] {
  if (serversOf(sides).length === 0) return [];
  if (cpuKindsDiffer(sides)) return [REQUESTS_PER_CPU_SECOND];
  return [CPU, MEMORY, REQUESTS_PER_CPU_SECOND, CPU_PER_KILO_RPS];
}

/** Where a side's server figures came from, and whether its target shares this machine. */
export interface SideServer {
  /** The sources its first run read (kind and address); null: no run of the side has server figures. */
  sources: Array<{ kind: string; address: string }> | null;
  shared: SharedMachine | null;
}

export function sideServer(runs: readonly CompareRun[]): SideServer {
  const withServer = runs.find((r) => r.summary.server !== undefined)?.summary.server;
  const shared = runs
    .map((r) => sharedMachineOf(r.summary.server, r.facts?.targetDemo))
    .reduce<SharedMachine | null>((a, b) => (a === 'demo' || b === 'demo' ? 'demo' : (a ?? b)), null);
  return {
    sources: withServer
      ? (withServer.sources ?? []).map((s) => ({ kind: s.kind, address: s.address }))
      : null,
    shared,
  };
}

/** The notes the server figures need: a side without them, CPU measured differently. */
export function serverNotes(sides: readonly CompareSideInput[]): string[] {
  if (serversOf(sides).length === 0) return [];
  const notes: string[] = [];
  for (const s of sides) {
    const without = s.runs.filter((r) => r.summary.server === undefined).length;
    if (without === s.runs.length)
      notes.push(
        `${s.label}: no server figures (its plan has no monitor: for the target, or its runs predate it)`,
      );
    else if (without > 0)
      notes.push(
        `${s.label}: ${without} of ${s.runs.length} runs have no server figures, so its server rows are empty`,
      );
  }
  if (cpuKindsDiffer(sides))
    notes.push(
      "CPU is measured differently on the sides (a host's share of all its cores against one process's, 100 = one core): only requests per CPU-second is compared",
    );
  return notes;
}
