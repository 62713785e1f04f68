// What the server paid for the load: requests per CPU-second, and CPU % at equal load (per 1,000 req/s). The
// whole run's and one time batch's are the same formulas, so compare can judge them like latency. Pure.
import { headlineCpu } from './stats.js';
import type { ServerSummary } from './model.js';

/** The load the figures are divided by: CPU % per this many requests per second. */
export const EQUAL_LOAD_RPS = 1000;

/** Requests per CPU-second: the run's requests over the CPU-seconds the server spent on them. */
export function requestsPerCpuSecond(
  requests: number,
  cpuSeconds: number | null | undefined,
): number | undefined {
  return cpuSeconds !== null && cpuSeconds !== undefined && cpuSeconds > 0 && requests > 0
    ? requests / cpuSeconds
    : undefined;
}

/** CPU % per 1,000 req/s: the headline CPU's mean divided by the load in thousands of requests per second. */
export function cpuPerKiloRps(cpuAvg: number | null | undefined, rps: number): number | undefined {
  return cpuAvg !== null && cpuAvg !== undefined && Number.isFinite(cpuAvg) && rps > 0
    ? cpuAvg / (rps / EQUAL_LOAD_RPS)
    : undefined;
}

/** Whether the headline CPU is the hosts' (share of all their cores) or one process's (100 = one core). */
export function cpuKindOf(server: ServerSummary | undefined): 'host' | 'process' | undefined {
  const cpu = headlineCpu(server);
  if (!cpu) return undefined;
  return cpu.id === 'processCpu' ? 'process' : 'host';
}

/** The efficiency figures of a whole run. */
export function serverEfficiency(
  server: ServerSummary | undefined,
  totals: { requests: number; rps: number },
): { requestsPerCpuSecond?: number; cpuPerKiloRps?: number } {
  const perCpuS = requestsPerCpuSecond(totals.requests, server?.cpuSeconds);
  const perKilo = cpuPerKiloRps(headlineCpu(server)?.avg, totals.rps);
  return {
    ...(perCpuS !== undefined ? { requestsPerCpuSecond: perCpuS } : {}),
    ...(perKilo !== undefined ? { cpuPerKiloRps: perKilo } : {}),
  };
}
