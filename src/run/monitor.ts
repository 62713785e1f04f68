// The run's view of its target's server side (plan `monitor:`, docs/monitor.md): the sampler started before
// k6 and stopped after it, then Prometheus asked for the run's range, all put on k6's clock (server.json).
import type { Io } from '../io/io.js';
import type { ServerRecord } from '../monitor/model.js';
import { askPrometheus, serverRecord } from '../monitor/record.js';
import { startMonitor, type RunningMonitor } from '../monitor/sampler.js';
import { monitorSources, type SourceSpec } from '../monitor/sources.js';
import type { RunSpec } from './prepare.js';

export const MONITOR_INTERVAL_MS = 1000;

export interface RunMonitor {
  specs: SourceSpec[];
  running: RunningMonitor;
}

/** Starts reading the target's sources, or undefined when it has none (no monitor:, not the demo). */
export function startRunMonitor(
  io: Io,
  spec: Pick<RunSpec, 'target'>,
  selfPid: number,
): RunMonitor | undefined {
  const specs = monitorSources(spec.target.monitor, spec.target.demo !== undefined ? { selfPid } : undefined);
  if (specs.length === 0) return undefined;
  return { specs, running: startMonitor(io, specs, MONITOR_INTERVAL_MS) };
}

/** Stops the sampler and asks Prometheus; k6's start and end give the clock. */
export async function finishRunMonitor(
  io: Io,
  monitor: RunMonitor | undefined,
  target: string,
  k6: { startedAt: Date; endedAt: Date },
): Promise<ServerRecord | undefined> {
  if (monitor === undefined) return undefined;
  const recordings = await monitor.running.stop();
  const clock = { startMs: k6.startedAt.getTime(), endMs: k6.endedAt.getTime() };
  const prometheus = await Promise.all(
    monitor.specs
      .filter((s): s is Extract<SourceSpec, { kind: 'prometheus' }> => s.kind === 'prometheus')
      .map((s) => askPrometheus(io, s, clock, MONITOR_INTERVAL_MS)),
  );
  return serverRecord(target, MONITOR_INTERVAL_MS, clock, recordings, prometheus);
}
