// `loadctl runs`: the stored runs as a table, newest last; a damaged run is a row of its own and a line
// saying which file and why. Pure.
import { relative } from 'node:path';
import { Chalk } from 'chalk';
import type { DamagedRun, StoredRun } from '../../store/runs.js';
import { terminalSafe, terminalSafeDeep } from '../../terminal-safe.js';
import { plainTable } from './plain-table.js';
import { formatCount, formatMs, formatPercent, formatRate } from './units.js';

type Row = { id: string; run: StoredRun } | { id: string; damaged: DamagedRun };

export function renderRunsTable(
  runs: readonly StoredRun[],
  opts: { color: boolean; cwd: string; damaged?: readonly DamagedRun[] },
): string {
  // Stored files are read back as they are: any field may hold control characters.
  const damaged = terminalSafeDeep(opts.damaged ?? []);
  if (runs.length === 0 && damaged.length === 0)
    return 'no runs yet: `loadctl run plans/seat-race.yaml` makes one\n';
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const table = plainTable(
    ['run', 'plan', 'profile', 'target', 'outcome', 'requests', 'req/s', 'p95', 'errors'],
    ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right'],
  );
  const rows: Row[] = [
    ...runs.map((run) => ({ id: run.summary.runId, run })),
    ...damaged.map((d) => ({ id: d.id, damaged: d })),
  ].sort((a, b) => a.id.localeCompare(b.id));
  for (const row of rows) {
    if ('damaged' in row) {
      table.push([row.id, row.damaged.plan, '', '', c.red(`damaged ${row.damaged.file}`), '', '', '', '']);
      continue;
    }
    const s = terminalSafeDeep(row.run.summary);
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
  const where = terminalSafe(
    relative(opts.cwd, runs[0]?.dir ?? damaged[0]?.dir ?? '')
      .split('/')
      .slice(0, -2)
      .join('/') || '.',
  );
  const lines = [
    table.toString(),
    `${runs.length} run${runs.length === 1 ? '' : 's'} in ${where}${damaged.length > 0 ? `, ${damaged.length} damaged` : ''}`,
    ...damaged.map((d) => `${c.red('✗')} ${d.message}${d.hint ? ` (${d.hint})` : ''}`),
  ];
  return `${lines.join('\n')}\n`;
}
