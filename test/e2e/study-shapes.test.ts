// The studies' load shapes as the shipped plans carry them, at smoke size (issue 18, part 2). The full-size
// shapes are checked by `k6 inspect` in cli-plans.test.ts (every profile of every shipped plan); here each
// one runs for a few seconds through the real CLI, the real k6 and the demo, shrunk with run's own
// overrides, and the counts show the study's workload ran: the reservation study's seat race, spike and soak,
// and the chatbot study's four tests, each alone with `--scenario` and judged by its own thresholds only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir } from './helpers.js';

interface Resolved {
  profile: string | null;
  plan: {
    scenarios: Record<string, { executor: string; startTime?: string; flow?: string }>;
    thresholds?: Record<string, unknown>;
  };
}

interface DemoStats {
  seatsBooked: number;
  doubleBookings: number;
  payments: number;
  requests: Record<string, number>;
}

interface Run {
  code: number;
  out: string;
  summary: RunSummary;
  resolved: Resolved;
  demo: DemoStats;
}

const read = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const count = (s: RunSummary, metric: string): number => s.metrics[metric]?.values['count'] ?? 0;
const requests = (s: RunSummary, endpoint: string): number =>
  s.endpoints.find((e) => e.name === endpoint)?.requests ?? 0;
const busy = (s: RunSummary): string[] => s.endpoints.filter((e) => e.requests > 0).map((e) => e.name);

async function run(plan: string, args: string[]): Promise<Run> {
  const results = join(await tempDir('shapes'), 'results');
  const r = await runCli(['run', `plans/${plan}.yaml`, ...args, '--results', results, '--no-progress'], {
    timeoutMs: 90_000,
  });
  expect(r.stderr).not.toContain('internal error');
  const planDir = join(results, plan);
  const runs = readdirSync(planDir);
  expect(runs).toHaveLength(1);
  const dir = join(planDir, runs[0]!);
  return {
    code: r.code,
    out: `${r.stdout}\n${r.stderr}`,
    summary: read<RunSummary>(join(dir, 'summary.json')),
    resolved: read<Resolved>(join(dir, 'plan.resolved.json')),
    demo: read<DemoStats>(join(dir, 'demo-stats.json')),
  };
}

describe('the reservation study: seat race, spike and soak', () => {
  it('--profile seat-race: the concurrentReservation scenario races for seats and nobody pays', async () => {
    const r = await run('reservation-flow', ['--profile', 'seat-race', '--vus', '20', '--duration', '3s']);
    expect(r.code, r.out).toBe(0);
    expect(Object.keys(r.resolved.plan.scenarios)).toEqual(['concurrentReservation']);
    expect(r.resolved.plan.scenarios['concurrentReservation']).toMatchObject({
      executor: 'constant-vus',
      flow: 'concurrent-reservation',
    });
    // Each racer logged in once (variables persist across a VU's iterations), then raced over and over.
    expect(requests(r.summary, 'token')).toBe(20);
    expect(requests(r.summary, 'seats')).toBeGreaterThan(20);
    const reserve = requests(r.summary, 'reserve');
    expect(reserve).toBe(count(r.summary, 'seat_reserved') + count(r.summary, 'seat_taken'));
    expect(count(r.summary, 'seat_reserved')).toBe(r.demo.seatsBooked);
    expect(r.demo.doubleBookings).toBe(0);
    expect(busy(r.summary)).not.toContain('pay');
    expect(r.demo.payments).toBe(0);
    expect(Object.keys(r.resolved.plan.thresholds ?? {}).filter((k) => k.includes('name:pay'))).toEqual([]);
  });

  it.each([
    ['spike', '1s:5,1s:5,1s:25,1s:25,1s:5,1s:0'],
    ['soak', '1s:10,3s:10,1s:0'],
  ])('--profile %s runs the typical reservation, every reserved seat paid', async (profile, stages) => {
    const r = await run('reservation-flow', ['--profile', profile, '--stages', stages]);
    expect(r.code, r.out).toBe(0);
    expect(r.summary.profile).toBe(profile);
    expect(r.summary.totals.vusMax).toBeLessThanOrEqual(25);
    expect(count(r.summary, 'seat_reserved')).toBeGreaterThan(0);
    expect(requests(r.summary, 'pay')).toBe(count(r.summary, 'seat_reserved'));
    expect(r.demo.payments).toBe(requests(r.summary, 'pay'));
    expect(r.demo.doubleBookings).toBe(0);
  });
});

describe('the chatbot study: four tests, each runnable alone with --scenario', () => {
  const TESTS: Array<[string, string[], string[]]> = [
    ['load', ['--stages', '1s:2,2s:2'], ['chat']],
    ['streaming', ['--stages', '1s:2,2s:2'], ['chat-stream']],
    ['ab', ['--stages', '1s:2,4s:2'], ['chat-a', 'chat-b']],
    ['memory-stress', ['--vus', '1', '--duration', '2s'], ['chat-long']],
  ];

  it.each(TESTS)(
    '--scenario %s starts at once and is judged on its own traffic',
    async (test, shape, hit) => {
      const r = await run('llm-chat', ['--scenario', test, ...shape]);
      expect(r.code, r.out).toBe(0);
      expect(Object.keys(r.resolved.plan.scenarios)).toEqual([test]);
      // Later in the plan's sequence, yet it started at once: no startTime is left.
      expect(r.resolved.plan.scenarios[test]?.startTime).toBeUndefined();
      expect(r.summary.durationMs).toBeLessThan(60_000);
      expect(busy(r.summary).sort()).toEqual([...hit, 'login'].sort());
      // Only this test's thresholds (and those on no scenario) were judged.
      const judged = r.summary.thresholds.map((t) => t.metric);
      expect(judged.filter((m) => /scenario:/.test(m) && !m.includes(`scenario:${test}`))).toEqual([]);
      expect(judged.some((m) => m.includes(`scenario:${test}`))).toBe(true);
      expect(r.summary.thresholds.filter((t) => t.noData === true)).toEqual([]);
    },
  );
});
