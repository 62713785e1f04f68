// loadctl's summary of a run (summary.json): a documented, versioned model that later commands read.
// Built from k6's own end-of-test data, so its counts are k6's counts. Pure.
import type { ServerSummary } from '../../monitor/model.js';
import { NOT_SATURATED, type GuardReason, type GuardVerdict } from './guard.js';
import { metricValues, type K6Group, type K6Summary } from '../../k6/summary.js';
import type { LiveSnapshot } from '../../k6/live.js';
import type { Outcome } from './outcome.js';
import { detectColdStart, type ColdStart, type RunBatches } from './batches.js';
import { selectorSafe, type BatchLayout } from './k6-submetrics.js';
import { summarizeByTag, type ByTagSummary } from './tag-groups.js';
import type { TagPlan } from './tag-plan.js';
import { summarizeLlm, type LlmSummary, type StepSlo } from './llm.js';

export const SUMMARY_SCHEMA = 'loadctl.summary/v1';

export interface EndpointSummary {
  name: string;
  requests: number;
  /** Requests per second over the whole run. */
  rps: number;
  /** Requests k6 counted as failed (http_req_failed): expected statuses are not failures. */
  failed: number;
  errorRate: number;
  /** http_req_duration of this endpoint in ms: avg, min, med, max, p(N), count. */
  duration: Record<string, number>;
  /** Responses per status, for the statuses the plan declared (expect) — e.g. 409 in a race. */
  statuses: Record<string, number>;
  /** Responses per status class (2xx, 4xx, …; "none" for network errors), when raw samples were collected. */
  statusClasses?: Record<string, number>;
}

export interface ThresholdSummary {
  /** The threshold's key: a metric with an optional tag selector. */
  metric: string;
  expression: string;
  ok: boolean;
  /** The statistic the expression tests, as measured (p(95) in ms, rate as a fraction, count). */
  observed?: number;
  /** k6 saw no sample of the metric (an endpoint no scenario ran): k6 does not evaluate the threshold. */
  noData?: true;
  /**
   * Judged by loadctl over every window of this length (`30s`) from its metric stream; `observed` is then the
   * worst window's value.
   */
  window?: string;
  stat: string;
  abortOnFail: boolean;
}

export interface CheckSummary {
  name: string;
  /** The group path, "" for top level, "::checkout" inside group checkout. */
  group: string;
  passes: number;
  fails: number;
}

export interface MetricSummary {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  /** "time" for durations in ms, "data" for bytes, "default" otherwise. */
  contains: string;
  values: Record<string, number>;
}

export interface InvariantSummary {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RunTotals {
  requests: number;
  rps: number;
  failed: number;
  errorRate: number;
  iterations: number;
  droppedIterations: number;
  vusMax: number;
  dataSentBytes: number;
  dataReceivedBytes: number;
  checksPassed: number;
  checksFailed: number;
}

export interface RunSummary {
  schema: typeof SUMMARY_SCHEMA;
  runId: string;
  plan: string;
  profile?: string;
  target: { name: string; url: string };
  startedAt: string;
  endedAt: string;
  /** k6's own test duration (ms); wall time when k6 gave none. */
  durationMs: number;
  outcome: Outcome;
  k6ExitCode?: number;
  totals: RunTotals;
  /** http_req_duration over all requests (ms). */
  latency: Record<string, number>;
  endpoints: EndpointSummary[];
  thresholds: ThresholdSummary[];
  checks: CheckSummary[];
  /** Every top-level metric k6 reported (no sub-metrics), custom ones included. */
  metrics: Record<string, MetricSummary>;
  invariants: InvariantSummary[];
  /** The in-run guard's verdict on the load generator (src/report/guard.ts). */
  generator: {
    /** True when the generator could not deliver the plan: these numbers are not valid for the target. */
    saturated: boolean;
    /** Every guard rule that fired: its kind, what was observed, and what to change. */
    reasons: GuardReason[];
  };
  /** Things a reader should know about these numbers. */
  notes: string[];
  /** The run in time slices with their own statistics (src/report/batches.ts): compare's noise estimate. */
  batches?: RunBatches;
  /** The first batch was clearly the slowest: the run started cold (detectColdStart). */
  coldStart?: ColdStart;
  /** Set when the run was one of `loadctl run --targets …`: the group it belongs to. */
  comparison?: ComparisonRef;
  /** The runners the load was split over, each with its own share (docs/distributed.md). */
  runners?: RunnerRow[];
  /** A runner failed and the others went on (`--keep-going`). */
  partial?: boolean;
  /** The target's server side (plan `monitor:`, the built-in demo): CPU, memory and more over the run. */
  server?: ServerSummary;
  /**
   * The requests of each value of the plan's tags as groups of their own (./tag-groups.ts): what
   * `compare <run> --by tag:KEY` compares. Absent in runs recorded before loadctl kept them.
   */
  byTag?: ByTagSummary;
  /** TTFT, TPOT, ITL, E2E, tokens and goodput of a run with `stream:` steps (./llm.ts, docs/llm.md). */
  llm?: LlmSummary;
}

export interface RunnerRow {
  id: string;
  where: string;
  segment: string;
  exit: string;
  problem: string | null;
  requests: number;
  failed: number;
  iterations: number;
  /** http_req_duration's p95 on this runner (ms); null without requests. */
  p95: number | null;
}

export interface ComparisonRef {
  /** Shared by every run of one `run --targets` invocation. */
  id: string;
  /** 1-based round; each round runs every target once, in the order given. */
  round: number;
  rounds: number;
  targets: string[];
}

export interface ThresholdSpec {
  threshold: string;
  abortOnFail?: boolean;
  window?: string;
}

const STAT_RE = /^\s*(avg|min|max|med|count|rate|value|p\([\d.]+\))/;

/**
 * The plan's thresholds with what k6 observed, then any other threshold k6 evaluated (an existing script's
 * own), so every threshold that can fail the run is listed.
 */
/**
 * Whether k6 saw no sample of a threshold's metric (an endpoint no scenario ran, say). k6 reports such a metric
 * with zeros (a trend's p(95) of 0 reads as "0µs ✓"), so it is told by what counts samples: a rate's passes and
 * fails, and for the timings of HTTP requests the count of `http_reqs` with the same tag selector.
 */
export function hasNoSamples(k6: K6Summary, metric: string): boolean {
  const m = k6.metrics[metric];
  if (!m) return true;
  if (m.type === 'rate') return (m.values.passes ?? 0) + (m.values.fails ?? 0) === 0;
  const http = metric.match(/^http_req_[a-z_]+(\{.*\})?$/);
  if (m.type === 'trend' && http) {
    const count = k6.metrics[`http_reqs${http[1] ?? ''}`]?.values.count;
    return count === 0;
  }
  return false;
}

/** A threshold over a window as loadctl judged it from its stream (src/report/model/window-thresholds.ts). */
export interface WindowResult {
  key: string;
  expression: string;
  ok: boolean;
  observed?: number;
  /** Windows judged: 0 when the stream never covered one with samples. */
  windows: number;
}

export function summarizeThresholds(
  k6: K6Summary | undefined,
  spec: Readonly<Record<string, ReadonlyArray<string | ThresholdSpec>>>,
  windows: readonly WindowResult[] = [],
): ThresholdSummary[] {
  const out: ThresholdSummary[] = [];
  for (const [metric, list] of Object.entries(spec)) {
    const m = k6?.metrics[metric];
    for (const item of list) {
      const expression = typeof item === 'string' ? item : item.threshold;
      const stat = expression.match(STAT_RE)?.[1] ?? '';
      if (typeof item !== 'string' && item.window !== undefined) {
        const w = windows.find((x) => x.key === metric && x.expression === expression);
        out.push({
          metric,
          expression,
          ok: w?.ok ?? true,
          ...(w?.observed !== undefined ? { observed: w.observed } : {}),
          ...(w === undefined || w.windows === 0 ? { noData: true as const } : {}),
          window: item.window,
          stat,
          abortOnFail: item.abortOnFail === true,
        });
        continue;
      }
      const noData = k6 !== undefined && hasNoSamples(k6, metric);
      const observedRaw = noData ? undefined : m?.values[stat];
      const ok = m?.thresholds?.[expression]?.ok;
      out.push({
        metric,
        expression,
        // A threshold on a metric with no samples is not evaluated by k6; it passes there, so it does here.
        ok: ok ?? true,
        ...(typeof observedRaw === 'number' ? { observed: observedRaw } : {}),
        ...(noData ? { noData: true as const } : {}),
        stat,
        abortOnFail: typeof item !== 'string' && item.abortOnFail === true,
      });
    }
  }
  for (const [metric, m] of Object.entries(k6?.metrics ?? {})) {
    for (const [expression, result] of Object.entries(m.thresholds ?? {})) {
      if (out.some((t) => t.metric === metric && t.expression === expression)) continue;
      const stat = expression.match(STAT_RE)?.[1] ?? '';
      const noData = k6 !== undefined && hasNoSamples(k6, metric);
      const observed = noData ? undefined : m.values[stat];
      out.push({
        metric,
        expression,
        ok: result.ok,
        ...(typeof observed === 'number' ? { observed } : {}),
        ...(noData ? { noData: true as const } : {}),
        stat,
        abortOnFail: false,
      });
    }
  }
  return out;
}

function flattenChecks(group: K6Group | undefined): CheckSummary[] {
  if (!group) return [];
  const own = group.checks.map((c) => ({
    name: c.name,
    group: group.path,
    passes: c.passes,
    fails: c.fails,
  }));
  return [...own, ...group.groups.flatMap(flattenChecks)];
}

function num(values: Record<string, number> | undefined, key: string): number {
  return values?.[key] ?? 0;
}

export interface SummaryInput {
  k6: K6Summary | undefined;
  runId: string;
  plan: string;
  profile?: string | undefined;
  target: { name: string; url: string };
  startedAt: Date;
  endedAt: Date;
  outcome: Outcome;
  k6ExitCode: number | undefined;
  endpoints: ReadonlyArray<{ name: string; statuses: readonly number[] }>;
  thresholds: ThresholdSummary[];
  invariants?: InvariantSummary[];
  notes?: string[];
  /** The last live snapshot: the fallback when k6 was stopped before it wrote its end-of-test data. */
  live?: LiveSnapshot | undefined;
  /** Endpoint → status class → responses, from raw samples. */
  statusClasses?: ReadonlyMap<string, Record<string, number>>;
  /** The in-run guard's verdict; not saturated when absent. */
  generator?: GuardVerdict;
  batches?: RunBatches | undefined;
  comparison?: ComparisonRef | undefined;
  runners?: { rows: RunnerRow[]; partial: boolean } | undefined;
  server?: ServerSummary | undefined;
  /** The plan's tags kept by value, and the run's batch layout their groups are cut by. */
  byTag?: { tags: TagPlan; layout: BatchLayout | undefined } | undefined;
  /** The stream steps' objectives (`stream.slo`): goodput is shown with them. */
  llmSlos?: readonly StepSlo[];
}

/** k6's end-of-test data as far as a live snapshot of its REST API can stand in for it. */
export function k6SummaryFromSnapshot(live: LiveSnapshot): K6Summary {
  const trend: Record<string, number> = {};
  if (live.latency.med !== undefined) trend['med'] = live.latency.med;
  if (live.latency.p95 !== undefined) trend['p(95)'] = live.latency.p95;
  if (live.latency.p99 !== undefined) trend['p(99)'] = live.latency.p99;
  if (live.latency.max !== undefined) trend['max'] = live.latency.max;
  return {
    state: { testRunDurationMs: live.elapsedMs },
    metrics: {
      http_reqs: { type: 'counter', contains: 'default', values: { count: live.requests } },
      http_req_failed: {
        type: 'rate',
        contains: 'default',
        values: { passes: live.failed, fails: live.requests - live.failed },
      },
      iterations: { type: 'counter', contains: 'default', values: { count: live.iterations } },
      dropped_iterations: { type: 'counter', contains: 'default', values: { count: live.droppedIterations } },
      vus_max: { type: 'gauge', contains: 'default', values: { max: live.vusMax } },
      http_req_duration: { type: 'trend', contains: 'time', values: trend },
    },
  };
}

/** The per-endpoint rows from k6's sub-metrics; an endpoint k6 cannot select on gets a note instead. */
function summarizeEndpoints(
  k6: K6Summary | undefined,
  input: Pick<SummaryInput, 'endpoints' | 'statusClasses'>,
  seconds: number,
  notes: string[],
): EndpointSummary[] {
  const endpoints: EndpointSummary[] = [];
  for (const { name, statuses } of input.endpoints) {
    if (!selectorSafe(name)) {
      notes.push(
        `endpoint ${JSON.stringify(name)} has characters k6 cannot select on; it has no row of its own`,
      );
      continue;
    }
    const r = metricValues(k6, `http_reqs{name:${name}}`);
    if (!r) continue;
    const f = metricValues(k6, `http_req_failed{name:${name}}`);
    const count = num(r, 'count');
    const failedHere = num(f, 'passes');
    const byStatus: Record<string, number> = {};
    for (const status of statuses)
      byStatus[String(status)] = num(metricValues(k6, `http_reqs{name:${name},status:${status}}`), 'count');
    endpoints.push({
      name,
      requests: count,
      rps: count / seconds,
      failed: failedHere,
      errorRate: count > 0 ? failedHere / count : 0,
      duration: metricValues(k6, `http_req_duration{name:${name}}`) ?? {},
      statuses: byStatus,
      ...(input.statusClasses?.has(name) ? { statusClasses: input.statusClasses.get(name) } : {}),
    });
  }
  return endpoints;
}

/** Every top-level metric k6 reported (no sub-metrics). */
function summarizeMetrics(k6: K6Summary | undefined): Record<string, MetricSummary> {
  const metrics: Record<string, MetricSummary> = {};
  for (const [key, m] of Object.entries(k6?.metrics ?? {})) {
    if (key.includes('{')) continue;
    metrics[key] = { type: m.type, contains: m.contains ?? 'default', values: metricValues(k6, key) ?? {} };
  }
  return metrics;
}

export function coldStartNote(c: ColdStart): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return (
    `the run started cold: its first ${(c.batchMs / 1000).toFixed(1)} s had p95 ${ms(c.firstP95)} against ${ms(c.restP95)} ` +
    'in the rest (JIT compilation, empty caches and connection pools); a comparison with a warm run measures that. ' +
    '`run --targets` warms each target up first (--warmup); before a single run, warm the target yourself'
  );
}

export function summarizeRun(input: SummaryInput): RunSummary {
  const fromLive = input.k6 === undefined && input.live !== undefined;
  const k6 = input.k6 ?? (input.live ? k6SummaryFromSnapshot(input.live) : undefined);
  const durationMs = k6?.state?.testRunDurationMs ?? input.endedAt.getTime() - input.startedAt.getTime();
  const seconds = durationMs > 0 ? durationMs / 1000 : 1;
  const reqs = metricValues(k6, 'http_reqs');
  const failed = metricValues(k6, 'http_req_failed');
  const checks = metricValues(k6, 'checks');
  const requests = num(reqs, 'count');
  // For http_req_failed, k6 counts a failed request as a "pass" of the rate (the value true).
  const failedCount = num(failed, 'passes');
  const notes = [...(input.notes ?? [])];
  if (!k6) notes.push('k6 wrote no end-of-test data: the numbers below are empty');
  if (fromLive)
    notes.push(
      'k6 stopped before its end-of-test summary: totals are from its last live snapshot (up to 1 s old), per-endpoint rows are missing',
    );

  const coldStart = detectColdStart(input.batches);
  if (coldStart) notes.push(coldStartNote(coldStart));
  const endpoints = summarizeEndpoints(k6, input, seconds, notes);
  const metrics = summarizeMetrics(k6);
  // Only from k6's end-of-test data (or the stream's rebuild of it): a live snapshot has no sub-metrics.
  const byTag = input.byTag && summarizeByTag(input.k6, input.byTag.tags, input.byTag.layout, seconds);
  const llm = summarizeLlm(k6, seconds, input.llmSlos ?? []);

  return {
    schema: SUMMARY_SCHEMA,
    runId: input.runId,
    plan: input.plan,
    ...(input.profile !== undefined ? { profile: input.profile } : {}),
    target: input.target,
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    durationMs,
    outcome: input.outcome,
    ...(input.k6ExitCode !== undefined ? { k6ExitCode: input.k6ExitCode } : {}),
    totals: {
      requests,
      rps: requests / seconds,
      failed: failedCount,
      errorRate: requests > 0 ? failedCount / requests : 0,
      iterations: num(metricValues(k6, 'iterations'), 'count'),
      droppedIterations: num(metricValues(k6, 'dropped_iterations'), 'count'),
      vusMax: num(metricValues(k6, 'vus_max'), 'max') || num(metricValues(k6, 'vus'), 'max'),
      dataSentBytes: num(metricValues(k6, 'data_sent'), 'count'),
      dataReceivedBytes: num(metricValues(k6, 'data_received'), 'count'),
      checksPassed: num(checks, 'passes'),
      checksFailed: num(checks, 'fails'),
    },
    latency: metricValues(k6, 'http_req_duration') ?? {},
    endpoints,
    thresholds: input.thresholds,
    checks: flattenChecks(k6?.root_group),
    metrics,
    invariants: input.invariants ?? [],
    generator: {
      saturated: (input.generator ?? NOT_SATURATED).saturated,
      reasons: (input.generator ?? NOT_SATURATED).reasons,
    },
    notes,
    ...(input.batches ? { batches: input.batches } : {}),
    ...(coldStart ? { coldStart } : {}),
    ...(input.comparison ? { comparison: input.comparison } : {}),
    ...(input.runners ? { runners: input.runners.rows, partial: input.runners.partial } : {}),
    ...(input.server ? { server: input.server } : {}),
    ...(byTag ? { byTag } : {}),
    ...(llm ? { llm } : {}),
  };
}
