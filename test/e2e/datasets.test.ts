// Prompt data sets end to end: the real CLI and the real k6 against the demo's chat endpoint. Each prompt is
// used once (sequential rows, as many iterations as rows), so what the demo counted (its usage figures) and
// what the run recorded (dataset_input_len, dataset_output_len, the rows in the run folder) must add up to
// the data set exactly.
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickRowIndex } from '../../src/k6-templates/runtime/plan-data.js';
import { seededUnit } from '../../src/k6-templates/runtime/seeded.js';
import { estimateTokens, generateSyntheticRows } from '../../src/plans/datasets.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { REPO, runCli, tempDir, writePlan } from './helpers.js';

const T = 120_000;

function plan(data: string, iterations: number): string {
  return `name: datasets-e2e
targets:
  local: { demo: { chat: { ttftMs: 0, tokenDelayMs: 0, tokens: 1000 } } }
data:
  prompts: ${data}
metrics:
  demo_prompt_tokens: { type: counter }
  demo_completion_tokens: { type: counter }
scenarios:
  chat: { executor: shared-iterations, vus: 2, iterations: ${iterations}, flow: chat, maxDuration: 60s }
flows:
  chat:
    steps:
      - name: chat
        method: POST
        path: /api/chat
        json:
          model: demo
          max_tokens: '\${data.prompts.outputLen}'
          messages: [{ role: user, content: '\${data.prompts.text}' }]
        checks:
          - status: 200
          - { name: prompt tokens, json: $.usage.prompt_tokens, equals: '\${data.prompts.inputLen}' }
          - { name: completion tokens, json: $.usage.completion_tokens, equals: '\${data.prompts.outputLen}' }
        extract:
          promptTokens: { json: $.usage.prompt_tokens }
          completionTokens: { json: $.usage.completion_tokens }
        record:
          - { metric: demo_prompt_tokens, value: '\${vars.promptTokens}' }
          - { metric: demo_completion_tokens, value: '\${vars.completionTokens}' }
`;
}

interface Run {
  dir: string;
  summary: RunSummary;
  demoRequests: number;
}

async function runPlan(dir: string, text: string): Promise<Run> {
  const file = await writePlan(dir, 'plan.yaml', text);
  const results = join(dir, 'results');
  const r = await runCli(['run', file, '--results', results, '--no-progress'], { timeoutMs: T });
  expect(r.stderr + r.stdout).toContain('PASSED');
  expect(r.code).toBe(0);
  const planDir = join(results, 'datasets-e2e');
  const [runId] = await readdir(planDir);
  const runDir = join(planDir, runId ?? '');
  const summary = JSON.parse(await readFile(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  const stats = JSON.parse(await readFile(join(runDir, 'demo-stats.json'), 'utf8')) as {
    requests: Record<string, number>;
  };
  return { dir: runDir, summary, demoRequests: stats.requests['POST /api/chat'] ?? 0 };
}

interface Expected {
  inputLen: number[];
  outputLen: number[];
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function expectRecorded(run: Run, want: Expected): void {
  const n = want.inputLen.length;
  expect(run.demoRequests).toBe(n);
  // Every request carried its row's prompt and max_tokens: the demo's usage says so, request by request.
  expect(run.summary.checks).toHaveLength(3);
  for (const c of run.summary.checks) expect([c.name, c.passes, c.fails]).toEqual([c.name, n, 0]);
  const metric = (name: string) => run.summary.metrics[name]?.values ?? {};
  expect(metric('demo_prompt_tokens').count).toBe(sum(want.inputLen));
  expect(metric('demo_completion_tokens').count).toBe(sum(want.outputLen));
  // The lengths the run recorded, one sample per prompt used.
  for (const [name, values] of [
    ['dataset_input_len', want.inputLen],
    ['dataset_output_len', want.outputLen],
  ] as const) {
    expect(metric(name).avg).toBeCloseTo(sum([...values]) / n, 9);
    expect(metric(name).min).toBe(Math.min(...values));
    expect(metric(name).max).toBe(Math.max(...values));
  }
}

/** The shipped example prompt set, copied beside the test's plan, and its lines as the test reads them. */
async function copyChatPrompts(dir: string): Promise<Array<{ prompt: string; max_tokens: number }>> {
  await copyFile(join(REPO, 'plans', 'data', 'chat-prompts.jsonl'), join(dir, 'prompts.jsonl'));
  const lines = (await readFile(join(dir, 'prompts.jsonl'), 'utf8')).trim().split('\n');
  return lines.map((l) => JSON.parse(l) as { prompt: string; max_tokens: number });
}

describe('prompt data sets', () => {
  it(
    'a JSONL file: every prompt and its max_tokens reach the demo, and the lengths are recorded',
    { timeout: T },
    async () => {
      const dir = await tempDir('datasets');
      const rows = await copyChatPrompts(dir);
      const data =
        '{ file: prompts.jsonl, fields: { text: $.prompt, outputLen: $.max_tokens }, mode: sequential }';
      const run = await runPlan(dir, plan(data, rows.length));
      expectRecorded(run, {
        inputLen: rows.map((r) => estimateTokens(r.prompt)),
        outputLen: rows.map((r) => r.max_tokens),
      });
      const kept = JSON.parse(
        await readFile(join(run.dir, 'data', 'prompts.rows.json'), 'utf8'),
      ) as unknown[];
      expect(kept).toEqual(
        rows.map((r) => ({ text: r.prompt, outputLen: r.max_tokens, inputLen: estimateTokens(r.prompt) })),
      );
    },
  );

  it('a CSV file with fields: its columns mapped to text and outputLen', { timeout: T }, async () => {
    const dir = await tempDir('datasets');
    const rows = [
      ['What is a "token", in one line?', 9],
      ['Name three queueing models, comma, separated', 17],
      ['Why measure time per output token?', 5],
    ] as const;
    const csv = ['question,answer_tokens', ...rows.map(([q, n]) => `"${q.replace(/"/g, '""')}",${n}`)].join(
      '\n',
    );
    await writeFile(join(dir, 'prompts.csv'), `${csv}\n`);
    const data =
      '{ file: prompts.csv, fields: { text: question, outputLen: answer_tokens }, mode: sequential }';
    const run = await runPlan(dir, plan(data, rows.length));
    expectRecorded(run, {
      inputLen: rows.map(([q]) => estimateTokens(q)),
      outputLen: rows.map(([, n]) => n),
    });
  });

  it(
    'a seeded random pick: the rows each iteration of the test draws, whichever VU runs it',
    { timeout: T },
    async () => {
      const dir = await tempDir('datasets');
      const rows = await copyChatPrompts(dir);
      const data =
        '{ file: prompts.jsonl, fields: { text: $.prompt, outputLen: $.max_tokens }, mode: random, seed: 5 }';
      const iterations = 30;
      const run = await runPlan(dir, plan(data, iterations));
      const picked = Array.from({ length: iterations }, (_, i) => {
        const at = { vu: 1, iterInTest: i, random: () => seededUnit(5, i) };
        return rows[pickRowIndex('random', rows.length, at)] ?? { prompt: '', max_tokens: 0 };
      });
      // Not the file's order: what follows tells the seeded draw from a sequential walk.
      expect(picked).not.toEqual(Array.from({ length: iterations }, (_, i) => rows[i % rows.length]));
      expectRecorded(run, {
        inputLen: picked.map((r) => estimateTokens(r.prompt)),
        outputLen: picked.map((r) => r.max_tokens),
      });
    },
  );

  it(
    'a synthetic set: generated prompts of the drawn lengths reach the demo, and the rows are kept',
    { timeout: T },
    async () => {
      const dir = await tempDir('datasets');
      const spec = { input: { mean: 60, range: 0.5 }, output: { mean: 24, sd: 6 }, count: 16 };
      const data = `{ synthetic: ${JSON.stringify(spec)}, seed: 11, mode: sequential }`;
      const run = await runPlan(dir, plan(data, spec.count));
      const rows = generateSyntheticRows(spec, 11);
      expectRecorded(run, {
        inputLen: rows.map((r) => Number(r.inputLen)),
        outputLen: rows.map((r) => Number(r.outputLen)),
      });
      // The drawn lengths vary (a range and an sd), so the figures above are no constant by accident.
      expect(new Set(rows.map((r) => r.inputLen)).size).toBeGreaterThan(1);
      const kept = JSON.parse(
        await readFile(join(run.dir, 'data', 'prompts.rows.json'), 'utf8'),
      ) as unknown[];
      expect(kept).toEqual(rows);
    },
  );
});
