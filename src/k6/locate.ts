// Finds the k6 loadctl will drive. Every effect (file checks, running `k6 version`) goes through an Io or
// the injected functions, so the search order and every outcome are tested without touching the machine.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandResult, Env, RunOptions } from '../io/exec.js';
import type { Io } from '../io/io.js';
import { readPackageNameSync } from '../io/package.js';
import { checkK6Support, K6_INSTALL_HINT, parseK6Version, type K6Version } from './version.js';

export type K6Source = 'env' | 'project' | 'path';

export interface FindK6Deps {
  /** The environment loadctl was started with; LOADCTL_K6_BIN and PATH come from here. */
  env: Env;
  projectRoot: string;
  /** Resolves a relative LOADCTL_K6_BIN; defaults to process.cwd(). */
  cwd?: string;
  /** Decides the executable name and the PATH separator; defaults to process.platform. */
  platform?: NodeJS.Platform;
  fileExists?: (file: string) => Promise<boolean>;
  isExecutable?: (file: string) => Promise<boolean>;
  runCommand?: (file: string, args: string[], opts?: RunOptions) => Promise<CommandResult>;
}

/** FindK6Deps with every effect present. */
type SearchDeps = FindK6Deps & Required<Pick<FindK6Deps, 'fileExists' | 'isExecutable' | 'runCommand'>>;

/** What findK6(io, …) needs besides the Io; env and cwd default to the Io's. */
export interface FindK6Options {
  projectRoot: string;
  env?: Env;
  cwd?: string;
  platform?: NodeJS.Platform;
}

/** The Io's view of the search's effects. A regular file only: a directory named k6 is not a candidate. */
export function findK6Deps(io: Io, opts: FindK6Options): SearchDeps {
  const isDirectory = (file: string) =>
    io.listDir(file).then(
      () => true,
      () => false,
    );
  return {
    env: opts.env ?? io.env,
    projectRoot: opts.projectRoot,
    cwd: opts.cwd ?? io.cwd,
    ...(opts.platform !== undefined ? { platform: opts.platform } : {}),
    fileExists: async (file) => (await io.exists(file)) && !(await isDirectory(file)),
    isExecutable: (file) => io.isExecutable(file),
    runCommand: (file, args, runOpts) => io.runCommand(file, args, runOpts),
  };
}

/** A candidate passed over on the way to the k6 that was found, so `doctor` can mention it. */
export interface SkippedK6 {
  path: string;
  source: K6Source;
  problem: string;
}

export type FindK6Result =
  | { kind: 'found'; path: string; source: K6Source; version: K6Version; skipped: SkippedK6[] }
  | { kind: 'missing'; searched: string[]; hint: string }
  | { kind: 'unsupported'; path: string; source: K6Source; version: K6Version; reason: string; hint: string }
  | { kind: 'broken'; path: string; source: K6Source; detail: string; hint: string };

type Unusable = Extract<FindK6Result, { kind: 'unsupported' | 'broken' }>;

/** `k6 version` answers at once; a hang means something else is wrong with the binary. */
export const K6_VERSION_TIMEOUT_MS = 15_000;

const ENV_HINT =
  'Fix LOADCTL_K6_BIN or unset it: without it loadctl uses .tools/bin/k6 (built by `npm run setup:k6`), ' +
  'then k6 on PATH.';
const PROJECT_HINT = 'Run `npm run setup:k6` to rebuild the project k6 in .tools/bin.';

/**
 * Search order: LOADCTL_K6_BIN, then <projectRoot>/.tools/bin/k6, then each PATH directory.
 * An explicit LOADCTL_K6_BIN is final: if it is unusable we say so instead of quietly using another k6.
 * A broken project or PATH k6 is passed over (and listed in `skipped`); if nothing usable turns up, the
 * first such problem is the result, since it explains more than "missing".
 */
export function findK6(io: Io, opts: FindK6Options): Promise<FindK6Result>;
/** Without an Io, effects not injected in `deps` reach the real machine (through realIo). */
export function findK6(deps: FindK6Deps): Promise<FindK6Result>;
export async function findK6(first: Io | FindK6Deps, opts?: FindK6Options): Promise<FindK6Result> {
  return await searchK6(
    opts !== undefined ? findK6Deps(first as Io, opts) : await withRealEffects(first as FindK6Deps),
  );
}

async function withRealEffects(deps: FindK6Deps): Promise<SearchDeps> {
  if (deps.fileExists && deps.isExecutable && deps.runCommand) {
    return {
      ...deps,
      fileExists: deps.fileExists,
      isExecutable: deps.isExecutable,
      runCommand: deps.runCommand,
    };
  }
  // Loaded only for this form, so the Io-less path stays out of tests that inject everything.
  const { realIo } = await import('../io/io.js');
  const real = findK6Deps(realIo(), { projectRoot: deps.projectRoot, env: deps.env });
  return {
    ...deps,
    fileExists: deps.fileExists ?? real.fileExists,
    isExecutable: deps.isExecutable ?? real.isExecutable,
    runCommand: deps.runCommand ?? real.runCommand,
  };
}

async function searchK6(deps: SearchDeps): Promise<FindK6Result> {
  const platform = deps.platform ?? process.platform;
  const { fileExists, isExecutable } = deps;
  const run = deps.runCommand;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const exe = platform === 'win32' ? 'k6.exe' : 'k6';

  const probe = async (file: string, source: K6Source): Promise<FindK6Result> => {
    const hint = source === 'env' ? ENV_HINT : source === 'project' ? PROJECT_HINT : K6_INSTALL_HINT;
    const what = source === 'env' ? `LOADCTL_K6_BIN points to ${file}, which` : `${file}`;
    if (!(await isExecutable(file))) {
      return { kind: 'broken', path: file, source, detail: `${what} is not an executable file.`, hint };
    }
    const result = await run(file, ['version'], {
      env: k6ProcessEnv(deps.env),
      extendEnv: false,
      timeoutMs: K6_VERSION_TIMEOUT_MS,
    });
    const version =
      result.kind === 'exited' && result.exitCode === 0 ? parseK6Version(result.stdout) : undefined;
    if (!version) {
      return {
        kind: 'broken',
        path: file,
        source,
        detail: `${what} ${renderVersionFailure(file, result)}`,
        hint,
      };
    }
    const support = checkK6Support(version);
    if (!support.ok) {
      return {
        kind: 'unsupported',
        path: file,
        source,
        version,
        reason: support.reason,
        hint: source === 'env' ? `${support.hint} ${ENV_HINT}` : support.hint,
      };
    }
    return { kind: 'found', path: file, source, version, skipped: [] };
  };

  const envBin = deps.env.LOADCTL_K6_BIN;
  if (envBin !== undefined && envBin !== '') {
    const file = pathApi.resolve(deps.cwd ?? '.', envBin);
    if (!(await fileExists(file))) {
      const shown = file === envBin ? envBin : `${envBin} (${file})`;
      return {
        kind: 'broken',
        path: file,
        source: 'env',
        detail: `LOADCTL_K6_BIN is set to ${shown}, but there is no file there.`,
        hint: ENV_HINT,
      };
    }
    return probe(file, 'env');
  }

  const searched: string[] = [];
  const problems: Unusable[] = [];
  const candidates: { file: string; source: K6Source }[] = [
    { file: pathApi.join(deps.projectRoot, '.tools', 'bin', exe), source: 'project' },
    ...resolvePathDirs(deps.env.PATH, platform).map((dir) => ({
      file: pathApi.join(dir, exe),
      source: 'path' as const,
    })),
  ];
  for (const { file, source } of candidates) {
    if (searched.includes(file)) continue;
    searched.push(file);
    if (!(await fileExists(file))) continue;
    const outcome = await probe(file, source);
    if (outcome.kind === 'found') {
      return { ...outcome, skipped: problems.map(renderSkipped) };
    }
    if (outcome.kind === 'broken' || outcome.kind === 'unsupported') problems.push(outcome);
  }
  return problems[0] ?? { kind: 'missing', searched, hint: K6_INSTALL_HINT };
}

/** PATH's directories in order. Empty and relative entries are dropped: they would pick up ./k6. */
export function resolvePathDirs(pathVar: string | undefined, platform: NodeJS.Platform): string[] {
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  return (pathVar ?? '')
    .split(pathApi.delimiter)
    .map((dir) => dir.trim())
    .filter((dir) => dir !== '' && pathApi.isAbsolute(dir));
}

function renderSkipped(problem: Unusable): SkippedK6 {
  return {
    path: problem.path,
    source: problem.source,
    problem: problem.kind === 'broken' ? problem.detail : problem.reason,
  };
}

function renderVersionFailure(file: string, result: CommandResult): string {
  const cmd = `\`${file} version\``;
  switch (result.kind) {
    case 'exited':
      return result.exitCode === 0
        ? `does not look like k6: ${cmd} printed ${quoteFirstLine(result.stdout)}.`
        : `failed: ${cmd} exited with code ${result.exitCode}${result.stderr ? `: ${quoteFirstLine(result.stderr)}` : ''}.`;
    case 'signaled':
      return `crashed: ${cmd} was ended by ${result.signal}.`;
    case 'timed-out':
      return `hangs: ${cmd} did not finish within ${result.timeoutMs / 1000} s.`;
    case 'not-found':
      return `could not be started (the OS reported it missing).`;
    case 'not-executable':
      return `could not be started (permission denied).`;
    case 'error':
      return `could not be started: ${result.message}.`;
  }
}

function quoteFirstLine(text: string): string {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  if (line === '') return 'nothing';
  return JSON.stringify(line.length > 160 ? `${line.slice(0, 160)}…` : line);
}

/**
 * The environment for every k6 loadctl starts: no usage report leaves the machine, and k6 never
 * downloads a custom binary on its own when a script imports an extension it lacks.
 */
export function k6ProcessEnv(base: Env = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined) env[key] = value;
  }
  env.K6_NO_USAGE_REPORT = 'true';
  env.K6_AUTO_EXTENSION_RESOLUTION = 'false';
  return env;
}

/** Walks up from startDir to the first folder whose package.json is named "loadctl". */
export function resolveProjectRoot(
  startDir: string,
  readPackageName: (dir: string) => string | undefined,
): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    if (readPackageName(dir) === 'loadctl') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let cachedRoot: string | undefined;

/**
 * The loadctl package folder, from this module's own location: src/k6 under vitest, dist/k6 when
 * compiled, node_modules/loadctl/dist/k6 when installed. Reads package.json files (once per process).
 * Throws only if the package is damaged, which no caller can repair.
 */
export function projectRoot(): string {
  cachedRoot ??= resolveProjectRoot(path.dirname(fileURLToPath(import.meta.url)), readPackageNameSync);
  if (cachedRoot === undefined) {
    throw new Error(`cannot find loadctl's package.json above ${fileURLToPath(import.meta.url)}`);
  }
  return cachedRoot;
}
