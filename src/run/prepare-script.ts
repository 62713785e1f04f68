// Plan → the files a k6 run needs (bundled script, data files, options), written into one folder.
// Shared by `render` and `run`. Everything is read and bundled before anything is written, so a mistake in
// the user's script or data files leaves no half-made folder. Such mistakes, and an output folder with a
// file in the way, are the user's to fix: they end as PlanError/LoadctlError, never as an internal error.
import { basename, dirname, join, resolve } from 'node:path';
import type { ScriptPlan } from '../k6-templates/runtime/model.js';
import {
  readTemplate,
  bundleUserScriptWrapper,
  renderScriptSource,
  renderUserScriptSource,
  type ScriptProblem,
} from '../k6-templates/bundle.js';
import {
  compileScriptOverlay,
  compileScriptPlan,
  defaultBaseUrl,
  type CompileOptions,
} from '../plans/compile.js';
import type { Diagnostic } from '../plans/diagnostics.js';
import { resolvePlan, type ResolveChoices, type ResolvedPlan } from '../plans/resolve.js';
import { applyOverrides, hasOverrides, type RunOverrides } from '../plans/overrides.js';
import { placeFindings, type Finding } from '../plans/validate.js';
import { environmentError, PlanError, usageError } from '../errors.js';
import { describeRefusal, MakeDirError, ReadRefusedError } from '../io/bounded-fs.js';
import type { Io } from '../io/io.js';
import { displayPath, planRelative, type LoadedPlan } from '../plans/load.js';
import {
  generateSyntheticRows,
  isFileSet,
  isPreparedSet,
  prepareFileRows,
  type PreparedRow,
} from '../plans/datasets.js';
import { fileDiagnostics, MAX_DATA_FILE_BYTES } from '../plans/load-datasets.js';
import type { DataSetSpec } from '../plans/schema-dataset.js';

export interface PreparedScript {
  resolved: ResolvedPlan;
  /** The k6 options the plan sets (for a `script:` plan, what it overlays on the script's own). */
  options: Record<string, unknown>;
  baseUrl: string;
  secrets: string[];
  /** The compiled flows, for generated plans. */
  scriptPlan?: ScriptPlan;
  scriptPath: string;
  optionsPath: string;
  /** Files written, relative to the output folder. */
  written: string[];
}

type ExtraOptions = Omit<CompileOptions, 'baseUrl' | 'dataFiles'> & { baseUrl?: string };

interface OutputFile {
  /** Relative to the output folder. */
  rel: string;
  content: string | Uint8Array;
  /** The file it is made from, which it must not overwrite. */
  from?: string;
}

export function resolveOrThrow(loaded: LoadedPlan, choices: ResolveChoices): ResolvedPlan {
  const result = resolvePlan(loaded, choices);
  if (!result.ok) throw usageError(`${loaded.file}: ${result.message}`, result.hint);
  return result.resolved;
}

/** The resolved plan with `run`'s overrides applied and checked again (a refusal is a usage error). */
export function withOverrides(resolved: ResolvedPlan, overrides: RunOverrides): ResolvedPlan {
  if (!hasOverrides(overrides)) return resolved;
  return { ...resolved, plan: applyOverrides(resolved.plan, overrides), overrides };
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

// A plan's own k6 script: far above any hand-written one (k6's own examples are a few KiB).
export const MAX_SCRIPT_BYTES = 16 * 1024 * 1024;
export { MAX_DATA_FILE_BYTES };

/** Why a file the plan names could not be read, or undefined when the failure is not about the file. */
export function describeReadFailure(err: unknown): string | undefined {
  if (err instanceof ReadRefusedError) return describeRefusal(err.refusal);
  const code = errnoCode(err);
  if (code === undefined) return undefined;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'ENOTDIR') return 'does not exist (a part of its path is a file)';
  return `cannot be read (${code})`;
}

/** A refused read's hint: what to do about a file too large, or not a file. */
function refusalHint(err: unknown, tooLarge: string): string | undefined {
  if (!(err instanceof ReadRefusedError)) return undefined;
  return err.refusal.kind === 'too-large'
    ? tooLarge
    : 'name a regular file: devices, pipes and sockets are not read';
}

async function readNamedFile(
  io: Io,
  path: string,
  maxBytes: number,
  tooLargeHint: string,
): Promise<{ bytes: Uint8Array } | { problem: string; hint?: string }> {
  try {
    return { bytes: await io.readBytes(path, maxBytes) };
  } catch (err) {
    const problem = describeReadFailure(err);
    if (problem === undefined) throw err;
    const hint = refusalHint(err, tooLargeHint);
    return { problem, ...(hint !== undefined ? { hint } : {}) };
  }
}

interface DataFile extends OutputFile {
  name: string;
  content: Uint8Array;
}

/** The rows loadctl prepares, as the run folder keeps them: one JSON array, read by k6 into a SharedArray. */
function rowsFile(name: string, rows: readonly PreparedRow[]): DataFile {
  return { name, rel: `data/${name}.rows.json`, content: new TextEncoder().encode(JSON.stringify(rows)) };
}

async function readDataFile(
  io: Io,
  loaded: LoadedPlan,
  name: string,
  set: DataSetSpec,
): Promise<DataFile | Diagnostic[] | Finding> {
  if (set.synthetic !== undefined) return rowsFile(name, generateSyntheticRows(set.synthetic, set.seed ?? 0));
  if (!isFileSet(set)) return []; // neither form: validation already refused the plan
  const from = planRelative(loaded.absPath, set.file);
  const read = await readNamedFile(
    io,
    from,
    MAX_DATA_FILE_BYTES,
    'every k6 instance loads the data file: use a sample of the rows, or split it across plans',
  );
  if (!('bytes' in read))
    return {
      severity: 'error',
      path: ['data', name, 'file'],
      message: `data file ${JSON.stringify(set.file)} ${read.problem}`,
      hint: read.hint ?? 'paths are relative to the plan file',
    };
  if (!isPreparedSet(set))
    return { name, rel: `data/${name}-${basename(set.file)}`, content: read.bytes, from };
  const prepared = prepareFileRows(set, new TextDecoder().decode(read.bytes));
  if (!prepared.ok) return fileDiagnostics(displayPath(io.cwd, from), name, prepared.problems);
  return { ...rowsFile(name, prepared.rows), from };
}

async function readDataFiles(io: Io, loaded: LoadedPlan, resolved: ResolvedPlan): Promise<DataFile[]> {
  const files: DataFile[] = [];
  const findings: Finding[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [name, set] of Object.entries(resolved.plan.data ?? {})) {
    const read = await readDataFile(io, loaded, name, set);
    if (Array.isArray(read)) diagnostics.push(...read);
    else if ('severity' in read) findings.push(read);
    else files.push(read);
  }
  if (findings.length > 0 || diagnostics.length > 0)
    throw new PlanError([...placeFindings(loaded.source, findings), ...diagnostics]);
  return files;
}

/** The plan's path to its script as written, its place in the plan, and the file it names. */
function userScriptOf(loaded: LoadedPlan): { written: string; key: string[]; path: string } | undefined {
  const script = loaded.plan.script;
  if (script === undefined) return undefined;
  const written = typeof script === 'string' ? script : script.path;
  const key = typeof script === 'string' ? ['script'] : ['script', 'path'];
  return { written, key, path: planRelative(loaded.absPath, written) };
}

function scriptDiagnostic(cwd: string, p: ScriptProblem): Diagnostic {
  return {
    severity: 'error',
    file: displayPath(cwd, p.file),
    ...(p.line !== undefined ? { line: p.line, col: p.col ?? 1 } : {}),
    path: [],
    message: p.message,
    ...(p.hint !== undefined ? { hint: p.hint } : {}),
  };
}

export type UserScriptRead =
  { ok: true; path: string; code: string } | { ok: false; diagnostics: Diagnostic[] };

/**
 * The plan's own k6 script read and bundled in its wrapper (the code below the plan line), or every problem
 * with it: a path that is no readable file (at the plan's `script:` key), or the script's errors at their
 * file:line:col. Undefined for a plan without `script:`.
 */
export async function readUserScript(io: Io, loaded: LoadedPlan): Promise<UserScriptRead | undefined> {
  const script = userScriptOf(loaded);
  if (script === undefined) return undefined;
  const read = await readNamedFile(
    io,
    script.path,
    MAX_SCRIPT_BYTES,
    'script: names a hand-written k6 script; keep bulk data in files the plan names under data:',
  );
  if ('problem' in read) {
    const finding: Finding = {
      severity: 'error',
      path: script.key,
      message: `script ${JSON.stringify(script.written)} ${read.problem}`,
      hint: read.hint ?? 'script: names a k6 script file (.js, .mjs, .cjs or .ts), relative to the plan file',
    };
    return { ok: false, diagnostics: placeFindings(loaded.source, [finding]) };
  }
  const bundled = await bundleUserScriptWrapper(script.path);
  if (!bundled.ok)
    return { ok: false, diagnostics: bundled.problems.map((p) => scriptDiagnostic(io.cwd, p)) };
  return { ok: true, path: script.path, code: bundled.code };
}

interface BuiltScript {
  source: string;
  options: Record<string, unknown>;
  secrets: string[];
  scriptPlan?: ScriptPlan;
  /** The user's script it wraps. */
  from?: string;
}

async function buildScript(
  io: Io,
  loaded: LoadedPlan,
  resolved: ResolvedPlan,
  extra: ExtraOptions & { baseUrl: string },
  dataFiles: Record<string, string>,
): Promise<BuiltScript> {
  const user = await readUserScript(io, loaded);
  if (user !== undefined) {
    if (!user.ok) throw new PlanError(user.diagnostics);
    const overlay = compileScriptOverlay(resolved, extra);
    return {
      source: renderUserScriptSource(user.code, overlay),
      options: overlay.options,
      secrets: resolved.plan.secrets ?? [],
      from: user.path,
    };
  }
  const scriptPlan = compileScriptPlan(resolved, { ...extra, dataFiles });
  return {
    source: renderScriptSource(await readTemplate(io), scriptPlan),
    options: scriptPlan.options,
    secrets: scriptPlan.secrets,
    scriptPlan,
  };
}

/**
 * The file that stops `dir` from being a folder: `dir` itself or a folder above it that is a file.
 * Undefined when there is none (the folder exists or can be made).
 */
export async function probeFileInTheWay(io: Io, dir: string): Promise<string | undefined> {
  for (let p = resolve(dir); ; p = dirname(p)) {
    if (await io.exists(p)) {
      try {
        await io.listDir(p);
        return undefined;
      } catch (err) {
        return errnoCode(err) === 'ENOTDIR' ? p : undefined;
      }
    }
    if (dirname(p) === p) return undefined;
  }
}

/** "it is a file" or "<file> is a file", for an output folder that cannot be one. */
export function describeFileInTheWay(cwd: string, dir: string, file: string): string {
  return resolve(dir) === file
    ? 'it is a file, not a folder'
    : `${displayPath(cwd, file)} is a file, not a folder`;
}

/** Who chose the output folder: the user with -o (their mistake to fix: exit 2), or loadctl (exit 3). */
export type OutDirOrigin = 'results' | 'given';

/** The folder failure's reason: the folder's own, or the folder above it that could not be made. */
function mkdirReason(outDir: string, err: MakeDirError): string {
  return err.path === resolve(outDir) ? err.reason : `cannot create ${err.path}: ${err.reason}`;
}

async function explainWriteFailure(
  io: Io,
  outDir: string,
  err: unknown,
  origin: OutDirOrigin,
): Promise<unknown> {
  const code = errnoCode(err);
  const shown = displayPath(io.cwd, outDir);
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    const file = await probeFileInTheWay(io, (err as NodeJS.ErrnoException).path ?? outDir);
    if (file !== undefined)
      return usageError(
        `cannot write into ${shown}: ${describeFileInTheWay(io.cwd, outDir, file)}`,
        'choose an output folder that is not a file and does not lie under one',
      );
  }
  const fail = origin === 'given' ? usageError : environmentError;
  const hint = origin === 'given' ? 'choose another folder with -o' : 'choose a folder you can write to';
  if (err instanceof MakeDirError)
    return fail(`cannot write into ${shown}: ${mkdirReason(outDir, err)}`, hint);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return fail(
      `cannot write into ${shown}: ${code === 'EROFS' ? 'the file system is read-only' : 'permission denied'}`,
      hint,
    );
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return fail(
      `cannot write into ${shown}: no space left`,
      origin === 'given' ? hint : 'free some space or choose a folder on another disk',
    );
  return err;
}

/** Refuses to write over what the output is made from (render -o into the script's own folder). */
function checkNoInputOverwritten(io: Io, loaded: LoadedPlan, outDir: string, files: OutputFile[]): void {
  const inputs = files.flatMap((f) => (f.from !== undefined ? [f.from] : []));
  for (const f of files) {
    const to = join(outDir, f.rel);
    if (to === loaded.absPath || inputs.includes(to))
      throw usageError(
        `cannot write ${displayPath(io.cwd, to)}: it is ${to === loaded.absPath ? 'the plan itself' : 'a file the plan reads'}, and would be overwritten`,
        'choose another output folder',
      );
  }
}

async function writeOutputs(
  io: Io,
  outDir: string,
  files: readonly OutputFile[],
  origin: OutDirOrigin,
): Promise<void> {
  try {
    await io.mkdirp(outDir);
    for (const f of files) await io.writeFileAtomic(join(outDir, f.rel), f.content);
  } catch (err) {
    throw await explainWriteFailure(io, outDir, err, origin);
  }
}

export async function writeScript(
  io: Io,
  loaded: LoadedPlan,
  resolved: ResolvedPlan,
  outDir: string,
  extra: ExtraOptions = {},
  origin: OutDirOrigin = 'results',
): Promise<PreparedScript> {
  const data = await readDataFiles(io, loaded, resolved);
  const baseUrl = extra.baseUrl ?? defaultBaseUrl(resolved);
  const dataFiles = Object.fromEntries(data.map((d) => [d.name, `./${d.rel}`]));
  const built = await buildScript(io, loaded, resolved, { ...extra, baseUrl }, dataFiles);
  const files: OutputFile[] = [
    ...data,
    { rel: 'script.js', content: built.source, ...(built.from ? { from: built.from } : {}) },
    { rel: 'options.json', content: `${JSON.stringify(built.options, null, 2)}\n` },
  ];
  checkNoInputOverwritten(io, loaded, outDir, files);
  await writeOutputs(io, outDir, files, origin);
  return {
    resolved,
    options: built.options,
    baseUrl,
    secrets: built.secrets,
    ...(built.scriptPlan ? { scriptPlan: built.scriptPlan } : {}),
    scriptPath: join(outDir, 'script.js'),
    optionsPath: join(outDir, 'options.json'),
    written: files.map((f) => f.rel),
  };
}
