// Generated observations: what a person would point out first when reading a run, as data. The i18n
// tables turn each into a sentence (src/report/render/i18n.ts); Markdown and HTML show them. Pure.
import type { GuardReason } from './guard.js';
import type { SeriesPoint } from '../../k6/live.js';
import { metricUnitOf, type MetricUnit } from './metrics.js';
import type { EndpointSummary, RunSummary, ThresholdSummary } from './summary.js';

export type Observation =
  | {
      kind: 'threshold-failed';
      threshold: ThresholdSummary;
      /** The endpoint a `{name:…}` selector picks, when it has a row. */
      endpoint?: string;
      /** The unit of the threshold's metric, to show the observed value in. */
      unit: MetricUnit;
      /** A declared (expected) status that most of that endpoint's responses had, e.g. 409 in a race. */
      expected?: { status: string; share: number };
    }
  | { kind: 'expected-status'; endpoint: string; status: string; share: number }
  | {
      kind: 'errors';
      endpoint: string;
      failed: number;
      requests: number;
      /** Responses per status class when raw samples were kept, e.g. "2xx 1,021 · 5xx 25". */
      classes?: Record<string, number>;
    }
  | { kind: 'checks-failed'; name: string; group: string; fails: number; total: number }
  | { kind: 'invariant-failed'; name: string; detail: string }
  | { kind: 'saturated'; reasons: GuardReason[] }
  | { kind: 'k6-error'; reason: string; detail?: string }
  | { kind: 'interrupted' }
  | { kind: 'aborted-by-threshold' }
  | { kind: 'dropped'; count: number }
  | { kind: 'slowest'; endpoint: string; p95: number; others: number }
  | { kind: 'peak'; rps: number; t: number; vus: number }
  | { kind: 'no-series'; durationMs: number }
  | { kind: 'all-passed'; thresholds: number; checks: number; invariants: number };

/** The endpoint a threshold key selects with `{name:…}` (and nothing else), if any. */
export function thresholdEndpoint(metric: string): string | undefined {
  const m = metric.match(/^[a-z_]+\{\s*name\s*:\s*([^,}]+?)\s*\}$/);
  return m?.[1];
}

/** The declared non-2xx status most of an endpoint's responses had (≥ 50%), e.g. 409 in a race. */
export function dominantExpectedStatus(e: EndpointSummary): { status: string; share: number } | undefined {
  if (e.requests <= 0) return undefined;
  let best: { status: string; share: number } | undefined;
  for (const [status, n] of Object.entries(e.statuses)) {
    if (status.startsWith('2')) continue;
    const share = n / e.requests;
    if (share >= 0.5 && (!best || share > best.share)) best = { status, share };
  }
  return best;
}

const MAX_PER_KIND = 3;

/** What decided the verdict when it was not the thresholds or invariants themselves. */
function outcomeObservations(s: RunSummary): Observation[] {
  switch (s.outcome.kind) {
    case 'generator-saturated':
      return [{ kind: 'saturated', reasons: s.outcome.reasons }];
    case 'k6-error':
      return [
        {
          kind: 'k6-error',
          reason: s.outcome.reason,
          ...(s.outcome.detail ? { detail: s.outcome.detail } : {}),
        },
      ];
    case 'interrupted':
      return [{ kind: 'interrupted' }];
    case 'thresholds-failed':
      return s.outcome.aborted ? [{ kind: 'aborted-by-threshold' }] : [];
    default:
      return [];
  }
}

/** Failed thresholds; `explained` collects the endpoints whose failure an expected status explains. */
function thresholdObservations(s: RunSummary, explained: Set<string>): Observation[] {
  const endpoints = new Map(s.endpoints.map((e) => [e.name, e]));
  const out: Observation[] = [];
  for (const t of s.thresholds) {
    if (t.ok) continue;
    const name = thresholdEndpoint(t.metric);
    const e = name === undefined ? undefined : endpoints.get(name);
    const expected = e ? dominantExpectedStatus(e) : undefined;
    if (e && expected) explained.add(e.name);
    out.push({
      kind: 'threshold-failed',
      threshold: t,
      ...(e ? { endpoint: e.name } : {}),
      unit: metricUnitOf(s.metrics, t.metric),
      ...(expected ? { expected } : {}),
    });
  }
  return out;
}

/** The endpoints with the most failed requests, and the checks that failed most often. */
function failureObservations(s: RunSummary): Observation[] {
  const errors = [...s.endpoints]
    .filter((x) => x.failed > 0)
    .sort((a, b) => b.failed - a.failed)
    .slice(0, MAX_PER_KIND)
    .map((e): Observation => ({
      kind: 'errors',
      endpoint: e.name,
      failed: e.failed,
      requests: e.requests,
      ...(e.statusClasses ? { classes: e.statusClasses } : {}),
    }));
  const checks = [...s.checks]
    .filter((x) => x.fails > 0)
    .sort((a, b) => b.fails - a.fails)
    .slice(0, MAX_PER_KIND)
    .map((c): Observation => ({
      kind: 'checks-failed',
      name: c.name,
      group: c.group,
      fails: c.fails,
      total: c.passes + c.fails,
    }));
  return [...errors, ...checks];
}

/** What is worth knowing about speed and load. */
function loadObservations(s: RunSummary, points: readonly SeriesPoint[]): Observation[] {
  const out: Observation[] = [];
  if (s.totals.droppedIterations > 0) out.push({ kind: 'dropped', count: s.totals.droppedIterations });
  const timed = s.endpoints.filter((e) => e.requests > 0 && e.duration['p(95)'] !== undefined);
  if (timed.length >= 2) {
    const slowest = timed.reduce((a, b) => ((b.duration['p(95)'] ?? 0) > (a.duration['p(95)'] ?? 0) ? b : a));
    out.push({
      kind: 'slowest',
      endpoint: slowest.name,
      p95: slowest.duration['p(95)'] ?? 0,
      others: timed.length - 1,
    });
  }
  if (points.length > 0) {
    const peak = points.reduce((a, b) => (b.rps > a.rps ? b : a));
    out.push({ kind: 'peak', rps: peak.rps, t: peak.t, vus: peak.vus });
  } else if (s.totals.requests > 0) {
    out.push({ kind: 'no-series', durationMs: s.durationMs });
  }
  return out;
}

/**
 * Observations in the order a reader needs them: what decided the verdict, then errors and failed checks,
 * then what is worth knowing about speed and load. `points` is the run's per-second series (series.json).
 */
export function observeRun(s: RunSummary, points: readonly SeriesPoint[] = []): Observation[] {
  const explained = new Set<string>();
  const out: Observation[] = [...outcomeObservations(s), ...thresholdObservations(s, explained)];
  for (const inv of s.invariants)
    if (!inv.ok) out.push({ kind: 'invariant-failed', name: inv.name, detail: inv.detail });
  out.push(...failureObservations(s));
  for (const e of s.endpoints) {
    if (explained.has(e.name)) continue;
    const expected = dominantExpectedStatus(e);
    if (expected) out.push({ kind: 'expected-status', endpoint: e.name, ...expected });
  }
  out.push(...loadObservations(s, points));
  if (s.outcome.kind === 'passed' && out.every((o) => o.kind !== 'errors' && o.kind !== 'checks-failed'))
    out.unshift({
      kind: 'all-passed',
      thresholds: s.thresholds.length,
      checks: s.checks.length,
      invariants: s.invariants.length,
    });
  return out;
}
