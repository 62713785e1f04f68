// finish: what an executed run came to (outcome, summary, series, exit code) and the texts of the files that
// keep it. Pure.
import type { ExitCode } from '../errors.js';
import type { SeriesPoint } from '../k6/live.js';
import { summarizeBatches } from '../report/model/batches.js';
import { leftOutNotes } from '../report/model/endpoint-bound.js';
import { tagPlanNotes } from '../report/model/tag-plan.js';
import { foldGuard, guardEndObservation, judgeGuard } from '../report/model/guard.js';
import { classifyOutcome, parseK6ErrorLine, ranNothing, type Outcome } from '../report/model/outcome.js';
import {
  summarizeRun,
  summarizeThresholds,
  type RunnerRow,
  type RunSummary,
} from '../report/model/summary.js';
import type { ExecutedRun } from './execute.js';
import { summarizeServer } from '../monitor/stats.js';
import type { GroupFacts } from './runner-group.js';
import type { InstanceTotals } from '../samples/frames.js';
import { endCodeOf, exitCodeFor, k6ExitCodeOf } from './exit.js';
import type { RunSpec } from './prepare.js';
import { streamSlos } from '../plans/walk.js';
import { SERIES_SCHEMA, type breakpointSchema } from '../store/schemas/files.js';
import type { z } from 'zod';

type StoredBreakpointInput = z.input<typeof breakpointSchema>;
import {
  renderBreakpointFile,
  renderDemoStatsFile,
  renderMetaFile,
  renderSamplesAggregatesFile,
  renderSeriesFile,
  renderServerFile,
  renderSummaryFile,
  type RunFileTexts,
} from '../store/write.js';

/** series.json, `loadctl.series/v1`. */
export type SeriesDocument =
  | { schema: typeof SERIES_SCHEMA; source: 'k6-rest-api'; intervalMs: number; points: SeriesPoint[] }
  | {
      schema: typeof SERIES_SCHEMA;
      source: 'samples' | 'frames';
      intervalMs: number;
      points: SeriesPoint[];
      endpoints: Record<string, SeriesPoint[]>;
    };

export interface FinishedRun {
  outcome: Outcome;
  summary: RunSummary;
  series: SeriesDocument;
  exitCode: ExitCode;
}

/** Things a reader of the summary should know, in the order they happened. */
export function summarizeNotes(run: ExecutedRun): string[] {
  const notes: string[] = [];
  if (run.stoppedBecause !== undefined) notes.push(`loadctl stopped k6 early: ${run.stoppedBecause}`);
  if (run.k6SummaryProblem !== undefined) notes.push(run.k6SummaryProblem);
  if (run.samples !== undefined && 'unreadable' in run.samples)
    notes.push(
      `the raw samples could not be read to the end (${run.samples.unreadable}): series.json comes from the live data`,
    );
  else if (run.samples !== undefined) notes.push(...run.samples.notes);
  if (run.frames !== undefined && 'unreadable' in run.frames)
    notes.push(
      `loadctl's metric stream could not be read (${run.frames.unreadable}): series.json is cumulative (k6's REST API)`,
    );
  else if (run.frames !== undefined) notes.push(...run.frames.notes);
  else if (run.samples === undefined)
    notes.push(
      "this k6 has no loadctl output (a stock k6): series.json's percentiles are cumulative since the start (k6's REST API); `npm run setup:k6` builds one that has it",
    );
  if (run.invariants === undefined) notes.push('invariants were not checked: the run did not finish');
  if (run.runners !== undefined) {
    notes.push(...run.runners.notes);
    if (run.runners.partial)
      notes.push(
        'partial run: not every runner finished (one failed and the others went on with --keep-going, or `collect` stopped waiting); the totals lack its share',
      );
  }
  return notes;
}

/** Each runner's row: how it ended (from the group) beside its own totals (from its stream). */
export function summarizeRunners(
  facts: GroupFacts,
  instances: readonly InstanceTotals[],
): { rows: RunnerRow[]; partial: boolean } {
  const byId = new Map(instances.map((i) => [i.instance, i]));
  const rows = facts.list.map((r): RunnerRow => {
    const own = byId.get(r.id);
    const p95 = own?.duration.p95;
    return {
      id: r.id,
      where: r.where,
      segment: r.segment,
      exit: r.exit,
      problem: r.problem,
      requests: own?.requests ?? 0,
      failed: own?.failed ?? 0,
      iterations: own?.iterations ?? 0,
      p95: p95 === undefined || Number.isNaN(p95) ? null : p95,
    };
  });
  return { rows, partial: facts.partial };
}

/**
 * series.json from the best source there is: the raw samples when asked for (exact), else loadctl's metric
 * stream (windowed, within 0.1 %), else k6's REST API (cumulative percentiles since the start).
 */
function summarizeSeries(run: ExecutedRun): SeriesDocument {
  const samples = run.samples !== undefined && !('unreadable' in run.samples) ? run.samples : undefined;
  const frames = run.frames !== undefined && !('unreadable' in run.frames) ? run.frames : undefined;
  const windowed = samples
    ? { source: 'samples' as const, ...samples }
    : frames
      ? { source: 'frames' as const, ...frames }
      : undefined;
  return windowed
    ? {
        schema: SERIES_SCHEMA,
        source: windowed.source,
        intervalMs: 1000,
        points: windowed.series,
        endpoints: windowed.endpointSeries,
      }
    : { schema: SERIES_SCHEMA, source: 'k6-rest-api', intervalMs: 1000, points: run.series };
}

export function finishRun(spec: RunSpec, run: ExecutedRun): FinishedRun {
  const { plan, resolved } = spec;
  const k6Summary = run.k6Summary;
  const guard = k6Summary ? foldGuard(run.guard, guardEndObservation(spec.guard, k6Summary)) : run.guard;
  const generator = judgeGuard(guard);
  const frames = run.frames !== undefined && !('unreadable' in run.frames) ? run.frames : undefined;
  const thresholds = summarizeThresholds(
    k6Summary,
    plan.thresholds ?? {},
    (frames?.windows ?? []).map(({ threshold, verdict }) => ({
      key: threshold.key,
      expression: threshold.expression,
      ok: verdict.ok,
      ...(verdict.observed !== undefined ? { observed: verdict.observed } : {}),
      windows: verdict.windows,
    })),
  );
  const failedThresholds = thresholds.filter((t) => !t.ok);
  const invariants = run.invariants ?? [];
  const samples = run.samples !== undefined && !('unreadable' in run.samples) ? run.samples : undefined;
  const outcome = classifyOutcome({
    k6ExitCode: endCodeOf(run.k6, run.stoppedBecause),
    interrupted: run.k6.interrupted,
    failedThresholds: failedThresholds.map((t) => `${t.metric} ${t.expression}`),
    abortedByThreshold: failedThresholds.some((t) => t.abortOnFail),
    failedInvariants: invariants.filter((i) => !i.ok).map((i) => i.name),
    ...(run.k6.errorLines.length
      ? { k6ErrorLine: parseK6ErrorLine(run.k6.errorLines.join('\n')) ?? '' }
      : {}),
    generator,
    ranNothing: ranNothing({
      hasK6Summary: k6Summary !== undefined,
      requests: run.last?.requests ?? 0,
      iterations: run.last?.iterations ?? 0,
      expectsRequests: spec.endpoints.length > 0,
    }),
  });
  const summary = summarizeRun({
    k6: k6Summary,
    runId: spec.runId,
    plan: plan.name,
    profile: resolved.profile,
    target: { name: resolved.targetName, url: run.baseUrl },
    startedAt: run.k6.startedAt,
    endedAt: run.k6.endedAt,
    outcome,
    k6ExitCode: k6ExitCodeOf(run.k6),
    endpoints: spec.endpoints,
    thresholds,
    invariants,
    notes: [
      ...leftOutNotes(spec.endpointsLeftOut),
      ...tagPlanNotes(spec.tagPlan, plan, resolved.target.tags),
      ...summarizeNotes(run),
    ],
    live: run.last,
    generator,
    batches: summarizeBatches(
      k6Summary,
      spec.batches,
      spec.endpoints.map((e) => e.name),
    ),
    comparison: spec.comparison,
    ...(samples ? { statusClasses: samples.statusClasses } : {}),
    ...(run.runners ? { runners: summarizeRunners(run.runners, frames?.instances ?? []) } : {}),
    ...(run.server ? { server: summarizeServer(run.server, spec.batches) } : {}),
    byTag: { tags: spec.tagPlan, layout: spec.batches },
    llmSlos: streamSlos(plan),
  });
  return { outcome, summary, series: summarizeSeries(run), exitCode: exitCodeFor(outcome) };
}

/**
 * The files written after the run, in the order they were always written, with the plan's secrets redacted
 * (an invariant's failure, a note from k6 or a target's echo can carry one). `exitCode` is the command's when
 * it is not the run's (breakpoint's); `breakpoint` is breakpoint.json's document.
 */
export function renderRunFiles(
  spec: Pick<RunSpec, 'redact'>,
  run: ExecutedRun,
  finished: FinishedRun,
  extra: { exitCode?: number; breakpoint?: StoredBreakpointInput } = {},
): RunFileTexts {
  const samples = run.samples !== undefined && !('unreadable' in run.samples) ? run.samples : undefined;
  const files: RunFileTexts = {
    ...(run.demoStats !== undefined ? { demoStats: renderDemoStatsFile(run.demoStats) } : {}),
    ...(samples ? { samplesAggregates: renderSamplesAggregatesFile(samples.aggregates) } : {}),
    summary: renderSummaryFile(finished.summary),
    series: renderSeriesFile(finished.series),
    ...(extra.breakpoint !== undefined ? { breakpoint: renderBreakpointFile(extra.breakpoint) } : {}),
    ...(run.server ? { server: renderServerFile(run.server) } : {}),
    meta: renderMetaFile({
      ...run.meta,
      endedAt: run.k6.endedAt.toISOString(),
      k6ExitCode: k6ExitCodeOf(run.k6) ?? null,
      exitCode: extra.exitCode ?? finished.exitCode,
      outcome: finished.outcome.kind,
      ...(run.runners
        ? {
            runners: run.runners.list.map((r) => ({ ...r, k6: run.meta.k6.version })),
            partial: run.runners.partial,
            ...(run.runners.stopped ? { runnersStopped: run.runners.stopped } : {}),
          }
        : {}),
    }),
  };
  return Object.fromEntries(
    Object.entries(files).map(([file, text]) => [file, text === undefined ? text : spec.redact(text)]),
  );
}
