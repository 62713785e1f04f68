// `loadctl runs`: the stored runs, newest last, from their summary.json files.
import { join, resolve } from 'node:path';
import { parseStoredSummary, renderRunsTable, type StoredRun } from '../../store/runs.js';
import { EXIT, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';

export interface RunsOptions {
  plan?: string;
  results?: string;
  json?: boolean;
}

export async function readStoredRuns(io: Io, resultsDir: string, plan?: string): Promise<StoredRun[]> {
  const root = resolve(io.cwd, resultsDir);
  if (!(await io.exists(root))) return [];
  const plans = plan ? [plan] : (await io.listDir(root)).filter((n) => !n.startsWith('.'));
  const runs: StoredRun[] = [];
  for (const p of plans) {
    const dir = join(root, p);
    if (!(await io.exists(dir))) continue;
    // A results folder may hold other files (a plan, a report): only folders hold runs.
    const ids = await io.listDir(dir).catch(() => [] as string[]);
    for (const id of ids) {
      const file = join(dir, id, 'summary.json');
      if (!(await io.exists(file))) continue;
      const parsed = parseStoredSummary(await io.readText(file));
      if (parsed) runs.push({ dir: join(dir, id), summary: parsed });
    }
  }
  return runs.sort((a, b) => a.summary.runId.localeCompare(b.summary.runId));
}

export async function runRuns(io: Io, opts: RunsOptions): Promise<ExitCode> {
  const runs = await readStoredRuns(io, opts.results ?? 'results', opts.plan);
  if (opts.json)
    io.stdout.write(
      `${JSON.stringify(
        runs.map((r) => ({ dir: r.dir, ...r.summary })),
        null,
        2,
      )}\n`,
    );
  else io.stdout.write(renderRunsTable(runs, { color: io.stdout.isTTY && !io.env.NO_COLOR, cwd: io.cwd }));
  return EXIT.ok;
}
