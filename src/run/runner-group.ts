// A run on several runners (docs/distributed.md): every k6 started paused on its execution segment, setup()
// run once on the first and its data handed to the others, all resumed together, their streams merged by the
// collector, teardown() run once when every share is done. A runner that cannot start or dies is named; the
// others are stopped, or go on with --keep-going (the run is then partial).
import type { CommandResult, StreamingProcess } from '../io/exec.js';
import { STOP_SIGNALS, type Io } from '../io/io.js';
import { k6ProcessEnv } from '../k6/locate.js';
import type { K6RunResult } from '../k6/process.js';
import { requestK6Stop } from '../k6/process.js';
import { fetchK6Status, K6_STATUS, putK6SetupData, resumeK6, runK6Setup, runK6Teardown } from '../k6/rest.js';
import { startCollector, type RunningCollector } from './collector-server.js';
import type { Frame } from '../samples/frames.js';
import { runnerArgs, type RunnerPlan, type RunnerShare } from './runner-args.js';
import { placeRunner, type RunnerPlace } from './runner-place.js';

export interface RunnerOutcome {
  id: string;
  where: string;
  segment: string;
  /** Its share of each scenario (unknown for runners loadctl did not start). */
  share?: Record<string, RunnerShare>;
  restAddress: string;
  /** The k6 process's exit, or why there was none. */
  exit: string;
  exitCode: number | null;
  /** Why this runner failed the run, if it did. */
  problem: string | null;
  /** Frames its stream brought, and whether its last frame came. */
  frames: number;
  final: boolean;
}

/** What a run on runners keeps of them (meta.json, the summary's notes). */
export interface GroupFacts {
  list: RunnerOutcome[];
  /** A runner failed and the others went on (--keep-going): the load was not all the plan's. */
  partial: boolean;
  notes: string[];
  /** When and why loadctl ended every runner's share early (a threshold, a failed runner, Ctrl-C). */
  stopped: { reason: string; at: string } | undefined;
}

export interface GroupOptions {
  k6Path: string;
  baseArgs: string[];
  env: Record<string, string>;
  /** The plan's secrets' values: inherited by a local k6, written to the env file of a remote one. */
  secretEnv: Record<string, string>;
  cwd: string;
  framesPath: string;
  redact: (text: string) => string;
  keepGoing: boolean;
  log: (runnerId: string, line: string) => void;
  onInterrupt?: (kind: 'graceful' | 'hard') => void;
  /** Setup's and teardown's own time limits (k6's setupTimeout and teardownTimeout default to 60 s). */
  lifecycleTimeoutMs: number;
  /** How long a runner may take to initialize its VUs before it counts as unable to start. */
  startTimeoutMs: number;
  /** The collector's frames as they come (the live view). */
  onFrames?: (frames: readonly Frame[]) => void;
}

type Phase = 'starting' | 'ready' | 'running' | 'ended' | 'released' | 'exited';

interface Member {
  plan: RunnerPlan;
  place: RunnerPlace;
  /** The program that runs it (k6, ip, ssh). */
  file: string;
  proc: StreamingProcess | undefined;
  phase: Phase;
  result: CommandResult | undefined;
  problem: string | undefined;
  lastError: string | undefined;
}

const POLL_MS = 250;

export class RunnerGroup {
  private members: Member[] = [];
  private collector: RunningCollector | undefined;
  private stopReason: string | undefined;
  private stoppedAt: Date | undefined;
  private interrupts = 0;
  private lifecycle: string[] = [];
  readonly notes: string[] = [];

  constructor(
    private readonly io: Io,
    private readonly runners: readonly RunnerPlan[],
    private readonly o: GroupOptions,
  ) {}

  /** Ends every runner's share now (an abortOnFail threshold, the guard, Ctrl-C); teardown still runs. */
  stop(reason: string): void {
    if (this.stopReason === undefined) {
      this.stopReason = reason;
      this.stoppedAt = this.io.now();
    }
    this.collector?.requestStop(reason);
    for (const m of this.members)
      if (m.phase === 'running' || m.phase === 'ready') void requestK6Stop(this.io, m.place.restAddress);
  }

  /** Each runner's requests so far, or how it ended: `runner-1 1,204 · runner-2 ✗ exited`. */
  progressText(): string {
    const states = new Map((this.collector?.states() ?? []).map((s) => [s.instance, s]));
    return this.members
      .map((m) => {
        const requests = states.get(m.plan.id)?.requests ?? 0;
        return m.problem === undefined
          ? `${m.plan.id} ${requests.toLocaleString('en-US')}`
          : `${m.plan.id} ✗ ${requests.toLocaleString('en-US')}`;
      })
      .join(' · ');
  }

  get restAddressOfLead(): string | undefined {
    return this.members.find((m) => m.phase !== 'exited')?.place.restAddress;
  }

  get stopped(): { reason: string; at: string } | undefined {
    return this.stopReason === undefined || this.stoppedAt === undefined
      ? undefined
      : { reason: this.stopReason, at: this.stoppedAt.toISOString() };
  }

  async run(): Promise<{ run: K6RunResult; runners: RunnerOutcome[]; partial: boolean }> {
    const startedAt = this.io.now();
    const offSignals = STOP_SIGNALS.map((s) => this.io.onSignal(s, () => this.onSignal()));
    try {
      const places = await this.placeAll();
      this.collector = await startCollector(this.io, {
        hosts: places.map((p) => p.collectorHost),
        port: 0,
        framesPath: this.o.framesPath,
        allowed: new Set(this.runners.map((r) => r.id)),
        redact: this.o.redact,
        ...(this.o.onFrames ? { onFrames: this.o.onFrames } : {}),
      });
      const collector = this.collector;
      this.members = this.runners.map((plan, i) => ({
        plan,
        place: places[i] as RunnerPlace,
        file: this.o.k6Path,
        proc: undefined,
        phase: 'starting' as Phase,
        result: undefined,
        problem: undefined,
        lastError: undefined,
      }));
      const exits = await Promise.all(this.members.map((m) => this.spawn(m, collector)));
      const waitAll = Promise.all(exits.map((e) => e.ended));
      if (await this.waitReady()) {
        if (await this.setup()) await this.resume();
        await this.superviseToEnd();
      } else this.releaseAll();
      await waitAll;
      await Promise.all(this.members.map((m) => m.place.cleanup()));
      await this.collector.close();
      for (const refusal of this.collector.refusals())
        this.notes.push(`the collector refused a push: ${refusal}`);
    } finally {
      for (const off of offSignals) off();
      if (this.collector === undefined) this.killAll('SIGKILL');
    }
    return this.outcome(startedAt);
  }

  private onSignal(): void {
    this.interrupts += 1;
    if (this.interrupts === 1) {
      this.o.onInterrupt?.('graceful');
      this.stop('interrupted');
      // Runners still initializing have no share to end: they just go.
      for (const m of this.members) if (m.phase === 'starting') m.place.signal(m.proc, 'SIGINT');
    } else {
      this.o.onInterrupt?.('hard');
      this.killAll('SIGKILL');
    }
  }

  private killAll(signal: 'SIGINT' | 'SIGKILL'): void {
    for (const m of this.members) if (m.phase !== 'exited') m.place.signal(m.proc, signal);
  }

  /** Every runner placed, or none: one that cannot be placed fails the run, and the others are cleaned up. */
  private async placeAll(): Promise<RunnerPlace[]> {
    const inputs = {
      k6Path: this.o.k6Path,
      scriptPath: this.o.baseArgs.at(-1) ?? '',
      k6Env: { ...this.o.env, ...this.o.secretEnv },
    };
    const placed = await Promise.allSettled(this.runners.map((r) => placeRunner(this.io, r, inputs)));
    const failed = placed.find((p) => p.status === 'rejected');
    const places = placed.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : []));
    if (failed !== undefined) {
      await Promise.all(places.map((p) => p.cleanup()));
      throw failed.reason;
    }
    for (const p of places) this.notes.push(...p.notes);
    return places;
  }

  /** Starts the runner's k6; `ended` settles when it has exited (an object: awaiting it must not wait for that). */
  private async spawn(m: Member, collector: RunningCollector): Promise<{ ended: Promise<void> }> {
    const launch = m.place.launch(collector.urlFor(m.place.collectorHost), (at) =>
      runnerArgs(this.o.baseArgs, m.plan, at),
    );
    m.file = launch.file;
    const onLine = (line: string) => {
      const clean = this.o.redact(line);
      if (/level=(error|fatal)/.test(clean)) m.lastError = clean;
      this.o.log(m.plan.id, clean);
    };
    m.proc = await this.io.spawn(launch.file, launch.args, {
      // Over ssh k6's environment went in a file to the remote host: the ssh client gets none of it.
      env: launch.withK6Env ? k6ProcessEnv({ ...this.o.env }) : {},
      cwd: this.o.cwd,
      onStdoutLine: (line) => {
        if (!m.place.takeLine(line)) onLine(line);
      },
      onStderrLine: onLine,
      detached: true,
    });
    return { ended: m.proc.result.then((result) => this.onExit(m, result)) };
  }

  private onExit(m: Member, result: CommandResult): void {
    const was = m.phase;
    m.phase = 'exited';
    m.result = result;
    if (was === 'released') return;
    if (was === 'starting' && this.stopReason !== undefined) return;
    const how = describeExit(result);
    const why = m.lastError === undefined ? '' : `: ${m.lastError}`;
    m.problem =
      was === 'starting' || was === 'ready'
        ? `could not start (${how})${why}`
        : `ended mid-run (${how})${why}`;
    if (this.o.keepGoing && this.members.some((o) => o.phase !== 'exited' && o.phase !== 'starting'))
      this.notes.push(`${m.plan.id} (${m.plan.where}) ${m.problem}; the others went on (--keep-going)`);
    else this.stop(`${m.plan.id} (${m.plan.where}) ${m.problem}`);
  }

  /** Every runner's REST API up with its VUs initialized, paused; false when the run cannot go on. */
  private async waitReady(): Promise<boolean> {
    const deadline = this.io.now().getTime() + this.o.startTimeoutMs;
    for (;;) {
      await Promise.all(
        this.members
          .filter((m) => m.phase === 'starting')
          .map(async (m) => {
            const s = await fetchK6Status(this.io, m.place.restAddress);
            if (s.ok && s.value.status >= K6_STATUS.pausedBeforeRun && m.phase === 'starting')
              m.phase = 'ready';
          }),
      );
      if (this.stopReason !== undefined) return false;
      if (this.members.every((m) => m.phase !== 'starting')) break;
      if (this.io.now().getTime() > deadline) {
        for (const m of this.members.filter((x) => x.phase === 'starting')) {
          m.problem = `could not start: its VUs were not ready after ${Math.round(this.o.startTimeoutMs / 1000)} s`;
          if (!this.o.keepGoing) this.stop(`${m.plan.id} (${m.plan.where}) ${m.problem}`);
          m.phase = 'released';
          m.place.signal(m.proc, 'SIGINT');
        }
        if (this.stopReason !== undefined) return false;
        break;
      }
      await this.io.sleep(100);
    }
    return this.members.some((m) => m.phase === 'ready');
  }

  private lead(): Member | undefined {
    return this.members.find((m) => m.phase === 'ready' || m.phase === 'running' || m.phase === 'ended');
  }

  /** setup() once, on the lead runner; its data to every other. */
  private async setup(): Promise<boolean> {
    const lead = this.lead();
    if (lead === undefined) return false;
    const data = await runK6Setup(this.io, lead.place.restAddress, this.o.lifecycleTimeoutMs);
    if (!data.ok) {
      this.stop(`setup() failed on ${lead.plan.id}: ${data.problem}`);
      this.lifecycle.push(`setup() failed on ${lead.plan.id}: ${this.o.redact(data.problem)}`);
      this.releaseAll();
      return false;
    }
    this.lifecycle.push(`setup() ran once, on ${lead.plan.id}`);
    const others = this.members.filter((m) => m !== lead && m.phase === 'ready');
    const handed = await Promise.all(
      others.map((m) => putK6SetupData(this.io, m.place.restAddress, data.value)),
    );
    const failed = handed.findIndex((h) => !h.ok);
    if (failed >= 0) {
      const m = others[failed] as Member;
      this.stop(`${m.plan.id} did not take setup()'s data`);
      this.releaseAll();
      return false;
    }
    return true;
  }

  private async resume(): Promise<void> {
    const ready = this.members.filter((m) => m.phase === 'ready');
    const resumed = await Promise.all(ready.map((m) => resumeK6(this.io, m.place.restAddress)));
    for (const [i, r] of resumed.entries()) {
      const m = ready[i] as Member;
      if (r.ok) m.phase = m.phase === 'ready' ? 'running' : m.phase;
      else this.stop(`${m.plan.id} could not be resumed: ${r.problem}`);
    }
  }

  /** Waits for every share to end, runs teardown() once, then lets the lingering runners go. */
  private async superviseToEnd(): Promise<void> {
    while (this.members.some((m) => m.phase === 'running')) {
      await this.io.sleep(POLL_MS);
      await Promise.all(
        this.members
          .filter((m) => m.phase === 'running')
          .map(async (m) => {
            const s = await fetchK6Status(this.io, m.place.restAddress);
            if (s.ok && s.value.status >= K6_STATUS.ended && m.phase === 'running') m.phase = 'ended';
          }),
      );
    }
    const lead = this.members.find((m) => m.phase === 'ended');
    if (lead === undefined) this.lifecycle.push('teardown() did not run: no runner was left to run it');
    else {
      const t = await runK6Teardown(this.io, lead.place.restAddress, this.o.lifecycleTimeoutMs);
      this.lifecycle.push(
        t.ok
          ? `teardown() ran once, on ${lead.plan.id}`
          : `teardown() failed on ${lead.plan.id}: ${this.o.redact(t.problem)}`,
      );
    }
    this.releaseAll();
  }

  /** Lingering runners (and any still paused) are let go: k6 ends on SIGINT, writing its stream's last frame. */
  private releaseAll(): void {
    for (const m of this.members) {
      if (m.phase === 'exited' || m.phase === 'released') continue;
      m.phase = 'released';
      m.place.signal(m.proc, 'SIGINT');
    }
  }

  private outcome(startedAt: Date): { run: K6RunResult; runners: RunnerOutcome[]; partial: boolean } {
    const states = new Map((this.collector?.states() ?? []).map((s) => [s.instance, s]));
    const runners = this.members.map((m): RunnerOutcome => {
      const s = states.get(m.plan.id);
      return {
        id: m.plan.id,
        where: m.plan.where,
        segment: m.plan.segment,
        share: m.plan.share,
        restAddress: m.place.restAddress,
        exit: m.result === undefined ? 'not started' : describeExit(m.result),
        exitCode: m.result?.kind === 'exited' ? m.result.exitCode : null,
        problem: m.problem ?? null,
        frames: s?.frames ?? 0,
        final: s?.final ?? false,
      };
    });
    const failed = this.members.find((m) => m.problem !== undefined);
    const errorLines = this.members.flatMap((m) =>
      m.lastError === undefined ? [] : [`[${m.plan.id}] ${m.lastError}`],
    );
    this.notes.push(...this.lifecycle);
    return {
      run: {
        result: groupResult(this.members, failed),
        interrupted: this.interrupts > 0,
        errorLines,
        startedAt,
        endedAt: this.io.now(),
      },
      runners,
      partial: failed !== undefined && this.o.keepGoing,
    };
  }
}

function describeExit(r: CommandResult): string {
  switch (r.kind) {
    case 'exited':
      return `exit code ${r.exitCode}`;
    case 'signaled':
      return `killed by ${r.signal}`;
    case 'timed-out':
      return 'timed out';
    case 'error':
      return r.message;
    default:
      return `${r.kind}: ${r.file}`;
  }
}

/**
 * The group's exit as one k6's: a failed runner's own exit (a script error is 107 on every runner), else the
 * first non-zero exit (103 when loadctl stopped them), else 0.
 */
function groupResult(members: readonly Member[], failed: Member | undefined): CommandResult {
  const file = members[0]?.file ?? 'k6';
  const pick = failed ?? members.find((m) => m.result?.kind !== 'exited' || m.result.exitCode !== 0);
  const r = pick?.result;
  if (r === undefined)
    return { kind: 'exited', file, exitCode: failed ? 1 : 0, stdout: '', stderr: '', durationMs: 0 };
  if (failed && r.kind === 'exited' && r.exitCode === 0) return { ...r, exitCode: 1 };
  return r;
}
