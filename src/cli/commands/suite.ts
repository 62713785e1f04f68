// `loadctl suite <plans or folders> [--profile P]`: several plans one after another, as a study's benchmark
// script runs its tests, with a cooldown between them. Every plan is read, validated and resolved before the
// first one runs; then each runs through runPlan, and one table, one exit code (the worst of the runs') and
// one set of reports (results/suite-<id>/) close the suite. docs/suite.md.
import { join, resolve } from 'node:path';
import { EXIT, LoadctlError, PlanError, usageError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { findK6, projectRoot, type FindK6Result } from '../../k6/locate.js';
import type { Diagnostic } from '../../plans/diagnostics.js';
import { parseDuration } from '../../plans/duration.js';
import { displayPath, readPlan, type LoadedPlan } from '../../plans/load.js';
import type { ReportFormat } from '../../report/render/formats.js';
import { parseReportOptions, type PlanRun, type StoredRunResult } from '../../run/options.js';
import { resolveResultsRoot } from '../../run/prepare.js';
import { resolveOrThrow } from '../../run/prepare-script.js';
import {
  planSuiteFiles,
  suiteExitCode,
  summarizeSuiteRow,
  type SuiteArg,
  type SuiteResult,
} from '../../run/suite.js';
import { makeRunId } from '../../store/run-id.js';
import { terminalSafe, terminalSafeLines } from '../../terminal-safe.js';
import { runPlan } from './run.js';
import { parseWarmup, warmUp } from './warmup.js';

export interface SuiteOptions {
  profile?: string;
  target?: string;
  results?: string;
  tag?: string[];
  progress?: boolean;
  skipPreflight?: boolean;
  report?: string;
  lang?: string;
  cooldown?: string;
  warmup?: string;
}

export const DEFAULT_SUITE_COOLDOWN = '10s';
/** A suite is a sequence of runs, as `run` makes them: no warm-up unless asked for (the CI recipe asks). */
export const DEFAULT_SUITE_WARMUP = '0';

interface SuitePlan {
  file: string;
  loaded: LoadedPlan;
  plan: string;
  target: string;
}

/** A folder, or else a file (readPlan says what is wrong with a path that is neither). */
async function readSuiteArg(io: Io, path: string): Promise<SuiteArg> {
  if (/\.ya?ml$/i.test(path)) return { kind: 'file', path };
  try {
    return { kind: 'folder', path, names: await io.listDir(resolve(io.cwd, path)) };
  } catch {
    return { kind: 'file', path };
  }
}

async function readSuiteFiles(io: Io, paths: readonly string[]): Promise<string[]> {
  const args = await Promise.all(paths.map((p) => readSuiteArg(io, p)));
  for (const a of args)
    if (a.kind === 'folder' && planSuiteFiles([a]).length === 0)
      throw usageError(`${a.path} has no plans (*.yaml, *.yml)`);
  return planSuiteFiles(args);
}

/** Every plan read and validated, every problem of every plan reported at once: one bad plan, none runs. */
async function readSuitePlans(io: Io, files: readonly string[]): Promise<LoadedPlan[]> {
  const loaded: LoadedPlan[] = [];
  const diagnostics: Diagnostic[] = [];
  const others: string[] = [];
  for (const file of files) {
    try {
      loaded.push(await readPlan(io, file));
    } catch (err) {
      if (err instanceof PlanError) diagnostics.push(...err.diagnostics);
      else if (err instanceof LoadctlError) others.push(`${file}: ${err.message}`);
      else throw err;
    }
  }
  if (diagnostics.length > 0) {
    for (const o of others) io.stderr.write(`${terminalSafeLines(o)}\n`);
    throw new PlanError(diagnostics);
  }
  if (others.length > 0) throw usageError(others.join('\n'));
  return loaded;
}

/** Each plan with --target and --profile applied; a plan without them stops the suite before it starts. */
function resolveSuitePlans(loaded: readonly LoadedPlan[], opts: SuiteOptions): SuitePlan[] {
  const plans: SuitePlan[] = [];
  const problems: string[] = [];
  for (const l of loaded) {
    try {
      const r = resolveOrThrow(l, { target: opts.target, profile: opts.profile });
      plans.push({ file: l.file, loaded: l, plan: r.plan.name, target: r.targetName });
    } catch (err) {
      if (!(err instanceof LoadctlError)) throw err;
      problems.push(err.hint ? `${err.message} (${err.hint})` : err.message);
    }
  }
  if (problems.length > 0)
    throw usageError(
      `${problems.join('\n')}\nnothing ran: every plan of a suite must have ${describeChoices(opts)}`,
    );
  return plans;
}

function describeChoices(opts: SuiteOptions): string {
  const parts = [
    opts.target !== undefined ? `the target ${opts.target}` : undefined,
    opts.profile !== undefined ? `the profile ${opts.profile}` : undefined,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(' and ') : 'a target to run against';
}

function parseCooldown(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw usageError(`--cooldown ${text} is not a duration`, 'e.g. 30s, 1m, 0s');
  return ms;
}

interface SuiteRun {
  id: string;
  k6Found: Promise<FindK6Result>;
  run: PlanRun;
  cooldownMs: number;
  cooldownText: string;
  warmupMs: number;
}

/** One plan through runPlan; a run that cannot be made (preflight, target) is a row, not the suite's end. */
async function runSuitePlan(io: Io, p: SuitePlan, s: SuiteRun, index: number): Promise<SuiteResult> {
  const failed = (message: string, exitCode: ExitCode): SuiteResult => ({
    kind: 'failed',
    file: p.file,
    plan: p.plan,
    target: p.target,
    message,
    exitCode,
  });
  // Filled by runPlan once the run folder is written (a holder: TypeScript does not see the callback).
  const got: { stored?: StoredRunResult } = {};
  try {
    const warm = await warmUp(io, p.loaded, s.k6Found, {
      ...s.run,
      targets: [p.target],
      warmupMs: s.warmupMs,
      id: `${s.id}-${index + 1}`,
      cooldownMs: 0,
    });
    if (warm === EXIT.interrupted) return failed('stopped during its warm-up', warm);
    if (warm !== EXIT.ok) return failed('its warm-up could not run', warm);
    const onStored = (r: StoredRunResult) => {
      got.stored = r;
    };
    const code = await runPlan(io, p.loaded, s.k6Found, { ...s.run, onStored });
    if (got.stored) return { kind: 'ran', file: p.file, ...got.stored };
    return failed('the run kept no summary', code);
  } catch (err) {
    if (!(err instanceof LoadctlError) || err instanceof PlanError) throw err;
    io.stderr.write(`loadctl: ${terminalSafeLines(err.message)}\n`);
    return failed(err.message, err.exitCode);
  }
}

/**
 * The plans in order. Ctrl-C (or SIGTERM, SIGHUP) during a run stops it gracefully (runPlan's own handling:
 * it returns 130) and no later plan starts; during a cooldown it ends the suite there. The suite listens
 * for no signal itself: one absorbed while a run prepares would leave that run unstoppable.
 */
async function runSuitePlans(io: Io, plans: readonly SuitePlan[], s: SuiteRun): Promise<SuiteResult[]> {
  const results: SuiteResult[] = [];
  let stopped = false;
  for (const [i, p] of plans.entries()) {
    if (!stopped && i > 0 && s.cooldownMs > 0) {
      io.stderr.write(`cooling down ${s.cooldownText}…\n`);
      stopped = await io.sleep(s.cooldownMs);
    }
    if (stopped) {
      results.push({ kind: 'not-run', file: p.file, plan: p.plan, target: p.target });
      continue;
    }
    io.stderr.write(`\n[suite ${i + 1}/${plans.length}] ${terminalSafe(p.file)}\n`);
    const r = await runSuitePlan(io, p, s, i);
    stopped = r.kind !== 'not-run' && r.exitCode === EXIT.interrupted;
    results.push(r);
  }
  return results;
}

export async function runSuite(io: Io, paths: string[], opts: SuiteOptions): Promise<ExitCode> {
  const { reportFormats, lang } = parseReportOptions(opts);
  const cooldownText = opts.cooldown ?? DEFAULT_SUITE_COOLDOWN;
  const cooldownMs = parseCooldown(cooldownText);
  const warmupMs = parseWarmup(opts.warmup, DEFAULT_SUITE_WARMUP);
  const files = await readSuiteFiles(io, paths);
  const plans = resolveSuitePlans(await readSuitePlans(io, files), opts);
  const k6Found = findK6(io, { projectRoot: projectRoot() });
  const id = makeRunId(io.now(), io.randomHex(3));
  const run: PlanRun = {
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.target !== undefined ? { target: opts.target } : {}),
    ...(opts.results !== undefined ? { results: opts.results } : {}),
    tag: opts.tag ?? [],
    progress: opts.progress !== false,
    skipPreflight: opts.skipPreflight === true,
    reportFormats,
    lang,
  };
  const results = await runSuitePlans(io, plans, { id, k6Found, run, cooldownMs, cooldownText, warmupMs });
  const suiteDir = join(resolveResultsRoot(io.cwd, opts.results), `suite-${id}`);
  return finishSuite(io, { id, suiteDir, results, formats: reportFormats });
}

async function finishSuite(
  io: Io,
  s: { id: string; suiteDir: string; results: SuiteResult[]; formats: ReportFormat[] },
): Promise<ExitCode> {
  const { renderSuiteReports, renderSuiteTable } = await import('../../report/render/suite.js');
  const rows = s.results.map(summarizeSuiteRow);
  const view = { id: s.id, rows, exitCode: suiteExitCode(rows), suiteDir: s.suiteDir, formats: s.formats };
  const summaries = s.results.map((r) => (r.kind === 'ran' ? r.summary : undefined));
  const files = Object.entries(renderSuiteReports(view, s.formats, summaries));
  for (const [name, content] of files) await io.writeFileAtomic(join(s.suiteDir, name), content);
  io.stdout.write(`\n${renderSuiteTable(view, { color: io.stdout.isTTY && !io.env.NO_COLOR })}`);
  for (const [name] of files)
    io.stdout.write(`  ${terminalSafe(displayPath(io.cwd, join(s.suiteDir, name)))}\n`);
  return view.exitCode;
}
