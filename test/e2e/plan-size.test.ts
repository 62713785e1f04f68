// A huge plan through the real CLI and real k6: 5,000 steps, each its own endpoint. Before the bound on
// measured endpoints (src/report/model/endpoint-bound.ts) it gave k6 over 100,000 sub-metric thresholds and
// no request for minutes; now k6 gets the sub-metrics of MAX_MEASURED_ENDPOINTS endpoints, starts, and the
// summary says which endpoints count in the totals only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_MEASURED_ENDPOINTS } from '../../src/report/model/endpoint-bound.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';

const STEPS = 5000;

/** One flow of `steps` GETs of /health, each step its own endpoint; one VU for a moment. */
function hugePlan(steps: number): string {
  return [
    'name: huge',
    'targets:',
    '  local: { demo: true }',
    'scenarios:',
    '  load: { flow: main, executor: constant-vus, vus: 1, duration: 2s, gracefulStop: 0s }',
    'flows:',
    '  main:',
    '    steps:',
    ...Array.from({ length: steps }, (_, i) => `      - { name: e${i}, path: /health, expect: 200 }`),
    '',
  ].join('\n');
}

describe('a plan of 5,000 endpoints', () => {
  it('validates', async () => {
    const dir = await tempDir('plan-size');
    await writePlan(dir, 'plan.yaml', hugePlan(STEPS));
    const r = await runCli(['validate', 'plan.yaml'], { cwd: dir });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
  });

  it('runs: requests are made, the first endpoints have rows and the summary names the rest', async () => {
    const dir = await tempDir('plan-size');
    await writePlan(dir, 'plan.yaml', hugePlan(STEPS));
    const started = Date.now();
    const r = await runCli(['run', 'plan.yaml', '--skip-preflight', '--no-progress'], {
      cwd: dir,
      timeoutMs: 170_000,
    });
    const tookMs = Date.now() - started;
    expect(r.stdout + r.stderr).not.toContain('internal error');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    const runs = readdirSync(join(dir, 'results', 'huge'));
    const summary = JSON.parse(
      readFileSync(join(dir, 'results', 'huge', runs[0]!, 'summary.json'), 'utf8'),
    ) as RunSummary;
    expect(summary.totals.requests).toBeGreaterThan(0);
    expect(summary.endpoints.length).toBeGreaterThan(0);
    expect(summary.endpoints.length).toBeLessThanOrEqual(MAX_MEASURED_ENDPOINTS);
    expect(summary.endpoints.map((e) => e.name)).not.toContain(`e${MAX_MEASURED_ENDPOINTS}`);
    const note = `the plan has ${STEPS} endpoints; loadctl measures at most ${MAX_MEASURED_ENDPOINTS} one by one`;
    expect(summary.notes.join('\n')).toContain(note);
    // Said before k6 starts, and again under the summary table.
    expect(r.stderr).toContain(`note: ${note}`);
    expect(r.stdout).toContain(note);
    // Loose on purpose (a shared, noisy machine): unbounded, k6 took minutes before its first request.
    expect(tookMs).toBeLessThan(150_000);
  }, 180_000);
});
