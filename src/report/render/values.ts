// Values of the report model in words, the same in every format: a threshold's observed value in its
// metric's unit, a custom metric's figures, an endpoint's statuses. Pure.
import type { MetricUnit } from '../model/metrics.js';
import type { EndpointTotal } from '../model/sections.js';
import type { EndpointSummary, RunnerRow, ThresholdSummary } from '../model/summary.js';
import { formatCount, formatMs, formatPercent, formatRate } from './units.js';

/**
 * A runner's row as every format shows it: its name and where it ran, segment, requests, iterations, error
 * rate, p95, and how it ended (its problem when it failed).
 */
export function runnerCells(r: RunnerRow): [string, ...string[]] {
  return [
    `${r.id} (${r.where})`,
    r.segment,
    formatCount(r.requests),
    formatCount(r.iterations),
    formatPercent(r.requests > 0 ? r.failed / r.requests : 0),
    r.p95 === null ? '–' : formatMs(r.p95),
    r.problem ?? r.exit,
  ];
}

/** An endpoint's (or all requests') figures as every table shows them: requests, req/s, p50, p90, p95, p99, max. */
export function endpointFigureCells(e: EndpointTotal): string[] {
  return [
    formatCount(e.requests),
    formatRate(e.rps),
    formatMs(e.duration['med'] ?? e.duration['p(50)']),
    formatMs(e.duration['p(90)']),
    formatMs(e.duration['p(95)']),
    formatMs(e.duration['p(99)']),
    formatMs(e.duration['max']),
  ];
}

/** An observed value in the unit of its threshold's metric. */
export function formatObserved(t: Pick<ThresholdSummary, 'observed' | 'stat'>, unit: MetricUnit): string {
  if (t.observed === undefined) return 'no data';
  // A counter's rate is per second; a Rate metric's rate is a share.
  if (t.stat === 'rate')
    return unit.type === 'counter' ? `${formatRate(t.observed)}/s` : formatPercent(t.observed);
  if (t.stat === 'count') return formatCount(t.observed);
  if (unit.contains === 'time') return formatMs(t.observed);
  return Number.isInteger(t.observed) ? String(t.observed) : t.observed.toFixed(3);
}

/** A metric's figures by its type: "12 (0.4/s)", "95.00% (19 of 20)", "avg 3.1ms · p50 …". */
export function describeMetric(type: string, contains: string, v: Record<string, number>): string {
  const fmt = (x: number | undefined) =>
    contains === 'time'
      ? formatMs(x)
      : x === undefined
        ? '–'
        : Number.isInteger(x)
          ? formatCount(x)
          : x.toFixed(2);
  switch (type) {
    case 'counter':
      return `${fmt(v['count'])} (${formatRate(v['rate'] ?? 0)}/s)`;
    case 'rate':
      return `${formatPercent(v['rate'] ?? 0)} (${formatCount(v['passes'] ?? 0)} of ${formatCount((v['passes'] ?? 0) + (v['fails'] ?? 0))})`;
    case 'gauge':
      return `${fmt(v['value'])} (min ${fmt(v['min'])}, max ${fmt(v['max'])})`;
    default:
      return `avg ${fmt(v['avg'])} · p50 ${fmt(v['med'])} · p95 ${fmt(v['p(95)'])} · max ${fmt(v['max'])}`;
  }
}

/** The statuses the plan declared, with their counts: "201: 89 · 409: 925". */
export function declaredStatusText(e: Pick<EndpointSummary, 'statuses'>): string {
  return Object.entries(e.statuses)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k}: ${formatCount(n)}`)
    .join(' · ');
}

/** Declared statuses, then status classes (raw samples) in parentheses: "201: 89 · 409: 925 (2xx 89 · 4xx 925)". */
export function statusText(e: Pick<EndpointSummary, 'statuses' | 'statusClasses'>): string {
  const declared = declaredStatusText(e);
  const classes = Object.entries(e.statusClasses ?? {})
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${formatCount(n)}`)
    .join(' · ');
  return declared && classes ? `${declared} (${classes})` : declared || classes;
}
