// The in-run guard end to end: the real CLI, the real k6, the demo service made slow on purpose.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';

// Every login takes 200 ms, so one VU finishes at most 5 iterations a second.
const PLAN = (rate: number, preAllocatedVUs: number, maxVUs: number) => `
name: guard
targets:
  local: { demo: { latencyMs: 200 } }
scenarios:
  load:
    executor: constant-arrival-rate
    rate: ${rate}
    duration: 4s
    preAllocatedVUs: ${preAllocatedVUs}
    maxVUs: ${maxVUs}
    flow: login
flows:
  login:
    steps:
      - name: token
        method: POST
        path: /auth/token
        json: { username: 'u\${vu}', password: pw }
`;

async function run(rate: number, preAllocatedVUs: number, maxVUs: number) {
  const dir = await tempDir('guard');
  const results = join(dir, 'results');
  const file = await writePlan(dir, 'guard.yaml', PLAN(rate, preAllocatedVUs, maxVUs));
  const r = await runCli(['run', file, '--results', results, '--no-progress'], { cwd: dir });
  const runs = readdirSync(join(results, 'guard'));
  expect(runs).toHaveLength(1);
  const runDir = join(results, 'guard', runs[0]!);
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  const meta = JSON.parse(readFileSync(join(runDir, 'meta.json'), 'utf8')) as {
    exitCode: number;
    outcome: string;
  };
  return { r, summary, meta };
}

describe('the in-run guard (real k6, demo service)', () => {
  it('marks a run with far too few VUs for its rate as generator-saturated (exit 5)', async () => {
    // 50 iterations a second due, 2 VUs able to finish about 10: k6 drops the rest.
    const { r, summary, meta } = await run(50, 2, 2);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(5);
    expect(summary.generator.saturated).toBe(true);
    const kinds = summary.generator.reasons.map((x) => x.kind);
    expect(kinds.some((k) => k === 'dropped-iterations' || k === 'vus-at-max')).toBe(true);
    expect(summary.generator.reasons.find((x) => x.kind === 'dropped-iterations')?.fix).toBe(
      'raise preAllocatedVUs/maxVUs of scenario load (it needed more than 2)',
    );
    expect(summary.outcome.kind).toBe('generator-saturated');
    expect(summary.totals.droppedIterations).toBeGreaterThan(50);
    expect(meta).toMatchObject({ exitCode: 5, outcome: 'generator-saturated' });
    expect(r.stdout).toContain(
      '⚠ generator saturated — results not valid for the target\n ✗ dropped-iterations:',
    );
    expect(r.stdout).toContain('fix: raise preAllocatedVUs/maxVUs of scenario load');
  });

  it('leaves a run with plenty of VUs alone (exit 0)', async () => {
    const { r, summary } = await run(5, 5, 10);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(summary.generator).toEqual({ saturated: false, reasons: [] });
    expect(summary.outcome.kind).toBe('passed');
    expect(summary.totals.droppedIterations).toBe(0);
    expect(r.stdout).not.toContain('saturated');
    expect(r.stdout).toContain('✓ PASSED');
  });
});
