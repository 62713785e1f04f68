// The fast checks before a run: what would make k6 fail or lie, each with its fix. Facts are read once
// (probePreflightFacts); the checks are pure.
import type { FindK6Result } from '../k6/locate.js';
import { STREAM_EXTENSION, STREAM_SETUP_HINT, resolveStreamSupport } from '../k6/stream-extension.js';
import type { Io } from '../io/io.js';

export interface PreflightFacts {
  k6: FindK6Result;
  /** Soft and hard limits on open files; undefined where they cannot be read. */
  openFiles?: { soft: number; hard: number };
  resultsDir: string;
  /** undefined when writable, else why not. */
  resultsWriteError?: string;
  freeBytes?: number;
  /** Names of declared secrets missing from the environment. */
  missingSecrets: string[];
}

export interface PreflightNeeds {
  peakVUs: number;
  expectedBytes: number;
  /** Names of the steps with `stream:`: they need loadctl's streaming k6 extension. */
  streamSteps?: string[];
}

export interface PreflightProblem {
  check: string;
  message: string;
  fix: string;
}

/** Each VU keeps a connection or two open; k6 itself needs a few hundred descriptors. */
export function openFilesNeeded(peakVUs: number): number {
  return peakVUs * 2 + 256;
}

export function checkPreflight(f: PreflightFacts, needs: PreflightNeeds): PreflightProblem[] {
  const out: PreflightProblem[] = [];
  const k6 = f.k6;
  if (k6.kind === 'missing')
    out.push({
      check: 'k6',
      message: `k6 was not found (looked in ${k6.searched.join(', ')})`,
      fix: k6.hint,
    });
  if (k6.kind === 'unsupported') out.push({ check: 'k6', message: `${k6.path}: ${k6.reason}`, fix: k6.hint });
  if (k6.kind === 'broken') out.push({ check: 'k6', message: k6.detail, fix: k6.hint });
  const streams = needs.streamSteps ?? [];
  if (k6.kind === 'found' && streams.length > 0 && resolveStreamSupport(k6.version).kind === 'none') {
    // Never fall back to the headers' time under the name of time to first token: refuse instead.
    out.push({
      check: 'k6 streaming',
      message: `${k6.path} (k6 ${k6.version.text}) has no ${STREAM_EXTENSION}, which the stream steps ${streams.join(', ')} need`,
      fix:
        k6.source === 'env'
          ? `${STREAM_SETUP_HINT} Then unset LOADCTL_K6_BIN, or point it at a k6 built from k6ext/.`
          : STREAM_SETUP_HINT,
    });
  }
  if (f.openFiles) {
    const need = openFilesNeeded(needs.peakVUs);
    if (f.openFiles.soft < need) {
      out.push({
        check: 'open files',
        message: `ulimit -n is ${f.openFiles.soft}; ${needs.peakVUs} VUs need about ${need} open files (k6 fails with "too many open files")`,
        fix:
          f.openFiles.hard >= need
            ? `run \`ulimit -n ${need}\` in this shell first`
            : `the hard limit is ${f.openFiles.hard}: raise it in /etc/security/limits.conf (\`* hard nofile ${need}\`) or with LimitNOFILE=${need} for a systemd service, log in again, then \`ulimit -n ${need}\``,
      });
    }
  }
  if (f.resultsWriteError !== undefined) {
    out.push({
      check: 'results folder',
      message: `cannot write to ${f.resultsDir}: ${f.resultsWriteError}`,
      fix: 'fix its permissions or choose another folder with --results DIR',
    });
  } else if (f.freeBytes !== undefined && f.freeBytes < needs.expectedBytes) {
    const mb = (n: number) => `${Math.ceil(n / 1e6)} MB`;
    out.push({
      check: 'disk space',
      message: `${mb(f.freeBytes)} free where the results go; this run needs about ${mb(needs.expectedBytes)}`,
      fix: 'free some space or choose another folder with --results DIR',
    });
  }
  for (const name of f.missingSecrets) {
    out.push({
      check: 'secrets',
      message: `the secret ${name} is not set in the environment`,
      fix: `export ${name}=… before the run (loadctl passes it to k6 through the environment only)`,
    });
  }
  return out;
}

/** "Max open files  1024  4096  files" from /proc/self/limits. */
export function parseOpenFilesLimit(limits: string): { soft: number; hard: number } | undefined {
  const m = limits.match(/^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m);
  if (!m) return undefined;
  const n = (s: string | undefined) => (s === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(s));
  return { soft: n(m[1]), hard: n(m[2]) };
}

export async function probeOpenFiles(io: Io): Promise<{ soft: number; hard: number } | undefined> {
  try {
    return parseOpenFilesLimit(await io.readText('/proc/self/limits'));
  } catch {
    return undefined;
  }
}

export async function probeWritable(io: Io, dir: string): Promise<string | undefined> {
  try {
    await io.mkdirp(dir);
    const probe = `${dir}/.loadctl-write-test`;
    await io.writeFileAtomic(probe, 'ok');
    await io.remove(probe);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'EACCES' || e.code === 'EPERM'
      ? 'permission denied'
      : e.code === 'ENOSPC'
        ? 'the disk is full'
        : e.code === 'EROFS'
          ? 'read-only file system'
          : (e.message ?? String(err));
  }
}
