// Which of the target's resources ran out first during a breaking-point search: per level, the highest CPU
// and memory the server showed (server.json's series, on the same clock as the levels' live samples), the
// first level where each reached its limit, and the words that put it next to the verdict ("CPU reached
// 95 % at level 5; p95 broke at level 6", render.ts). Pure.
import type { ServerRecord, ServerSeries } from '../monitor/model.js';
import type { Ramp } from './ramp.js';

/** A resource counts as run out at or above these (percent). */
export const SERVER_LIMITS = { cpuPercent: 90, memoryPercent: 90 } as const;
export type ServerLimits = { cpuPercent: number; memoryPercent: number };

export type Resource = 'cpu' | 'memory';

/** The seconds of one level on the run's clock: server points with fromS < t ≤ toS are its own. */
export interface LevelWindow {
  level: number;
  fromS: number;
  toS: number;
}

export interface LevelServer {
  level: number;
  /** Highest CPU of the level: host busy over all cores, 0–100 (the busiest host), else the process's (100 = one core). */
  cpuMax: number | null;
  /** Highest memory used as a percentage of the memory there is; null where the total is unknown. */
  memoryMaxPercent: number | null;
}

export interface LimitReached {
  resource: Resource;
  /** 1-based, as printed. */
  level: number;
  observed: number;
  limit: number;
}

export interface ServerAtLevels {
  /** Whose CPU and memory: a host's (node_exporter) or the process's; null when there was none. */
  cpu: 'host' | 'process' | null;
  memory: 'host' | 'process' | null;
  /** Every source is on this machine: its CPU and memory include the load generator's. */
  onThisMachine: boolean;
  limits: ServerLimits;
  levels: LevelServer[];
  /** Each resource's first level at or over its limit, earliest first. */
  reached: LimitReached[];
}

/**
 * The levels' windows from their live samples (firstS, lastS). The first sample that saw a level straddles
 * its start, so the window begins after it unless it is the level's only sample; a level no live sample saw
 * falls back to the ramp's schedule (the scenario starts with k6).
 */
export function levelWindows(
  levels: ReadonlyArray<{ level: number; firstS: number | null; lastS: number | null }>,
  ramp: Pick<Ramp, 'levels'>,
): LevelWindow[] {
  return levels.map((l) => {
    if (l.firstS !== null && l.lastS !== null)
      return { level: l.level, fromS: l.lastS > l.firstS ? l.firstS : l.firstS - 1, toS: l.lastS };
    const planned = ramp.levels[l.level - 1];
    return { level: l.level, fromS: (planned?.startMs ?? 0) / 1000, toS: (planned?.endMs ?? 0) / 1000 };
  });
}

function maxIn(series: readonly ServerSeries[], w: LevelWindow, scale: (s: ServerSeries) => number) {
  let max: number | null = null;
  for (const s of series) {
    const k = scale(s);
    if (!Number.isFinite(k)) continue;
    for (const [t, v] of s.points)
      if (t > w.fromS && t <= w.toS && Number.isFinite(v)) max = Math.max(max ?? -Infinity, v * k);
  }
  return max;
}

/** The host's series of `hostId` when there are any, else the process's of `processId`. */
function pick(record: ServerRecord, hostId: string, processId: string) {
  const withPoints = (id: string) => record.series.filter((s) => s.id === id && s.points.length > 0);
  const hosts = withPoints(hostId);
  if (hosts.length > 0) return { whose: 'host' as const, series: hosts };
  const proc = withPoints(processId);
  return proc.length > 0 ? { whose: 'process' as const, series: proc } : { whose: null, series: [] };
}

function firstReached(
  levels: readonly LevelServer[],
  resource: Resource,
  limit: number,
): LimitReached | undefined {
  for (const l of levels) {
    const v = resource === 'cpu' ? l.cpuMax : l.memoryMaxPercent;
    if (v !== null && v >= limit) return { resource, level: l.level, observed: v, limit };
  }
  return undefined;
}

/** Per level, the server's highest CPU and memory, and the first level where each reached its limit. */
export function judgeServerAtLevels(
  windows: readonly LevelWindow[],
  record: ServerRecord | undefined,
  limits: ServerLimits = SERVER_LIMITS,
): ServerAtLevels | undefined {
  if (record === undefined) return undefined;
  const cpu = pick(record, 'cpu', 'processCpu');
  const memory = pick(record, 'memory', 'processMemory');
  if (cpu.whose === null && memory.whose === null) return undefined;
  const totalOf = (s: ServerSeries) => record.sources.find((src) => src.id === s.source)?.memoryBytes;
  const memoryScale = (s: ServerSeries) => {
    const total = totalOf(s);
    return total !== undefined && total > 0 ? 100 / total : NaN;
  };
  const memoryKnown = memory.series.some((s) => Number.isFinite(memoryScale(s)));
  const levels = windows.map((w) => ({
    level: w.level,
    cpuMax: maxIn(cpu.series, w, () => 1),
    memoryMaxPercent: maxIn(memory.series, w, memoryScale),
  }));
  const reached = [
    firstReached(levels, 'cpu', limits.cpuPercent),
    firstReached(levels, 'memory', limits.memoryPercent),
  ]
    .filter((r) => r !== undefined)
    .sort((a, b) => a.level - b.level);
  return {
    cpu: cpu.whose,
    memory: memoryKnown ? memory.whose : null,
    onThisMachine: record.sources.length > 0 && record.sources.every((s) => s.local),
    limits: { ...limits },
    levels,
    reached,
  };
}
