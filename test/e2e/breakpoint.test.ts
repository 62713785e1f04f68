// `loadctl breakpoint` end to end: the real CLI, the real k6 and the demo service given a known capacity.
//
// The demo's capacity knob is a pool of 10 workers with a long queue, and every request takes 50 ms: it serves
// at most 10 ÷ 0.05 s = 200 requests a second. Below that the queue stays empty (latency ≈ 50 ms); above it the
// queue grows by (rate − 200) requests every second, so the latency climbs without bound — a sharp knee.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LevelResult, Verdict } from '../../src/breakpoint/verdict.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';

const CAPACITY = 200;

const PLAN = (demo: string) => `
name: cap
targets:
  local:
    demo: ${demo}
scenarios:
  browse: { executor: constant-arrival-rate, rate: 100, duration: 10s, preAllocatedVUs: 20, flow: browse }
flows:
  browse:
    steps:
      - name: dates
        path: /reservations/available/dates
        expect: 401 # no token: the demo answers 401 after its latency, which is all this test needs
`;

interface BreakpointDoc {
  schema: string;
  model: string;
  unit: string;
  verdict: Verdict;
  levels: LevelResult[];
  stoppedBecause: string | null;
  ramp: { levels: Array<{ level: number; target: number }>; maxVUs?: number };
}

async function breakpoint(demo: string, args: string[]) {
  const dir = await tempDir('breakpoint');
  const results = join(dir, 'results');
  const file = await writePlan(dir, 'cap.yaml', PLAN(demo));
  const r = await runCli(['breakpoint', file, '--results', results, '--no-progress', ...args], {
    cwd: dir,
    timeoutMs: 60_000,
  });
  expect(r.stderr).not.toContain('internal error');
  // Kept apart from the plan's own runs, so `compare` never takes a breakpoint run for one of them.
  const runs = readdirSync(join(results, 'cap.breakpoint'));
  expect(runs).toHaveLength(1);
  const runDir = join(results, 'cap.breakpoint', runs[0] ?? '');
  const read = <T>(name: string) => JSON.parse(readFileSync(join(runDir, name), 'utf8')) as T;
  return {
    r,
    runDir,
    doc: read<BreakpointDoc>('breakpoint.json'),
    summary: read<RunSummary>('summary.json'),
    stats: read<{ capacity: { peakInFlight: number; queued: number; rejected: number } | null }>(
      'demo-stats.json',
    ),
    series: read<{ points: unknown[] }>('series.json'),
  };
}

describe('loadctl breakpoint (real k6, demo service with a capacity)', () => {
  it('open model: finds the configured capacity within one level', async () => {
    // Levels 120, 160, 200, 240, 280, 320 iterations/s (one request each), 4 s apiece.
    const { r, doc, summary, stats, series } = await breakpoint(
      '{ latencyMs: 50, capacity: { maxConcurrent: 10, queue: 1000 } }',
      ['--slo', 'p95<250ms,errors<1%', '--start', '120', '--max-rate', '320', '--steps', '6', '--step', '4s'],
    );
    expect(r.code).toBe(0);
    expect(doc).toMatchObject({ schema: 'loadctl.breakpoint/v1', model: 'open', unit: 'iterations/s' });
    expect(doc.verdict.kind).toBe('found');
    if (doc.verdict.kind !== 'found') return;
    // Tolerance: one level (40/s, 20% of the capacity). 240/s is 20% over the capacity: its queue grows by
    // 40 requests a second and the p95 passes 250 ms within about two seconds. 200/s is the capacity itself:
    // the few percent a busy machine adds to each request's 50 ms can tip it either way. 160/s leaves the
    // workers 20% idle, and holds unless the machine stalls for a quarter of a second.
    expect(doc.verdict.broke.target).toBeGreaterThanOrEqual(CAPACITY);
    expect(doc.verdict.broke.target).toBeLessThanOrEqual(CAPACITY + 40);
    expect(doc.verdict.held?.target).toBe(doc.verdict.broke.target - 40);
    expect(doc.verdict.first.map((b) => b.kind)).toEqual(['latency']);
    expect(doc.verdict.first[0]?.endpoints.map((e) => e.name)).toEqual(['dates']);
    // Every level below the break held, and got the rate it was given.
    const below = doc.levels.filter((l) => l.target < doc.verdict.broke.target);
    expect(below.map((l) => l.status)).toEqual(below.map(() => 'held'));
    for (const l of below) expect(Math.abs((l.rps ?? 0) - l.target) / l.target).toBeLessThan(0.1);
    // It stopped at the break instead of running the levels above it.
    expect(doc.levels.at(-1)?.target).toBe(doc.verdict.broke.target);
    expect(doc.stoppedBecause).toMatch(/^the SLO broke at level \d/);
    expect(summary.notes.some((n) => n.startsWith('loadctl stopped k6 early'))).toBe(true);
    // summary.json keeps the run's own outcome: passed, or generator-saturated when the VU pool ran out as the
    // target slowed down (docs/breakpoint.md) — never a k6 error for the stop loadctl asked for.
    expect(['passed', 'generator-saturated']).toContain(summary.outcome.kind);
    // The demo service really was the bottleneck: all 10 workers busy, a queue, nothing turned away.
    expect(stats.capacity).toMatchObject({ peakInFlight: 10, rejected: 0 });
    expect(stats.capacity?.queued).toBeGreaterThan(0);
    expect(series.points.length).toBeGreaterThan(5);
    expect(r.stdout).toContain('✓ breaking point: held level');
    expect(r.stdout).toContain('broke first: latency — p95');
  });

  it('closed model: VUs until the queue makes requests too slow', async () => {
    // With 10 workers and 50 ms each, N looping VUs wait N × 5 ms per request: 50 VUs 250 ms, 60 VUs 300 ms.
    const { r, doc } = await breakpoint('{ latencyMs: 50, capacity: { maxConcurrent: 10, queue: 1000 } }', [
      '--closed',
      '--slo',
      'p95<275ms',
      '--start',
      '30',
      '--max-vus',
      '70',
      '--steps',
      '5',
      '--step',
      '3s',
    ]);
    expect(r.code).toBe(0);
    expect(doc.unit).toBe('VUs');
    expect(doc.verdict.kind).toBe('found');
    if (doc.verdict.kind !== 'found') return;
    // Tolerance: one level (10 VUs). 60 VUs wait 300 ms; 50 VUs wait 250 ms, which a busy machine's extra
    // milliseconds per request (10% over) could push past 275 ms.
    expect([50, 60]).toContain(doc.verdict.broke.target);
    expect(doc.verdict.held?.target).toBe(doc.verdict.broke.target - 10);
    // The throughput stays at the capacity whatever the VUs: the knee is in the latency.
    for (const l of doc.levels) expect(Math.abs((l.rps ?? 0) - CAPACITY) / CAPACITY).toBeLessThan(0.2);
  });

  it('a generator that cannot keep the rate is reported as such, not as the target breaking (exit 5)', async () => {
    // 2 VUs at 50 ms an iteration deliver at most 40 iterations a second: 60/s cannot be kept.
    const { r, doc } = await breakpoint('{ latencyMs: 50 }', [
      '--slo',
      'p95<250ms,errors<1%',
      '--start',
      '10',
      '--max-rate',
      '60',
      '--max-vus',
      '2',
      '--steps',
      '3',
      '--step',
      '3s',
    ]);
    expect(r.code).toBe(5);
    expect(doc.verdict.kind).toBe('generator-saturated');
    if (doc.verdict.kind !== 'generator-saturated') return;
    expect(doc.verdict.reasons.map((x) => x.kind)).toContain('dropped-iterations');
    expect(doc.levels.at(-1)?.status).toBe('generator');
    expect(r.stdout).toContain("that is the load generator's limit, not the target's");
    expect(r.stdout).toContain("the search's VU pool is --max-vus (2 here)");
  });
});
