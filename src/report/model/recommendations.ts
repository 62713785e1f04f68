// Recommendations: what to do about a run, one for each observation that implies an action, as data (the
// i18n tables turn each into a sentence: src/report/render/study-words.ts). Every figure in one comes from
// the run (the observed value, the VUs it ran at, the status classes), never a guess. Pure.
import type { GuardReason } from './guard.js';
import type { MetricUnit } from './metrics.js';
import type { Observation } from './observations.js';

/** What failed responses were, from their status classes (raw samples), or unknown without them. */
export type ErrorCause = 'server' | 'client' | 'network' | 'unknown';

export type Recommendation =
  | {
      /** A time threshold broke at this concurrency: lower it or add capacity. */
      kind: 'lower-concurrency';
      metric: string;
      endpoint?: string;
      stat: string;
      observed: number;
      expression: string;
      unit: MetricUnit;
      /** The most VUs the run had. */
      vus: number;
    }
  | { kind: 'fix-generator'; reasons: GuardReason[] }
  | { kind: 'errors'; endpoint: string; cause: ErrorCause; failed: number; requests: number }
  | { kind: 'invariant'; name: string }
  | { kind: 'dropped'; count: number }
  | { kind: 'checks'; name: string; group: string };

/**
 * The status class most failed responses had: 5xx → the server, 4xx → the requests, none → the network.
 * `expected` are the endpoint's declared statuses with their counts (a race's 409s): not failures, so not
 * counted in their class.
 */
export function errorCause(
  classes: Readonly<Record<string, number>> | undefined,
  expected: Readonly<Record<string, number>> = {},
): ErrorCause {
  if (!classes) return 'unknown';
  const left: Record<string, number> = { ...classes };
  for (const [status, n] of Object.entries(expected)) {
    const cls = `${status.charAt(0)}xx`;
    if (left[cls] !== undefined) left[cls] -= n;
  }
  const failing = Object.entries(left).filter(([k, n]) => n > 0 && !k.startsWith('2') && !k.startsWith('3'));
  if (failing.length === 0) return 'unknown';
  const [top] = failing.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (top.startsWith('5')) return 'server';
  if (top.startsWith('4')) return 'client';
  return 'network';
}

/** What a recommendation needs besides its observation: the run's peak VUs, each endpoint's declared statuses. */
export interface RunFacts {
  vusMax: number;
  expected: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

function recommendationOf(o: Observation, run: RunFacts): Recommendation | undefined {
  switch (o.kind) {
    case 'threshold-failed': {
      const t = o.threshold;
      // An expected status explains it (a race's 409s), and a rate's breach is said by its errors or checks.
      if (o.expected || o.unit.contains !== 'time' || t.observed === undefined) return undefined;
      return {
        kind: 'lower-concurrency',
        metric: t.metric,
        ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
        stat: t.stat,
        observed: t.observed,
        expression: t.expression,
        unit: o.unit,
        vus: run.vusMax,
      };
    }
    case 'saturated':
      return { kind: 'fix-generator', reasons: o.reasons };
    case 'errors':
      return {
        kind: 'errors',
        endpoint: o.endpoint,
        cause: errorCause(o.classes, run.expected.get(o.endpoint)),
        failed: o.failed,
        requests: o.requests,
      };
    case 'invariant-failed':
      return { kind: 'invariant', name: o.name };
    case 'dropped':
      return { kind: 'dropped', count: o.count };
    case 'checks-failed':
      return { kind: 'checks', name: o.name, group: o.group };
    default:
      return undefined;
  }
}

/**
 * The recommendations of a run, in the observations' order (what decided the verdict first), so the first
 * one is the one to act on. A saturated generator comes alone: until it is fixed the other figures describe
 * the generator, not the target.
 */
export function recommend(observations: readonly Observation[], run: RunFacts): Recommendation[] {
  const out = observations.flatMap((o) => recommendationOf(o, run) ?? []);
  const generator = out.find((r) => r.kind === 'fix-generator');
  return generator ? [generator] : out;
}
