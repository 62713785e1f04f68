// Stored runs: reading summary.json back, and the `loadctl runs` listing. Pure.
import { relative } from 'node:path';
import { Chalk } from 'chalk';
import { SUMMARY_SCHEMA, type RunSummary } from '../report/model/summary.js';
import { formatCount, formatMs, formatPercent, formatRate, plainTable } from '../report/render/table.js';

export interface StoredRun {
  dir: string;
  summary: RunSummary;
}

/** A summary.json of this schema version, or undefined (another version, or not a summary). */
export function parseStoredSummary(text: string): RunSummary | undefined {
  try {
    const value = JSON.parse(text) as Partial<RunSummary>;
    return value.schema === SUMMARY_SCHEMA && typeof value.runId === 'string'
      ? (value as RunSummary)
      : undefined;
  } catch {
    return undefined;
  }
}

export function renderRunsTable(runs: readonly StoredRun[], opts: { color: boolean; cwd: string }): string {
  if (runs.length === 0) return 'no runs yet: `loadctl run plans/seat-race.yaml` makes one\n';
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const table = plainTable(
    ['run', 'plan', 'profile', 'target', 'outcome', 'requests', 'req/s', 'p95', 'errors'],
    ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right'],
  );
  for (const { summary: s } of runs) {
    const outcome =
      s.outcome.kind === 'passed'
        ? c.green('passed')
        : s.outcome.kind === 'interrupted'
          ? c.yellow('interrupted')
          : c.red(s.outcome.kind);
    table.push([
      s.runId,
      s.plan,
      s.profile ?? '',
      s.target.name,
      outcome,
      formatCount(s.totals.requests),
      formatRate(s.totals.rps),
      formatMs(s.latency['p(95)']),
      formatPercent(s.totals.errorRate),
    ]);
  }
  const where =
    relative(opts.cwd, runs[0]?.dir ?? '')
      .split('/')
      .slice(0, -2)
      .join('/') || '.';
  return `${table.toString()}\n${runs.length} run${runs.length === 1 ? '' : 's'} in ${where}\n`;
}
