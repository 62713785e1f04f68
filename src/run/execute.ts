// execute: the run's effects, in order: the demo target (if any), the script, plan and meta files, k6 with
// live progress and Ctrl-C handling, then what k6 left behind (its summary, raw samples) and the invariants.
import type { DemoService } from '../demo/server.js';
import { environmentError } from '../errors.js';
import { STOP_SIGNALS, type Io } from '../io/io.js';
import { requestK6Stop, runK6Process, type K6RunResult } from '../k6/process.js';
import type { LiveSnapshot, SeriesPoint } from '../k6/live.js';
import type { GuardState } from '../report/model/guard.js';
import { readAfterK6, type AfterK6 } from './collect.js';
import { startLiveView, type LiveObserver, type LiveView } from './live.js';
import { k6EnvFor, startMeta, type RunMeta, type RunSpec } from './prepare.js';
import { writeScript } from './prepare-script.js';
import { renderMetaFile, writeRunFiles } from '../store/write.js';
import type { GroupFacts } from './runner-group.js';
import { announceRun } from './announce.js';
import type { ServerRecord } from '../monitor/model.js';
import { finishRunMonitor, startRunMonitor, type RunMonitor } from './monitor.js';

export interface ExecuteOptions {
  progress: boolean;
  observer?: LiveObserver | undefined;
  /** Called once k6 is running (see K6RunSpec.onStarted). */
  onK6Started?: () => void;
  /** With runners: each runner's requests after the progress line. */
  perRunner?: boolean;
}

export interface ExecutedRun extends AfterK6 {
  baseUrl: string;
  /** meta.json as written before k6 started. */
  meta: RunMeta;
  k6: K6RunResult;
  series: SeriesPoint[];
  last: LiveSnapshot | undefined;
  /** The in-run generator check, before k6's end-of-test numbers are folded in. */
  guard: GuardState;
  /** Why the observer stopped k6, if it did. */
  stoppedBecause: string | undefined;
  /** Stops ignoring Ctrl-C: call once the run's files are written. */
  release(): void;
  /** The runners' facts, when the load was split (docs/distributed.md). */
  runners?: GroupFacts | undefined;
  /** The target's server side over the run (plan `monitor:`, the built-in demo). */
  server?: ServerRecord | undefined;
}

async function startDemo(spec: RunSpec): Promise<DemoService | undefined> {
  const knobs = spec.target.demo;
  if (knobs === undefined) return undefined;
  // The run's own demo instance listens on a free port unless the plan pins one.
  const { startDemoService } = await import('../demo/server.js');
  return startDemoService({ ...knobs, port: knobs.port ?? 0 });
}

/** k6's exit code when its REST API could not listen (lib/errext/exitcodes: CannotStartRESTAPI). */
const K6_REST_NOT_STARTED = 106;
const REST_TRIES = 3;

/**
 * Whether k6 ended because the REST API's port, free when loadctl probed it, was taken before k6 could
 * listen (another program, often another run, took it meanwhile): nothing ran, and another port will do.
 */
export function lostRestPort(run: K6RunResult): boolean {
  return (
    run.result.kind === 'exited' &&
    run.result.exitCode === K6_REST_NOT_STARTED &&
    !run.interrupted &&
    run.errorLines.some((l) => l.includes('address already in use'))
  );
}

/** The same run with k6's REST API on another port. */
export function withRestPort(spec: RunSpec, port: number): RunSpec {
  const address = `127.0.0.1:${port}`;
  const args = [...spec.k6.args];
  const at = args.indexOf('--address');
  if (at >= 0) args[at + 1] = address;
  return { ...spec, k6: { ...spec.k6, args, restAddress: address } };
}

/** k6, started again on another REST port while the probed one turns out taken (at most REST_TRIES times). */
async function runK6OnFreePort(io: Io, first: RunSpec, baseUrl: string, opts: ExecuteOptions) {
  let spec = first;
  for (let attempt = 1; ; attempt++) {
    const k6 = await runK6(io, spec, baseUrl, opts);
    if (attempt >= REST_TRIES || !lostRestPort(k6.run)) return { ...k6, spec };
    io.stderr.write(
      `note: k6's REST API port ${spec.k6.restAddress} was taken meanwhile; starting k6 again\n`,
    );
    // Whatever the first k6 wrote of its stream (a final frame with no samples) goes with it.
    if (spec.k6.framesPath !== undefined && (await io.exists(spec.k6.framesPath)))
      await io.remove(spec.k6.framesPath);
    spec = withRestPort(spec, await io.freePort());
  }
}

export async function executeRun(io: Io, spec: RunSpec, opts: ExecuteOptions): Promise<ExecutedRun> {
  let demo: DemoService | undefined;
  let monitor: RunMonitor | undefined;
  let release: () => void = () => {};
  try {
    demo = await startDemo(spec);
    // Sampling starts before k6, so the first second of the run has a reading to rate against.
    monitor = startRunMonitor(io, spec, process.pid);
    const baseUrl = demo?.url ?? spec.target.url ?? '';
    await writeScript(io, spec.loaded, spec.resolved, spec.runDir, { baseUrl, ...spec.compile });
    const meta = startMeta(spec, baseUrl, io.now());
    await writeRunFiles(io, spec.runDir, {
      plan: spec.planDocument,
      meta: spec.redact(renderMetaFile(meta)),
    });
    // From here to the end a stop signal (Ctrl-C, SIGTERM, SIGHUP) must not kill loadctl half-way through
    // writing results: while k6 runs it is forwarded (src/k6/process.ts), afterwards it is ignored; the run is
    // summarized either way.
    const offs = STOP_SIGNALS.map((signal) => io.onSignal(signal, () => {}));
    release = () => {
      for (const off of offs) off();
    };
    const k6: { run: K6RunResult; live: LiveView; spec: RunSpec; runners?: GroupFacts } =
      spec.runners === undefined
        ? await runK6OnFreePort(io, spec, baseUrl, opts)
        : await (await import('./execute-runners.js')).runOnRunners(io, spec, baseUrl, opts);
    const server = await finishRunMonitor(io, monitor, spec.target.name, k6.run);
    monitor = undefined;
    const after = await readAfterK6(io, k6.spec, {
      baseUrl,
      k6: k6.run,
      stoppedBecause: k6.live.stoppedBecause(),
      abortedBy: k6.live.abortedBy(),
      demo,
    });
    return {
      ...after,
      baseUrl,
      meta,
      k6: k6.run,
      series: k6.live.series,
      last: k6.live.last(),
      guard: k6.live.guard(),
      stoppedBecause: k6.live.stoppedBecause(),
      release,
      ...(k6.runners ? { runners: k6.runners } : {}),
      ...(server ? { server } : {}),
    };
  } catch (err) {
    release();
    throw err;
  } finally {
    await monitor?.running.stop();
    await demo?.close();
  }
}

async function runK6(io: Io, spec: RunSpec, baseUrl: string, opts: ExecuteOptions) {
  const live = startLiveView(io, spec, {
    progress: opts.progress,
    observer: opts.observer,
    stop: () => void requestK6Stop(io, spec.k6.restAddress),
  });
  announceRun(io, spec, baseUrl);
  const liveMetrics = opts.observer?.liveMetrics;
  const run = await runK6Process(io, {
    k6Path: spec.k6.path,
    args: spec.k6.args,
    env: k6EnvFor(spec, baseUrl),
    cwd: spec.runDir,
    logPath: spec.k6.logPath,
    redact: spec.redact,
    restAddress: spec.k6.restAddress,
    ...(liveMetrics ? { liveMetrics } : {}),
    onSnapshot: live.onSnapshot,
    ...(opts.onK6Started ? { onStarted: opts.onK6Started } : {}),
    onLogLine: (line) => live.observe({ kind: 'log', line }),
    onCpuSample: (cores) => live.observe({ kind: 'cpu', cores }),
    onInterrupt: (kind) =>
      io.stderr.write(
        kind === 'graceful'
          ? // The first of Ctrl-C, SIGTERM or SIGHUP: any second one stops k6 at once.
            '\nstopping k6 gracefully (a second Ctrl-C or stop signal stops it at once)…\n'
          : '\nstopping k6 now\n',
      ),
  });
  if (opts.progress && io.stderr.isTTY) io.stderr.write('\r\x1b[2K');
  if (
    run.result.kind === 'not-found' ||
    run.result.kind === 'not-executable' ||
    run.result.kind === 'error'
  ) {
    throw environmentError(
      `could not run k6 at ${spec.k6.path}: ${run.result.kind === 'error' ? run.result.message : run.result.kind}`,
      'check that it runs: `k6 version`',
    );
  }
  return { run, live };
}
