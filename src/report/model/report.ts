// What a report is made of: a stored run's files as read back from its folder (src/store checks them against
// their schemas). Only summary.json is required; series.json, meta.json, plan.resolved.json and server.json
// make a report richer when they are there. Pure.
import { parseStoredFile } from '../../store/parse.js';
import type { StoredRunFiles } from '../../store/runs.js';
import type {
  StoredMeta as MetaFile,
  StoredPlanResolved,
  StoredSeries as SeriesFile,
} from '../../store/schemas/files.js';
import type { ServerRecord } from '../../monitor/model.js';
import type { RunSummary } from './summary.js';

/** series.json as reports draw it (its version checked on reading). */
export type StoredSeries = Omit<SeriesFile, 'schema'>;
/** meta.json as reports show it: every field optional. */
export type StoredMeta = Omit<MetaFile, 'schema'>;

/** One scenario of plan.resolved.json, as far as reports describe it. */
export interface StoredScenario {
  executor: string;
  [field: string]: unknown;
}

/** plan.resolved.json as reports describe it: the plan as run. */
export interface StoredPlan {
  profile: string | null;
  target: string;
  description?: string;
  /** The plan's `about:` facts, as written. */
  about?: Record<string, string | number | boolean>;
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
  /** server.json: the target's server side on the run's clock. */
  server?: ServerRecord;
}

export function toStoredPlan(file: StoredPlanResolved): StoredPlan {
  const p = file.plan;
  return {
    profile: file.profile,
    target: file.target,
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.about !== undefined ? { about: p.about } : {}),
    scenarios: p.scenarios ?? {},
    metrics: p.metrics ?? {},
  };
}

/** A run folder's checked files as a report. */
export function toRunReport(files: StoredRunFiles): RunReport {
  return {
    summary: files.summary,
    ...(files.series ? { series: files.series } : {}),
    ...(files.meta ? { meta: files.meta } : {}),
    ...(files.plan ? { plan: toStoredPlan(files.plan) } : {}),
    ...(files.server ? { server: withoutSchema(files.server) } : {}),
  };
}

function withoutSchema<T extends { schema: string }>(file: T): Omit<T, 'schema'> {
  const { schema: _schema, ...rest } = file;
  return rest;
}

/**
 * The files of a run folder (name → text, absent when unreadable) as a report; undefined without a usable
 * summary. Lenient: an optional file that does not fit its schema is left out (`loadctl report` reads
 * through src/store/read.ts instead, which names the damage).
 */
export function parseRunReport(files: {
  summary?: string | undefined;
  series?: string | undefined;
  meta?: string | undefined;
  plan?: string | undefined;
  server?: string | undefined;
}): RunReport | undefined {
  const parse = <F extends 'summary' | 'series' | 'meta' | 'plan' | 'server'>(
    file: F,
    text: string | undefined,
  ) => {
    if (text === undefined) return undefined;
    const parsed = parseStoredFile(file, text);
    return parsed.ok ? parsed.value : undefined;
  };
  const summary = parse('summary', files.summary);
  if (!summary) return undefined;
  const series = parse('series', files.series);
  const meta = parse('meta', files.meta);
  const plan = parse('plan', files.plan);
  const server = parse('server', files.server);
  return toRunReport({
    summary,
    ...(series ? { series } : {}),
    ...(meta ? { meta } : {}),
    ...(plan ? { plan } : {}),
    ...(server ? { server } : {}),
  });
}
