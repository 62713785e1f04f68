// `run`'s command-line options and the pure parsing of the ones that can be wrong, checked before any effect.
import { usageError, type ExitCode } from '../errors.js';
import { parseReportFormats, type ReportFormat } from '../report/render/formats.js';
import { parseLang, type Lang } from '../report/render/i18n.js';
import type { ComparisonRef, RunSummary } from '../report/model/summary.js';

export interface RunOptions {
  target?: string;
  profile?: string;
  results?: string;
  tag?: string[];
  json?: boolean;
  progress?: boolean;
  /** Also keep k6's raw samples and aggregate them (exact per-second percentiles, status classes). */
  samples?: boolean;
  /**
   * Let k6 keep its own metrics and judge the thresholds itself (exact percentiles; k6's memory grows with
   * every request). By default, with loadctl's k6, both come from the metric stream.
   */
  k6Summary?: boolean;
  /** Skip the plan-sized host and target checks (`loadctl doctor`); k6, secrets and the results folder are still checked. */
  skipPreflight?: boolean;
  /** `--report html,junit`: reports written into the run folder after the run (docs/reports.md). */
  report?: string;
  /** Language of those reports and of the summary table headings: en (default) or ko. */
  lang?: string;
  /** `--runners N`: N local k6 processes, each an execution segment of the plan (docs/distributed.md). */
  runners?: string;
  /** `--runner SPEC` (repeatable): the runners one by one. */
  runner?: string[];
  /** With runners: one that cannot start or dies does not stop the others; the run is marked partial. */
  keepGoing?: boolean;
  /** With runners: each runner's numbers beside the merged ones. */
  perRunner?: boolean;
  /** `--out SPEC` (repeatable): k6's own outputs, replacing the plan's `outputs` (docs/outputs.md). */
  out?: string[];
  /** k6's shortcut options, reshaping the one scenario run (src/plans/overrides.ts, docs/plans.md). */
  vus?: string;
  duration?: string;
  iterations?: string;
  /** `--stages 30s:100,1m:0` (repeatable; the lists join). */
  stages?: string[];
  /** `--scenario NAME` (repeatable or comma-separated): run only these of the plan's scenarios. */
  scenario?: string[];
  /** `-e KEY=VALUE` (repeatable): plan env values, winning over the environment, as k6's -e. */
  env?: string[];
}

/** One run of a read plan, as `run` and `run --targets` (once per target and round) make it. */
export interface PlanRun extends RunOptions {
  reportFormats: ReportFormat[];
  lang: Lang;
  /** Set by `run --targets`: the comparison group this run belongs to. */
  comparison?: ComparisonRef;
  /** Print the summary table (default true; `run --targets` prints one comparison instead). */
  table?: boolean;
  /** `run --targets --warmup`: run only the plan's first this-many ms of load, as a warm-up (src/plans/warmup.ts). */
  warmupMs?: number;
  /** Told once the run folder is written: `suite` gathers its summary table from these. */
  onStored?: (stored: StoredRunResult) => void;
}

/** A run just written to its folder. */
export interface StoredRunResult {
  runDir: string;
  summary: RunSummary;
  exitCode: ExitCode;
}

export function parseTags(tags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) {
    const eq = t.indexOf('=');
    if (eq < 1) throw usageError(`--tag ${JSON.stringify(t)} is not key=value`, 'e.g. --tag build=1234');
    out[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return out;
}

export function parseReportOptions(opts: Pick<RunOptions, 'report' | 'lang'>): {
  reportFormats: ReportFormat[];
  lang: Lang;
} {
  const lang = parseLang(opts.lang);
  if (!lang) throw usageError(`--lang ${JSON.stringify(opts.lang)} is not a report language`, 'use en or ko');
  if (opts.report === undefined) return { reportFormats: [], lang };
  const parsed = parseReportFormats(opts.report);
  if (!parsed.ok)
    throw usageError(
      `--report: ${parsed.unknown.map((u) => JSON.stringify(u)).join(', ')} is not a report format`,
      'use html, markdown, junit or json, comma-separated: --report html,junit',
    );
  return { reportFormats: parsed.formats, lang };
}
