// `loadctl run` end to end: the real CLI, the real k6, the built-in demo service on loopback.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, startCli, tempDir, writePlan } from './helpers.js';

function onlyRunDir(results: string, plan: string): string {
  const runs = readdirSync(join(results, plan));
  expect(runs).toHaveLength(1);
  return join(results, plan, runs[0]!);
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

const RACE = (vus: number, iterations: number, seats: number) => `
name: race
targets:
  local:
    demo: { seatsPerSchedule: ${seats} }
metrics:
  seat_won: { type: counter }
scenarios:
  race: { executor: per-vu-iterations, vus: ${vus}, iterations: ${iterations}, maxDuration: 30s, flow: race }
thresholds:
  http_req_failed: ['rate<0.01']
flows:
  race:
    steps:
      - if: '!\${vars.token}'
        steps:
          - name: token
            method: POST
            path: /auth/token
            json: { username: 'u\${vu}', password: pw }
            extract: { token: { json: $.token } }
      # Every VU goes for the same seat, so exactly one wins it.
      - name: reserve
        method: POST
        path: /reservations
        headers: { Authorization: 'Bearer \${vars.token}' }
        json: { scheduleId: 1, seatId: '\${iter}' }
        expect: [201, 409]
        checks: [{ status: [201, 409] }]
        record: [{ metric: seat_won, when: { status: 201 } }]
invariants:
  - name: no double bookings
    path: /admin/stats
    expect: [{ json: $.doubleBookings, equals: 0 }]
`;

describe('loadctl run (real k6, demo service)', () => {
  it('runs a seat race: one winner per seat, the rest 409 as expected, zero double bookings', async () => {
    const dir = await tempDir('race');
    const results = join(dir, 'results');
    // 30 VUs, 4 iterations each, all racing for seat 3: one 201, 119 × 409.
    const file = await writePlan(dir, 'race.yaml', RACE(30, 4, 10).replace("seatId: '${iter}'", 'seatId: 3'));
    const r = await runCli(['run', file, '--results', results, '--no-progress'], { cwd: dir });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const runDir = onlyRunDir(results, 'race');
    const summary = readJson<RunSummary>(join(runDir, 'summary.json'));
    const reserve = summary.endpoints.find((e) => e.name === 'reserve')!;
    expect(reserve.requests).toBe(30 * 4);
    expect(reserve.statuses).toEqual({ '201': 1, '409': 30 * 4 - 1 });
    expect(reserve.failed).toBe(0);
    expect(summary.metrics['seat_won']?.values['count']).toBe(1);
    expect(summary.invariants).toEqual([
      { name: 'no double bookings', ok: true, detail: '$.doubleBookings == 0 (observed 0)' },
    ]);
    // The server saw exactly what loadctl reports.
    const demo = readJson<{ requests: Record<string, number>; seatsBooked: number; doubleBookings: number }>(
      join(runDir, 'demo-stats.json'),
    );
    expect(demo.requests['POST /reservations']).toBe(reserve.requests);
    expect(demo.requests['POST /auth/token']).toBe(
      summary.endpoints.find((e) => e.name === 'token')!.requests,
    );
    expect(demo.seatsBooked).toBe(1);
    expect(demo.doubleBookings).toBe(0);
    // k6 kept no metrics of its own: loadctl's counts come from its stream, and equal the server's.
    expect(existsSync(join(runDir, 'k6-summary.json'))).toBe(false);
    expect(summary.notes.join(' ')).toContain("loadctl's metric stream");
    expect(summary.totals.requests).toBe(Object.values(demo.requests).reduce((a, b) => a + b, 0));
    for (const f of [
      'meta.json',
      'series.json',
      'frames.ndjson',
      'plan.resolved.json',
      'script.js',
      'options.json',
      'k6.log',
    ])
      expect(existsSync(join(runDir, f))).toBe(true);
    expect(r.stdout).toContain('✓ PASSED');
    expect(r.stdout).toMatch(/reserve\s+120 .*201: 1 · 409: 119/);
  });

  it('fails the run when the service double-books (a broken invariant exits 6)', async () => {
    const dir = await tempDir('double');
    // One login in setup, so every VU's first request is the reservation: they all hit the same seat at once.
    const text = `
name: race
targets:
  local: { demo: { seatsPerSchedule: 10, allowDoubleBooking: true } }
scenarios:
  race: { executor: per-vu-iterations, vus: 40, iterations: 2, maxDuration: 30s, flow: race }
setup:
  steps:
    - name: token
      method: POST
      path: /auth/token
      json: { username: racer, password: pw }
      extract: { token: { json: $.token } }
flows:
  race:
    steps:
      - name: reserve
        method: POST
        path: /reservations
        headers: { Authorization: 'Bearer \${vars.token}' }
        json: { scheduleId: 1, seatId: 5 }
        expect: [201, 409]
invariants:
  - name: no double bookings
    path: /admin/stats
    expect: [{ json: $.doubleBookings, equals: 0 }]
`;
    const file = await writePlan(dir, 'race.yaml', text);
    const r = await runCli(['run', file, '--results', join(dir, 'results'), '--no-progress'], { cwd: dir });
    expect(r.code).toBe(6);
    expect(r.stdout).toMatch(/✗ no double bookings: expected \$\.doubleBookings == 0 \(observed [1-9]\d*\)/);
    expect(r.stdout).toContain('✗ invariants failed after the run: no double bookings');
  });

  it('exits 99 naming the threshold the slowed-down demo service breaks', async () => {
    const dir = await tempDir('slow');
    const file = await writePlan(
      dir,
      'slow.yaml',
      `
name: slow
targets:
  local: { demo: { latencyMs: 40 } }
scenarios:
  s: { executor: constant-vus, vus: 2, duration: 2s, flow: f }
thresholds:
  'http_req_duration{name:balance}': ['p(95)<20']
  http_req_failed: ['rate<0.5']
flows:
  f:
    steps:
      - name: health
        path: /health
      - name: balance
        path: /points/balance
        expect: 401
`,
    );
    const r = await runCli(['run', file, '--results', join(dir, 'results'), '--no-progress'], { cwd: dir });
    expect(r.code).toBe(99);
    expect(r.stdout).toMatch(/✗\s+http_req_duration\{name:balance\}\s+p\(95\)<20\s+\d+\.\dms/);
    expect(r.stdout).toContain('✗ thresholds failed: http_req_duration{name:balance} p(95)<20');
    const summary = readJson<RunSummary>(join(onlyRunDir(join(dir, 'results'), 'slow'), 'summary.json'));
    expect(summary.outcome).toEqual({
      kind: 'thresholds-failed',
      failed: ['http_req_duration{name:balance} p(95)<20'],
      aborted: false,
    });
    expect(summary.endpoints.find((e) => e.name === 'balance')?.duration['p(95)']).toBeGreaterThan(39);
  });

  it('stops gracefully on Ctrl-C: exit 130, a valid partial summary, everything readable', async () => {
    const dir = await tempDir('sigint');
    const results = join(dir, 'results');
    const file = await writePlan(
      dir,
      'long.yaml',
      `
name: long
targets:
  local: { demo: true }
scenarios:
  s: { executor: constant-vus, vus: 3, duration: 60s, gracefulStop: 2s, flow: f }
flows:
  f:
    steps:
      - name: health
        path: /health
        think: 50ms
`,
    );
    const run = startCli(['run', file, '--results', results, '--no-progress'], { cwd: dir });
    // Wait until k6 has sent traffic (the run folder and its k6.log exist), then press Ctrl-C once.
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 250));
      if (
        existsSync(join(results, 'long')) &&
        readdirSync(join(results, 'long')).length > 0 &&
        Date.now() - started > 3000
      )
        break;
    }
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('stopping k6 gracefully');
    const runDir = onlyRunDir(results, 'long');
    const summary = readJson<RunSummary>(join(runDir, 'summary.json'));
    expect(summary.outcome.kind).toBe('interrupted');
    expect(summary.totals.requests).toBeGreaterThan(10);
    expect(summary.durationMs).toBeLessThan(30_000);
    const meta = readJson<{ outcome: string; exitCode: number }>(join(runDir, 'meta.json'));
    expect(meta).toMatchObject({ outcome: 'interrupted', exitCode: 130 });
    expect(readJson<{ points: unknown[] }>(join(runDir, 'series.json')).points.length).toBeGreaterThan(0);
    expect(r.stdout).toContain('interrupted: the partial run was kept and summarized');
  });
  it('stops k6 at once on a second Ctrl-C and still keeps a readable summary from the live data', async () => {
    const dir = await tempDir('sigint2');
    const results = join(dir, 'results');
    const file = await writePlan(
      dir,
      'long.yaml',
      `
name: long
targets:
  local: { demo: true }
scenarios:
  s: { executor: constant-vus, vus: 3, duration: 60s, flow: f }
# k6 runs teardown after a graceful stop: this one would keep it busy for 20 s.
teardown:
  steps:
    - sleep: 20s
flows:
  f:
    steps:
      - name: quick
        path: /health
        think: 100ms
`,
    );
    const run = startCli(['run', file, '--results', results, '--no-progress'], { cwd: dir });
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 250));
      if (existsSync(join(results, 'long')) && Date.now() - started > 3500) break;
    }
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1500));
    run.child.kill('SIGINT');
    const r = await run.done;
    // The second Ctrl-C does not wait out the 20 s teardown.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('stopping k6 now');
    const summary = readJson<RunSummary>(join(onlyRunDir(results, 'long'), 'summary.json'));
    expect(summary.outcome.kind).toBe('interrupted');
    // k6 was killed before its output's last frame: the summary comes from the frames written until then,
    // per endpoint too.
    expect(summary.totals.requests).toBeGreaterThan(10);
    expect(summary.endpoints.find((e) => e.name === 'quick')?.requests).toBe(summary.totals.requests);
    expect(summary.notes.join(' ')).toContain('did not write its last frame');
  });
});

describe('loadctl run: the environment, explained', () => {
  const PLAN = `
name: env
targets:
  local: { demo: true }
  closed: { url: 'http://127.0.0.1:9' }
defaultTarget: local
scenarios:
  s: { executor: shared-iterations, vus: 1, iterations: 1, flow: f }
flows:
  f:
    steps:
      - path: /health
`;

  it('k6 missing: exit 3 with the fix', async () => {
    const dir = await tempDir('nok6');
    const file = await writePlan(dir, 'p.yaml', PLAN);
    const r = await runCli(['run', file, '--results', join(dir, 'results')], {
      cwd: dir,
      env: { LOADCTL_K6_BIN: join(dir, 'no-such-k6') },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `LOADCTL_K6_BIN is set to ${join(dir, 'no-such-k6')}, but there is no file there.`,
    );
    expect(r.stderr).toContain('fix:');
  });

  it('a results folder that cannot be written: exit 3, nothing lost', async () => {
    const dir = await tempDir('ro');
    const file = await writePlan(dir, 'p.yaml', PLAN);
    // root ignores permission bits; a file where the folder should be fails for everyone.
    const blocked = join(dir, 'blocked');
    await writeFile(blocked, 'not a folder');
    const r = await runCli(['run', file, '--results', join(blocked, 'sub')], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/results folder: cannot write to .*blocked/);
    expect(readFileSync(blocked, 'utf8')).toBe('not a folder');
  });

  it('a target that refuses connections: exit 3 naming it', async () => {
    const dir = await tempDir('closed');
    const file = await writePlan(dir, 'p.yaml', PLAN);
    const r = await runCli(['run', file, '--target', 'closed', '--results', join(dir, 'results')], {
      cwd: dir,
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('✗ target closed: TCP connect: 127.0.0.1:9 refused the connection');
    expect(r.stderr).toContain('fix: start the service');
    const skipped = await runCli(
      ['run', file, '--target', 'closed', '--skip-preflight', '--results', join(dir, 'results')],
      { cwd: dir },
    );
    expect(skipped.stderr).toContain('preflight skipped (--skip-preflight)');
    expect(skipped.code).toBe(0); // no thresholds: k6 counts the refused requests as failed, nothing fails the run
  });
});

describe('loadctl run with an existing k6 script (script:)', () => {
  it('runs plans/examples/existing-script.yaml: the script’s thresholds, checks and custom Rate plus the plan’s', async () => {
    const dir = await tempDir('script');
    const results = join(dir, 'results');
    const r = await runCli([
      'run',
      'plans/examples/existing-script.yaml',
      '--profile',
      'smoke',
      '--results',
      results,
      '--no-progress',
    ]);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const summary = readJson<RunSummary>(join(onlyRunDir(results, 'existing-script'), 'summary.json'));
    expect(summary.thresholds.map((t) => `${t.metric} ${t.expression}`).sort()).toEqual(
      [
        'checks rate>0.99',
        'http_req_duration p(95)<500',
        'http_req_duration{name:reserve} p(95)<500',
        'http_req_duration{name:seats} p(95)<500',
        'http_req_failed rate<0.01',
        'reserve_answered rate>0.99',
      ].sort(),
    );
    expect(summary.metrics['reserve_answered']?.type).toBe('rate');
    expect(summary.endpoints.map((e) => e.name).sort()).toEqual(['reserve', 'seats']);
    // The smoke profile's 5 VUs for 5 s replaced the script's stages (1 iteration/s per VU: sleep(1)).
    expect(summary.totals.vusMax).toBe(5);
    expect(summary.durationMs).toBeLessThan(15_000);
    const seats = summary.endpoints.find((e) => e.name === 'seats')!;
    expect(seats.requests).toBe(summary.totals.iterations);
    const demo = readJson<{ requests: Record<string, number> }>(
      join(onlyRunDir(results, 'existing-script'), 'demo-stats.json'),
    );
    expect(demo.requests['GET /reservations/available/seat']).toBe(seats.requests);
  });

  it('fails with 99 when the script’s own threshold fails', async () => {
    const dir = await tempDir('script-fail');
    await writeFile(
      join(dir, 'mine.js'),
      `import http from 'k6/http';
export const options = { vus: 2, iterations: 6, thresholds: { http_req_duration: ['max<1'] } };
export default function () { http.get(__ENV.BASE_URL + '/health'); }
`,
    );
    const file = await writePlan(
      dir,
      'p.yaml',
      'name: mine\nscript: mine.js\ntargets:\n  local: { demo: { latencyMs: 5 } }\nscenarios: {}\n',
    );
    const r = await runCli(['run', file, '--results', join(dir, 'results'), '--no-progress'], { cwd: dir });
    expect(r.code).toBe(99);
    expect(r.stdout).toContain('✗ thresholds failed: http_req_duration max<1');
  });
});

describe('loadctl run --samples (raw samples → HDR aggregates)', () => {
  it('agrees with k6’s own summary and adds exact per-second percentiles and status classes', async () => {
    const dir = await tempDir('samples');
    const results = join(dir, 'results');
    const file = await writePlan(
      dir,
      'p.yaml',
      `
name: samples
targets:
  local: { demo: { latencyMs: 2, jitterMs: 6 } }
scenarios:
  s: { executor: constant-vus, vus: 4, duration: 3s, flow: f }
flows:
  f:
    steps:
      - name: health
        path: /health
      - name: balance
        path: /points/balance
        expect: 401
`,
    );
    // k6's own summary, which the raw samples are checked against.
    const r = await runCli(
      ['run', file, '--samples', '--k6-summary', '--results', results, '--no-progress'],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(0);
    const runDir = onlyRunDir(results, 'samples');
    const summary = readJson<RunSummary>(join(runDir, 'summary.json'));
    expect(summary.notes).toEqual([]); // no disagreement between the raw samples and k6's summary
    const balance = summary.endpoints.find((e) => e.name === 'balance')!;
    expect(balance.statusClasses).toEqual({ '4xx': balance.requests });
    expect(summary.endpoints.find((e) => e.name === 'health')!.statusClasses).toEqual({
      '2xx': summary.endpoints.find((e) => e.name === 'health')!.requests,
    });
    const series = readJson<{
      source: string;
      points: Array<{ rps: number; p95?: number }>;
      endpoints: Record<string, unknown[]>;
    }>(join(runDir, 'series.json'));
    expect(series.source).toBe('samples');
    expect(series.points.length).toBeGreaterThanOrEqual(3);
    expect(series.points.reduce((n, p) => n + p.rps, 0)).toBe(summary.totals.requests);
    expect(series.points.every((p) => p.p95 === undefined || p.p95 > 0)).toBe(true);
    expect(Object.keys(series.endpoints).sort()).toEqual(['balance', 'health']);
    expect(existsSync(join(runDir, 'samples.ndjson.gz'))).toBe(true);
    expect(existsSync(join(runDir, 'samples-aggregates.json'))).toBe(true);
  });
});
