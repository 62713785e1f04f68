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

export function renderProgressLine(
  point: ProgressPoint | undefined,
  snap: ProgressSnapshot,
  opts: ProgressOptions,
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
    `p95 ${formatMs(snap.latency.p95)}`,
    `${formatCount(snap.requests)} requests`,
  ];
  if (snap.droppedIterations > 0) parts.push(`${snap.droppedIterations} dropped`);
  const line = parts.join(' · ');
  if (!opts.tty) return line;
  const bar = 20;
  const filled = Math.round((pct / 100) * bar);
  const text = `[${'█'.repeat(filled)}${'░'.repeat(bar - filled)}] ${line}`;
  return opts.width && text.length > opts.width ? text.slice(0, opts.width - 1) : text;
}
