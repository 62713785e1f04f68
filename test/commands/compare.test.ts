// `loadctl compare` of stored runs (test/fixtures/stored-runs/compare: graviton-vs-x86, recorded) in a fake
// results folder.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostRecord } from '../../src/monitor/server.fixture.js';
import { summarizeServer } from '../../src/monitor/stats.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { copyIntoFake, fakeIo, runCli } from '../harness/index.js';

function withStoredRuns() {
  const io = fakeIo();
  copyIntoFake(io.fs, 'test/fixtures/stored-runs/compare', 'results/graviton-vs-x86');
  return io;
}

describe('loadctl compare (stored runs)', () => {
  it('compares two targets side by side against the baseline', async () => {
    const r = await runCli(['compare', 'x86', 'graviton'], withStoredRuns());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('compare graviton-vs-x86 · baseline x86');
    expect(r.stdout).toMatch(/requests\s+271\s+251\s+−7\.38% ✗/);
    expect(r.stdout).toMatch(/endpoint seats/);
  });

  it('writes Markdown for a pull request', async () => {
    const r = await runCli(['compare', 'x86', 'graviton', '--format', 'markdown'], withStoredRuns());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\|.*x86.*\|.*graviton.*\|$/m);
    expect(r.stdout).toMatch(/\| -+/);
    expect(r.stdout).toContain('271');
  });

  it('exits 7 when a --fail-on rule finds a significant regression', async () => {
    const r = await runCli(['compare', 'x86', 'graviton', '--fail-on', 'p95>+10%'], withStoredRuns());
    expect(r.code).toBe(7);
    expect(r.stdout + r.stderr).toContain('p95');
  });

  it('passes the gate the other way round (graviton as the baseline, x86 faster)', async () => {
    const r = await runCli(
      ['compare', 'x86', 'graviton', '--baseline', 'graviton', '--fail-on', 'p95>+10%'],
      withStoredRuns(),
    );
    expect(r.code).toBe(0);
  });

  it('names a run that did not finish as such: exit 3', async () => {
    const io = withStoredRuns();
    // What a run killed with kill -9 leaves: its folder and k6's log, no summary.json.
    io.fs.writeSync('results/graviton-vs-x86/20261122T050000Z-c0ffee/k6.log', 'running\n');
    const r = await runCli(['compare', 'x86', '20261122T050000Z-c0ffee'], io);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/run 20261122T050000Z-c0ffee did not finish: .* has no summary\.json/);
    // The other runs still compare.
    expect((await runCli(['compare', 'x86', 'graviton'], io)).code).toBe(0);
  });

  it('names a run id that matches no stored run as such, never as a target: exit 2', async () => {
    for (const ref of ['20261122T0600', '20261122T060000Z-abcdef']) {
      const r = await runCli(['compare', 'x86', ref], withStoredRuns());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no stored run/);
      expect(r.stderr).not.toMatch(/target/);
    }
  });

  it('says what is missing for an unknown target: exit 2', async () => {
    const r = await runCli(['compare', 'x86', 'arm'], withStoredRuns());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('arm');
  });
});

describe('loadctl compare (stored runs with server figures)', () => {
  // `compare x86` takes the newest x86 run.
  const X86 = '20261122T043640Z-b9b048';
  const GRAVITON = '20261122T043613Z-e700a2';

  /** The recorded runs with a node_exporter's CPU per second written into their summary.json. */
  function withServer(cpu: Record<string, readonly number[]>) {
    const io = withStoredRuns();
    for (const [id, values] of Object.entries(cpu)) {
      const path = `results/graviton-vs-x86/${id}/summary.json`;
      const s = JSON.parse(
        readFileSync(`test/fixtures/stored-runs/compare/${id}/summary.json`, 'utf8'),
      ) as RunSummary;
      s.server = summarizeServer(hostRecord(values), { ms: 1000, count: s.batches?.overall.length ?? 0 });
      io.fs.writeSync(path, `${JSON.stringify(s, null, 2)}\n`);
    }
    return io;
  }

  const LOW = [54, 53, 55, 54, 53, 55, 54, 54, 53];
  const HIGH = [64, 63, 65, 64, 65, 63, 64, 65, 64];

  it('puts CPU side by side and says both targets are demo instances on this machine', async () => {
    const r = await runCli(['compare', 'x86', 'graviton'], withServer({ [X86]: LOW, [GRAVITON]: HIGH }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nserver\n/);
    expect(r.stdout).toMatch(/ CPU\s+53\.89%\s+64\.11%\s+\+10\.22pp ✗/);
    expect(r.stdout).toContain('⚠ both targets are built-in demo instances on this machine');
  });

  it('gates on CPU: exit 7 over the limit, 0 without server figures on one side (not judged)', async () => {
    const over = await runCli(
      ['compare', 'x86', 'graviton', '--fail-on', 'cpu>+5pp'],
      withServer({ [X86]: LOW, [GRAVITON]: HIGH }),
    );
    expect(over.code).toBe(7);
    const half = await runCli(
      ['compare', 'x86', 'graviton', '--fail-on', 'cpu>+5pp'],
      withServer({ [X86]: LOW }),
    );
    expect(half.code).toBe(0);
    expect(half.stdout).toContain('graviton: no server figures');
    expect(half.stderr).toContain('--fail-on cpu>+5pp was not judged for graviton: no cpu on both sides');
  });
});
