// The end of `loadctl run`, after k6: the outcome, the run folder's files, the reports and the summary.
// A module of its own so that it loads while k6 runs (run.ts starts its import once k6 is running).
import type { ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import type { ExecutedRun } from '../../run/execute.js';
import type { PlanRun } from '../../run/options.js';
import { finishRun, renderRunFiles } from '../../run/finish.js';
import type { RunSpec } from '../../run/prepare.js';
import { printOutputProblems, printRunFiles, printRunSummary } from '../../run/print.js';
import { writeReportsOfRun } from '../../run/run-reports.js';
import { writeRunFiles } from '../../store/write.js';

export async function finishPlanRun(
  io: Io,
  spec: RunSpec,
  run: ExecutedRun,
  opts: PlanRun,
): Promise<ExitCode> {
  const finished = finishRun(spec, run);
  const files = renderRunFiles(spec, run, finished);
  await writeRunFiles(io, spec.runDir, files);
  opts.onStored?.({ runDir: spec.runDir, summary: finished.summary, exitCode: finished.exitCode });
  const reports = await writeReportsOfRun(io, spec, files, opts.reportFormats, opts.lang);
  printRunSummary(io, spec, finished, {
    json: opts.json === true,
    table: opts.table !== false,
    lang: opts.lang,
    perRunner: opts.perRunner === true,
  });
  printRunFiles(io, spec, finished, reports);
  printOutputProblems(io, spec, run.k6.errorLines);
  return finished.exitCode;
}
