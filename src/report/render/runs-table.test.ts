import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../model/summary.js';
import { renderRunsTable } from './runs-table.js';

const summary = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/report/ticket-rush/summary.json', import.meta.url), 'utf8'),
) as RunSummary;

describe('renderRunsTable', () => {
  it('lists good runs and marks a damaged one with a row and a line saying which file and why', () => {
    const text = renderRunsTable([{ dir: `/w/results/ticket-rush/${summary.runId}`, summary }], {
      color: false,
      cwd: '/w',
      damaged: [
        {
          dir: '/w/results/ticket-rush/20261122T000000Z-000000',
          plan: 'ticket-rush',
          id: '20261122T000000Z-000000',
          file: 'summary.json',
          message:
            'results/ticket-rush/20261122T000000Z-000000/summary.json: runId: missing (expected string)',
          hint: 're-run, or remove the run folder',
        },
      ],
    });
    const lines = text.split('\n');
    // Oldest first: the damaged run's id sorts before the good one's.
    expect(lines[2]).toMatch(/^ 20261122T000000Z-000000 +ticket-rush +damaged summary\.json/);
    expect(lines[3]).toMatch(new RegExp(`^ ${summary.runId} +ticket-rush +.*thresholds-failed`));
    expect(lines.slice(4)).toEqual([
      '1 run in results, 1 damaged',
      '✗ results/ticket-rush/20261122T000000Z-000000/summary.json: runId: missing (expected string) (re-run, or remove the run folder)',
      '',
    ]);
  });

  it('says how to make a run when there is none', () => {
    expect(renderRunsTable([], { color: false, cwd: '/w' })).toMatch(/^no runs yet/);
  });
});
