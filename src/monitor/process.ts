// A process of this machine as a monitor source: which pid listens on a port (`ss -Hltnp`), its resident
// memory (/proc/<pid>/status) and its open files (/proc/<pid>/fd). CPU comes from /proc/<pid>/stat as for
// k6 itself (src/k6/cpu.ts). The parsing is pure; the reads take an Io.
import type { Io } from '../io/io.js';

/** VmRSS of a /proc/<pid>/status text, in bytes. */
export function parseRssBytes(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

/**
 * The pids in `ss -Hltnp` output, which lists a listening socket's processes as
 * `users:(("node",pid=123,fd=21),…)`. A name with `pid=` in it cannot fake one: names are quoted.
 */
export function pidsFromSs(output: string): number[] {
  const pids = new Set<number>();
  for (const m of output.matchAll(/\("(?:[^"\\]|\\.)*",pid=(\d+),fd=\d+\)/g)) pids.add(Number(m[1]));
  return [...pids].sort((a, b) => a - b);
}

/** The pid listening on TCP `port`, or why there is none. */
export async function pidOnPort(
  io: Pick<Io, 'runCommand'>,
  port: number,
): Promise<{ pid: number } | { error: string }> {
  const r = await io.runCommand('ss', ['-Hltnp', `sport = :${port}`], { timeoutMs: 3000 });
  if (r.kind === 'not-found') return { error: '`ss` (iproute2) is not installed: give the process by pid' };
  if (r.kind !== 'exited' || r.exitCode !== 0) return { error: `\`ss -Hltnp\` failed (${r.kind})` };
  const pids = pidsFromSs(r.stdout);
  if (pids.length === 0) {
    return r.stdout.trim() === ''
      ? { error: `nothing listens on port ${port} on this machine` }
      : {
          error: `port ${port} is open but its process is not visible (run as its user or root, or give a pid)`,
        };
  }
  // Several pids share a socket when a server forks workers after listening; the first one is the parent.
  return { pid: pids[0] ?? 0 };
}

export interface ProcessReading {
  rssBytes?: number;
  openFiles?: number;
}

/** Memory and open files of `pid` now; undefined when the process is gone. */
export function readProcess(io: Pick<Io, 'readProc' | 'countProc'>, pid: number): ProcessReading | undefined {
  const status = io.readProc(`/proc/${pid}/status`);
  if (status === undefined) return undefined;
  const reading: ProcessReading = {};
  const rss = parseRssBytes(status);
  if (rss !== undefined) reading.rssBytes = rss;
  // Another user's process: its fds are not readable (undefined); memory and CPU still are.
  const openFiles = io.countProc(`/proc/${pid}/fd`);
  if (openFiles !== undefined) reading.openFiles = openFiles;
  return reading;
}
