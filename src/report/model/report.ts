// What a report is made of: a stored run's files as read back from its folder (summary.json, series.json,
// meta.json, plan.resolved.json). Only summary.json is required; the others make a report richer when they
// are there and readable. Parsing is lenient on purpose: a report of an older or partial run is still a
// report. Pure.
import type { SeriesPoint } from '../../k6/live.js';
import { parseStoredSummary } from '../../store/runs.js';
import type { RunSummary } from './summary.js';

export const SERIES_SCHEMA = 'loadctl.series/v1';

/** series.json, `loadctl.series/v1` (docs/results.md). */
export interface StoredSeries {
  source: 'k6-rest-api' | 'samples';
  intervalMs: number;
  points: SeriesPoint[];
  /** Per-endpoint points, written with --samples. */
  endpoints?: Record<string, SeriesPoint[]>;
}

/** meta.json, `loadctl.meta/v1`: the fields reports show, every one optional. */
export interface StoredMeta {
  loadctl?: string;
  k6?: { version?: string; path?: string };
  host?: {
    arch?: string;
    platform?: string;
    cpuModel?: string;
    cores?: number;
    kernel?: string;
    memoryBytes?: number;
    hostname?: string;
    node?: string;
  };
  plan?: { name?: string; file?: string; profile?: string | null };
  target?: { name?: string; url?: string; description?: string | null; demo?: boolean };
  tags?: Record<string, string>;
  startedAt?: string;
  endedAt?: string | null;
  exitCode?: number | null;
}

/** One scenario of plan.resolved.json, as far as reports describe it. */
export interface StoredScenario {
  executor: string;
  [field: string]: unknown;
}

/** plan.resolved.json: the plan as run. */
export interface StoredPlan {
  profile: string | null;
  target: string;
  description?: string;
  scenarios: Record<string, StoredScenario>;
  /** Metric declarations: name → { type, description }. */
  metrics: Record<string, { type?: string; description?: string }>;
}

/** Everything a single-run report is rendered from. */
export interface RunReport {
  summary: RunSummary;
  series?: StoredSeries;
  meta?: StoredMeta;
  plan?: StoredPlan;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parsePoints(value: unknown): SeriesPoint[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (p): p is SeriesPoint =>
      typeof p === 'object' && p !== null && isNum((p as SeriesPoint).t) && isNum((p as SeriesPoint).rps),
  );
}

/** series.json, or undefined when it is missing, another schema or not JSON. */
export function parseStoredSeries(text: string): StoredSeries | undefined {
  const o = parseObject(text);
  if (!o || o['schema'] !== SERIES_SCHEMA) return undefined;
  const endpoints =
    typeof o['endpoints'] === 'object' && o['endpoints'] !== null
      ? Object.fromEntries(
          Object.entries(o['endpoints'] as Record<string, unknown>).map(([k, v]) => [k, parsePoints(v)]),
        )
      : undefined;
  return {
    source: o['source'] === 'samples' ? 'samples' : 'k6-rest-api',
    intervalMs: isNum(o['intervalMs']) ? o['intervalMs'] : 1000,
    points: parsePoints(o['points']),
    ...(endpoints ? { endpoints } : {}),
  };
}

export function parseStoredMeta(text: string): StoredMeta | undefined {
  const o = parseObject(text);
  return o && o['schema'] === 'loadctl.meta/v1' ? (o as StoredMeta) : undefined;
}

export function parseStoredPlan(text: string): StoredPlan | undefined {
  const o = parseObject(text);
  const plan = o?.['plan'];
  if (!o || typeof plan !== 'object' || plan === null) return undefined;
  const p = plan as Record<string, unknown>;
  const scenarios: Record<string, StoredScenario> = {};
  for (const [name, s] of Object.entries((p['scenarios'] ?? {}) as Record<string, unknown>)) {
    if (typeof s === 'object' && s !== null && typeof (s as StoredScenario).executor === 'string')
      scenarios[name] = s as StoredScenario;
  }
  const metrics: StoredPlan['metrics'] = {};
  for (const [name, m] of Object.entries((p['metrics'] ?? {}) as Record<string, unknown>)) {
    if (typeof m === 'object' && m !== null) metrics[name] = m as StoredPlan['metrics'][string];
  }
  return {
    profile: typeof o['profile'] === 'string' ? o['profile'] : null,
    target: typeof o['target'] === 'string' ? o['target'] : '',
    ...(typeof p['description'] === 'string' ? { description: p['description'] } : {}),
    scenarios,
    metrics,
  };
}

/** The files of a run folder (name → text, absent when unreadable) as a report; undefined without a summary. */
export function parseRunReport(files: {
  summary?: string | undefined;
  series?: string | undefined;
  meta?: string | undefined;
  plan?: string | undefined;
}): RunReport | undefined {
  const summary = files.summary === undefined ? undefined : parseStoredSummary(files.summary);
  if (!summary) return undefined;
  const series = files.series === undefined ? undefined : parseStoredSeries(files.series);
  const meta = files.meta === undefined ? undefined : parseStoredMeta(files.meta);
  const plan = files.plan === undefined ? undefined : parseStoredPlan(files.plan);
  return { summary, ...(series ? { series } : {}), ...(meta ? { meta } : {}), ...(plan ? { plan } : {}) };
}

/** File names of a run folder that parseRunReport reads. */
export const RUN_REPORT_FILES = {
  summary: 'summary.json',
  series: 'series.json',
  meta: 'meta.json',
  plan: 'plan.resolved.json',
} as const;
