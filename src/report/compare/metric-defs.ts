// What compare measures: the runs it takes, and each number it compares (requests, rates, latency statistics,
// errors, checks, custom metrics) with how to read it from a whole run and from one time batch. Pure.
import type { Counts } from './stats.js';
import type { BatchStats } from '../model/batches.js';
import { customMetricEntries } from '../model/metrics.js';
import type { EndpointSummary, RunSummary } from '../model/summary.js';

/** What meta.json says about where a run ran. */
export interface RunFacts {
  k6Version?: string;
  host?: { arch: string; cpuModel: string; cores: number; hostname?: string };
  targetDescription?: string | null;
  /** The target was the built-in demo (meta.json's target.demo): it shared this machine. */
  targetDemo?: boolean;
}

export interface CompareRun {
  summary: RunSummary;
  facts?: RunFacts;
}

export interface CompareSideInput {
  label: string;
  /** The side's runs, oldest first (several when `run --targets --rounds N` made them). */
  runs: CompareRun[];
}

/** percent: 0–100 as the server reports it (CPU); bytes: memory. */
export type Unit = 'count' | 'rps' | 'ms' | 'fraction' | 'number' | 'percent' | 'bytes';
/** How a change is expressed: relative (%), or in percentage points for shares. */
export type DeltaKind = 'relative' | 'points';

/** What a compared number is: the part of its definition that a row of the comparison carries. */
export interface MetricDescription {
  key: string;
  label: string;
  unit: Unit;
  delta: DeltaKind;
  /** Which direction is an improvement; "none" marks no winner (a custom counter, say). */
  better: 'lower' | 'higher' | 'none';
  /** False for a number that is shown with its change but never given a verdict (max: one request decides it). */
  judged: boolean;
}

/** Which batch of which run a batch value is read for. */
export interface BatchWhere {
  index: number;
  summary: RunSummary;
}

export interface MetricDef extends MetricDescription {
  /** The whole-run value of a run, overall (endpoint undefined) or for one endpoint. */
  run: (s: RunSummary, endpoint?: EndpointSummary) => number | undefined;
  /** The value in one batch; `where` names the batch and its run (the server figures keep their own batches). */
  batch: (b: BatchStats, checks: number | null, where?: BatchWhere) => number | undefined;
  /**
   * A share's counts (failed of all requests, passed of all checks): such a number is judged with a test for
   * proportions on the counts (stats.ts proportionTest), not with batches.
   */
  counts?: (s: RunSummary, endpoint?: EndpointSummary) => Counts | undefined;
}

function latencyDef(stat: string, label: string): MetricDef {
  return {
    key: stat,
    label,
    unit: 'ms',
    delta: 'relative',
    better: 'lower',
    judged: stat !== 'max',
    run: (s, e) => (e ? e.duration[stat] : s.latency[stat]),
    batch: (b) => (b.requests > 0 ? b.duration[stat] : undefined),
  };
}

export const REQUESTS: MetricDef = {
  key: 'requests',
  label: 'requests',
  unit: 'count',
  delta: 'relative',
  better: 'higher',
  judged: true,
  run: (s, e) => (e ? e.requests : s.totals.requests),
  batch: (b) => b.requests,
};
export const RPS: MetricDef = {
  key: 'rps',
  label: 'req/s',
  unit: 'rps',
  delta: 'relative',
  better: 'higher',
  judged: true,
  run: (s, e) => (e ? e.rps : s.totals.rps),
  // Batches are equally long, so the ratio of their counts is the ratio of their rates.
  batch: (b) => b.requests,
};
export const ERROR_RATE: MetricDef = {
  key: 'error_rate',
  label: 'errors',
  unit: 'fraction',
  delta: 'points',
  better: 'lower',
  judged: true,
  run: (s, e) => (e ? e.errorRate : s.totals.errorRate),
  batch: (b) => (b.requests > 0 ? b.failed / b.requests : undefined),
  counts: (s, e) =>
    e ? { events: e.failed, trials: e.requests } : { events: s.totals.failed, trials: s.totals.requests },
};
export const CHECKS: MetricDef = {
  key: 'checks',
  label: 'checks passed',
  unit: 'fraction',
  delta: 'points',
  better: 'higher',
  judged: true,
  run: (s) => {
    const total = s.totals.checksPassed + s.totals.checksFailed;
    return total > 0 ? s.totals.checksPassed / total : undefined;
  },
  batch: (_b, checks) => checks ?? undefined,
  counts: (s) => ({ events: s.totals.checksPassed, trials: s.totals.checksPassed + s.totals.checksFailed }),
};

/**
 * Goodput (docs/llm.md): the share of stream requests that completed and met every objective of their step.
 * A share like errors: judged with a test for proportions on its counts.
 */
export const GOODPUT: MetricDef = {
  key: 'goodput',
  label: 'goodput',
  unit: 'fraction',
  delta: 'points',
  better: 'higher',
  judged: true,
  run: (s) => s.llm?.goodput?.share,
  batch: () => undefined,
  counts: (s) => {
    const g = s.llm?.goodput;
    return g ? { events: g.good, trials: g.requests } : undefined;
  },
};

const LATENCY_LABELS: Record<string, string> = {
  avg: 'avg',
  med: 'p50',
  'p(90)': 'p90',
  'p(95)': 'p95',
  'p(99)': 'p99',
  max: 'max',
};

export function latencyDefs(sides: readonly CompareSideInput[]): MetricDef[] {
  const keys = ['avg', 'med', 'p(90)', 'p(95)', 'p(99)'];
  // Any other percentile every run has (a plan's p(99.9), say), in order.
  const extra = new Set<string>();
  for (const side of sides)
    for (const r of side.runs)
      for (const k of Object.keys(r.summary.latency)) if (/^p\(/.test(k)) extra.add(k);
  const everyRun = [...extra]
    .filter(
      (k) => !keys.includes(k) && sides.every((s) => s.runs.every((r) => r.summary.latency[k] !== undefined)),
    )
    .sort((a, b) => parseFloat(a.slice(2)) - parseFloat(b.slice(2)));
  return [...keys, ...everyRun, 'max'].map((k) => latencyDef(k, LATENCY_LABELS[k] ?? k.replace(/[()]/g, '')));
}

/** The label a rule of --fail-on or a reader uses for a latency statistic: p95 for p(95), p50 for med. */
export function metricAlias(key: string): string {
  return LATENCY_LABELS[key] ?? key.replace(/[()]/g, '');
}

export function customDefs(sides: readonly CompareSideInput[]): MetricDef[] {
  const first = sides[0]?.runs[0]?.summary.metrics ?? {};
  const defs: MetricDef[] = [];
  // Built-in metrics have rows of their own (requests, latency, errors, checks) or none.
  for (const [name, m] of customMetricEntries(first)) {
    if (name === GOODPUT.key) continue;
    if (!sides.every((s) => s.runs.every((r) => r.summary.metrics[name]?.type === m.type))) continue;
    const stat =
      m.type === 'trend'
        ? m.values['p(95)'] !== undefined
          ? 'p(95)'
          : 'avg'
        : m.type === 'counter'
          ? 'count'
          : m.type === 'rate'
            ? 'rate'
            : 'value';
    const isTime = m.type === 'trend' && m.contains === 'time';
    defs.push({
      key: `${name}.${stat}`,
      label: `${name} ${metricAlias(stat)}`,
      unit: isTime ? 'ms' : m.type === 'rate' ? 'fraction' : m.type === 'counter' ? 'count' : 'number',
      delta: m.type === 'rate' ? 'points' : 'relative',
      // A custom metric's good direction is the plan's business: a time is better lower, the rest has no winner.
      better: isTime ? 'lower' : 'none',
      judged: true,
      run: (s) => s.metrics[name]?.values[stat],
      batch: () => undefined,
    });
  }
  return defs;
}
