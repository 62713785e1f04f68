// Reading the kernel's pseudo-files under /proc, which the monitor and k6's CPU sampler read once a second:
// synchronously, since they are made in memory on read and never block, and a read of one costs a few
// microseconds where the bounded asynchronous path (bounded-fs.ts: stat, open, fstat, reads, close through the
// thread pool) costs a millisecond. Only paths under /proc: anything else is refused.
import { readdirSync, readFileSync } from 'node:fs';

// /proc/<pid>/status is about 1.5 KiB; limits and maps files of big processes can be some hundreds.
const MAX_PROC_BYTES = 1024 * 1024;

function isProcPath(path: string): boolean {
  return path.startsWith('/proc/') && !path.split('/').includes('..');
}

/** A /proc file's text, or undefined when it cannot be read (the process is gone, another user's, no /proc). */
export function readProcText(path: string): string | undefined {
  if (!isProcPath(path)) return undefined;
  try {
    const text = readFileSync(path, 'utf8');
    return text.length > MAX_PROC_BYTES ? undefined : text;
  } catch {
    return undefined;
  }
}

/** How many entries a /proc folder has (a process's open files: /proc/<pid>/fd), or undefined. */
export function countProcEntries(path: string): number | undefined {
  if (!isProcPath(path)) return undefined;
  try {
    return readdirSync(path).length;
  } catch {
    return undefined;
  }
}
