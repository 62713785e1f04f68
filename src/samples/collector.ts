// What a loadctl collector does with frames that runners push to it (docs/stream.md, the HTTP destination):
// check each line, time it by the collector's clock, say which runners have finished, and answer with a stop
// when the run must end. Pure: the HTTP server and the file are the caller's.
import { parseFrameLine, type Frame } from './frames.js';

/** The headers loadctl's k6 output sends with each push. */
export const INSTANCE_HEADER = 'x-loadctl-instance';
export const CLOCK_HEADER = 'x-loadctl-clock';

export interface Push {
  /** X-Loadctl-Instance. */
  instance: string | undefined;
  /** X-Loadctl-Clock: the runner's clock when it sent the push, Unix ms. */
  clockMs: number | undefined;
  /** The collector's clock when the push arrived, Unix ms. */
  receivedMs: number;
  body: string;
}

export type PushAnswer =
  | {
      ok: true;
      /** The frames as the collector keeps them (start shifted by the runner's clock offset), each a line. */
      lines: string[];
      frames: Frame[];
      /** The 2xx answer's body: a stop, or nothing to say. */
      answer: { stop: string } | undefined;
    }
  | { ok: false; status: 400 | 403; problem: string };

export interface InstanceState {
  instance: string;
  frames: number;
  final: boolean;
  /** The whole periods the runner's frames were moved by: its clock against the collector's. */
  shiftMs: number;
  /** The collector's clock at its last push. */
  lastPushMs: number;
  /** The last frame's seq taken: a push retried after its answer was lost repeats frames, taken once. */
  lastSeq: number;
  /** The final frame's runMs, once it came. */
  runMs?: number;
  /** Requests its frames counted (http_reqs), for live progress per runner. */
  requests: number;
}

/**
 * A runner's clock offset, taken once, at its first push (the push's travel time is in it: milliseconds on a
 * network a load test runs on), rounded to whole periods so the runner's frames stay aligned with everyone's.
 * Kept for the whole run, so a series is never moved half-way.
 */
export function clockShift(offsetMs: number, periodMs: number): number {
  const periods = Math.round(offsetMs / periodMs);
  // Math.round(-0.4) is -0: a shift of -0 ms would print as 0 anyway, but keep it a plain 0.
  return periods === 0 ? 0 : periods * periodMs;
}

export class FrameCollector {
  private readonly instances = new Map<string, InstanceState>();
  private stopReason: string | undefined;

  /**
   * @param allowed the instance ids of this run's runners, when known: a push from another is refused (a
   *   runner of another run pointed at this collector). undefined: anyone (the k6-operator's pod names).
   */
  constructor(private readonly allowed?: ReadonlySet<string>) {}

  /** From now on every answer asks the runners to stop. */
  requestStop(reason: string): void {
    this.stopReason ??= reason;
  }

  get stopRequested(): string | undefined {
    return this.stopReason;
  }

  states(): InstanceState[] {
    return [...this.instances.values()].map((s) => ({ ...s }));
  }

  /** A push: every line must be a frame of the instance the header names, in order; all or nothing is kept. */
  take(push: Push): PushAnswer {
    const id = push.instance;
    if (id === undefined || id === '')
      return { ok: false, status: 400, problem: `no ${INSTANCE_HEADER} header: not loadctl's k6 output` };
    if (this.allowed !== undefined && !this.allowed.has(id))
      return {
        ok: false,
        status: 403,
        problem: `instance ${JSON.stringify(id)} is not a runner of this run`,
      };
    const known = this.instances.get(id);
    if (known?.final)
      return { ok: false, status: 400, problem: `instance ${id} has sent its final frame already` };
    const parsed = parseLines(push.body, id);
    if (!parsed.ok) return { ok: false, status: 400, problem: parsed.problem };
    const first = parsed.taken[0];
    if (first === undefined) return { ok: true, lines: [], frames: [], answer: this.answer() };
    const state = known ?? this.firstPush(id, push, first.frame.periodMs);
    const fresh = parsed.taken.filter((t) => t.frame.seq > state.lastSeq);
    const frames = fresh.map(({ frame: f }) =>
      state.shiftMs === 0 ? f : { ...f, start: f.start + state.shiftMs },
    );
    state.lastSeq = Math.max(state.lastSeq, ...frames.map((f) => f.seq));
    state.frames += frames.length;
    for (const f of frames) for (const s of f.series) if (s.metric === 'http_reqs') state.requests += s.sum;
    state.lastPushMs = push.receivedMs;
    const last = frames[frames.length - 1];
    if (last?.final) {
      state.final = true;
      if (last.runMs !== undefined) state.runMs = last.runMs;
    }
    // A frame kept as it came is written as it came: serializing it again cost a tenth of the collector's CPU
    // (bench/collector-runners.mjs). Not a line with an escape (Go writes `&` as \u0026): the caller redacts
    // secrets in the text, and they must appear there as they are.
    const lines = frames.map((f, i) => {
      const line = fresh[i]?.line;
      return f === fresh[i]?.frame && line !== undefined && !line.includes('\\') ? line : JSON.stringify(f);
    });
    return { ok: true, lines, frames, answer: this.answer() };
  }

  private firstPush(id: string, push: Push, periodMs: number): InstanceState {
    const offset = push.clockMs === undefined ? 0 : push.receivedMs - push.clockMs;
    const state: InstanceState = {
      instance: id,
      frames: 0,
      final: false,
      shiftMs: clockShift(offset, periodMs),
      lastPushMs: push.receivedMs,
      lastSeq: -1,
      requests: 0,
    };
    this.instances.set(id, state);
    return state;
  }

  private answer(): { stop: string } | undefined {
    return this.stopReason === undefined ? undefined : { stop: this.stopReason };
  }
}

function parseLines(
  body: string,
  instance: string,
): { ok: true; taken: Array<{ frame: Frame; line: string }> } | { ok: false; problem: string } {
  const taken: Array<{ frame: Frame; line: string }> = [];
  const lines = body.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line === '' && i === lines.length - 1) break;
    const parsed = parseFrameLine(line);
    if (!parsed.ok) return { ok: false, problem: `line ${i + 1}: ${parsed.problem}` };
    if (parsed.frame.instance !== instance)
      return {
        ok: false,
        problem: `line ${i + 1}: a frame of ${JSON.stringify(parsed.frame.instance)} in a push of ${JSON.stringify(instance)}`,
      };
    if (parsed.frame.final && i < lines.length - 2)
      return { ok: false, problem: `line ${i + 1}: the final frame is not the push's last` };
    taken.push({ frame: parsed.frame, line });
  }
  return { ok: true, taken };
}
