// `loadctl validate` reads the data files a plan prepares: each bad line is reported at its file:line, with
// the plan's other problems, before anything runs.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanError } from '../errors.js';
import { realIo, type Io } from '../io/io.js';
import { readPlan } from './load.js';

let dir = '';
let io: Io;

const plan = (data: string) => `name: prompts
targets: { local: { demo: true } }
data:
${data}
scenarios: { chat: { executor: shared-iterations, iterations: 1, flow: chat } }
flows:
  chat:
    steps:
      - { method: POST, path: /api/chat, json: { model: m, max_tokens: '\${data.prompts.outputLen}', messages: [{ role: user, content: '\${data.prompts.text}' }] } }
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadctl-datasets-'));
  io = { ...realIo(), cwd: dir };
  await mkdir(join(dir, 'plans', 'data'), { recursive: true });
  await writeFile(
    join(dir, 'plans', 'data', 'good.jsonl'),
    '{"prompt": "Hello", "max_tokens": 8}\n{"prompt": "Bye", "max_tokens": 4}\n',
  );
  await writeFile(
    join(dir, 'plans', 'data', 'bad.jsonl'),
    '{"prompt": "Hello", "max_tokens": 8}\n{"prompt": "Bye"\n{"prompt": "x", "max_tokens": -2}\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, data: string): Promise<string> {
  await writeFile(join(dir, 'plans', name), plan(data));
  return join('plans', name);
}

describe('readPlan: data sets', () => {
  it('accepts a JSONL prompt set and a synthetic one, paths relative to the plan', async () => {
    const file = await write(
      'ok.yaml',
      [
        '  prompts: { file: data/good.jsonl, fields: { text: $.prompt, outputLen: $.max_tokens }, mode: sequential }',
        '  synth: { synthetic: { input: { mean: 64, range: 0.25 }, output: { mean: 16 }, count: 10 }, seed: 3 }',
      ].join('\n'),
    );
    const loaded = await readPlan(io, file);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('reports every bad line of the data file at its file:line', async () => {
    const file = await write(
      'bad.yaml',
      '  prompts: { file: data/bad.jsonl, fields: { text: $.prompt, outputLen: $.max_tokens } }',
    );
    const err = (await readPlan(io, file).catch((e: unknown) => e)) as PlanError;
    expect(err).toBeInstanceOf(PlanError);
    expect(err.diagnostics).toEqual([
      expect.objectContaining({
        file: 'plans/data/bad.jsonl',
        line: 2,
        message: expect.stringMatching(/^not JSON: /),
      }),
      expect.objectContaining({
        file: 'plans/data/bad.jsonl',
        line: 3,
        message: 'outputLen ($.max_tokens) must be a whole number of tokens, at least 1; got -2',
      }),
    ]);
  });

  it('places a missing file, a bad field path and an oversized synthetic set in the plan', async () => {
    const file = await write(
      'worse.yaml',
      [
        '  prompts: { file: data/none.jsonl }',
        '  paths: { file: data/good.jsonl, fields: { text: prompt } }',
        '  huge: { synthetic: { input: { mean: 1000000 }, output: { mean: 1 } } }',
      ].join('\n'),
    );
    const err = (await readPlan(io, file).catch((e: unknown) => e)) as PlanError;
    expect(err.diagnostics.map((d) => [d.file, d.line, d.message])).toEqual([
      ['plans/data/good.jsonl', undefined, 'fields.text: JSON path "prompt" must start with "$"'],
      ['plans/worse.yaml', 4, 'data file "data/none.jsonl" does not exist'],
      [
        'plans/worse.yaml',
        6,
        'up to 3815 MiB of synthetic prompt text (count × input length × 4 characters), over the 64 MiB a run generates',
      ],
    ]);
  });

  it('refuses a set that is both a file and synthetic, and a length that is no whole number', async () => {
    const file = await write(
      'mixed.yaml',
      [
        '  prompts: { file: data/good.jsonl, synthetic: { input: { mean: 8 }, output: { mean: 8 } } }',
        '  synth: { synthetic: { input: { mean: 8.5 }, output: { mean: 0 } } }',
      ].join('\n'),
    );
    const err = (await readPlan(io, file).catch((e: unknown) => e)) as PlanError;
    expect(err.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [4, expect.stringContaining('synthetic')],
      [5, 'a length is a whole number of tokens'],
      [5, 'a length is at least 1 token'],
    ]);
  });
});

describe('readPlan: data columns', () => {
  it('a reference to a column a synthetic or `fields` set lacks is an error with a guess', async () => {
    await writeFile(
      join(dir, 'plans', 'columns.yaml'),
      plan('  prompts: { synthetic: { input: { mean: 8 }, output: { mean: 4 } } }').replace(
        '${data.prompts.text}',
        '${data.prompts.txt}',
      ),
    );
    const err = (await readPlan(io, 'plans/columns.yaml').catch((e: unknown) => e)) as PlanError;
    expect(err.diagnostics).toEqual([
      expect.objectContaining({
        file: 'plans/columns.yaml',
        line: 9,
        message: 'data set `prompts` has no column `txt`; its columns: text, inputLen, outputLen',
        hint: 'did you mean `data.prompts.text`?',
      }),
    ]);
  });
});
