// The server side of a run report: the target's CPU and memory (avg, p95, max), its other figures, what it
// cost per request, where the figures were read and which reads failed, and whether the target shared this
// machine with the load generator (the built-in demo, a local process) so its figures are no hardware result.
// Built once from summary.json's `server`; every renderer draws it. Pure.
import { serverEfficiency } from '../../monitor/efficiency.js';
import type { MonitorSource, ServerStat, ServerSummary } from '../../monitor/model.js';
import { headlineCpu, headlineMemory } from '../../monitor/stats.js';

/** Why a target's figures describe this machine, not the target's hardware: it shares the load generator's. */
export type SharedMachine = 'demo' | 'local';

export interface ServerFigures {
  /** The hosts' CPU (% busy over all cores; their mean with several), else the process's (100 = one core). */
  cpu?: ServerStat;
  /** The hosts' used memory, else the process's RSS. */
  memory?: ServerStat;
  /** Every other figure: load, network, sockets, each host's own CPU and memory, PromQL queries. */
  others: ServerStat[];
  sources: MonitorSource[];
  cpuSeconds?: number;
  requestsPerCpuSecond?: number;
  /** CPU % per 1,000 req/s: the CPU's mean over the load in thousands of requests per second. */
  cpuPerKiloRps?: number;
}

export interface ServerSection {
  shared: SharedMachine | null;
  /** Absent: the run has no server figures (no `monitor:`, or a run made before loadctl read them). */
  figures?: ServerFigures;
}

/** The sources that failed some reads. */
export function sourcesWithErrors(f: ServerFigures): MonitorSource[] {
  return f.sources.filter((s) => s.errors.length > 0);
}

export function sharedMachineOf(
  server: ServerSummary | undefined,
  demo: boolean | undefined,
): SharedMachine | null {
  if (demo === true) return 'demo';
  return server?.onThisMachine === true ? 'local' : null;
}

function serverFigures(server: ServerSummary, totals: { requests: number; rps: number }): ServerFigures {
  const cpu = headlineCpu(server);
  const memory = headlineMemory(server);
  return {
    ...(cpu ? { cpu } : {}),
    ...(memory ? { memory } : {}),
    others: server.stats.filter((s) => s !== cpu && s !== memory),
    sources: server.sources ?? [],
    ...(server.cpuSeconds !== undefined ? { cpuSeconds: server.cpuSeconds } : {}),
    ...serverEfficiency(server, totals),
  };
}

/** The server section of a run; undefined when the run has no figures and shares no machine. */
export function buildServerSection(
  server: ServerSummary | undefined,
  totals: { requests: number; rps: number },
  demo: boolean | undefined,
): ServerSection | undefined {
  const shared = sharedMachineOf(server, demo);
  if (!server && shared === null) return undefined;
  return { shared, ...(server ? { figures: serverFigures(server, totals) } : {}) };
}
