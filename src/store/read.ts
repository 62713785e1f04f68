// Reading the results folder back. Every stored file is checked against its schema; a damaged or foreign
// one is an environment error (exit 3) that names the file, the first bad field and what to do, never an
// internal error.
import { join, relative, resolve } from 'node:path';
import { environmentError, type LoadctlError } from '../errors.js';
import { describeRefusal, ReadRefusedError } from '../io/bounded-fs.js';
import type { Io } from '../io/io.js';
import { RUN_FILES, runFile } from './layout.js';
import { parseStoredFile, renderStoreHint, renderStoreProblem, type StoreProblem } from './parse.js';
import type { DamagedRun, StoredRun, StoredRunFiles, StoredRuns, UnfinishedRun } from './runs.js';
import { RUN_ID_RE } from './run-id.js';
import type { StoredFile, StoredValue } from './schemas/index.js';

/** A path as printed: relative to the working folder when inside it. */
export function shownPath(io: Io, path: string): string {
  const rel = relative(io.cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

export function storeError(io: Io, path: string, file: StoredFile, problem: StoreProblem): LoadctlError {
  return environmentError(renderStoreProblem(shownPath(io, path), file, problem), renderStoreHint(problem));
}

// Every stored file is read whole and parsed as JSON: the limit is far above what loadctl writes (a
// day-long run's series.json is a few MiB) and keeps a foreign file from taking all memory.
export const MAX_STORED_FILE_BYTES = 64 * 1024 * 1024;

/** Why a stored file could not be read, and what to do: a message naming the file. */
function unreadable(io: Io, path: string, err: unknown): { message: string; hint: string } {
  const shown = shownPath(io, path);
  if (err instanceof ReadRefusedError)
    return {
      message: `${shown} ${describeRefusal(err.refusal)}: it is not a file loadctl wrote`,
      hint: 'loadctl writes its run files as regular JSON files of a few MiB: remove the run folder, or move this file away',
    };
  return {
    message: `${shown} cannot be read: ${(err as Error).message}`,
    hint: 'check its permissions, or remove the run folder',
  };
}

async function readTextOf(io: Io, path: string): Promise<string> {
  try {
    return await io.readText(path, MAX_STORED_FILE_BYTES);
  } catch (err) {
    const { message, hint } = unreadable(io, path, err);
    throw environmentError(message, hint);
  }
}

/** A stored file that may be absent (undefined then); a damaged or foreign one throws (exit 3). */
export async function readOptionalStoredFile<F extends StoredFile>(
  io: Io,
  runDir: string,
  file: F,
): Promise<StoredValue<F> | undefined> {
  const path = runFile(runDir, file);
  if (!(await io.exists(path))) return undefined;
  const parsed = parseStoredFile(file, await readTextOf(io, path));
  if (!parsed.ok) throw storeError(io, path, file, parsed.problem);
  return parsed.value;
}

/** A stored file that must be there; absent, damaged or foreign throws (exit 3). */
export async function readStoredFile<F extends StoredFile>(
  io: Io,
  runDir: string,
  file: F,
): Promise<StoredValue<F>> {
  const value = await readOptionalStoredFile(io, runDir, file);
  if (value !== undefined) return value;
  throw environmentError(
    `${shownPath(io, runFile(runDir, file))} is missing`,
    file === 'summary'
      ? 'a run that stopped before its end has no summary: re-run, or remove the run folder'
      : 're-run, or remove the run folder',
  );
}

/**
 * What a report reads from a run folder: summary.json, and series.json, meta.json, plan.resolved.json and
 * server.json when there (a run without `monitor:` has no server.json; a damaged one throws like the others).
 */
export async function readStoredRunFiles(io: Io, runDir: string): Promise<StoredRunFiles> {
  const [summary, series, meta, plan, server] = await Promise.all([
    readStoredFile(io, runDir, 'summary'),
    readOptionalStoredFile(io, runDir, 'series'),
    readOptionalStoredFile(io, runDir, 'meta'),
    readOptionalStoredFile(io, runDir, 'plan'),
    readOptionalStoredFile(io, runDir, 'server'),
  ]);
  return {
    summary,
    ...(series ? { series } : {}),
    ...(meta ? { meta } : {}),
    ...(plan ? { plan } : {}),
    ...(server ? { server } : {}),
  };
}

/**
 * The stored runs under a results folder, newest last, from their summary.json files. A folder without one
 * (a run still going, or one loadctl could not finish) is not a run; one whose summary.json is damaged or
 * foreign is listed in `damaged`, so one bad file never hides the good runs.
 */
export async function readStoredRuns(io: Io, resultsDir: string, plan?: string): Promise<StoredRuns> {
  const root = resolve(io.cwd, resultsDir);
  if (!(await io.exists(root))) return { runs: [], damaged: [], unfinished: [] };
  const names = await io.listDir(root).catch(() => {
    throw environmentError(`${shownPath(io, root)} is not a results folder`, 'give a folder with --results');
  });
  const plans = plan ? [plan] : names.filter((n) => !n.startsWith('.'));
  const runs: StoredRun[] = [];
  const damaged: DamagedRun[] = [];
  const unfinished: UnfinishedRun[] = [];
  for (const p of plans) {
    const dir = join(root, p);
    if (!(await io.exists(dir))) continue;
    // A results folder may hold other files (a plan, a report): only folders hold runs.
    const ids = await io.listDir(dir).catch(() => [] as string[]);
    for (const id of ids) {
      const runDir = join(dir, id);
      const path = runFile(runDir, 'summary');
      if (!(await io.exists(path))) {
        if (RUN_ID_RE.test(id)) unfinished.push({ dir: runDir, plan: p, id });
        continue;
      }
      let text: string;
      try {
        text = await io.readText(path, MAX_STORED_FILE_BYTES);
      } catch (err) {
        damaged.push({ dir: runDir, plan: p, id, file: RUN_FILES.summary, ...unreadable(io, path, err) });
        continue;
      }
      const parsed = parseStoredFile('summary', text);
      if (parsed.ok) runs.push({ dir: runDir, summary: parsed.value });
      else
        damaged.push({
          dir: runDir,
          plan: p,
          id,
          file: RUN_FILES.summary,
          message: renderStoreProblem(shownPath(io, path), 'summary', parsed.problem),
          hint: renderStoreHint(parsed.problem),
        });
    }
  }
  runs.sort((a, b) => a.summary.runId.localeCompare(b.summary.runId));
  damaged.sort((a, b) => a.id.localeCompare(b.id));
  return { runs, damaged, unfinished };
}

/** The exit-3 error of a damaged run, for the commands that were asked for it by id. */
export function damagedRunError(run: DamagedRun): LoadctlError {
  return environmentError(run.message, run.hint ?? 're-run, or remove the run folder');
}

export function unfinishedRunError(io: Io, run: UnfinishedRun): LoadctlError {
  return environmentError(
    `run ${run.id} did not finish: ${shownPath(io, run.dir)} has no ${RUN_FILES.summary} (a run still going, or one stopped by kill -9, a crash or a full disk)`,
    'wait for it to end, or run the plan again; `loadctl runs` lists the finished runs',
  );
}
