// Generated observations: what a person would point out first when reading a run, as data. The i18n
// tables turn each into a sentence (i18n.ts); Markdown and HTML show them. Pure.
import type { GuardReason } from '../model/guard.js';
import type { SeriesPoint } from '../../k6/live.js';
import type { EndpointSummary, RunSummary, ThresholdSummary } from '../model/summary.js';
import type { StoredSeries } from '../model/report.js';

export type Observation =
  | {
      kind: 'threshold-failed';
      threshold: ThresholdSummary;
      /** The endpoint a `{name:…}` selector picks, when it has a row. */
      endpoint?: string;
      /** The threshold's stat in the metric's unit, formatted. */
      observed?: string;
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

/**
 * Observations in the order a reader needs them: what decided the verdict, then errors and failed checks,
 * then what is worth knowing about speed and load. `formatObserved` formats a threshold's observed value in
 * its metric's unit (the table's formatter).
 */
export function observeRun(
  s: RunSummary,
  series: StoredSeries | undefined,
  formatObserved: (t: ThresholdSummary) => string,
): Observation[] {
  const out: Observation[] = [];
  const endpoints = new Map(s.endpoints.map((e) => [e.name, e]));
  const explained = new Set<string>();

  switch (s.outcome.kind) {
    case 'generator-saturated':
      out.push({ kind: 'saturated', reasons: s.outcome.reasons });
      break;
    case 'k6-error':
      out.push({
        kind: 'k6-error',
        reason: s.outcome.reason,
        ...(s.outcome.detail ? { detail: s.outcome.detail } : {}),
      });
      break;
    case 'interrupted':
      out.push({ kind: 'interrupted' });
      break;
    case 'thresholds-failed':
      if (s.outcome.aborted) out.push({ kind: 'aborted-by-threshold' });
      break;
    default:
      break;
  }

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
      ...(t.observed !== undefined ? { observed: formatObserved(t) } : {}),
      ...(expected ? { expected } : {}),
    });
  }

  for (const inv of s.invariants)
    if (!inv.ok) out.push({ kind: 'invariant-failed', name: inv.name, detail: inv.detail });

  for (const e of [...s.endpoints]
    .filter((x) => x.failed > 0)
    .sort((a, b) => b.failed - a.failed)
    .slice(0, MAX_PER_KIND)) {
    out.push({
      kind: 'errors',
      endpoint: e.name,
      failed: e.failed,
      requests: e.requests,
      ...(e.statusClasses ? { classes: e.statusClasses } : {}),
    });
  }

  for (const c of [...s.checks]
    .filter((x) => x.fails > 0)
    .sort((a, b) => b.fails - a.fails)
    .slice(0, MAX_PER_KIND)) {
    out.push({
      kind: 'checks-failed',
      name: c.name,
      group: c.group,
      fails: c.fails,
      total: c.passes + c.fails,
    });
  }

  for (const e of s.endpoints) {
    if (explained.has(e.name)) continue;
    const expected = dominantExpectedStatus(e);
    if (expected) out.push({ kind: 'expected-status', endpoint: e.name, ...expected });
  }

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

  const points: SeriesPoint[] = series?.points ?? [];
  if (points.length > 0) {
    const peak = points.reduce((a, b) => (b.rps > a.rps ? b : a));
    out.push({ kind: 'peak', rps: peak.rps, t: peak.t, vus: peak.vus });
  } else if (s.totals.requests > 0) {
    out.push({ kind: 'no-series', durationMs: s.durationMs });
  }

  if (s.outcome.kind === 'passed' && out.every((o) => o.kind !== 'errors' && o.kind !== 'checks-failed'))
    out.unshift({
      kind: 'all-passed',
      thresholds: s.thresholds.length,
      checks: s.checks.length,
      invariants: s.invariants.length,
    });
  return out;
}
