// A run split over several local k6 processes (docs/distributed.md), end to end: the real k6 runners, the
// demo service counting what reached it, loadctl's collector merging their streams.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoService, type DemoService } from '../../src/demo/index.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import type { Frame } from '../../src/samples/frames.js';
import { runCli, startCli, tempDir, writePlan } from './helpers.js';

interface Meta {
  runners: Array<{
    id: string;
    exit: string;
    exitCode: number | null;
    problem: string | null;
    final: boolean;
  }>;
  runnersStopped?: { reason: string; at: string };
  partial?: boolean;
}

function onlyRun(results: string, plan: string): string {
  const runs = readdirSync(join(results, plan));
  expect(runs).toHaveLength(1);
  return join(results, plan, runs[0] ?? '');
}

function readRun(runDir: string) {
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  const meta = JSON.parse(readFileSync(join(runDir, 'meta.json'), 'utf8')) as Meta;
  const frames = readFileSync(join(runDir, 'frames.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Frame);
  return { summary, meta, frames };
}

/** k6's percentile: linear between the neighbouring ranks of the sorted values. */
function k6Percentile(sorted: readonly number[], p: number): number {
  const i = (p / 100) * (sorted.length - 1);
  const lo = sorted[Math.floor(i)] ?? NaN;
  const hi = sorted[Math.ceil(i)] ?? NaN;
  return lo + (hi - lo) * (i - Math.floor(i));
}

const target = (url: string) => `targets:
  t: { url: '${url}' }
defaultTarget: t
`;

describe('runners: one plan split over three local k6 processes', () => {
  let demo: DemoService;
  let dir: string;
  let out: Awaited<ReturnType<typeof runCli>>;
  let run: ReturnType<typeof readRun>;

  beforeAll(async () => {
    demo = await startDemoService({ port: 0 });
    dir = await tempDir('runners');
    const plan = await writePlan(
      dir,
      'split.yaml',
      `name: split
${target(demo.url)}scenarios:
  shared: { executor: shared-iterations, vus: 5, iterations: 101, maxDuration: 30s, flow: dates }
  pervu: { executor: per-vu-iterations, vus: 7, iterations: 3, maxDuration: 30s, flow: dates }
setup:
  steps:
    - { name: signup, method: POST, path: /api/auth/signup, json: { email: a@b.c, password: pw123456 } }
teardown:
  steps:
    - { name: login, method: POST, path: /api/auth/login, json: { email: a@b.c, password: pw123456 } }
flows:
  dates:
    steps:
      - { name: health, path: /health }
thresholds:
  http_req_failed: ['rate<0.01']
`,
    );
    out = await runCli(
      ['run', plan, '--runners', '3', '--per-runner', '--results', join(dir, 'results'), '--no-progress'],
      { timeoutMs: 90_000 },
    );
    run = readRun(onlyRun(join(dir, 'results'), 'split'));
  }, 120_000);

  afterAll(async () => {
    await demo?.close();
  });

  it('runs setup() once and teardown() once, and the target sees exactly the plan’s iterations', () => {
    expect(out.code, out.stderr).toBe(0);
    const seen = demo.stats().requests;
    expect(seen['POST /api/auth/signup']).toBe(1);
    expect(seen['POST /api/auth/login']).toBe(1);
    expect(seen['GET /health']).toBe(101 + 7 * 3);
    expect(run.summary.notes).toContain('setup() ran once, on runner-1');
    expect(run.summary.notes).toContain('teardown() ran once, on runner-1');
  });

  it('merges counts exactly: the summary’s are the target’s, and the sum of the runners’', () => {
    const rows = run.summary.runners ?? [];
    expect(rows.map((r) => r.segment)).toEqual(['0:1/3', '1/3:2/3', '2/3:1']);
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
    expect(run.summary.totals.requests).toBe(101 + 7 * 3 + 2);
    expect(sum((r) => r.requests)).toBe(run.summary.totals.requests);
    expect(sum((r) => r.iterations)).toBe(run.summary.totals.iterations);
    expect(run.summary.totals.iterations).toBe(101 + 7 * 3);
    for (const r of rows) expect(r.requests).toBeGreaterThan(0);
    // Each runner ran exactly the share loadctl computed for it (and announced), as k6 splits it.
    for (const [i, m] of run.meta.runners.entries()) {
      const planned = Object.values(m.share ?? {}).reduce((n, s) => n + (s.iterations ?? 0), 0);
      expect(rows[i]?.iterations, m.id).toBe(planned);
    }
    expect(out.stderr).toMatch(
      /runner-1 local 0:1\/3: shared 2 VUs, \d+ iterations · pervu 3 VUs, 9 iterations/,
    );
    expect(run.meta.runners.map((r) => [r.id, r.exitCode, r.final])).toEqual([
      ['runner-1', 0, true],
      ['runner-2', 0, true],
      ['runner-3', 0, true],
    ]);
    expect(out.stdout).toMatch(/runner-3 \(local\)\s+2\/3:1/);
  });

  it('merges percentiles: the union of the runners’ request durations, within the histogram’s 0.1 %', () => {
    // With a few requests a period, every frame carries its durations one by one (integer ns): the union of
    // the three runners' raw values, to compare the merged histogram's percentile with.
    const values: number[] = [];
    for (const f of run.frames)
      for (const s of f.series)
        if (s.metric === 'http_req_duration') {
          expect(s.values, 'a frame with a histogram instead of values').toBeDefined();
          values.push(...(s.values ?? []).map((ns) => ns / 1e6));
        }
    expect(new Set(run.frames.map((f) => f.instance))).toEqual(new Set(['runner-1', 'runner-2', 'runner-3']));
    values.sort((a, b) => a - b);
    expect(values).toHaveLength(run.summary.totals.requests);
    for (const p of ['p(90)', 'p(95)', 'p(99)'] as const) {
      const exact = k6Percentile(values, Number(p.slice(2, -1)));
      const merged = run.summary.latency[p] ?? NaN;
      expect(Math.abs(merged - exact) / exact, `${p}: merged ${merged} exact ${exact}`).toBeLessThan(0.001);
    }
  });
});

describe('runners: a threshold breach and a runner that dies', () => {
  let demo: DemoService;
  let dir: string;

  beforeAll(async () => {
    demo = await startDemoService({ port: 0, errorRate: 1 });
    dir = await tempDir('runners-stop');
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('a failed abortOnFail threshold on the merged stream stops every runner within 2 s', async () => {
    const plan = await writePlan(
      dir,
      'abort.yaml',
      `name: abort
${target(demo.url)}scenarios:
  steady: { executor: constant-vus, vus: 2, duration: 40s, flow: dates }
flows:
  dates:
    steps:
      - { name: dates, path: /reservations/available/dates }
    think: 50ms
thresholds:
  http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: 1s }]
`,
    );
    const results = join(dir, 'abort-results');
    const started = Date.now();
    const out = await runCli(['run', plan, '--runners', '2', '--results', results, '--no-progress'], {
      timeoutMs: 60_000,
    });
    expect(out.code, out.stderr).toBe(99);
    expect(Date.now() - started).toBeLessThan(25_000);
    const { meta, frames, summary } = readRun(onlyRun(results, 'abort'));
    // A gauge of several k6 processes is their sum: one VU on each runner is the plan's two.
    expect(summary.totals.vusMax).toBe(2);
    expect(meta.runnersStopped?.reason).toMatch(/http_req_failed rate<0\.5 failed/);
    const stoppedAt = Date.parse(meta.runnersStopped?.at ?? '');
    for (const id of ['runner-1', 'runner-2']) {
      const busy = frames.filter(
        (f) => f.instance === id && f.series.some((s) => s.metric === 'http_reqs' && s.count > 0),
      );
      expect(busy.length, id).toBeGreaterThan(0);
      // The period of its last request ended at most 2 s after the stop.
      const lastEnd = Math.max(...busy.map((f) => f.start + f.periodMs));
      expect(lastEnd - stoppedAt, id).toBeLessThanOrEqual(2000);
    }
    expect(meta.runners.map((r) => r.final)).toEqual([true, true]);
  }, 70_000);

  async function killMidRun(planName: string, extra: string[]) {
    const plan = await writePlan(
      dir,
      `${planName}.yaml`,
      `name: ${planName}
${target(demo.url)}scenarios:
  steady: { executor: constant-vus, vus: 3, duration: 8s, flow: health }
flows:
  health:
    steps:
      - { name: health, path: /health }
    think: 20ms
`,
    );
    const results = join(dir, `${planName}-results`);
    const cli = startCli(['run', plan, '--runners', '3', '--results', results, '--no-progress', ...extra], {
      timeoutMs: 60_000,
    });
    // Once runner-2 has pushed a frame with requests, it is killed the hard way.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const runs = existsSync(join(results, planName)) ? readdirSync(join(results, planName)) : [];
      const file = runs[0] ? join(results, planName, runs[0], 'frames.ndjson') : '';
      if (
        file !== '' &&
        existsSync(file) &&
        /"instance":"runner-2"[^\n]*"http_reqs"/.test(readFileSync(file, 'utf8'))
      )
        break;
      if (Date.now() > deadline) throw new Error('runner-2 pushed no frame with requests');
      await new Promise((r) => setTimeout(r, 100));
    }
    const killedAt = Date.now();
    execFileSync('pkill', ['-KILL', '-f', 'instance=runner-2']);
    const out = await cli.done;
    return { out, killedAt, endedAt: Date.now(), run: readRun(onlyRun(results, planName)) };
  }

  it('a runner killed mid-run is named, the others are stopped, and what it sent is kept', async () => {
    const { out, killedAt, endedAt, run } = await killMidRun('dies', []);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/runner-2 \(local\) ended mid-run \(killed by SIGKILL\)/);
    expect(endedAt - killedAt).toBeLessThan(6000);
    const [r1, r2, r3] = run.meta.runners;
    expect(r2?.problem).toMatch(/ended mid-run \(killed by SIGKILL\)/);
    expect(r2?.final).toBe(false);
    expect([r1?.exitCode, r3?.exitCode]).toEqual([103, 103]);
    const rows = run.summary.runners ?? [];
    expect(rows[1]?.requests).toBeGreaterThan(0);
    expect(rows.reduce((a, r) => a + r.requests, 0)).toBe(run.summary.totals.requests);
    expect(run.summary.partial).toBe(false);
  }, 70_000);

  it('with --keep-going the others run to the end, and the run is marked partial', async () => {
    const { out, run } = await killMidRun('goes-on', ['--keep-going']);
    expect(out.code).not.toBe(0);
    expect(run.summary.partial).toBe(true);
    expect(run.summary.notes.join('\n')).toMatch(/partial run/);
    const [r1, , r3] = run.meta.runners;
    expect([r1?.exitCode, r3?.exitCode]).toEqual([0, 0]);
    expect(run.meta.runnersStopped).toBeUndefined();
  }, 70_000);

  it('a runner that cannot be placed is named before anything runs', async () => {
    const plan = join(dir, 'abort.yaml');
    const before = demo.stats().requests['GET /reservations/available/dates'] ?? 0;
    expect(before).toBeGreaterThan(0);
    const out = await runCli(
      ['run', plan, '--runner', 'local', '--runner', 'netns:lc-no-such-ns', '--results', join(dir, 'r3')],
      { timeoutMs: 30_000 },
    );
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/runner-2 \(netns:lc-no-such-ns\)/);
    expect(demo.stats().requests['GET /reservations/available/dates'] ?? 0).toBe(before);
  }, 40_000);
});
