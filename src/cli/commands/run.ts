// `loadctl run`: plan → preflight → prepare → the real k6 → finish → the run folder, then the summary
// (the last three in run-finish.ts).
import type { ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { findK6, projectRoot, type FindK6Result } from '../../k6/locate.js';
import { renderDiagnostic } from '../../plans/diagnostics.js';
import { readPlan, type LoadedPlan } from '../../plans/load.js';
import { executeRun } from '../../run/execute.js';
import { probeRunFacts } from '../../run/facts.js';
import { parseReportOptions, parseTags, type PlanRun, type RunOptions } from '../../run/options.js';
import { prepareRun, resolveResultsRoot } from '../../run/prepare.js';
import { resolveOrThrow, withOverrides } from '../../run/prepare-script.js';
import { parseOverrides } from '../../plans/overrides.js';
import { warmupPlan } from '../../plans/warmup.js';
import { runPreflight } from '../../run/preflight.js';
import { parseRunnerCount, resolveRunners } from '../../plans/runners.js';
import { refuseArrivalRunners } from '../../plans/arrivals.js';
import { resolveOutputs } from '../../run/outputs.js';

export type { PlanRun, RunOptions };

export async function runRun(
  io: Io,
  file: string,
  opts: RunOptions,
  // Looking for k6 (running `k6 version`) overlaps with loading this module and reading the plan.
  k6Found: Promise<FindK6Result> = findK6(io, { projectRoot: projectRoot() }),
): Promise<ExitCode> {
  // Checked before anything else: a typo in --report must not cost a whole run.
  const { reportFormats, lang } = parseReportOptions(opts);
  parseOverrides(opts);
  const loaded = await readPlan(io, file);
  return runPlan(io, loaded, k6Found, { ...opts, reportFormats, lang });
}

export async function runPlan(
  io: Io,
  loaded: LoadedPlan,
  k6Found: Promise<FindK6Result>,
  opts: PlanRun,
): Promise<ExitCode> {
  for (const d of loaded.diagnostics) io.stderr.write(`${renderDiagnostic(d)}\n`);
  const planned = withOverrides(
    resolveOrThrow(loaded, { target: opts.target, profile: opts.profile }),
    parseOverrides(opts),
  );
  const resolved =
    opts.warmupMs === undefined ? planned : { ...planned, plan: warmupPlan(planned.plan, opts.warmupMs) };
  const tags = parseTags(opts.tag ?? []);
  const runners = resolveRunners(resolved.plan.runners, {
    runners: opts.runners === undefined ? undefined : parseRunnerCount(opts.runners),
    runner: opts.runner,
  });
  refuseArrivalRunners(resolved.plan, runners?.length ?? 1);
  const outputs = resolveOutputs(resolved.plan, opts.out);
  const resultsRoot = resolveResultsRoot(io.cwd, opts.results);
  const samples = opts.samples === true;
  const k6 = await runPreflight(io, {
    plan: resolved.plan,
    targetName: resolved.targetName,
    resultsRoot,
    k6: await k6Found,
    samples,
    skipHostChecks: opts.skipPreflight === true,
  });
  const choices = {
    loaded,
    resolved,
    resultsRoot,
    tags,
    samples,
    k6Summary: opts.k6Summary === true,
    comparison: opts.comparison,
    warmup: opts.warmupMs !== undefined,
    runners,
    keepGoing: opts.keepGoing === true,
    outputs,
  };
  const spec = prepareRun(choices, await probeRunFacts(io, k6));
  // The modules that finish a run load while k6 runs: nothing after k6 waits for them.
  const finishing = deferredImport(() => import('./run-finish.js'));
  const run = await executeRun(io, spec, {
    progress: opts.progress !== false,
    perRunner: opts.perRunner === true,
    onK6Started: finishing.start,
  });
  try {
    return await (await finishing.get()).finishPlanRun(io, spec, run, opts);
  } finally {
    run.release();
  }
}

/** An import that starts when asked to, or at the latest when it is needed. */
function deferredImport<T>(load: () => Promise<T>): { start: () => void; get: () => Promise<T> } {
  let loading: Promise<T> | undefined;
  const get = () => (loading ??= load());
  return { start: () => void get(), get };
}
