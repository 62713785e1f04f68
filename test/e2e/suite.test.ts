// `loadctl suite` end to end: the built CLI, the real k6 and the demo service. Two short plans in a folder,
// run with their smoke profile: one passes, one breaks a threshold the demo cannot meet, so the suite exits
// 99; the table shows both runs as stored, and the suite folder has the combined reports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';

/** A minute of load by default; the smoke profile the suite applies makes it two seconds. */
function plan(name: string, threshold: string): string {
  return `
name: ${name}
targets:
  local: { demo: { latencyMs: 5 } }
scenarios:
  s: { executor: constant-vus, vus: 2, duration: 1m, gracefulStop: 2s, flow: f }
thresholds:
  http_req_duration: ['${threshold}']
profiles:
  smoke:
    scenarios:
      s: { executor: constant-vus, vus: 2, duration: 2s, gracefulStop: 2s, flow: f }
flows:
  f:
    steps:
      - name: health
        path: /health
        think: 50ms
`;
}

describe('loadctl suite (real k6)', () => {
  it('runs a folder of plans with --profile smoke: the table, the worst exit code (99), the suite reports', async () => {
    const dir = await tempDir('suite');
    await mkdir(join(dir, 'plans'));
    // Name order decides the order: a passes (p95 far under 10 s), b cannot pass (p95 under 1 µs).
    await writePlan(join(dir, 'plans'), 'a-pass.yaml', plan('plan-pass', 'p(95)<10000'));
    await writePlan(join(dir, 'plans'), 'b-fail.yaml', plan('plan-fail', 'p(95)<0.001'));
    const r = await runCli(
      [
        'suite',
        'plans',
        '--profile',
        'smoke',
        '--cooldown',
        '1s',
        '--no-progress',
        '--report',
        'html,markdown,junit',
      ],
      { cwd: dir, timeoutMs: 120_000 },
    );
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, r.stderr).toBe(99);

    const stored = (p: string): RunSummary => {
      const runs = readdirSync(join(dir, 'results', p));
      expect(runs).toHaveLength(1);
      return JSON.parse(
        readFileSync(join(dir, 'results', p, runs[0]!, 'summary.json'), 'utf8'),
      ) as RunSummary;
    };
    const pass = stored('plan-pass');
    const fail = stored('plan-fail');
    expect(pass.outcome.kind).toBe('passed');
    expect(fail.outcome.kind).toBe('thresholds-failed');
    expect(pass.profile).toBe('smoke');
    // The smoke profile ran, not the minute: a few seconds each.
    for (const s of [pass, fail]) {
      expect(s.durationMs).toBeLessThan(15_000);
      expect(s.totals.requests).toBeGreaterThan(0);
    }
    // The table shows what the runs stored, in order, with the demo's CPU.
    const count = (n: number) => n.toLocaleString('en-US');
    const rowA = new RegExp(
      `plan-pass\\s+local\\s+passed\\s+${count(pass.totals.requests)}\\s.*${pass.runId}`,
    );
    const rowB = new RegExp(
      `plan-fail\\s+local\\s+thresholds-failed \\(exit 99\\)\\s+${count(fail.totals.requests)}\\s.*${fail.runId}`,
    );
    expect(r.stdout).toMatch(rowA);
    expect(r.stdout).toMatch(rowB);
    expect(r.stdout.search(rowA)).toBeLessThan(r.stdout.search(rowB));
    expect(r.stdout).toContain('2 of 2 plans ran, exit 99');
    if (pass.server) expect(r.stdout).toMatch(/passed\s+[\d,]+\s+\S+ms\s+\S+%\s+[\d.,]+%/);

    // The suite folder: the combined reports, each run's linked report really there.
    const suites = readdirSync(join(dir, 'results')).filter((n) => /^suite-\d{8}T/.test(n));
    expect(suites).toHaveLength(1);
    const suiteDir = join(dir, 'results', suites[0]!);
    expect(readdirSync(suiteDir).sort()).toEqual(['junit.xml', 'suite.html', 'suite.md']);
    const html = readFileSync(join(suiteDir, 'suite.html'), 'utf8');
    const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(links).toHaveLength(2);
    for (const l of links) expect(existsSync(resolve(suiteDir, l)), l).toBe(true);
    expect(dirname(links[1]!)).toContain(fail.runId);
    const md = readFileSync(join(suiteDir, 'suite.md'), 'utf8');
    expect(md).toContain(`[${pass.runId}](`);
    const xml = readFileSync(join(suiteDir, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testsuite' }).parse(xml) as {
      testsuites: { testsuite: Array<Record<string, string>> };
    };
    const [ja, jb] = doc.testsuites.testsuite;
    expect(ja?.['@_name']).toBe('plan-pass (plans/a-pass.yaml)');
    expect(ja?.['@_failures']).toBe('0');
    expect(jb?.['@_name']).toBe('plan-fail (plans/b-fail.yaml)');
    expect(Number(jb?.['@_failures'])).toBeGreaterThan(0);
  }, 150_000);

  it('a plan without the profile: nothing runs, exit 2', async () => {
    const dir = await tempDir('suite-bad');
    await writePlan(dir, 'a.yaml', plan('suite-a', 'p(95)<10000'));
    await writePlan(dir, 'b.yaml', plan('suite-b', 'p(95)<10000').replace('  smoke:', '  quick:'));
    const r = await runCli(['suite', 'a.yaml', 'b.yaml', '--profile', 'smoke', '--no-progress'], {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('b.yaml');
    expect(r.stderr).toContain('nothing ran');
    expect(existsSync(join(dir, 'results'))).toBe(false);
  });

  it('a --warmup that is not a duration of at least a second: nothing runs, exit 2', async () => {
    const dir = await tempDir('suite-warmup');
    await writePlan(dir, 'a.yaml', plan('suite-a', 'p(95)<10000'));
    const r = await runCli(['suite', 'a.yaml', '--profile', 'smoke', '--warmup', '500ms'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--warmup 500ms is not a duration of at least 1s');
    expect(existsSync(join(dir, 'results'))).toBe(false);
  });
});
