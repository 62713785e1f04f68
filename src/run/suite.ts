// `loadctl suite`: which plan files a suite runs, in which order, the suite's one exit code, and the rows of
// its summary. Pure: the command reads the folders and runs the plans (src/cli/commands/suite.ts).
import { EXIT, type ExitCode } from '../errors.js';
import { headlineCpu } from '../monitor/stats.js';
import type { RunSummary } from '../report/model/summary.js';
import type { SuiteRow } from '../report/model/suite.js';

export type { SuiteRow };

/** An argument of `suite`: a plan file, or a folder with the names in it. */
export type SuiteArg = { kind: 'file'; path: string } | { kind: 'folder'; path: string; names: string[] };

const PLAN_NAME = /\.ya?ml$/i;

/**
 * The plan files in the order they run: the arguments in their order, a folder's *.yaml and *.yml files in
 * name order (code-point order, the same on every machine). Hidden files are no plans.
 */
export function planSuiteFiles(args: readonly SuiteArg[]): string[] {
  return args.flatMap((a) =>
    a.kind === 'file'
      ? [a.path]
      : a.names
          .filter((n) => PLAN_NAME.test(n) && !n.startsWith('.'))
          .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
          .map((n) => joinPath(a.path, n)),
  );
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/**
 * Exit codes from the most to the least severe (docs/suite.md): a run that was stopped or could not be made
 * says less about the target than one that ran and failed, so it wins.
 */
export const EXIT_SEVERITY: readonly ExitCode[] = [
  EXIT.interrupted,
  EXIT.internal,
  EXIT.environment,
  EXIT.usage,
  EXIT.k6Failed,
  EXIT.saturated,
  EXIT.invariantFailed,
  EXIT.regression,
  EXIT.inconclusive,
  EXIT.thresholdsFailed,
  EXIT.ok,
];

/** The most severe of the codes; 0 for none. */
export function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  return EXIT_SEVERITY.find((c) => codes.includes(c)) ?? EXIT.ok;
}

/** What became of one plan of a suite. */
export type SuiteResult =
  | { kind: 'ran'; file: string; runDir: string; summary: RunSummary; exitCode: ExitCode }
  /** The run could not start or finish (preflight failed, a target down): the error's own words. */
  | { kind: 'failed'; file: string; plan: string; target: string; message: string; exitCode: ExitCode }
  /** Ctrl-C came before it started. */
  | { kind: 'not-run'; file: string; plan: string; target: string };

export function summarizeSuiteRow(r: SuiteResult): SuiteRow {
  if (r.kind === 'not-run') return { file: r.file, plan: r.plan, target: r.target, outcome: 'not run' };
  if (r.kind === 'failed')
    return {
      file: r.file,
      plan: r.plan,
      target: r.target,
      outcome: 'error',
      exitCode: r.exitCode,
      message: r.message,
    };
  const s = r.summary;
  const cpu = headlineCpu(s.server);
  const p95 = s.latency['p(95)'];
  return {
    file: r.file,
    plan: s.plan,
    target: s.target.name,
    outcome: s.outcome.kind,
    exitCode: r.exitCode,
    requests: s.totals.requests,
    ...(p95 !== undefined ? { p95Ms: p95 } : {}),
    errorRate: s.totals.errorRate,
    runId: s.runId,
    runDir: r.runDir,
    ...(cpu ? { cpu } : {}),
  };
}

/** The suite's exit code: the worst of its plans'; plans that did not run count for nothing. */
export function suiteExitCode(rows: readonly SuiteRow[]): ExitCode {
  return worstExitCode(rows.flatMap((r) => (r.exitCode !== undefined ? [r.exitCode] : [])));
}
