// A breaking-point search as the run engine sees it: the ramped plan to run, the watch over its live data
// (which may stop k6), and breakpoint.json from the finished run. Pure.
import { EXIT, usageError, type ExitCode } from '../errors.js';
import type { LiveSnapshot, SeriesPoint } from '../k6/live.js';
import { planEndpoints } from '../plans/compile.js';
import { didYouMean } from '../plans/diagnostics.js';
import { selectorSafe } from '../report/model/k6-submetrics.js';
import { streamSlos, streamStepNames } from '../plans/walk.js';
import type { Plan } from '../plans/schema.js';
import type { GuardVerdict } from '../report/model/guard.js';
import type { RunSummary } from '../report/model/summary.js';
import type { K6Summary } from '../k6/summary.js';
import type { ServerRecord } from '../monitor/model.js';
import { planRamp, rampPlan, type Ramp, type RampChoices } from './ramp.js';
import { renderBreach, renderLevelNote } from './render.js';
import { describeServerAtLevels } from './render-server.js';
import { judgeServerAtLevels, levelWindows } from './server.js';
import { limitOf, sloStreamMetrics, type Slo } from './slo.js';
import { BREAKPOINT_SCHEMA, judgeBreakpoint, type BreakpointResult } from './verdict.js';
import {
  foldWatch,
  initialWatch,
  streamCountKey,
  streamSelectors,
  type StreamReading,
  type WatchDecision,
  type WatchState,
} from './watch.js';

/** Breakpoint runs are kept apart from the plan's own runs, so `compare <target>` never takes one for them. */
export const BREAKPOINT_SUFFIX = '.breakpoint';

export interface BreakpointSearch {
  slo: Slo;
  window: number;
  ramp: Ramp;
  /** The plan's own name. */
  planName: string;
  /** The ramped plan, named with BREAKPOINT_SUFFIX. */
  plan: Plan;
  endpoints: string[];
  /** The streaming metrics the SLO reads and the stream steps of the flow that emit them. */
  streams: StreamReading;
}

/** The ramp over the plan's scenario; a usage error listing every problem. */
export function planBreakpointSearch(
  plan: Plan,
  choices: RampChoices,
  slo: Slo,
  window: number,
): BreakpointSearch {
  const planned = planRamp(plan, choices, slo);
  if (!planned.ok)
    throw usageError(
      planned.errors.length === 1
        ? (planned.errors[0]?.message ?? '')
        : `the breakpoint search has ${planned.errors.length} problems:\n  ${planned.errors.map((e) => e.message).join('\n  ')}`,
      planned.errors.flatMap((e) => (e.hint ? [e.hint] : [])).join('; ') || undefined,
    );
  const ramp = planned.ramp;
  const ramped = { ...rampPlan(plan, ramp), name: `${plan.name}${BREAKPOINT_SUFFIX}` };
  const endpoints = planEndpoints(ramped).map((e) => e.name);
  const unknown = slo.criteria.flatMap((c) =>
    c.endpoint !== undefined && !endpoints.includes(c.endpoint) ? [c.endpoint] : [],
  );
  if (unknown.length > 0) {
    const guess = didYouMean(unknown[0] ?? '', endpoints);
    throw usageError(
      `--slo names ${unknown.map((u) => JSON.stringify(u)).join(', ')}, not an endpoint of flow ${ramp.flow}`,
      guess ? `did you mean ${guess}?` : `endpoints: ${endpoints.join(', ')}`,
    );
  }
  const streams = planStreamReading(ramped, ramp, slo);
  const thresholds = { ...ramped.thresholds, ...streamSubmetrics(ramp, streams) };
  return { slo, window, ramp, planName: plan.name, plan: { ...ramped, thresholds }, endpoints, streams };
}

/**
 * What a streaming SLO reads, checked before anything runs: a criterion on ttft, tpot, e2e_latency,
 * inter_token_latency or goodput needs a stream step in the flow that is ramped (else the metric has no
 * samples and the criterion would hold however slow the target), and an endpoint it names must be one.
 */
function planStreamReading(ramped: Plan, ramp: Ramp, slo: Slo): StreamReading {
  const metrics = sloStreamMetrics(slo);
  if (metrics.length === 0) return { metrics, endpoints: [] };
  // The levels are the ramped flow's: setup's and teardown's streams are not part of any.
  const { setup: _setup, teardown: _teardown, ...flowOnly } = ramped;
  const endpoints = streamStepNames(flowOnly);
  if (endpoints.length === 0)
    throw usageError(
      `--slo limits ${metrics.join(', ')}, which only a step with \`stream:\` measures, and flow ${ramp.flow} has none`,
      'add `stream:` to the step that reads the streamed answer (docs/plans.md), or limit p95/errors instead',
    );
  const notStreams = slo.criteria.flatMap((c) =>
    c.endpoint !== undefined &&
    (c.kind === 'goodput' || (c.kind === 'latency' && c.metric !== undefined)) &&
    !endpoints.includes(c.endpoint)
      ? [c.text]
      : [],
  );
  if (notStreams.length > 0)
    throw usageError(
      `--slo ${notStreams.join(', ')}: the step named there does not read a stream, so it has no streaming numbers`,
      `stream steps of flow ${ramp.flow}: ${endpoints.join(', ')}`,
    );
  checkGoodputSlos(flowOnly, ramp.flow, slo);
  return { metrics, endpoints };
}

/**
 * goodput counts the requests that met their step's `stream.slo`: a step without one has nothing to meet, so
 * a goodput criterion needs one on the steps it covers.
 */
function checkGoodputSlos(flowOnly: Plan, flowName: string, slo: Slo): void {
  const goodput = slo.criteria.filter((c) => c.kind === 'goodput');
  if (goodput.length === 0) return;
  const withSlo = streamSlos(flowOnly).map((s) => s.step);
  const missing = goodput.filter((c) =>
    c.endpoint === undefined ? withSlo.length === 0 : !withSlo.includes(c.endpoint),
  );
  if (missing.length > 0)
    throw usageError(
      `--slo ${missing.map((c) => c.text).join(', ')}: goodput counts the streams that met their step's \`stream.slo\`, and ${
        missing[0]?.endpoint === undefined
          ? `no stream step of flow ${flowName} has one`
          : `step ${missing[0].endpoint} has none`
      }`,
      'give the stream step its SLO, e.g. `stream: { token: …, slo: { ttft: 2s, tpot: 50ms } }` (docs/plans.md)',
    );
}

/**
 * Empty thresholds that make k6 keep each level's streaming sub-metrics, overall and per stream step, and
 * count each stream step's requests per level (the streams that ended, which their numbers are of).
 */
export function streamSubmetrics(ramp: Ramp, streams: StreamReading): Record<string, never[]> {
  const out: Record<string, never[]> = {};
  for (const level of ramp.levels) {
    for (const selector of streamSelectors(streams, level.index))
      for (const metric of streams.metrics) out[`${metric}{${selector}}`] = [];
    for (const name of streams.endpoints.filter(selectorSafe)) out[streamCountKey(name, level.index)] = [];
  }
  return out;
}

export function startWatch(search: BreakpointSearch): WatchState {
  const { slo, ramp, endpoints, window, streams } = search;
  return initialWatch({ slo, levels: ramp.levels.length, endpoints, window, streams });
}

/** One live snapshot folded into the watch: the progress note, and why to stop k6 once the SLO broke. */
export function foldLive(
  search: BreakpointSearch,
  watch: WatchState,
  live: { snap: LiveSnapshot; point: SeriesPoint; generator: GuardVerdict },
): { watch: WatchState; note: string; stop?: string } {
  const next = foldWatch(watch, {
    t: live.point.t,
    values: (key) => live.snap.metrics?.[key],
    generator: live.generator,
  });
  const note =
    next.current >= 0 ? renderLevelNote(search.ramp, next.current, next.live[next.current], search.slo) : '';
  return next.decision
    ? { watch: next, note, stop: describeDecision(next.decision, search.ramp, next) }
    : { watch: next, note };
}

export function describeDecision(d: WatchDecision, ramp: Ramp, watch: WatchState): string {
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
        limit: limitOf(b.criterion),
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

export function breakpointExitCode(result: BreakpointResult, summary: RunSummary): ExitCode {
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

export interface FinishedSearch {
  summary: RunSummary;
  k6Summary: K6Summary | undefined;
  series: SeriesPoint[];
  stoppedBecause: string | undefined;
  /** server.json of the run (the target's `monitor:`): which resource ran out first. */
  server?: ServerRecord | undefined;
}

/** The verdict and breakpoint.json's document. */
export function summarizeBreakpoint(search: BreakpointSearch, watch: WatchState, run: FinishedSearch) {
  const { slo, ramp, window } = search;
  const k6 = run.k6Summary;
  const result = judgeBreakpoint({
    slo,
    ramp,
    endpoints: search.endpoints,
    watch,
    final: k6 ? (key) => k6.metrics[key]?.values : undefined,
    outcome: run.summary.outcome,
    generator: run.summary.generator,
    series: run.series,
  });
  const atLevels = judgeServerAtLevels(levelWindows(result.levels, ramp), run.server);
  if (atLevels) result.server = { ...atLevels, summary: describeServerAtLevels(atLevels, result.verdict) };
  const doc = {
    schema: BREAKPOINT_SCHEMA as typeof BREAKPOINT_SCHEMA,
    runId: run.summary.runId,
    plan: search.planName,
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
    ...(result.server ? { server: result.server } : {}),
    stoppedBecause: run.stoppedBecause ?? null,
    runOutcome: run.summary.outcome.kind,
  };
  return { result, doc, exitCode: breakpointExitCode(result, run.summary) };
}
