// The shape of every report's words (Messages) and what the languages share to fill it. English
// (i18n-en.ts) is the reference; a key missing from a language is a type error, not a fallback. Pure.
import type { Observation } from '../model/observations.js';
import type { Verdict } from '../model/sections.js';
import type { Rich } from './rich.js';
import type { ServerChartWords } from './server-charts.js';
import type { ServerWords } from './server-words.js';
import type { StudyWords } from './study-words.js';
import type { TableWords } from './table-words.js';
import { formatCount } from './units.js';
import { formatObserved } from './values.js';

export type Lang = 'en' | 'ko';

export interface Messages {
  lang: Lang;
  /** The HTML `lang` attribute. */
  htmlLang: string;
  title: (plan: string) => string;
  verdict: Record<Verdict, string>;
  section: {
    summary: string;
    observations: string;
    environment: string;
    configuration: string;
    results: string;
    endpoints: string;
    thresholds: string;
    checks: string;
    invariants: string;
    customMetrics: string;
    generator: string;
    /** The runners the load was split over, each with its own share. */
    runners: string;
    notes: string;
    charts: string;
    metadata: string;
  };
  field: {
    date: string;
    plan: string;
    profile: string;
    overrides: string;
    target: string;
    run: string;
    duration: string;
    description: string;
    k6: string;
    loadctl: string;
    generator: string;
    tags: string;
    planFile: string;
    started: string;
    ended: string;
    exitCode: string;
    k6Path: string;
    demo: string;
    none: string;
    cores: (n: number) => string;
  };
  col: {
    endpoint: string;
    requests: string;
    rps: string;
    errors: string;
    statuses: string;
    metric: string;
    threshold: string;
    observed: string;
    result: string;
    check: string;
    group: string;
    passed: string;
    failed: string;
    passRate: string;
    invariant: string;
    detail: string;
    type: string;
    value: string;
    description: string;
    scenario: string;
    executor: string;
    load: string;
    flow: string;
    reason: string;
    fix: string;
    runner: string;
    segment: string;
    iterations: string;
    exit: string;
  };
  total: {
    requests: string;
    rps: string;
    failed: string;
    iterations: string;
    vusMax: string;
    checks: string;
    p95: string;
    data: string;
  };
  ok: string;
  notOk: string;
  noSamples: string;
  abortOnFail: string;
  /** A threshold judged over every window of this length. */
  overWindow: (window: string) => string;
  topLevel: string;
  chart: {
    vus: string;
    rps: string;
    requests: string;
    errors: string;
    latency: string;
    latencyCumulative: string;
    latencyWindowed: string;
    endpointLatency: string;
    percentiles: string;
    percentilesCaption: string;
    responses: string;
    responsesCaption: string;
    failed: string;
    seconds: string;
    percentile: string;
    endpoint: string;
    other: string;
    noSeries: (durationMs: number) => string;
  };
  /** The server's charts (server.json). */
  serverChart: ServerChartWords;
  /** How one scenario loads the target, e.g. "200 VUs × 5 iterations each". */
  load: (s: Record<string, unknown>) => string;
  observation: (o: Observation) => Rich;
  table: TableWords;
  server: ServerWords;
  /** The plan's `about:` facts, the average response times and the recommendations. */
  study: StudyWords;
  generatedBy: (version: string) => string;
}

export const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/**
 * A scenario's `arrivals:` (docs/plans.md, "Poisson and gamma arrivals") in a language's words, to follow
 * its rate; '' for evenly spaced arrivals.
 */
export function arrivalsText(
  s: Record<string, unknown>,
  poisson: (seed: string) => string,
  gamma: (burstiness: string, seed: string) => string,
): string {
  const a = s['arrivals'];
  if (typeof a !== 'object' || a === null) return '';
  const { process, burstiness, seed } = a as Record<string, unknown>;
  return process === 'poisson' ? poisson(str(seed ?? 0)) : gamma(str(burstiness ?? 1), str(seed ?? 0));
}

export function stages(s: Record<string, unknown>, unit: string): string {
  const list = Array.isArray(s['stages']) ? (s['stages'] as Array<Record<string, unknown>>) : [];
  return list.map((st) => `${str(st['target'])}${unit} / ${str(st['duration'])}`).join(' → ');
}

export function statusClasses(classes: Record<string, number>): string {
  return Object.entries(classes)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${formatCount(n)}`)
    .join(' · ');
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function share(fraction: number): string {
  const pct = fraction * 100;
  return `${pct >= 10 || Number.isInteger(pct) ? Math.round(pct) : pct.toFixed(1)}%`;
}

export function checkLabel(name: string, group: string): string {
  const path = group.replace(/^::/, '').split('::').filter(Boolean);
  return [...path, name].join(' › ');
}

/** A failed threshold's observed value in its metric's unit; undefined without samples. */
export function observedText(o: Extract<Observation, { kind: 'threshold-failed' }>): string | undefined {
  return o.threshold.observed === undefined ? undefined : formatObserved(o.threshold, o.unit);
}
