// `loadctl render` and `validate` with prompt data sets, against the fake Io: the rows loadctl prepares are
// written beside the script, the script's plan names them, and a bad line stops the plan at file:line.
import { describe, expect, it } from 'vitest';
import { readPlanFromScript } from '../../src/k6-templates/bundle.js';
import { generateSyntheticRows } from '../../src/plans/datasets.js';
import { fakeIo, runCli } from '../harness/index.js';

const PLAN = `name: prompts
targets: { local: { url: 'http://127.0.0.1:9' } }
data:
  prompts: { file: data/prompts.jsonl, fields: { text: $.prompt, outputLen: $.max_tokens }, mode: random, seed: 4 }
  synth: { synthetic: { input: { mean: 20, range: 0.5 }, output: { mean: 8 }, count: 5 }, seed: 9 }
  users: { file: data/users.csv }
scenarios: { chat: { executor: shared-iterations, iterations: 1, flow: chat } }
flows:
  chat:
    steps:
      - method: POST
        path: /api/chat
        headers: { x-user: '\${data.users.name}' }
        json:
          model: m
          max_tokens: '\${data.prompts.outputLen}'
          messages:
            - { role: system, content: '\${data.synth.text}' }
            - { role: user, content: '\${data.prompts.text}' }
`;

const GOOD = '{"prompt": "Hello there", "max_tokens": 8}\n{"prompt": "Bye", "max_tokens": 4}\n';

function io(prompts: string) {
  return fakeIo({
    files: {
      'plans/prompts.yaml': PLAN,
      'plans/data/prompts.jsonl': prompts,
      'plans/data/users.csv': 'name\nann\n',
    },
  });
}

describe('render with data sets', () => {
  it('writes the prepared rows beside the script; a plain CSV is copied as it is', async () => {
    const r = await runCli(['render', 'plans/prompts.yaml', '-o', 'out'], io(GOOD));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.files['out/data/prompts.rows.json'] ?? '')).toEqual([
      { text: 'Hello there', outputLen: 8, inputLen: 3 },
      { text: 'Bye', outputLen: 4, inputLen: 1 },
    ]);
    const spec = { input: { mean: 20, range: 0.5 }, output: { mean: 8 }, count: 5 };
    expect(JSON.parse(r.files['out/data/synth.rows.json'] ?? '')).toEqual(generateSyntheticRows(spec, 9));
    expect(r.files['out/data/users-users.csv']).toBe('name\nann\n');
    const plan = readPlanFromScript(r.files['out/script.js'] ?? '') as { data: Record<string, unknown> };
    expect(plan.data).toEqual({
      prompts: { file: './data/prompts.rows.json', mode: 'random', delimiter: ',', format: 'json', seed: 4 },
      synth: { file: './data/synth.rows.json', mode: 'unique', delimiter: ',', format: 'json', seed: 9 },
      users: { file: './data/users-users.csv', mode: 'unique', delimiter: ',' },
    });
  });

  it('a bad line stops render and validate with its file:line', async () => {
    for (const argv of [
      ['render', 'plans/prompts.yaml', '-o', 'out'],
      ['validate', 'plans/prompts.yaml'],
    ]) {
      const r = await runCli(
        argv,
        io('{"prompt": "Hello", "max_tokens": 8}\n{"prompt": "Bye", "max_tokens": "4x"}\n'),
      );
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).toContain(
        'plans/data/prompts.jsonl:2:1: error: data.prompts: outputLen ($.max_tokens) must be a whole number of tokens, at least 1; got "4x"',
      );
      expect(Object.keys(r.files).filter((f) => f.startsWith('out/'))).toEqual([]);
    }
  });
});
