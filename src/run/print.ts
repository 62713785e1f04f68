// Printing a finished run: the summary (table, JSON, or one line for `run --targets`), then where k6's log
// and the reports are.
import { basename, join } from 'node:path';
import type { Io } from '../io/io.js';
import { runFile } from '../store/layout.js';
import { renderSummaryFile } from '../store/write.js';
import { renderSummaryTable } from '../report/render/table.js';
import { terminalSafe, terminalSafeLines } from '../terminal-safe.js';
import { outputProblems, renderOutputProblems } from './outputs.js';
import type { Lang } from '../report/render/i18n.js';
import type { FinishedRun } from './finish.js';
import type { RunSpec } from './prepare.js';
import type { WrittenReport } from './reports.js';
import { describeOverrides } from '../plans/overrides.js';

export interface PrintChoices {
  json: boolean;
  /** false: one line per run (`run --targets` prints one comparison at the end instead). */
  table: boolean;
  lang: Lang;
  /** Each runner's row even when none failed (`run --per-runner`). */
  perRunner?: boolean;
}

export function printRunSummary(io: Io, spec: RunSpec, finished: FinishedRun, choices: PrintChoices): void {
  const { summary } = finished;
  if (choices.json) io.stdout.write(renderSummaryFile(summary));
  else if (spec.warmup) return;
  else if (!choices.table)
    io.stderr.write(
      `${terminalSafe(summary.target.name)}: ${summary.outcome.kind}, results in ${terminalSafe(spec.shownDir)}\n`,
    );
  else
    io.stdout.write(
      renderSummaryTable(summary, {
        color: io.stdout.isTTY && !io.env.NO_COLOR,
        width: io.stdout.columns,
        runDir: spec.shownDir,
        k6Version: spec.k6.version,
        lang: choices.lang,
        perRunner: choices.perRunner === true,
        demo: spec.target.demo !== undefined,
        ...(spec.resolved.overrides ? { overrides: describeOverrides(spec.resolved.overrides) } : {}),
        ...(spec.plan.about ? { about: redactedAbout(spec) } : {}),
      }),
    );
}

/** The plan's `about:` facts as plan.resolved.json records them: an env value may be a secret's. */
function redactedAbout(spec: RunSpec): Record<string, string> {
  return Object.fromEntries(
    Object.entries(spec.plan.about ?? {}).map(([k, v]) => [spec.redact(k), spec.redact(String(v))]),
  );
}

/** Where to look next: k6's log when k6 failed, and each report written. */
export function printRunFiles(
  io: Io,
  spec: RunSpec,
  finished: FinishedRun,
  reports: readonly WrittenReport[],
): void {
  if (finished.outcome.kind === 'k6-error') io.stderr.write(`k6's log: ${runFile(spec.shownDir, 'log')}\n`);
  for (const r of reports)
    io.stderr.write(`report (${r.format}): ${join(spec.shownDir, basename(r.path))}\n`);
}

/** An output that could not write (k6 logs it and goes on) leaves loadctl's results whole: said, not failed. */
export function printOutputProblems(io: Io, spec: RunSpec, k6ErrorLines: readonly string[]): void {
  const problems = spec.outputs.length > 0 ? outputProblems(k6ErrorLines) : [];
  if (problems.length > 0)
    io.stderr.write(terminalSafeLines(renderOutputProblems(problems, runFile(spec.shownDir, 'log'))));
}
