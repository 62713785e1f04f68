// `loadctl breakpoint <plan> --slo "p95<500ms,errors<1%"`: ramps one scenario's flow level by level until the
// SLO breaks for a sustained window, then reports the highest level that held, the one that broke and what
// broke first. The run engine's steps with a ramped plan and a watch that stops k6: the same preflight, demo
// service, k6, generator check and run folder as `loadctl run`, plus breakpoint.json.
import { DEFAULT_STEP_MS, DEFAULT_STEPS, rampBatches, type RampChoices } from '../../breakpoint/ramp.js';
import { renderBreakpoint } from '../../breakpoint/render.js';
import { foldLive, planBreakpointSearch, startWatch, summarizeBreakpoint } from '../../breakpoint/search.js';
import { parseSlo, type Slo } from '../../breakpoint/slo.js';
import { DEFAULT_WINDOW } from '../../breakpoint/watch.js';
import { usageError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { findK6, projectRoot } from '../../k6/locate.js';
import { renderDiagnostic } from '../../plans/diagnostics.js';
import { parseDuration } from '../../plans/duration.js';
import { readPlan } from '../../plans/load.js';
import { BATCH_TAG } from '../../report/model/k6-submetrics.js';
import { executeRun } from '../../run/execute.js';
import { probeRunFacts } from '../../run/facts.js';
import { finishRun, renderRunFiles } from '../../run/finish.js';
import { parseReportOptions, parseTags } from '../../run/options.js';
import { prepareRun, resolveResultsRoot } from '../../run/prepare.js';
import { resolveOrThrow, withOverrides } from '../../run/prepare-script.js';
import { parseOverrides } from '../../plans/overrides.js';
import { runPreflight } from '../../run/preflight.js';
import { printOutputProblems, printRunFiles } from '../../run/print.js';
import { writeReportsOfRun } from '../../run/run-reports.js';
import { writeRunFiles } from '../../store/write.js';
import { terminalSafe } from '../../terminal-safe.js';

export { BREAKPOINT_SUFFIX } from '../../breakpoint/search.js';

export interface BreakpointOptions {
  slo?: string;
  scenario?: string;
  closed?: boolean;
  maxRate?: string;
  maxVus?: string;
  start?: string;
  steps?: string;
  step?: string;
  window?: string;
  target?: string;
  profile?: string;
  results?: string;
  tag?: string[];
  json?: boolean;
  progress?: boolean;
  skipPreflight?: boolean;
  /** `--report html,…`: reports of the run written into its folder (docs/reports.md). */
  report?: string;
  lang?: string;
  /** `-e KEY=VALUE` (repeatable): plan env values, as `run -e` (src/plans/overrides.ts). */
  env?: string[];
}

function whole(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw usageError(`--${flag} ${JSON.stringify(text)} is not a whole number ≥ 1`);
  return n;
}

/** The command line → the ramp's choices and the window; every problem at once. */
export function parseBreakpointOptions(opts: BreakpointOptions): {
  slo: Slo;
  choices: RampChoices;
  window: number;
} {
  const problems: string[] = [];
  const slo = parseSlo(opts.slo);
  if (!slo.ok) problems.push(...slo.errors);
  const open = opts.closed !== true;
  if (!open && opts.maxRate !== undefined)
    problems.push('--max-rate goes with the open model; with --closed give --max-vus');
  const numbers: Record<string, number | undefined> = {};
  for (const [key, flag] of [
    ['maxRate', 'max-rate'],
    ['maxVus', 'max-vus'],
    ['start', 'start'],
    ['steps', 'steps'],
    ['window', 'window'],
  ] as const) {
    try {
      numbers[key] = whole(flag, opts[key]);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const stepMs = opts.step === undefined ? DEFAULT_STEP_MS : parseDuration(opts.step);
  if (stepMs === undefined)
    problems.push(`--step ${JSON.stringify(opts.step)} is not a duration (e.g. 10s, 30s, 1m)`);
  if (problems.length > 0 || !slo.ok)
    throw usageError(
      problems.length === 1
        ? (problems[0] ?? '')
        : `the options have ${problems.length} problems:\n  ${problems.join('\n  ')}`,
      'e.g. loadctl breakpoint plans/seat-race.yaml --slo "p95<500ms,errors<1%" --max-rate 400',
    );
  const choices: RampChoices = {
    model: open ? 'open' : 'closed',
    steps: numbers['steps'] ?? DEFAULT_STEPS,
    stepMs: stepMs ?? DEFAULT_STEP_MS,
    ...(opts.scenario !== undefined ? { scenario: opts.scenario } : {}),
    ...(numbers['start'] !== undefined ? { start: numbers['start'] } : {}),
  };
  const top = open ? numbers['maxRate'] : numbers['maxVus'];
  if (top !== undefined) choices.max = top;
  if (open && numbers['maxVus'] !== undefined) choices.vus = numbers['maxVus'];
  return { slo: slo.slo, choices, window: numbers['window'] ?? DEFAULT_WINDOW };
}

export async function runBreakpoint(io: Io, file: string, opts: BreakpointOptions): Promise<ExitCode> {
  const { slo, choices, window } = parseBreakpointOptions(opts);
  const { reportFormats, lang } = parseReportOptions(opts);
  const overrides = parseOverrides({ env: opts.env });
  const k6Found = findK6(io, { projectRoot: projectRoot() });
  const loaded = await readPlan(io, file);
  for (const d of loaded.diagnostics) io.stderr.write(`${renderDiagnostic(d)}\n`);
  const asPlanned = withOverrides(
    resolveOrThrow(loaded, { target: opts.target, profile: opts.profile }),
    overrides,
  );
  const search = planBreakpointSearch(asPlanned.plan, choices, slo, window);
  const resolved = { ...asPlanned, plan: search.plan };
  const tags = parseTags(opts.tag ?? []);
  const resultsRoot = resolveResultsRoot(io.cwd, opts.results);
  const k6 = await runPreflight(io, {
    plan: resolved.plan,
    targetName: resolved.targetName,
    resultsRoot,
    k6: await k6Found,
    samples: false,
    skipHostChecks: opts.skipPreflight === true,
  });
  const runChoices = {
    loaded,
    resolved,
    resultsRoot,
    tags,
    samples: false,
    // The watch reads k6's live sub-metrics (its REST API), which k6 keeps only with metrics of its own.
    k6Summary: true,
    batches: rampBatches(search.ramp),
  };
  const spec = prepareRun(runChoices, await probeRunFacts(io, k6));
  let watch = startWatch(search);
  const run = await executeRun(io, spec, {
    progress: opts.progress !== false,
    observer: {
      liveMetrics: (id) => id.includes(`${BATCH_TAG}:`),
      onLive: (live) => {
        const seen = foldLive(search, watch, live);
        watch = seen.watch;
        return seen.stop !== undefined ? { note: seen.note, stop: seen.stop } : { note: seen.note };
      },
    },
  });
  try {
    const finished = finishRun(spec, run);
    const { summary } = finished;
    const found = summarizeBreakpoint(search, watch, { ...run, summary });
    const files = renderRunFiles(spec, run, finished, { exitCode: found.exitCode, breakpoint: found.doc });
    await writeRunFiles(io, spec.runDir, files);
    if (opts.json) io.stdout.write(`${JSON.stringify(found.doc, null, 2)}\n`);
    else
      io.stdout.write(
        renderBreakpoint(
          { plan: search.planName, target: resolved.targetName, slo, ramp: search.ramp },
          found.result,
          { color: io.stdout.isTTY && !io.env.NO_COLOR, runDir: spec.shownDir },
        ),
      );
    if (summary.outcome.kind === 'invariants-failed')
      io.stderr.write(
        `⚠ invariants failed after the run: ${terminalSafe(summary.outcome.failed.join('; '))}\n`,
      );
    printRunFiles(io, spec, finished, await writeReportsOfRun(io, spec, files, reportFormats, lang));
    printOutputProblems(io, spec, run.k6.errorLines);
    return found.exitCode;
  } finally {
    run.release();
  }
}
