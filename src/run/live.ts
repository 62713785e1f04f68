// While k6 runs: every live snapshot becomes a series point, feeds the in-run generator check and the
// progress line, and is shown to the caller's observer (breakpoint's watch), which may ask to stop k6.
import type { Io } from '../io/io.js';
import { toSeriesPoint, type LiveSnapshot, type SeriesPoint } from '../k6/live.js';
import { renderProgressLine } from '../report/render/progress.js';
import { terminalSafe } from '../terminal-safe.js';
import {
  foldGuard,
  initialGuardState,
  judgeGuard,
  type GuardObservation,
  type GuardState,
  type GuardVerdict,
} from '../report/model/guard.js';
import { FramesTail } from './frames-live.js';
import { abortThresholds, type AbortThreshold } from '../report/model/run-judge.js';
import type { RunSpec } from './prepare.js';
import type { Frame } from '../samples/frames.js';

/** How a command built on the engine (e.g. `breakpoint`) watches a run. */
export interface LiveObserver {
  /** REST metric ids (e.g. sub-metrics) each live snapshot carries in `metrics`. */
  liveMetrics?: (id: string) => boolean;
  /**
   * Every live snapshot, with its series point and the generator check so far. `note` is added to the
   * progress line; `stop` ends k6 through its REST API, and the run is then summarized as finished.
   */
  onLive?: (live: {
    snap: LiveSnapshot;
    point: SeriesPoint;
    generator: GuardVerdict;
  }) => { note?: string; stop?: string } | undefined;
}

export interface LiveView {
  onSnapshot(snap: LiveSnapshot): void;
  observe(obs: GuardObservation): void;
  readonly series: SeriesPoint[];
  last(): LiveSnapshot | undefined;
  guard(): GuardState;
  /** Why the observer stopped k6, if it did. */
  stoppedBecause(): string | undefined;
  /** The whole-run threshold with abortOnFail that loadctl stopped k6 for (k6 judging none itself). */
  abortedBy(): AbortThreshold | undefined;
  /** Frames from loadctl's own collector, parsed and checked already (the file is then not followed). */
  feed(frames: readonly Frame[]): void;
}

export interface LiveViewOptions {
  progress: boolean;
  observer?: LiveObserver | undefined;
  /** Asks k6 to stop (its REST API). */
  stop: () => void;
  /** More to show after the progress line (each runner's requests, with `--per-runner`). */
  more?: (() => string) | undefined;
}

function progressLine(
  io: Io,
  spec: RunSpec,
  at: {
    point: SeriesPoint;
    snap: LiveSnapshot;
    window: ReturnType<FramesTail['latency']> | undefined;
    warning: string;
  },
): string {
  const window = at.window && {
    ...at.window,
    endpoints: at.window.endpoints.map((e) => ({ ...e, name: terminalSafe(spec.redact(e.name)) })),
  };
  const shape = {
    plannedMs: spec.planned.ms,
    exact: spec.planned.exact,
    tty: io.stderr.isTTY,
    width: io.stderr.columns - at.warning.length,
  };
  return renderProgressLine(at.point, at.snap, shape, window) + at.warning;
}

export function startLiveView(io: Io, spec: RunSpec, opts: LiveViewOptions): LiveView {
  const series: SeriesPoint[] = [];
  const tty = io.stderr.isTTY;
  let last: LiveSnapshot | undefined;
  let lastPrinted = 0;
  // The in-run guard: every observation is folded as it arrives, so the progress line can warn at once.
  let guard = initialGuardState(spec.guard);
  let stoppedBecause: string | undefined;
  let abortedBy: AbortThreshold | undefined;
  // k6 keeps no metrics (its REST API has no counts): the stream gives them, and judges abortOnFail.
  const fromStream = spec.k6.summaryFrom === 'stream';
  // loadctl's metric stream, followed for the windowed latency (a stock k6 has none: the cumulative p95).
  const tail =
    spec.k6.framesPath === undefined
      ? undefined
      : new FramesTail(
          io,
          spec.k6.framesPath,
          spec.windows,
          fromStream ? abortThresholds(spec.plan.thresholds ?? {}) : [],
        );
  const observe = (obs: GuardObservation) => {
    guard = foldGuard(guard, obs);
  };
  const onSnapshot = (rest: LiveSnapshot) => {
    const snap = fromStream && tail ? tail.fillSnapshot(rest) : rest;
    const point = toSeriesPoint(last, snap);
    series.push(point);
    last = snap;
    observe({ kind: 'snapshot', snap });
    const seen = opts.observer?.onLive?.({ snap, point, generator: judgeGuard(guard) });
    if (seen?.stop !== undefined && stoppedBecause === undefined) {
      stoppedBecause = seen.stop;
      opts.stop();
    }
    void tail?.poll();
    // A threshold over a window with abortOnFail stops k6 the way k6's own abortOnFail does; the run's end
    // judges every window again on the whole stream, and the run exits as a threshold failure (99).
    const broken = tail?.failedWindow();
    if (broken && broken.threshold.abortOnFail && stoppedBecause === undefined) {
      const t = broken.threshold;
      stoppedBecause = `the threshold ${t.key} ${t.expression} over ${t.window} failed (abortOnFail)`;
      opts.stop();
    }
    const failedRun = tail?.failedRunThreshold();
    if (failedRun && stoppedBecause === undefined) {
      abortedBy = failedRun;
      stoppedBecause = `the threshold ${failedRun.key} ${failedRun.expression} failed (abortOnFail)`;
      opts.stop();
    }
    if (!opts.progress) return;
    // The observer's note may quote names from the plan (breakpoint: endpoints over the SLO).
    const warning =
      (judgeGuard(guard).saturated ? ' · ⚠ saturated' : '') +
      terminalSafe(seen?.note ?? '') +
      (opts.more ? ` · ${opts.more()}` : '');
    const line = progressLine(io, spec, { point, snap, window: tail?.latency(), warning });
    if (tty) io.stderr.write(`\r\x1b[2K${line}`);
    else if (snap.elapsedMs - lastPrinted >= 5000) {
      lastPrinted = snap.elapsedMs;
      io.stderr.write(`${line}\n`);
    }
  };
  return {
    onSnapshot,
    observe,
    series,
    last: () => last,
    guard: () => guard,
    stoppedBecause: () => stoppedBecause,
    abortedBy: () => abortedBy,
    feed: (frames) => tail?.feed(frames),
  };
}
