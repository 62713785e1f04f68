// `compare <run> --by tag:model`: an A/B inside one run, end to end. Two scenarios tagged model A and B run at
// the same time against one demo service: A's requests go to GET /health (no latency knob), B's to GET / (the
// knob's 10 ms and its CPU work), and both to a shared step `ping` (GET /health). The groups' counts are
// checked against what the demo served per route, and the comparison must find B worse on p95 and gate it.
import { readdirSync, readFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoService, type DemoService } from '../../src/demo/index.js';
import type { Comparison } from '../../src/report/compare/compare.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { REPO, runCli, tempDir, writePlan } from './helpers.js';

describe('compare <run> --by tag:model (two models in one run)', () => {
  let demo: DemoService;
  let results: string;
  let summary: RunSummary;
  let runId: string;
  let served: Record<string, number>;

  beforeAll(async () => {
    demo = await startDemoService({ latencyMs: 10, rootWork: 200 });
    results = await tempDir('compare-by-tag');
    const plan = await writePlan(
      results,
      'ab.yaml',
      `name: ab
targets:
  demo: { url: '${demo.url}' }
scenarios:
  model-a: { executor: constant-vus, vus: 2, duration: 5s, flow: a, tags: { model: A } }
  model-b: { executor: constant-vus, vus: 2, duration: 5s, flow: b, tags: { model: B } }
flows:
  a:
    think: 20ms
    steps:
      - { name: answer-a, path: /health, checks: [{ status: 200 }] }
      - { name: ping, path: /health }
  b:
    think: 20ms
    steps:
      - { name: answer-b, path: /, checks: [{ status: 200 }] }
      - { name: ping, path: /health }
`,
    );
    const run = await runCli(['run', plan, '--results', results, '--no-progress'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const [id] = readdirSync(join(results, 'ab'));
    runId = id ?? '';
    summary = JSON.parse(readFileSync(join(results, 'ab', runId, 'summary.json'), 'utf8')) as RunSummary;
    served = ((await (await fetch(`${demo.url}/admin/stats`)).json()) as { requests: Record<string, number> })
      .requests;
  }, 70_000);
  afterAll(async () => {
    await demo?.close();
  });

  it('stores each model’s requests as a group whose counts are the requests the demo served', () => {
    const tag = summary.byTag?.tags.find((t) => t.key === 'model');
    const [a, b] = tag?.groups ?? [];
    expect(tag?.groups.map((g) => g.value)).toEqual(['A', 'B']);
    const ping = (g: typeof a) => g?.endpoints.find((e) => e.name === 'ping')?.requests ?? 0;
    // Only the shared step has a row of its own in a group; A's requests are all GET /health.
    expect(a?.endpoints.map((e) => e.name)).toEqual(['ping']);
    expect(ping(a)).toBeGreaterThan(0);
    expect(ping(b)).toBeGreaterThan(0);
    expect(a?.requests).toBe(
      (summary.endpoints.find((e) => e.name === 'answer-a')?.requests ?? -1) + ping(a),
    );
    expect((b?.requests ?? 0) - ping(b)).toBe(served['GET /']);
    expect((a?.requests ?? 0) + ping(b)).toBe(served['GET /health']);
    expect((a?.requests ?? 0) + (b?.requests ?? 0)).toBe(summary.totals.requests);
    expect(a?.checksPassed).toBe(summary.endpoints.find((e) => e.name === 'answer-a')?.requests);
    // The batches of a group add up to the group.
    for (const g of [a, b]) expect(g?.batches?.overall.reduce((n, x) => n + x.requests, 0)).toBe(g?.requests);
  });

  it('finds model B worse on p95 overall, with the noise of paired batches', async () => {
    const out = await runCli([
      'compare',
      runId,
      '--by',
      'tag:model',
      '--results',
      results,
      '--format',
      'json',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const c = JSON.parse(out.stdout) as Comparison;
    expect(c.by).toEqual({ run: runId, tag: 'model' });
    expect(c.sides.map((s) => s.label)).toEqual(['model=A', 'model=B']);
    const p95 = c.overall.find((r) => r.key === 'p(95)')?.cells[1];
    expect(p95?.verdict).toBe('worse');
    expect(p95?.basis?.kind).toBe('batches');
    expect(c.endpoints.map((e) => e.name)).toEqual(['ping']);
    const table = await runCli(['compare', runId.slice(0, 15), '--by', 'tag:model', '--results', results]);
    expect(table.stdout).toContain(`compare ab · run ${runId} by tag model · baseline model=A`);
    expect(table.stdout).toMatch(/model=B vs model=A: worse: .*p95 \+/);
  });

  it('gates the slower model (exit 7), and passes when it is the baseline', async () => {
    const gate = '--fail-on=p95>+10%';
    const worse = await runCli(['compare', runId, '--by', 'tag:model', '--results', results, gate]);
    expect(worse.code, worse.stderr).toBe(7);
    expect(worse.stdout).toMatch(/✗ p95>\+10% · model=B: \+[\d.,]+% — significant, over the limit/);
    const fromB = await runCli(['compare', runId, '--by', 'tag:model=B,A', '--results', results, gate]);
    expect(fromB.code, fromB.stdout).toBe(0);
  });

  it('says which tags and values exist when asked for others', async () => {
    const noTag = await runCli(['compare', runId, '--by', 'tag:region', '--results', results]);
    expect(noTag.code).toBe(2);
    expect(noTag.stderr).toContain(`the plan of run ${runId} sets no tag region on its scenarios or steps`);
    expect(noTag.stderr).toContain('tags with figures in this run: model');
    const noValue = await runCli(['compare', runId, '--by', 'tag:model=A,C', '--results', results]);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain(`run ${runId} has no requests tagged model=C`);
    expect(noValue.stderr).toContain('the values of model: A, B');
    const two = await runCli(['compare', runId, runId, '--by', 'tag:model', '--results', results]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--by compares the groups of one run');
  });

  it('explains that a run stored before loadctl kept figures by tag has none (exit 2, no internal error)', async () => {
    const old = '20261122T043604Z-11f905';
    const dir = join(results, 'graviton-vs-x86', old);
    await cp(join(REPO, 'test', 'fixtures', 'stored-runs', 'compare', old), dir, { recursive: true });
    const r = await runCli(['compare', old, '--by', 'tag:model', '--results', results]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`run ${old} has no figures by tag: it was recorded before loadctl kept them`);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('compare <run> --by tag:model, A/A: two scenarios alike in one run', () => {
  let demo: DemoService;

  beforeAll(async () => {
    demo = await startDemoService({ latencyMs: 5, rootWork: 200 });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('finds no number far outside its noise', async () => {
    const results = await tempDir('compare-by-tag-aa');
    const plan = await writePlan(
      results,
      'aa.yaml',
      `name: aa
targets:
  demo: { url: '${demo.url}' }
scenarios:
  model-a: { executor: constant-vus, vus: 2, duration: 5s, flow: f, tags: { model: A } }
  model-b: { executor: constant-vus, vus: 2, duration: 5s, flow: f, tags: { model: B } }
flows:
  f:
    think: 20ms
    steps:
      - { name: home, path: /, checks: [{ status: 200 }] }
`,
    );
    const run = await runCli(['run', plan, '--results', results, '--no-progress'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const [id] = readdirSync(join(results, 'aa'));
    const out = await runCli([
      'compare',
      id ?? '',
      '--by',
      'tag:model',
      '--results',
      results,
      '--format',
      'json',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const c = JSON.parse(out.stdout) as Comparison;
    expect(c.endpoints.map((e) => e.name)).toEqual(['home']);
    const tested = [...c.overall, ...c.endpoints.flatMap((e) => e.rows)].filter(
      (r) => r.cells[1]?.p !== undefined,
    );
    expect(tested.length).toBeGreaterThan(10);
    // As in compare.test.ts's A/A: a p-value under 0.001 / (numbers tested) comes by chance in at most one run
    // of 1,000 (Bonferroni); batches paired out of step, or groups mixed up, put it near 0.
    const floor = 0.001 / tested.length;
    expect(
      tested.filter((r) => (r.cells[1]?.p ?? 1) < floor).map((r) => `${r.label} p=${r.cells[1]?.p}`),
    ).toEqual([]);
  }, 70_000);
});
