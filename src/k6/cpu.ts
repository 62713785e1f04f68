// k6's CPU use while it runs, for the in-run guard: /proc/<pid>/stat sampled once a second. Where there is
// no /proc (macOS, Windows) every sample is undefined and the guard's CPU rule does not fire.
import type { Io } from '../io/io.js';

/** Linux's USER_HZ on every common architecture; `getconf CLK_TCK` confirms it when it can. */
export const DEFAULT_CLOCK_TICKS = 100;

/**
 * utime + stime (fields 14 and 15, in clock ticks) of a /proc/<pid>/stat line, all threads included.
 * Field 2 (comm) is in parentheses and may hold spaces and parentheses itself, so fields are counted from
 * the last ")". Undefined for anything else.
 */
export function parseProcStatTicks(line: string): number | undefined {
  const close = line.lastIndexOf(')');
  if (close < 0 || line.indexOf('(') < 0 || line.indexOf('(') > close) return undefined;
  const rest = line
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!/^\d+$/.test(rest[11] ?? '') || !/^\d+$/.test(rest[12] ?? '')) return undefined;
  return utime + stime;
}

/** Cores kept busy between two readings (CPU seconds per wall second). */
export function cpuCores(
  prev: { ticks: number; atMs: number },
  cur: { ticks: number; atMs: number },
  ticksPerSecond: number,
): number | undefined {
  const wallS = (cur.atMs - prev.atMs) / 1000;
  if (wallS <= 0 || cur.ticks < prev.ticks || ticksPerSecond <= 0) return undefined;
  return (cur.ticks - prev.ticks) / ticksPerSecond / wallS;
}

/** A process's CPU ticks now (/proc/<pid>/stat, read at once), or undefined where there is none to read. */
export function readProcTicks(io: Pick<Io, 'readProc'>, pid: number): number | undefined {
  const line = io.readProc(`/proc/${pid}/stat`);
  return line === undefined ? undefined : parseProcStatTicks(line);
}

export async function probeClockTicks(io: Pick<Io, 'runCommand'>): Promise<number> {
  const r = await io.runCommand('getconf', ['CLK_TCK'], { timeoutMs: 2000 });
  const n = r.kind === 'exited' && r.exitCode === 0 ? Number(r.stdout.trim()) : NaN;
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_CLOCK_TICKS;
}

/**
 * Samples a process's CPU once a second until stopped; `onSample` gets the cores it kept busy over the
 * last second, or undefined where that cannot be read. The timer never keeps loadctl alive.
 */
export function runCpuSampler(
  io: Pick<Io, 'readProc' | 'runCommand'>,
  pid: number,
  onSample: (cores: number | undefined) => void,
  // Monotonic, not io.now(): a wall-clock step would make one second look long, short or negative.
  now: () => number = () => performance.now(),
): { stop: () => void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let prev: { ticks: number; atMs: number } | undefined;
  const ticksPerSecond = probeClockTicks(io);
  const tick = async () => {
    const tps = await ticksPerSecond;
    const ticks = readProcTicks(io, pid);
    const atMs = now();
    if (stopped) return;
    const cur = ticks === undefined ? undefined : { ticks, atMs };
    if (prev && cur) onSample(cpuCores(prev, cur, tps));
    else if (!cur) onSample(undefined);
    prev = cur;
    if (!stopped) timer = setTimeout(() => void tick(), 1000).unref();
  };
  void tick();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
