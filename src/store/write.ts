// Writing a run folder's JSON files: each writer takes its file's typed value and writes it, with its
// version, atomically (a reader never sees half a file). The engine (src/run) calls these; nothing else
// joins a stored file's name to a folder.
import type { z } from 'zod';
import type { DemoStats } from '../demo/server.js';
import type { Io } from '../io/io.js';
import type { Plan } from '../plans/schema.js';
import type { RunSummary } from '../report/model/summary.js';
import type { AggregatesJson } from '../samples/aggregate.js';
import { runFile, type RunFile } from './layout.js';
import {
  DEMO_STATS_SCHEMA,
  PLAN_RESOLVED_SCHEMA,
  type breakpointSchema,
  type metaSchema,
  type seriesSchema,
} from './schemas/files.js';

const pretty = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

async function writeJson(io: Io, runDir: string, file: RunFile, text: string): Promise<string> {
  const path = runFile(runDir, file);
  await io.writeFileAtomic(path, text);
  return path;
}

/** summary.json (`loadctl.summary/v1`). Returns the path written. */
export function writeSummary(io: Io, runDir: string, value: RunSummary): Promise<string> {
  return writeJson(io, runDir, 'summary', pretty(value));
}

/** meta.json (`loadctl.meta/v1`): written before k6 starts, with null end fields, and again at the end. */
export function writeMeta(io: Io, runDir: string, value: z.input<typeof metaSchema>): Promise<string> {
  return writeJson(io, runDir, 'meta', pretty(value));
}

/** series.json (`loadctl.series/v1`). */
export function writeSeries(io: Io, runDir: string, value: z.input<typeof seriesSchema>): Promise<string> {
  return writeJson(io, runDir, 'series', pretty(value));
}

export interface PlanResolved {
  profile: string | null;
  target: string;
  plan: Plan;
}

/**
 * plan.resolved.json (`loadctl.plan-resolved/v1`). `redact` replaces secret values in the text (the plan
 * holds secret names only, but an env value may be a secret's).
 */
export function writePlanResolved(
  io: Io,
  runDir: string,
  value: PlanResolved,
  redact: (text: string) => string = (text) => text,
): Promise<string> {
  return writeJson(io, runDir, 'plan', redact(pretty({ schema: PLAN_RESOLVED_SCHEMA, ...value })));
}

/** demo-stats.json (`loadctl.demo-stats/v1`): the demo service's counters at the end of the load. */
export function writeDemoStats(io: Io, runDir: string, value: DemoStats): Promise<string> {
  return writeJson(io, runDir, 'demoStats', pretty({ schema: DEMO_STATS_SCHEMA, ...value }));
}

/** samples-aggregates.json (its own `format` and `version`). One line: it can be megabytes of histograms. */
export function writeSamplesAggregates(io: Io, runDir: string, value: AggregatesJson): Promise<string> {
  return writeJson(io, runDir, 'samplesAggregates', `${JSON.stringify(value)}\n`);
}

/** breakpoint.json (`loadctl.breakpoint/v1`). */
export function writeBreakpoint(
  io: Io,
  runDir: string,
  value: z.input<typeof breakpointSchema>,
): Promise<string> {
  return writeJson(io, runDir, 'breakpoint', pretty(value));
}
