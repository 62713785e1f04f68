// `run --targets` and `compare` end to end: the real k6 against demo-service instances on loopback.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoService, type DemoService } from '../../src/demo/index.js';
import type { Comparison, MetricRow } from '../../src/report/compare/compare.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';

const verdictOf = (rows: readonly MetricRow[], key: string, side = 1) =>
  rows.find((r) => r.key === key)?.cells[side]?.verdict;

describe('x86 vs a slower "graviton" (plans/graviton-vs-x86.yaml, smoke: 127.0.0.2 and 127.0.0.3 + 15 ms)', () => {
  let results: string;
  let run: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    results = await tempDir('compare');
    run = await runCli(
      [
        'run',
        'plans/graviton-vs-x86.yaml',
        '--profile',
        'smoke',
        '--targets',
        'x86,graviton',
        '--cooldown',
        '0s',
        '--results',
        results,
        '--no-progress',
      ],
      { timeoutMs: 110_000 },
    );
  });

  it('runs both targets, stores them as one comparison group and prints the comparison', async () => {
    expect(run.code, run.stderr).toBe(0);
    const dir = join(results, 'graviton-vs-x86');
    const ids = (await readdir(dir)).sort();
    expect(ids).toHaveLength(2);
    const summaries = await Promise.all(
      ids.map(async (id) => JSON.parse(await readFile(join(dir, id, 'summary.json'), 'utf8')) as RunSummary),
    );
    expect(summaries.map((s) => s.target.name)).toEqual(['x86', 'graviton']);
    expect(summaries[0]?.comparison?.id).toBe(summaries[1]?.comparison?.id);
    expect(summaries.every((s) => (s.batches?.overall.length ?? 0) >= 5)).toBe(true);
    expect(run.stdout).toMatch(/compare graviton-vs-x86 · baseline x86/);
    expect(run.stdout).toMatch(/graviton vs x86: worse: .*p95 \+/);
  });

  it('names graviton slower, significantly, overall and per endpoint (JSON)', async () => {
    const out = await runCli(['compare', 'x86', 'graviton', '--results', results, '--format', 'json']);
    expect(out.code, out.stderr).toBe(0);
    const c = JSON.parse(out.stdout) as Comparison;
    expect(c.schema).toBe('loadctl.compare/v1');
    expect(c.sides.map((s) => s.label)).toEqual(['x86', 'graviton']);
    for (const key of ['med', 'p(95)']) expect(verdictOf(c.overall, key)).toBe('worse');
    // The plan's one step, `GET /` with its CPU work (the same on both instances).
    const rows = c.endpoints.find((e) => e.name === 'home')?.rows ?? [];
    expect(verdictOf(rows, 'med')).toBe('worse');
    // 15 ms added to a loopback answer of a few milliseconds.
    expect(rows.find((r) => r.key === 'med')?.cells[1]?.value).toBeGreaterThan(14);
    expect(c.sides.every((s) => s.facts.k6Version === 'v1.8.1' && (s.facts.host?.cores ?? 0) > 0)).toBe(true);
  });

  it('gates: the slow side regressed against x86 (exit 7), and not the other way round', async () => {
    // About 270 requests a run: errors can only be judged to about ±1.5pp, so a 0.5pp limit is inconclusive
    // (exit 8) where no rule failed, and 5pp is judged.
    const gate = '--fail-on=p95>+10%,error_rate>+0.5pp';
    const regressed = await runCli(['compare', 'x86', 'graviton', '--results', results, gate]);
    expect(regressed.code, regressed.stderr).toBe(7);
    expect(regressed.stdout).toMatch(/✗ p95>\+10% · graviton: \+[\d.,]+% — significant, over the limit/);
    const improved = await runCli([
      'compare',
      'x86',
      'graviton',
      '--baseline',
      'graviton',
      '--results',
      results,
      gate,
    ]);
    expect(improved.code, improved.stdout).toBe(8);
    expect(improved.stdout).toMatch(/✓ p95>\+10% · x86: −[\d.,]+%/);
    expect(improved.stderr).toMatch(
      /⚠ --fail-on error_rate>\+0\.5pp cannot be judged with this much data: detectable change is ±\d\.\dpp \(x86\)/,
    );
    const judged = await runCli([
      'compare',
      'x86',
      'graviton',
      '--baseline',
      'graviton',
      '--results',
      results,
      '--fail-on=p95>+10%,error_rate>+5pp',
    ]);
    expect(judged.code, judged.stdout).toBe(0);
  });

  it('writes Markdown for a pull request', async () => {
    const out = await runCli(['compare', 'x86', 'graviton', '--results', results, '--format', 'markdown']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^### loadctl compare: graviton-vs-x86/);
    expect(out.stdout).toMatch(/\| p95 \| [\d.µms]+ \| [\d.]+ms \| \*\*\+[\d.,]+% ✗\*\* \|/);
  });
});

describe('A/A: one demo instance as two targets', () => {
  let demo: DemoService;
  let results: string;
  let plan: string;

  beforeAll(async () => {
    // A fixed 5 ms per request: what a real service's latency looks like, rather than loopback microseconds.
    demo = await startDemoService({ latencyMs: 5 });
    results = await tempDir('compare-aa');
    plan = await writePlan(
      results,
      'aa.yaml',
      `name: aa
targets:
  a: { url: '${demo.url}' }
  b: { url: '${demo.url}' }
scenarios:
  users: { executor: constant-vus, vus: 5, duration: 5s, flow: browse }
setup:
  steps:
    - name: token
      method: POST
      path: /auth/token
      json: { username: aa, password: aa }
      extract: { token: { json: $.token } }
flows:
  browse:
    headers: { Authorization: 'Bearer \${vars.token}' }
    think: 100ms
    steps:
      - { name: dates, path: /reservations/available/dates, checks: [{ status: 200 }] }
      - { name: seats, path: /reservations/available/seat, query: { scheduleId: '1' }, checks: [{ status: 200 }] }
`,
    );
  });
  afterAll(async () => {
    await demo?.close();
  });

  // Several rounds, so the noise includes the machine's drift between runs (docs/compare.md): one round would
  // call a busy moment of this shared machine a difference between a and b. An even number, so each side runs
  // first in a round as often as the other: the first run after a cooldown is a few per cent slower, and three
  // rounds (a-b, b-a, a-b) gave a that bias twice against b's once.
  it('finds no number far outside its noise over four rounds, shows max unjudged, and no gate rule fails', async () => {
    const out = await runCli(
      [
        'run',
        plan,
        '--targets',
        'a,b',
        '--rounds',
        '4',
        '--cooldown',
        '1s',
        '--results',
        results,
        '--no-progress',
        '--json',
        '--fail-on',
        'p95>+10%,error_rate>+0.5pp',
      ],
      { timeoutMs: 150_000 },
    );
    const c = JSON.parse(out.stdout) as Comparison & { gate: Array<{ status: string }> };
    // No rule fails; one whose limit is under what four short rounds can detect is inconclusive (exit 8).
    const statuses = c.gate.map((g) => g.status);
    expect(
      statuses.every((s) => s === 'passed' || s === 'inconclusive'),
      statuses.join(),
    ).toBe(true);
    expect(out.code, out.stderr).toBe(statuses.includes('inconclusive') ? 8 : 0);
    expect(c.method.noise).toBe('rounds');
    expect(c.sides.map((s) => s.runIds.length)).toEqual([4, 4]);
    expect(c.overall.find((r) => r.key === 'error_rate')?.cells.map((x) => x.value)).toEqual([0, 0]);
    const rows = [...c.overall, ...c.endpoints.flatMap((e) => e.rows)];
    const tested = rows.filter((r) => r.cells[1]?.p !== undefined);
    expect(tested.length).toBeGreaterThan(20);
    // max is shown, never judged.
    expect(rows.filter((r) => r.key === 'max').every((r) => r.cells[1]?.verdict === undefined)).toBe(true);
    // The verdicts hold any false ✓/✗ over the table at 5 % (Benjamini–Hochberg; bench/compare-aa.mjs measures
    // it), so "no ✓/✗ at all" would fail about one run in twenty. What must not happen in an A/A comparison is
    // a number far outside its noise: a p-value under 0.001 / (numbers tested) happens by chance in at most one
    // run of this test in 1,000 (Bonferroni), while a broken noise estimate puts p near 0.
    const floor = 0.001 / tested.length;
    expect(
      tested.filter((r) => (r.cells[1]?.p ?? 1) < floor).map((r) => `${r.label} p=${r.cells[1]?.p}`),
    ).toEqual([]);
    expect(c.gate).toHaveLength(2);
  }, 160_000);
});
