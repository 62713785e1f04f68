// The live progress line while k6 runs: one line per second, redrawn in place on a terminal. Pure: the
// caller prints it.
import { formatDuration } from '../../plans/duration.js';
import { formatCount, formatMs, formatPercent, formatRate } from './units.js';

export interface ProgressOptions {
  plannedMs: number;
  /** False when an iteration-based scenario may end sooner than plannedMs. */
  exact: boolean;
  /** On a terminal the line is redrawn in place; elsewhere plain lines are printed. */
  tty: boolean;
  width?: number;
}

/** What the line shows of the last second (a SeriesPoint of src/k6/live.ts). */
export interface ProgressPoint {
  rps: number;
  errorRate: number;
}

/** What the line shows of k6's cumulative state (a LiveSnapshot of src/k6/live.ts). */
export interface ProgressSnapshot {
  elapsedMs: number;
  vus: number;
  requests: number;
  droppedIterations: number;
  latency: { p95?: number };
}

/**
 * The latency of the last second and the last 10 s from loadctl's metric stream (docs/stream.md). Without it
 * the line shows k6's cumulative p95 since the start, which a slow minute late in a run barely moves.
 */
export interface ProgressWindow {
  p95Last1s?: number;
  p95Last10s?: number;
  /** Per endpoint, over the last 10 s; shown as far as the width allows. */
  endpoints: ReadonlyArray<{ name: string; p95Last10s: number }>;
}

export function renderProgressLine(
  point: ProgressPoint | undefined,
  snap: ProgressSnapshot,
  opts: ProgressOptions,
  window?: ProgressWindow,
): string {
  const elapsed = formatDuration(snap.elapsedMs);
  const planned = `${opts.exact ? '' : '≤'}${formatDuration(opts.plannedMs)}`;
  const pct = opts.plannedMs > 0 ? Math.min(100, Math.floor((snap.elapsedMs / opts.plannedMs) * 100)) : 0;
  const parts = [
    `${elapsed}/${planned}`,
    `${String(pct).padStart(3)}%`,
    `${snap.vus} VUs`,
    `${formatRate(point?.rps ?? 0)} req/s`,
    `errors ${formatPercent(point?.errorRate ?? 0)}`,
    window
      ? `p95 ${formatMs(window.p95Last1s)} 1s / ${formatMs(window.p95Last10s)} 10s`
      : `p95 ${formatMs(snap.latency.p95)}`,
    `${formatCount(snap.requests)} requests`,
  ];
  if (snap.droppedIterations > 0) parts.push(`${snap.droppedIterations} dropped`);
  // Names come from the plan: the caller makes them terminal-safe.
  if (window && window.endpoints.length > 1)
    parts.push(window.endpoints.map((e) => `${e.name} ${formatMs(e.p95Last10s)}`).join(' '));
  const line = parts.join(' · ');
  if (!opts.tty) return line;
  const bar = 20;
  const filled = Math.round((pct / 100) * bar);
  const text = `[${'█'.repeat(filled)}${'░'.repeat(bar - filled)}] ${line}`;
  return opts.width && text.length > opts.width ? text.slice(0, opts.width - 1) : text;
}
