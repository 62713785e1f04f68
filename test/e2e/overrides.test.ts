// `run --vus/--duration/--stages/--scenario/-e` with the real k6 against the demo service: k6's own numbers
// and the server's counts confirm each override (docs/plans.md#command-line-overrides). A few seconds of
// load each; the assertions are bounds that hold on a busy machine, not timings.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';

// Two scenarios, each with its own flow and route. Flow `a` reads its path from ${env.WHERE}: the plan's
// default is a path the demo does not serve (404), so only `-e WHERE=health` makes its checks pass.
const PLAN = `
name: ovr
targets:
  local: { demo: true }
env:
  WHERE: nowhere
flows:
  a:
    think: 50ms
    steps:
      - name: a
        path: '/\${env.WHERE}'
        expect: [200, 404]
        checks: [{ status: 200 }]
  b:
    think: 50ms
    steps:
      - name: b
        path: /reservations/available/dates
        expect: [200, 401]
scenarios:
  a: { executor: constant-vus, vus: 1, duration: 20s, flow: a, gracefulStop: 2s }
  b: { executor: constant-vus, vus: 1, duration: 20s, flow: b, gracefulStop: 2s }
`;

interface DemoStats {
  requests: Record<string, number>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

function onlyRunDir(results: string): string {
  const runs = readdirSync(join(results, 'ovr'));
  expect(runs).toHaveLength(1);
  return join(results, 'ovr', runs[0]!);
}

async function run(args: string[]) {
  const dir = await tempDir('overrides');
  const file = await writePlan(dir, 'ovr.yaml', PLAN);
  const results = join(dir, 'results');
  const r = await runCli(['run', file, '--results', results, '--no-progress', ...args], { cwd: dir });
  expect(r.stderr).not.toContain('internal error');
  expect(r.code, r.stderr).toBe(0);
  const runDir = onlyRunDir(results);
  return {
    r,
    summary: readJson<RunSummary>(join(runDir, 'summary.json')),
    demo: readJson<DemoStats>(join(runDir, 'demo-stats.json')),
    meta: readJson<{ overrides?: unknown }>(join(runDir, 'meta.json')),
    resolved: readJson<{ overrides?: unknown; plan: { scenarios: Record<string, unknown> } }>(
      join(runDir, 'plan.resolved.json'),
    ),
  };
}

describe('run overrides (real k6, demo target)', () => {
  it('--scenario a --vus 3 --duration 3s -e WHERE=health: only a, 3 VUs for 3 s, -e in the path', async () => {
    const { r, summary, demo, meta, resolved } = await run([
      '--scenario',
      'a',
      '--vus',
      '3',
      '--duration',
      '3s',
      '-e',
      'WHERE=health',
    ]);
    // k6's own numbers: at most and at least 3 VUs, and a test of 3 s plus at most its graceful stop.
    expect(summary.totals.vusMax).toBe(3);
    expect(summary.durationMs).toBeGreaterThanOrEqual(2900);
    expect(summary.durationMs).toBeLessThan(3000 + 2000 + 1000);
    // Only scenario a's requests happened, every one to the path -e gave.
    const a = summary.endpoints.find((e) => e.name === 'a')!;
    expect(a.requests).toBeGreaterThan(0);
    expect(demo.requests['GET /health']).toBe(a.requests);
    expect(demo.requests['GET /reservations/available/dates'] ?? 0).toBe(0);
    expect(demo.requests['(unmatched)'] ?? 0).toBe(0);
    expect(summary.endpoints.find((e) => e.name === 'b')?.requests ?? 0).toBe(0);
    const recorded = { scenarios: ['a'], vus: 3, duration: '3s', env: { WHERE: 'health' } };
    expect(meta.overrides).toEqual(recorded);
    expect(resolved.overrides).toEqual(recorded);
    expect(Object.keys(resolved.plan.scenarios)).toEqual(['a']);
    expect(r.stdout).toContain('overrides: --scenario a --vus 3 --duration 3s -e WHERE=…');
  });

  it('--scenario b --stages 1s:2,1s:0: a ramp of b alone, never above 2 VUs', async () => {
    const { summary, demo, resolved } = await run(['--scenario', 'b', '--stages', '1s:2,1s:0']);
    expect(summary.totals.vusMax).toBeGreaterThanOrEqual(1);
    expect(summary.totals.vusMax).toBeLessThanOrEqual(2);
    // Two seconds of stages, not the plan's 20 s.
    expect(summary.durationMs).toBeLessThan(2000 + 2000 + 1000);
    const b = summary.endpoints.find((e) => e.name === 'b')!;
    expect(b.requests).toBeGreaterThan(0);
    expect(demo.requests['GET /reservations/available/dates']).toBe(b.requests);
    expect(demo.requests['GET /health'] ?? 0).toBe(0);
    expect(demo.requests['(unmatched)'] ?? 0).toBe(0);
    expect(resolved.plan.scenarios).toEqual({
      b: {
        executor: 'ramping-vus',
        flow: 'b',
        gracefulStop: '2s',
        stages: [
          { duration: '1s', target: 2 },
          { duration: '1s', target: 0 },
        ],
      },
    });
  });
});
