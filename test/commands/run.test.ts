// `loadctl run` against the fake Io: k6's recorded answers instead of k6, no network, no real files.
// Asserts what a user sees: the exit code, the files in the run folder, the key text.
import { describe, expect, it } from 'vitest';
import { copyIntoFake, fakeIo, runCli, runDirs, SHOP, type FakeIoOptions } from '../harness/index.js';

interface K6SummaryFile {
  metrics: Record<string, { values: Record<string, number> }>;
}
interface SummaryFile {
  outcome: { kind: string };
  totals: { requests: number };
  endpoints: Array<{ name: string; requests: number }>;
  thresholds: Array<{ metric: string; expression: string; ok: boolean }>;
}

const RUN = ['run', 'plans/shop.yaml', '--skip-preflight', '--no-progress'];

function shopIo(k6: FakeIoOptions['k6'], more: Omit<FakeIoOptions, 'k6'> = {}) {
  const io = fakeIo({ k6, ...more });
  copyIntoFake(io.fs, SHOP.plan, 'plans/shop.yaml');
  return io;
}

function onlyRun(files: Record<string, string>): string {
  const dirs = runDirs(files, 'shop');
  expect(dirs).toHaveLength(1);
  return dirs[0]!;
}

function json<T>(files: Record<string, string>, path: string): T {
  const text = files[path];
  expect(text, `${path} was written`).toBeDefined();
  return JSON.parse(text!) as T;
}

describe('loadctl run (fake k6)', () => {
  it('passes: exit 0, summary.json with k6’s request counts, the table printed', async () => {
    const io = shopIo([SHOP.passed()]);
    const r = await runCli(RUN, io);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const dir = onlyRun(r.files);
    const k6 = json<K6SummaryFile>(r.files, `${dir}/k6-summary.json`);
    const summary = json<SummaryFile>(r.files, `${dir}/summary.json`);
    expect(summary.outcome.kind).toBe('passed');
    // The recorded run: 2 VUs × 5 iterations, one login each.
    expect(summary.totals.requests).toBe(k6.metrics['http_reqs']!.values['count']);
    expect(summary.totals.requests).toBe(12);
    expect(summary.endpoints.find((e) => e.name === 'seats')?.requests).toBe(10);
    expect(summary.endpoints.find((e) => e.name === 'token')?.requests).toBe(2);
    for (const f of ['meta.json', 'series.json', 'plan.resolved.json', 'script.js', 'options.json', 'k6.log'])
      expect(r.files[`${dir}/${f}`], f).toBeDefined();
    expect(r.stdout).toContain('✓ PASSED');
    expect(r.stdout).toMatch(/seats\s+10\s/);
    expect(r.stdout).toMatch(/token\s+2\s/);
    expect(r.stdout).toContain(dir);
    // k6 got the script and the summary path it writes to, and ran against the plan's target.
    const [k6Run] = io.k6.runs;
    expect(k6Run?.args[0]).toBe('run');
    expect(k6Run?.args.at(-1)).toMatch(/script\.js$/);
    expect(k6Run?.env['LOADCTL_BASE_URL']).toBe('http://127.0.0.1:9');
  });

  it('prints the summary as JSON with --json', async () => {
    const io = shopIo([SHOP.passed()]);
    const r = await runCli([...RUN, '--json'], io);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as SummaryFile;
    expect(printed.totals.requests).toBe(12);
  });

  it('fails thresholds: exit 99 and the failed threshold named', async () => {
    const io = shopIo([SHOP.thresholdsFailed()]);
    const r = await runCli([...RUN, '--profile', 'strict'], io);
    expect(r.code).toBe(99);
    const summary = json<SummaryFile>(r.files, `${onlyRun(r.files)}/summary.json`);
    expect(summary.outcome.kind).toBe('thresholds-failed');
    expect(summary.thresholds.filter((t) => !t.ok)).toEqual([
      expect.objectContaining({ metric: 'http_req_duration{name:seats}', expression: 'p(95)<0.001' }),
    ]);
    expect(r.stdout).toContain('thresholds failed: http_req_duration{name:seats} p(95)<0.001');
  });

  it('explains a k6 crash: exit 4, k6’s error line and where its log is', async () => {
    const io = shopIo([SHOP.crashed()]);
    const r = await runCli(RUN, io);
    expect(r.code).toBe(4);
    const dir = onlyRun(r.files);
    expect(r.stdout).toContain('the script threw an exception');
    expect(r.stdout).toContain('Error: cart service returned no session');
    expect(r.stderr).toContain(`k6's log: ${dir}/k6.log`);
    expect(r.files[`${dir}/k6.log`]).toContain('level=error msg="Error: cart service returned no session');
    expect(json<SummaryFile>(r.files, `${dir}/summary.json`).outcome.kind).toBe('k6-error');
  });
});

describe('loadctl run (fake k6): Ctrl-C, live progress, no k6', () => {
  it('stops k6 gracefully on Ctrl-C: exit 130, the partial summary kept', async () => {
    const io = shopIo([SHOP.endless()]);
    const pending = runCli([...RUN, '--profile', 'long'], io);
    const k6Run = await io.k6.started();
    io.fireSignal('SIGINT');
    const r = await pending;
    expect(r.code).toBe(130);
    // k6 got exactly one SIGINT (it stops gracefully on the first) and wrote its summary.
    expect(k6Run.signals).toEqual(['SIGINT']);
    expect(r.stderr).toContain('stopping k6 gracefully');
    const dir = onlyRun(r.files);
    const summary = json<SummaryFile>(r.files, `${dir}/summary.json`);
    expect(summary.outcome.kind).toBe('interrupted');
    // The recorded interrupted run: 141 requests in about 2.5 s.
    expect(summary.totals.requests).toBe(141);
    expect(r.files[`${dir}/k6-summary.json`]).toBeDefined();
    expect(r.stdout).toContain('interrupted');
  });

  // A closing terminal (SIGHUP) and `kill` (SIGTERM) stop a run exactly as Ctrl-C does.
  it.each(['SIGHUP', 'SIGTERM'] as const)(
    'stops k6 gracefully on %s: exit 130, the partial summary kept',
    async (signal) => {
      const io = shopIo([SHOP.endless()]);
      const pending = runCli([...RUN, '--profile', 'long'], io);
      const k6Run = await io.k6.started();
      io.fireSignal(signal);
      const r = await pending;
      expect(r.code).toBe(130);
      // k6 is told with SIGINT, its graceful stop, whatever loadctl got.
      expect(k6Run.signals).toEqual(['SIGINT']);
      expect(r.stderr).toContain('stopping k6 gracefully');
      const dir = onlyRun(r.files);
      expect(json<SummaryFile>(r.files, `${dir}/summary.json`).outcome.kind).toBe('interrupted');
      expect(json<SummaryFile>(r.files, `${dir}/summary.json`).totals.requests).toBe(141);
      expect(r.files[`${dir}/k6-summary.json`]).toBeDefined();
    },
  );

  it('stops k6 at once on a second Ctrl-C', async () => {
    // This k6 takes its time to stop after the first SIGINT, as a slow teardown would.
    const io = shopIo([{ ...SHOP.endless(), onInterrupt: { exitCode: 105, afterMs: 30_000 } }]);
    const pending = runCli([...RUN, '--profile', 'long'], io);
    const k6Run = await io.k6.started();
    io.fireSignal('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(k6Run.signals).toEqual(['SIGINT']);
    io.fireSignal('SIGINT');
    const r = await pending;
    expect(k6Run.signals).toEqual(['SIGINT', 'SIGKILL']);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('stopping k6 now');
  });

  it('polls k6’s REST API for live progress while k6 runs', async () => {
    const io = shopIo([{ ...SHOP.passed(), durationMs: 1300 }]);
    const r = await runCli(['run', 'plans/shop.yaml', '--skip-preflight'], io);
    expect(r.code).toBe(0);
    expect(io.k6.runs[0]?.restCalls).toContain('GET /v1/metrics');
    const series = json<{ points: unknown[] }>(r.files, `${onlyRun(r.files)}/series.json`);
    expect(series.points.length).toBeGreaterThan(0);
  }, 10_000);

  it('refuses to start without a usable k6: exit 3 with the fix', async () => {
    const io = shopIo([], { env: { LOADCTL_K6_BIN: '/nowhere/k6' } });
    const r = await runCli(RUN, io);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LOADCTL_K6_BIN');
    expect(io.k6.runs).toHaveLength(0);
    expect(runDirs(r.files, 'shop')).toHaveLength(0);
  });
});

describe('loadctl run with preflight (fake host)', () => {
  // The plan's target answers TCP through the fake (io.probeTcp); nothing is contacted.
  const tcp = { '127.0.0.1:9': { kind: 'ok', ms: 1 } } as const;

  it('runs when the host and the target pass the checks', async () => {
    const io = shopIo([SHOP.passed()], { tcp });
    const r = await runCli(['run', 'plans/shop.yaml', '--no-progress'], io);
    expect(r.stderr).not.toContain('preflight failed');
    expect(r.code).toBe(0);
    expect(io.k6.runs).toHaveLength(1);
  });

  it('does not start k6 when the host cannot hold the plan: exit 3 with the fix', async () => {
    const io = shopIo([SHOP.passed()], { tcp, proc: { openFiles: { soft: 64, hard: 64 } } });
    const r = await runCli(['run', 'plans/shop.yaml', '--no-progress'], io);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('preflight failed');
    expect(r.stderr).toMatch(/open files/);
    expect(r.stderr).toContain('fix:');
    expect(io.k6.runs).toHaveLength(0);
  });

  it('does not start k6 when the target does not answer: exit 3', async () => {
    const io = shopIo([SHOP.passed()]);
    const r = await runCli(['run', 'plans/shop.yaml', '--no-progress'], io);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('preflight failed');
    expect(r.stderr).toContain('127.0.0.1:9');
    expect(io.k6.runs).toHaveLength(0);
  });

  it('warns when a monitor source does not answer, saying what the run will lack, and runs', async () => {
    const io = shopIo([SHOP.passed()], { tcp });
    const plan = io.fs.readTextSync('plans/shop.yaml');
    io.fs.writeSync(
      'plans/shop.yaml',
      plan.replace(
        '    url: http://127.0.0.1:9\n',
        '    url: http://127.0.0.1:9\n    monitor: { nodeExporter: http://10.0.0.5:9100/metrics }\n',
      ),
    );
    const r = await runCli(['run', 'plans/shop.yaml', '--no-progress'], io);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      '⚠ monitor shop: node_exporter: http://10.0.0.5:9100/metrics: ECONNREFUSED (needs its metrics page within 2 s) — the run will have no host CPU, memory, load, network or sockets of shop',
    );
    expect(io.k6.runs).toHaveLength(1);
  });
});
