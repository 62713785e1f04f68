// A run on several runners (docs/distributed.md), as execute.ts runs one k6: the same live view over the
// merged stream, which may stop every runner, and one k6.log with each line marked with its runner.
import type { Io } from '../io/io.js';
import { startPolling } from '../k6/process.js';
import { terminalSafe } from '../terminal-safe.js';
import { announceRun } from './announce.js';
import { startLiveView, type LiveObserver, type LiveView } from './live.js';
import type { K6RunResult } from '../k6/process.js';
import { k6EnvFor, type RunSpec } from './prepare.js';
import { RunnerGroup, type GroupFacts } from './runner-group.js';
import { renderShare } from './runner-args.js';

/** setup() and teardown() get k6's own limits (setupTimeout, teardownTimeout); this bounds the wait beyond them. */
const LIFECYCLE_LIMIT_MS = 15 * 60_000;
/** Thousands of VUs take k6 tens of seconds to initialize. */
const START_LIMIT_MS = 5 * 60_000;

export async function runOnRunners(
  io: Io,
  spec: RunSpec,
  baseUrl: string,
  opts: {
    progress: boolean;
    observer?: LiveObserver | undefined;
    onK6Started?: () => void;
    perRunner?: boolean;
  },
): Promise<{ run: K6RunResult; live: LiveView; spec: RunSpec; runners: GroupFacts }> {
  const runners = spec.runners;
  const framesPath = spec.k6.framesPath;
  if (runners === undefined || framesPath === undefined)
    throw new Error('runOnRunners: no runners or no stream');
  // eslint-disable-next-line prefer-const -- read by the live view's stop, which can only run once it is set
  let group: RunnerGroup | undefined;
  const live = startLiveView(io, spec, {
    progress: opts.progress,
    observer: opts.observer,
    stop: () => group?.stop(live.stoppedBecause() ?? 'stopped by loadctl'),
    more: opts.perRunner === true ? () => group?.progressText() ?? '' : undefined,
  });
  const places = runners.list.map((r) => terminalSafe(r.where));
  announceRun(io, spec, baseUrl, ` on ${runners.list.length} runners (${places.join(', ')})`);
  for (const r of runners.list)
    io.stderr.write(
      `  ${r.id} ${terminalSafe(r.where)} ${r.segment}: ${terminalSafe(renderShare(r.share))}\n`,
    );
  const log = await io.openAppend(spec.k6.logPath);
  group = new RunnerGroup(io, runners.list, {
    k6Path: spec.k6.path,
    baseArgs: spec.k6.args,
    env: k6EnvFor(spec, baseUrl),
    secretEnv: secretEnv(io, spec),
    cwd: spec.runDir,
    framesPath,
    redact: spec.redact,
    keepGoing: runners.keepGoing,
    log: (id, line) => {
      log.write(`[${id}] ${line}\n`);
      live.observe({ kind: 'log', line });
    },
    onInterrupt: (kind) =>
      io.stderr.write(
        kind === 'graceful'
          ? '\nstopping every runner gracefully (a second Ctrl-C or stop signal stops them at once)…\n'
          : '\nstopping every runner now\n',
      ),
    onFrames: (frames) => live.feed(frames),
    lifecycleTimeoutMs: LIFECYCLE_LIMIT_MS,
    startTimeoutMs: START_LIMIT_MS,
  });
  opts.onK6Started?.();
  // A live snapshot from the first runner still there; the stream fills in the counts.
  const polling = startPolling(io, {
    address: () => group?.restAddressOfLead,
    startedMs: io.now().getTime(),
    keep: opts.observer?.liveMetrics,
    onSnapshot: live.onSnapshot,
  });
  let done: Awaited<ReturnType<RunnerGroup['run']>>;
  try {
    done = await group.run();
  } finally {
    await polling.stop();
    if (opts.progress && io.stderr.isTTY) io.stderr.write('\r\x1b[2K');
    await log.close();
  }
  for (const r of done.runners)
    if (r.problem !== null)
      io.stderr.write(`${r.id} (${terminalSafe(r.where)}) ${terminalSafe(r.problem)}\n`);
  const facts: GroupFacts = {
    list: done.runners,
    partial: done.partial,
    notes: group.notes,
    stopped: group.stopped,
  };
  return { run: done.run, live, spec, runners: facts };
}

/**
 * The plan's secrets as loadctl found them in its environment. A local k6 inherits that environment; a k6 on
 * another host gets them in its env file (never on a command line).
 */
function secretEnv(io: Io, spec: RunSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of spec.plan.secrets ?? []) {
    const value = io.env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
