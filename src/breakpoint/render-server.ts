// The server's side of a breaking-point verdict in words: which resource reached its limit at which level,
// next to the level where the SLO broke ("CPU reached 95 % at level 5; p95 broke at level 6"). Pure.
import { itemName } from './slo.js';
import type { LevelServer, LimitReached, Resource, ServerAtLevels } from './server.js';
import type { Verdict } from './verdict.js';

/** 95 %, 0.3 %: a share below 10 % keeps a decimal; `floor` for an upper bound that must not read as a limit. */
const pct = (v: number, round: (x: number) => number = Math.round) =>
  `${v < 10 ? (round(v * 10) / 10).toFixed(1) : round(v)} %`;

function resourceName(s: ServerAtLevels, r: Resource): string {
  if (r === 'memory') return s.memory === 'process' ? 'process memory' : 'memory';
  return s.cpu === 'process' ? 'process CPU' : 'CPU';
}

function reachedText(s: ServerAtLevels, r: LimitReached): string {
  const ofCore = r.resource === 'cpu' && s.cpu === 'process' ? ' of one core' : '';
  return `${resourceName(s, r.resource)} reached ${pct(r.observed)}${ofCore} at level ${r.level}`;
}

/** "CPU at most 62 %, memory at most 40 %": the highest of each over the levels. */
function atMost(s: ServerAtLevels): string {
  const parts: string[] = [];
  const top = (pickV: (l: LevelServer) => number | null) => {
    const vs = s.levels.map(pickV).filter((v) => v !== null);
    return vs.length > 0 ? Math.max(...vs) : undefined;
  };
  const cpu = top((l) => l.cpuMax);
  const memory = top((l) => l.memoryMaxPercent);
  if (cpu !== undefined) parts.push(`${resourceName(s, 'cpu')} at most ${pct(cpu, Math.floor)}`);
  if (memory !== undefined) parts.push(`${resourceName(s, 'memory')} at most ${pct(memory, Math.floor)}`);
  return parts.length > 0 ? parts.join(', ') : 'no CPU or memory figures during the levels';
}

/** The SLO statistics that broke first, as `p95`, `errors`, `p95 and errors`. */
function brokeWhat(v: Extract<Verdict, { kind: 'found' }>): string {
  const stats = v.first.map((b) => itemName(b.criterion).replace(/\{.*\}$/, ''));
  return [...new Set(stats)].join(' and ') || 'the SLO';
}

/** The server's side of the verdict in one line, e.g. "CPU reached 95 % at level 5; p95 broke at level 6". */
export function describeServerAtLevels(s: ServerAtLevels, v: Verdict): string {
  const reached = s.reached.map((r) => reachedText(s, r));
  const limits = `limits: CPU ${pct(s.limits.cpuPercent)}, memory ${pct(s.limits.memoryPercent)}`;
  // A host's CPU on this machine includes k6's; a process's CPU is its own.
  const shared =
    s.onThisMachine && s.cpu === 'host' ? ' (on this machine: the load generator’s share counts too)' : '';
  let words: string;
  if (v.kind === 'found') {
    const broke = v.broke.level;
    const before = s.reached.filter((r) => r.level <= broke);
    const what = brokeWhat(v);
    if (before.length === 0)
      words = `${what} broke at level ${broke} before the server ran out of CPU or memory (${atMost(s)}): look for a limit elsewhere (a pool, a lock, a downstream service)`;
    else if (before.every((r) => r.level === broke))
      words = `${before.map((r) => reachedText(s, r)).join('; ')}, where ${what} broke`;
    else words = `${before.map((r) => reachedText(s, r)).join('; ')}; ${what} broke at level ${broke}`;
  } else if (reached.length > 0)
    words = `${reached.join('; ')}${v.kind === 'not-found' ? ' while the SLO held' : ''}`;
  else words = `no resource reached its limit (${atMost(s)})`;
  return `server: ${words}${shared} [${limits}]`;
}
