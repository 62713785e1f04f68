// Running the real k6: spawn, log, live polling of its REST API, and Ctrl-C handling. Effects only; what
// the results mean is decided elsewhere.
import type { CommandResult, StreamingProcess } from '../io/exec.js';
import { k6ProcessEnv } from './locate.js';
import { parseRestMetrics, type LiveSnapshot } from './live.js';
import { STOP_SIGNALS, type Io } from '../io/io.js';
import { runCpuSampler } from './cpu.js';

export interface K6RunSpec {
  k6Path: string;
  args: string[];
  /** Added to loadctl's environment (secrets reach k6 this way only, never as arguments). */
  env: Record<string, string | undefined>;
  cwd: string;
  logPath: string;
  /** Applied to every log line before it is written. */
  redact: (text: string) => string;
  /** k6's REST API address, polled once a second for live progress. */
  restAddress?: string;
  onSnapshot?: (snap: LiveSnapshot) => void;
  /** REST metric ids (e.g. sub-metrics) whose values each snapshot carries in `metrics`. */
  liveMetrics?: (id: string) => boolean;
  /** Every log line (redacted), for the in-run guard. */
  onLogLine?: (line: string) => void;
  /** k6's CPU once a second, in cores kept busy; undefined where it cannot be read (no /proc). */
  onCpuSample?: (cores: number | undefined) => void;
  /** Told when the first stop signal (Ctrl-C, SIGTERM, SIGHUP) is forwarded (graceful stop) and when a second one kills k6. */
  onInterrupt?: (kind: 'graceful' | 'hard') => void;
  /** Called once k6 is running: what is needed only after it ends can be prepared meanwhile. */
  onStarted?: () => void;
}

export interface K6RunResult {
  result: CommandResult;
  interrupted: boolean;
  /** k6's last error line, for explaining a failure. */
  errorLines: string[];
  startedAt: Date;
  endedAt: Date;
}

async function pollRest(
  io: Io,
  address: string,
  startedMs: number,
  now: () => number,
  keep?: (id: string) => boolean,
): Promise<LiveSnapshot | undefined> {
  try {
    const res = await io.fetch(`http://${address}/v1/metrics`, { signal: AbortSignal.timeout(900) });
    if (!res.ok) return undefined;
    return parseRestMetrics(await res.json(), now() - startedMs, keep);
  } catch {
    // k6 has not opened its API yet, or has closed it at the end of the run.
    return undefined;
  }
}

/**
 * A live snapshot from k6's REST API once a second, at the address `address()` gives then (none: skipped),
 * until stopped. The wait between polls ends early on stop, so polling never adds to a run's wall time.
 */
export function startPolling(
  io: Io,
  o: {
    address: () => string | undefined;
    startedMs: number;
    keep: ((id: string) => boolean) | undefined;
    onSnapshot: (snap: LiveSnapshot) => void;
  },
): { stop(): Promise<void> } {
  let on = true;
  let wake: () => void = () => {};
  const loop = (async () => {
    while (on) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 1000);
        wake = () => {
          clearTimeout(timer);
          r();
        };
      });
      const address = o.address();
      if (!on || address === undefined) continue;
      const snap = await pollRest(io, address, o.startedMs, () => io.now().getTime(), o.keep);
      if (snap && on) o.onSnapshot(snap);
    }
  })();
  return {
    stop: async () => {
      on = false;
      wake();
      await loop;
    },
  };
}

export async function runK6Process(io: Io, spec: K6RunSpec): Promise<K6RunResult> {
  const log = await io.openAppend(spec.logPath);
  const errorLines: string[] = [];
  const onLine = (line: string) => {
    const clean = spec.redact(line);
    log.write(`${clean}\n`);
    if (/level=(error|fatal)/.test(clean)) errorLines.push(clean);
    spec.onLogLine?.(clean);
  };
  const startedAt = io.now();
  // Listening before k6 starts: a Ctrl-C while it is being spawned is forwarded as soon as it exists.
  let interrupts = 0;
  // eslint-disable-next-line prefer-const -- read by the signal handlers below before it is assigned
  let proc: StreamingProcess | undefined;
  const forward = (nth: number) => {
    if (nth === 1) {
      // k6 stops gracefully on the first SIGINT (finishing iterations, running teardown and handleSummary).
      proc?.kill('SIGINT');
      spec.onInterrupt?.('graceful');
    } else {
      proc?.kill('SIGKILL');
      spec.onInterrupt?.('hard');
    }
  };
  const onSignal = () => {
    interrupts += 1;
    if (proc) forward(interrupts);
  };
  // Ctrl-C, `kill` and a closing terminal all stop k6 gracefully: the partial run is kept either way.
  const offSignals = STOP_SIGNALS.map((signal) => io.onSignal(signal, onSignal));
  proc = await io.spawn(spec.k6Path, spec.args, {
    env: k6ProcessEnv({ ...spec.env }),
    cwd: spec.cwd,
    onStdoutLine: onLine,
    onStderrLine: onLine,
    detached: true,
  });
  // The ones that came while k6 was being spawned, in order (a third changes nothing).
  for (let nth = 1; nth <= Math.min(interrupts, 2); nth += 1) forward(nth);
  if (proc.pid !== undefined) spec.onStarted?.();
  // A detached child is not killed with us: io.spawn SIGKILLs it if loadctl exits while it runs.
  const cpu =
    spec.onCpuSample && proc.pid !== undefined ? runCpuSampler(io, proc.pid, spec.onCpuSample) : undefined;

  const poller =
    spec.restAddress && spec.onSnapshot
      ? startPolling(io, {
          address: () => spec.restAddress,
          startedMs: startedAt.getTime(),
          keep: spec.liveMetrics,
          onSnapshot: spec.onSnapshot,
        })
      : undefined;

  const result = await proc.result;
  cpu?.stop();
  await poller?.stop();
  for (const off of offSignals) off();
  await log.close();
  return { result, interrupted: interrupts > 0, errorLines, startedAt, endedAt: io.now() };
}

/** k6 exits with this (generic-engine) when its run is stopped through the REST API. */
export const K6_STOPPED_FROM_REST = 103;

/**
 * Ends a running k6 test through its REST API (PATCH /v1/status, stopped: true): k6 stops the iterations, runs
 * handleSummary and exits with K6_STOPPED_FROM_REST. False when k6 did not take it (already gone).
 */
export async function requestK6Stop(io: Pick<Io, 'fetch'>, restAddress: string): Promise<boolean> {
  try {
    const res = await io.fetch(`http://${restAddress}/v1/status`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { type: 'status', id: 'default', attributes: { stopped: true } } }),
      signal: AbortSignal.timeout(2000),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
