// `loadctl runs`: the stored runs, newest last, from their summary.json files; a damaged one is marked, not
// a reason to hide the others.
import { renderRunsTable } from '../../report/render/runs-table.js';
import { readStoredRuns } from '../../store/read.js';
import { EXIT, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { terminalSafeLines } from '../../terminal-safe.js';

export interface RunsOptions {
  plan?: string;
  results?: string;
  json?: boolean;
}

export async function runRuns(io: Io, opts: RunsOptions): Promise<ExitCode> {
  const { runs, damaged } = await readStoredRuns(io, opts.results ?? 'results', opts.plan);
  if (opts.json) {
    // stdout stays an array of summaries; the damaged runs are said on stderr.
    io.stdout.write(
      `${JSON.stringify(
        runs.map((r) => ({ dir: r.dir, ...r.summary })),
        null,
        2,
      )}\n`,
    );
    for (const d of damaged) io.stderr.write(`⚠ damaged run: ${terminalSafeLines(d.message)}\n`);
  } else
    io.stdout.write(
      renderRunsTable(runs, { color: io.stdout.isTTY && !io.env.NO_COLOR, cwd: io.cwd, damaged }),
    );
  return EXIT.ok;
}
