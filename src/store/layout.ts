// The results folder's layout: results/<plan>/<run-id>/<file>. Every stored file's name is here and nowhere
// else; src/store's readers and writers are the only code that joins them to a folder.
import { join } from 'node:path';

export const RUN_FILES = {
  summary: 'summary.json',
  k6Summary: 'k6-summary.json',
  series: 'series.json',
  meta: 'meta.json',
  plan: 'plan.resolved.json',
  script: 'script.js',
  options: 'options.json',
  log: 'k6.log',
  demoStats: 'demo-stats.json',
  samples: 'samples.ndjson.gz',
  samplesAggregates: 'samples-aggregates.json',
  frames: 'frames.ndjson',
  breakpoint: 'breakpoint.json',
  server: 'server.json',
} as const;

export type RunFile = keyof typeof RUN_FILES;

/** The folder of one run. */
export function runDirFor(resultsRoot: string, plan: string, runId: string): string {
  return join(resultsRoot, plan, runId);
}

/** A file of a run folder. */
export function runFile(runDir: string, file: RunFile): string {
  return join(runDir, RUN_FILES[file]);
}
