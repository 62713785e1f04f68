// Writing a run folder: each stored file's text is rendered from its typed value (with its version), and
// writeRunFiles writes the texts atomically (a reader never sees half a file). The engine (src/run) renders
// and writes through here; nothing else joins a stored file's name to a folder. The types come from the zod
// schemas the readers check (schemas/), and test/e2e/store.test.ts checks real runs' files against them.
import type { ServerRecord } from '../monitor/model.js';
import { SERVER_SCHEMA } from './schemas/server.js';
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
  type overridesSchema,
  type seriesSchema,
} from './schemas/files.js';

const pretty = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export interface PlanResolved {
  profile: string | null;
  target: string;
  /** The command line's overrides, already applied to `plan`. */
  overrides?: z.input<typeof overridesSchema>;
  plan: Plan;
}

/** The texts of a run folder's files. */
export type RunFileTexts = Partial<Record<RunFile, string>>;

/** summary.json (`loadctl.summary/v1`). */
export const renderSummaryFile = (value: RunSummary): string => pretty(value);

/** meta.json (`loadctl.meta/v1`): written before k6 starts, with null end fields, and again at the end. */
export const renderMetaFile = (value: z.input<typeof metaSchema>): string => pretty(value);

/** series.json (`loadctl.series/v1`). */
export const renderSeriesFile = (value: z.input<typeof seriesSchema>): string => pretty(value);

/**
 * plan.resolved.json (`loadctl.plan-resolved/v1`). `redact` replaces secret values in the text (the plan
 * holds secret names only, but an env value may be a secret's).
 */
export const renderPlanResolvedFile = (
  value: PlanResolved,
  redact: (text: string) => string = (text) => text,
): string => redact(pretty({ schema: PLAN_RESOLVED_SCHEMA, ...value }));

/** demo-stats.json (`loadctl.demo-stats/v1`): the demo service's counters at the end of the load. */
export const renderDemoStatsFile = (value: DemoStats): string =>
  pretty({ schema: DEMO_STATS_SCHEMA, ...value });

/** samples-aggregates.json (its own `format` and `version`). One line: it can be megabytes of histograms. */
export const renderSamplesAggregatesFile = (value: AggregatesJson): string => `${JSON.stringify(value)}\n`;

/** breakpoint.json (`loadctl.breakpoint/v1`). */
export const renderBreakpointFile = (value: z.input<typeof breakpointSchema>): string => pretty(value);

/** server.json (`loadctl.server/v1`). One series to a line: a long run has thousands of points. */
export function renderServerFile(value: ServerRecord): string {
  const { series, ...rest } = { schema: SERVER_SCHEMA, ...value };
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '');
  const lines = series.map((s) => `    ${JSON.stringify(s)}`);
  return `${head},\n  "series": [\n${lines.join(',\n')}\n  ]\n}\n`;
}

/** Writes the texts into the run folder, in the order given. */
export async function writeRunFiles(io: Io, runDir: string, files: RunFileTexts): Promise<void> {
  for (const [file, text] of Object.entries(files) as Array<[RunFile, string | undefined]>) {
    if (text !== undefined) await io.writeFileAtomic(runFile(runDir, file), text);
  }
}
