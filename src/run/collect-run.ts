// `loadctl collect`: a run whose k6s are somebody else's (the k6-operator's runner pods) — the collector
// takes their pushed streams, the live view follows the merge (progress, abortOnFail judged on it, a stop
// answered to every runner), and the run ends when every runner has sent its final frame. Afterwards it is
// read like any run (collect.ts), so the run folder is the one `loadctl run` writes.
import { finishRunMonitor, startRunMonitor } from './monitor.js';
import { STOP_SIGNALS, type Io } from '../io/io.js';
import { emptySnapshot } from '../k6/live.js';
import { K6_STOPPED_FROM_REST, type K6RunResult } from '../k6/process.js';
import type { InstanceState } from '../samples/collector.js';
import { segmentArgs } from '../plans/segments.js';
import { terminalSafe } from '../terminal-safe.js';
import { readAfterK6 } from './collect.js';
import { startCollector, type RunningCollector } from './collector-server.js';
import type { ExecutedRun } from './execute.js';
import { startLiveView, type LiveView } from './live.js';
import { startMeta, type RunSpec } from './prepare.js';
import { writeScript } from './prepare-script.js';
import type { GroupFacts, RunnerOutcome } from './runner-group.js';
import { renderMetaFile, writeRunFiles } from '../store/write.js';

export interface CollectChoices {
  host: string;
  port: number;
  runners: number;
  /** undefined: wait as long as it takes. */
  timeoutMs: number | undefined;
  progress: boolean;
}

/** The k6-operator runs setup() on each runner (k6-operator #223): a note, as its requests count N times. */
export const OPERATOR_SETUP_NOTE =
  'the k6-operator runs setup() and teardown() on every runner (k6-operator issue #223): their requests are counted once per runner';

const TICK_MS = 1000;

export interface Waited {
  interrupts: number;
  timedOut: boolean;
  firstPushMs: number | undefined;
  /** When and why the runners were asked to stop (their next push's answer). */
  stopped?: { reason: string; at: string } | undefined;
}

/** Ticks once a second until N runners have sent their final frame, the time is up, or a second Ctrl-C. */
async function waitForRunners(
  io: Io,
  collector: RunningCollector,
  live: LiveView,
  c: CollectChoices,
): Promise<Waited> {
  const started = io.now().getTime();
  const w: Waited = { interrupts: 0, timedOut: false, firstPushMs: undefined };
  const offs = STOP_SIGNALS.map((s) =>
    io.onSignal(s, () => {
      w.interrupts += 1;
      io.stderr.write(
        w.interrupts === 1
          ? '\nasking every runner to stop (a second Ctrl-C or stop signal ends collecting at once)…\n'
          : '\nno longer waiting for the runners\n',
      );
      collector.requestStop('interrupted');
    }),
  );
  try {
    for (;;) {
      await io.sleep(TICK_MS);
      const states = collector.states();
      const now = io.now().getTime();
      if (w.firstPushMs === undefined && states.length > 0) w.firstPushMs = now;
      if (w.firstPushMs !== undefined) live.onSnapshot(emptySnapshot(now - w.firstPushMs));
      if (states.filter((s) => s.final).length >= c.runners) return w;
      if (w.interrupts >= 2) return w;
      if (c.timeoutMs !== undefined && now - started > c.timeoutMs) {
        w.timedOut = true;
        return w;
      }
    }
  } finally {
    for (const off of offs) off();
  }
}

/**
 * A runner's segment from its instance id, `<hostname>-<pid>`, where the operator names the pod's host
 * `<testrun>-<i>` (runner.go) and gives it the i-th of N equal segments (pkg/segmentation).
 */
export function operatorSegmentOf(instance: string, runners: number): string {
  const i = Number(/-(\d+)-\d+$/.exec(instance)?.[1]);
  return Number.isInteger(i) && i >= 1 && i <= runners
    ? (segmentArgs(runners)[i - 1]?.segment ?? 'unknown')
    : 'unknown';
}

function runnerOutcome(s: InstanceState, runners: number): RunnerOutcome {
  return {
    id: s.instance,
    where: 'k6-operator',
    segment: operatorSegmentOf(s.instance, runners),
    restAddress: '',
    exit: s.final ? 'sent its final frame' : 'never sent its final frame',
    exitCode: null,
    problem: s.final ? null : 'never sent its final frame',
    frames: s.frames,
    final: s.final,
  };
}

/** What the collector saw of the runners, as a group's facts; the runners that never came are counted. */
export function groupFacts(
  states: InstanceState[],
  c: CollectChoices,
  w: Waited,
  waitedMs: number,
): GroupFacts {
  const list = states.map((s) => runnerOutcome(s, c.runners));
  const notes = [OPERATOR_SETUP_NOTE];
  const unfinished = list.filter((r) => !r.final).map((r) => terminalSafe(r.id));
  const missing = c.runners - list.length;
  if (w.timedOut || unfinished.length > 0 || missing > 0) {
    const why = w.timedOut ? `after ${Math.round(waitedMs / 1000)} s (--timeout)` : 'when collecting ended';
    const parts = [
      ...(unfinished.length > 0 ? [`never finished: ${unfinished.join(', ')}`] : []),
      ...(missing > 0 ? [`${missing} of the ${c.runners} runners never pushed a frame`] : []),
    ];
    notes.push(`${why}, ${parts.join('; ')}: the totals lack their share`);
  }
  return { list, partial: unfinished.length > 0 || missing > 0, notes, stopped: w.stopped };
}

/** The runners' end as one k6's exit: all finished (or stopped by loadctl, 103 as k6's REST stop), else 1. */
export function k6Result(
  facts: GroupFacts,
  w: Waited,
  startedAt: Date,
  endedAt: Date,
  stopped: boolean,
): K6RunResult {
  const exitCode = facts.partial ? 1 : stopped ? K6_STOPPED_FROM_REST : 0;
  const errorLines = facts.partial ? facts.notes.slice(1) : [];
  return {
    result: {
      kind: 'exited',
      file: 'k6-operator',
      exitCode,
      stdout: '',
      stderr: '',
      durationMs: endedAt.getTime() - startedAt.getTime(),
    },
    interrupted: w.interrupts > 0,
    errorLines,
    startedAt,
    endedAt,
  };
}

export async function collectRun(io: Io, spec: RunSpec, c: CollectChoices): Promise<ExecutedRun> {
  const framesPath = spec.k6.framesPath;
  if (framesPath === undefined) throw new Error('collectRun: no stream');
  const baseUrl = spec.target.url ?? '';
  await writeScript(io, spec.loaded, spec.resolved, spec.runDir, { baseUrl, ...spec.compile });
  const meta = startMeta(spec, baseUrl, io.now());
  await writeRunFiles(io, spec.runDir, { plan: spec.planDocument, meta: spec.redact(renderMetaFile(meta)) });
  const collector = await startCollector(io, {
    hosts: [c.host],
    port: c.port,
    framesPath,
    // The operator names its pods: any runner that pushes is one of this run's.
    allowed: undefined,
    redact: spec.redact,
    // The live view reads the collector's frames, parsed once, rather than the file again.
    onFrames: (frames) => live.feed(frames),
  });
  const live: LiveView = startLiveView(io, spec, {
    progress: c.progress,
    stop: () => collector.requestStop(live.stoppedBecause() ?? 'stopped by loadctl'),
  });
  io.stderr.write(
    `collecting ${spec.plan.name} (target ${spec.target.name}, ${terminalSafe(baseUrl)}) from ${c.runners} runner${c.runners === 1 ? '' : 's'} at ${collector.urlFor(c.host)}; results in ${spec.shownDir}\n`,
  );
  const startedAt = io.now();
  // The target's server side (its monitor:), read here while the operator's runners load it.
  const monitor = startRunMonitor(io, spec, process.pid);
  let w: Waited;
  try {
    w = await waitForRunners(io, collector, live, c);
  } finally {
    await collector.close();
  }
  if (c.progress && io.stderr.isTTY) io.stderr.write('\r\x1b[2K');
  const endedAt = io.now();
  const facts = groupFacts(
    collector.states(),
    c,
    { ...w, stopped: collector.stopped() },
    endedAt.getTime() - startedAt.getTime(),
  );
  for (const refusal of collector.refusals()) facts.notes.push(`the collector refused a push: ${refusal}`);
  for (const note of facts.notes.slice(1)) io.stderr.write(`note: ${note}\n`);
  // The runners' own logs stay with them (`kubectl logs`): k6.log, which a failed run points to, says so.
  await io.writeFileAtomic(
    spec.k6.logPath,
    spec.redact(
      [
        'loadctl collect: the runners’ k6 logs are in their pods (kubectl logs -l k6_cr=<TestRun name>,runner=true)',
        ...facts.notes,
        '',
      ].join('\n'),
    ),
  );
  const first = w.firstPushMs === undefined ? startedAt : new Date(w.firstPushMs);
  const k6 = k6Result(facts, w, first, endedAt, live.stoppedBecause() !== undefined);
  const server = await finishRunMonitor(io, monitor, spec.target.name, k6);
  const after = await readAfterK6(io, spec, {
    baseUrl,
    k6,
    stoppedBecause: live.stoppedBecause(),
    abortedBy: live.abortedBy(),
    demo: undefined,
  });
  return {
    ...after,
    baseUrl,
    meta,
    k6,
    series: live.series,
    last: live.last(),
    guard: live.guard(),
    stoppedBecause: live.stoppedBecause(),
    release: () => {},
    runners: facts,
    ...(server ? { server } : {}),
  };
}
