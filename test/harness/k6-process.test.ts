// The k6 process (src/k6/process.ts, cpu.ts) through the fake Io: what reaches k6, its log, Ctrl-C, the REST API.
import { describe, expect, it } from 'vitest';
import { fakeIo, FAKE_K6_PATH } from './fake-io.js';
import type { K6Scenario } from './fake-k6.js';
import { readFixture } from './fixtures.js';
import { readProcTicks, probeClockTicks } from '../../src/k6/cpu.js';
import { K6_STOPPED_FROM_REST, requestK6Stop, runK6Process, type K6RunSpec } from '../../src/k6/process.js';

const ADDRESS = '127.0.0.1:6565';

function spec(more: Partial<K6RunSpec> = {}): K6RunSpec {
  return {
    k6Path: FAKE_K6_PATH,
    args: ['run', '--address', ADDRESS, 'script.js'],
    env: { LOADCTL_SUMMARY_PATH: '/run/k6-summary.json', SECRET_TOKEN: 's3cret' },
    cwd: '/run',
    logPath: '/run/k6.log',
    redact: (text) => text.replaceAll('s3cret', '***'),
    ...more,
  };
}

const ENDS: K6Scenario = {
  exitCode: 0,
  summary: '{"metrics":{}}',
  logLines: ['time="t" level=info msg="token s3cret"', 'time="t" level=error msg="boom"'],
};

describe('runK6Process', () => {
  it('runs k6 with the k6 environment, logs every line redacted and keeps the error lines', async () => {
    const io = fakeIo({ k6: [ENDS] });
    const run = await runK6Process(io, spec());
    expect(run.result).toMatchObject({ kind: 'exited', exitCode: 0 });
    expect(run.interrupted).toBe(false);
    expect(run.errorLines).toEqual(['time="t" level=error msg="boom"']);
    expect(io.fs.readTextSync('/run/k6.log')).toBe(
      'time="t" level=info msg="token ***"\ntime="t" level=error msg="boom"\n',
    );
    const [k6] = io.k6.runs;
    expect(k6?.env).toMatchObject({ K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' });
    expect(k6?.cwd).toBe('/run');
    expect(io.fs.readTextSync('/run/k6-summary.json')).toBe('{"metrics":{}}');
  });

  it('forwards the first Ctrl-C as SIGINT (graceful), the second as SIGKILL, then stops listening', async () => {
    const io = fakeIo({
      k6: [{ ...ENDS, durationMs: 60_000, onInterrupt: { exitCode: 105, afterMs: 60_000 } }],
    });
    const told: string[] = [];
    const pending = runK6Process(io, spec({ onInterrupt: (kind) => told.push(kind) }));
    const k6 = await io.k6.started();
    io.fireSignal('SIGINT');
    io.fireSignal('SIGTERM');
    const run = await pending;
    expect(k6.signals).toEqual(['SIGINT', 'SIGKILL']);
    expect(told).toEqual(['graceful', 'hard']);
    expect(run.interrupted).toBe(true);
    expect(run.result).toMatchObject({ kind: 'signaled', signal: 'SIGKILL' });
    io.fireSignal('SIGINT');
    expect(k6.signals).toHaveLength(2);
  });

  it('reports a k6 that cannot start as a result, not a throw', async () => {
    const io = fakeIo();
    const run = await runK6Process(io, spec({ k6Path: '/nowhere/k6' }));
    expect(run.result).toEqual({ kind: 'not-found', file: '/nowhere/k6' });
  });

  it('polls the REST API once a second for live snapshots', async () => {
    // Recorded from k6 v1.8.1 during a run of the shop plan (test/fixtures/k6-summary/README.md).
    const metrics = readFixture('test/fixtures/k6-summary/shop/rest-metrics.json');
    const io = fakeIo({ k6: [{ ...ENDS, durationMs: 1200, restMetrics: metrics }] });
    const counts: number[] = [];
    await runK6Process(io, spec({ restAddress: ADDRESS, onSnapshot: (s) => counts.push(s.requests) }));
    expect(io.k6.runs[0]?.restCalls).toEqual(['GET /v1/metrics']);
    expect(counts).toEqual([135]);
  });
});

describe('requestK6Stop', () => {
  it('stops a running k6 through PATCH /v1/status; k6 then exits with its REST-stop code', async () => {
    const io = fakeIo({ k6: [{ ...ENDS, durationMs: 60_000 }] });
    const pending = runK6Process(io, spec());
    await io.k6.started();
    expect(await requestK6Stop(io, ADDRESS)).toBe(true);
    const run = await pending;
    expect(run.result).toMatchObject({ kind: 'exited', exitCode: K6_STOPPED_FROM_REST });
    expect(io.k6.runs[0]?.restCalls).toEqual(['PATCH /v1/status']);
  });

  it('is false when no k6 listens there', async () => {
    expect(await requestK6Stop(fakeIo(), ADDRESS)).toBe(false);
  });
});

describe('CPU readings through Io', () => {
  it('reads utime + stime of /proc/<pid>/stat, undefined once the process is gone', async () => {
    const io = fakeIo({
      files: { '/proc/4242/stat': '4242 (k6) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 9 0' },
    });
    expect(readProcTicks(io, 4242)).toBe(325);
    expect(readProcTicks(io, 4243)).toBeUndefined();
  });

  it('asks getconf for the clock ticks, 100 when it cannot', async () => {
    expect(await probeClockTicks(fakeIo())).toBe(100);
    const io = fakeIo({
      commands: (file) =>
        file === 'getconf'
          ? { kind: 'exited', file, exitCode: 0, stdout: '250', stderr: '', durationMs: 1 }
          : undefined,
    });
    expect(await probeClockTicks(io)).toBe(250);
    const broken = fakeIo({ commands: (file) => ({ kind: 'not-found', file }) });
    expect(await probeClockTicks(broken)).toBe(100);
  });
});
