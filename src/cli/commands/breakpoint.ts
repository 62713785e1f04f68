// `loadctl breakpoint <plan> --slo "p95<500ms,errors<1%"`: ramps one scenario's flow level by level until the
// SLO breaks for a sustained window, then reports the highest level that held, the one that broke and what
// broke first. A `loadctl run` underneath (run.ts's hooks): the same preflight, demo service, k6, generator
// check and run folder, plus breakpoint.json.
import { join } from 'node:path';
import { didYouMean } from '../../plans/diagnostics.js';
import { planEndpoints } from '../../plans/compile.js';
import { parseDuration } from '../../plans/duration.js';
import { BATCH_TAG } from '../../report/model/batches.js';
import {
  DEFAULT_STEP_MS,
  DEFAULT_STEPS,
  planRamp,
  rampBatches,
  rampPlan,
  type Ramp,
  type RampChoices,
} from '../../breakpoint/ramp.js';
import { renderBreakpoint, renderLevelNote, renderBreach } from '../../breakpoint/render.js';
import { parseSlo, type Slo } from '../../breakpoint/slo.js';
import { BREAKPOINT_SCHEMA, judgeBreakpoint, type BreakpointResult } from '../../breakpoint/verdict.js';
import {
  DEFAULT_WINDOW,
  foldWatch,
  initialWatch,
  type WatchDecision,
  type WatchState,
} from '../../breakpoint/watch.js';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { runRun, type FinishedRun } from './run.js';
import type { RunSummary } from '../../report/model/summary.js';

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
}

/** Breakpoint runs are kept apart from the plan's own runs, so `compare <target>` never takes one for them. */
export const BREAKPOINT_SUFFIX = '.breakpoint';

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

function describeDecision(d: WatchDecision, ramp: Ramp, watch: WatchState): string {
  const target = ramp.levels[d.level]?.target ?? 0;
  const load = `level ${d.level + 1} (${target}${ramp.unit === 'VUs' ? ' VUs' : ' iterations/s'})`;
  if (d.kind === 'saturated')
    return `the generator saturated at ${load}: ${d.reasons.map((r) => r.detail).join('; ')}`;
  const n = watch.live[d.level];
  const what = d.first
    .map((b) =>
      renderBreach({
        criterion: b.criterion.text,
        kind: b.criterion.kind,
        observed: b.observed,
        limit: b.criterion.kind === 'errors' ? b.criterion.limit : b.criterion.limitMs,
        endpoints: b.endpoints,
      }),
    )
    .join('; ');
  const how =
    d.by === 'window'
      ? `for ${watch.config.window} s in a row`
      : d.by === 'pool'
        ? 'and the VU pool ran out'
        : 'over the whole level';
  return `the SLO broke at ${load} ${how}: ${what}${n ? ` (${n.requests} requests)` : ''}`;
}

function exitFor(result: BreakpointResult, summary: RunSummary): ExitCode {
  const { verdict } = result;
  if (summary.outcome.kind === 'interrupted') return EXIT.interrupted;
  // k6 failing (not the stop loadctl asked for) leaves no level's numbers to trust.
  if (summary.outcome.kind === 'k6-error') return EXIT.k6Failed;
  if (verdict.kind === 'generator-saturated') return EXIT.saturated;
  if (verdict.kind === 'incomplete') return EXIT.internal;
  // Finding the breaking point (or that there is none up to the top level) is what the command is for.
  if (summary.outcome.kind === 'invariants-failed') return EXIT.invariantFailed;
  return EXIT.ok;
}

export async function runBreakpoint(io: Io, file: string, opts: BreakpointOptions): Promise<ExitCode> {
  const { slo, choices, window } = parseBreakpointOptions(opts);
  let ramp: Ramp | undefined;
  let endpoints: string[] = [];
  let watch: WatchState | undefined;
  let planName = '';
  let targetName = '';

  const finish = async (run: FinishedRun): Promise<ExitCode> => {
    if (ramp === undefined || watch === undefined) return EXIT.internal;
    const k6 = run.k6Summary;
    const result = judgeBreakpoint({
      slo,
      ramp,
      endpoints,
      watch,
      final: k6 ? (key) => k6.metrics[key]?.values : undefined,
      outcome: run.summary.outcome,
      generator: run.summary.generator,
      series: run.series,
    });
    const doc = {
      schema: BREAKPOINT_SCHEMA,
      runId: run.summary.runId,
      plan: planName,
      target: run.summary.target,
      scenario: ramp.scenario,
      flow: ramp.flow,
      model: ramp.model,
      unit: ramp.unit,
      slo: { text: slo.text, criteria: slo.criteria },
      ramp: {
        stepMs: ramp.stepMs,
        window,
        levels: ramp.levels.map((l) => ({ level: l.index + 1, target: l.target })),
        ...(ramp.maxVUs !== undefined ? { preAllocatedVUs: ramp.preAllocatedVUs, maxVUs: ramp.maxVUs } : {}),
      },
      verdict: result.verdict,
      levels: result.levels,
      stoppedBecause: run.stoppedBecause ?? null,
      runOutcome: run.summary.outcome.kind,
    };
    await io.writeFileAtomic(join(run.runDir, 'breakpoint.json'), `${JSON.stringify(doc, null, 2)}\n`);
    if (opts.json) io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    else
      io.stdout.write(
        renderBreakpoint({ plan: planName, target: targetName, slo, ramp }, result, {
          color: io.stdout.isTTY && !io.env.NO_COLOR,
          runDir: run.shownDir,
        }),
      );
    if (run.summary.outcome.kind === 'invariants-failed')
      io.stderr.write(`⚠ invariants failed after the run: ${run.summary.outcome.failed.join('; ')}\n`);
    return exitFor(result, run.summary);
  };

  return runRun(io, file, {
    ...(opts.target !== undefined ? { target: opts.target } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.results !== undefined ? { results: opts.results } : {}),
    ...(opts.skipPreflight !== undefined ? { skipPreflight: opts.skipPreflight } : {}),
    ...(opts.report !== undefined ? { report: opts.report } : {}),
    ...(opts.lang !== undefined ? { lang: opts.lang } : {}),
    tag: opts.tag ?? [],
    progress: opts.progress !== false,
    json: false,
    table: false,
    hooks: {
      reshape: (resolved) => {
        const planned = planRamp(resolved.plan, choices, slo);
        if (!planned.ok)
          throw usageError(
            planned.errors.length === 1
              ? (planned.errors[0]?.message ?? '')
              : `the breakpoint search has ${planned.errors.length} problems:\n  ${planned.errors.map((e) => e.message).join('\n  ')}`,
            planned.errors.flatMap((e) => (e.hint ? [e.hint] : [])).join('; ') || undefined,
          );
        const built = planned.ramp;
        const plan = { ...rampPlan(resolved.plan, built), name: `${resolved.plan.name}${BREAKPOINT_SUFFIX}` };
        endpoints = planEndpoints(plan).map((e) => e.name);
        const unknown = slo.criteria.flatMap((c) =>
          c.endpoint !== undefined && !endpoints.includes(c.endpoint) ? [c.endpoint] : [],
        );
        if (unknown.length > 0) {
          const guess = didYouMean(unknown[0] ?? '', endpoints);
          throw usageError(
            `--slo names ${unknown.map((u) => JSON.stringify(u)).join(', ')}, not an endpoint of flow ${built.flow}`,
            guess ? `did you mean ${guess}?` : `endpoints: ${endpoints.join(', ')}`,
          );
        }
        ramp = built;
        planName = resolved.plan.name;
        targetName = resolved.targetName;
        watch = initialWatch({ slo, levels: built.levels.length, endpoints, window });
        return { plan, batches: rampBatches(built) };
      },
      liveMetrics: (id) => id.includes(`${BATCH_TAG}:`),
      onLive: ({ snap, point, generator }) => {
        if (ramp === undefined || watch === undefined) return undefined;
        watch = foldWatch(watch, { t: point.t, values: (key) => snap.metrics?.[key], generator });
        const note =
          watch.current >= 0 ? renderLevelNote(ramp, watch.current, watch.live[watch.current], slo) : '';
        return watch.decision ? { note, stop: describeDecision(watch.decision, ramp, watch) } : { note };
      },
      finish,
    },
  });
}
