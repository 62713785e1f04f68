// `loadctl compare` of stored runs (test/fixtures/stored-runs/compare: graviton-vs-x86, recorded) in a fake
// results folder.
import { describe, expect, it } from 'vitest';
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
