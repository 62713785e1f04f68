// `loadctl run`: plan → preflight → prepare → the real k6 → finish → the run folder, then the summary.
import type { ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { findK6, projectRoot, type FindK6Result } from '../../k6/locate.js';
import { renderDiagnostic } from '../../plans/diagnostics.js';
import { readPlan, type LoadedPlan } from '../../plans/load.js';
import type { ReportFormat } from '../../report/render/index.js';
import type { Lang } from '../../report/render/i18n.js';
import type { ComparisonRef } from '../../report/model/summary.js';
import { executeRun } from '../../run/execute.js';
import { probeRunFacts } from '../../run/facts.js';
import { finishRun, renderRunFiles } from '../../run/finish.js';
import { parseReportOptions, parseTags, type RunOptions } from '../../run/options.js';
import { prepareRun, resolveResultsRoot } from '../../run/prepare.js';
import { resolveOrThrow } from '../../run/prepare-script.js';
import { runPreflight } from '../../run/preflight.js';
import { printRunFiles, printRunSummary } from '../../run/print.js';
import { writeReportsOfRun } from '../../run/run-reports.js';
import { writeRunFiles } from '../../store/write.js';

export type { RunOptions };

/** One run of a read plan, as `run` and `run --targets` (once per target and round) make it. */
export interface PlanRun extends RunOptions {
  reportFormats: ReportFormat[];
  lang: Lang;
  /** Set by `run --targets`: the comparison group this run belongs to. */
  comparison?: ComparisonRef;
  /** Print the summary table (default true; `run --targets` prints one comparison instead). */
  table?: boolean;
}

export async function runRun(
  io: Io,
  file: string,
  opts: RunOptions,
  // Looking for k6 (running `k6 version`) overlaps with loading this module and reading the plan.
  k6Found: Promise<FindK6Result> = findK6(io, { projectRoot: projectRoot() }),
): Promise<ExitCode> {
  // Checked before anything else: a typo in --report must not cost a whole run.
  const { reportFormats, lang } = parseReportOptions(opts);
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
  const resolved = resolveOrThrow(loaded, { target: opts.target, profile: opts.profile });
  const tags = parseTags(opts.tag ?? []);
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
  const choices = { loaded, resolved, resultsRoot, tags, samples, comparison: opts.comparison };
  const spec = prepareRun(choices, await probeRunFacts(io, k6));
  const run = await executeRun(io, spec, { progress: opts.progress !== false });
  try {
    const finished = finishRun(spec, run);
    const files = renderRunFiles(run, finished);
    await writeRunFiles(io, spec.runDir, files);
    const reports = await writeReportsOfRun(io, spec, files, opts.reportFormats, opts.lang);
    printRunSummary(io, spec, finished, {
      json: opts.json === true,
      table: opts.table !== false,
      lang: opts.lang,
    });
    printRunFiles(io, spec, finished, reports);
    return finished.exitCode;
  } finally {
    run.release();
  }
}
