import { describe, expect, it } from 'vitest';
import {
  compileDataSet,
  drawLength,
  estimateTokens,
  generateSyntheticRows,
  isPreparedSet,
  prepareFileRows,
  syntheticSizeProblem,
  syntheticText,
} from './datasets.js';
import { seededRandom } from '../k6-templates/runtime/seeded.js';

const jsonl = (file = 'p.jsonl', fields?: Record<string, string>) => ({
  file,
  ...(fields ? { fields } : {}),
});

describe('prepareFileRows: JSON Lines', () => {
  it('takes each field by its JSON path and estimates inputLen from text', () => {
    const text = [
      '{"prompt": "Say hello to the team", "max_tokens": 12, "meta": {"lang": "en"}}',
      '',
      '{"prompt": "Hi", "max_tokens": 3, "meta": {"lang": "ko"}}',
    ].join('\n');
    const got = prepareFileRows(
      jsonl('p.jsonl', { text: '$.prompt', outputLen: '$.max_tokens', lang: '$.meta.lang' }),
      text,
    );
    expect(got).toEqual({
      ok: true,
      rows: [
        { text: 'Say hello to the team', outputLen: 12, lang: 'en', inputLen: 6 },
        { text: 'Hi', outputLen: 3, lang: 'ko', inputLen: 1 },
      ],
    });
  });

  it('keeps an inputLen the file gives', () => {
    const got = prepareFileRows(
      jsonl('p.jsonl', { text: '$.q', inputLen: '$.n' }),
      '{"q": "abcdefgh", "n": 40}\n',
    );
    expect(got).toEqual({ ok: true, rows: [{ text: 'abcdefgh', inputLen: 40 }] });
  });

  it('without fields, a line’s keys are its columns', () => {
    const got = prepareFileRows(
      jsonl(),
      '{"text": "abcd", "outputLen": 5}\r\n{"text": "efgh", "outputLen": 6}\r\n',
    );
    expect(got).toEqual({
      ok: true,
      rows: [
        { text: 'abcd', outputLen: 5, inputLen: 1 },
        { text: 'efgh', outputLen: 6, inputLen: 1 },
      ],
    });
  });

  it('a column other than text and the lengths may hold a list or an object, such as chat messages', () => {
    const line = '{"messages": [{"role": "user", "content": "Hi"}], "n": 9, "meta": null}';
    const got = prepareFileRows(
      jsonl('p.jsonl', { messages: '$.messages', outputLen: '$.n', meta: '$.meta' }),
      line,
    );
    expect(got).toEqual({
      ok: true,
      rows: [{ messages: [{ role: 'user', content: 'Hi' }], outputLen: 9, meta: null }],
    });
    expect(prepareFileRows(jsonl('p.jsonl', { text: '$.t' }), '{"t": null}')).toEqual({
      ok: false,
      problems: [{ line: 1, message: '$.t is null' }],
    });
  });

  it('a key named __proto__ is a column like any other', () => {
    const got = prepareFileRows(jsonl(), '{"__proto__": "x", "text": "abcd"}');
    const rows = got.ok ? got.rows : [];
    expect(Object.keys(rows[0] ?? {})).toEqual(['__proto__', 'text', 'inputLen']);
    expect(JSON.stringify(rows)).toBe('[{"__proto__":"x","text":"abcd","inputLen":1}]');
  });

  it('reports every bad line with its number', () => {
    const text = [
      '{"prompt": "ok", "max_tokens": 4}',
      '{"prompt": "broken", ',
      '[1, 2]',
      '{"max_tokens": 4}',
      '{"prompt": "x", "max_tokens": 0}',
      '{"prompt": {"a": 1}, "max_tokens": "many"}',
    ].join('\n');
    const got = prepareFileRows(jsonl('p.jsonl', { text: '$.prompt', outputLen: '$.max_tokens' }), text);
    expect(got.ok).toBe(false);
    const problems = got.ok ? [] : got.problems;
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 6]);
    expect(problems[0]).toEqual({ line: 2, col: 22, message: expect.stringMatching(/^not JSON: \S/) });
    expect(problems.slice(1).map((p) => p.message)).toEqual([
      'expected a JSON object on each line',
      '$.prompt finds nothing',
      'outputLen ($.max_tokens) must be a whole number of tokens, at least 1; got 0',
      '$.prompt is an object',
      'outputLen ($.max_tokens) must be a whole number of tokens, at least 1; got "many"',
    ]);
  });

  it('names a bad JSON path and an empty file', () => {
    expect(prepareFileRows(jsonl('p.jsonl', { text: 'prompt' }), '{}')).toEqual({
      ok: false,
      problems: [{ message: 'fields.text: JSON path "prompt" must start with "$"' }],
    });
    expect(prepareFileRows(jsonl(), '\n\n')).toEqual({
      ok: false,
      problems: [{ message: 'the file has no rows' }],
    });
  });

  it('counts the problems beyond twenty instead of listing them', () => {
    const got = prepareFileRows(jsonl(), Array.from({ length: 25 }, () => 'x').join('\n'));
    const problems = got.ok ? [] : got.problems;
    expect(problems).toHaveLength(21);
    expect(problems[20]).toEqual({ message: 'and 5 more problems' });
  });
});

describe('prepareFileRows: CSV with fields', () => {
  it('maps columns to names, with the lengths as numbers', () => {
    const set = { file: 'p.csv', fields: { text: 'question', outputLen: 'answer_tokens' } };
    const got = prepareFileRows(set, 'question,answer_tokens\n"Why, then?",7\nHow,8\n');
    expect(got).toEqual({
      ok: true,
      rows: [
        { text: 'Why, then?', outputLen: 7, inputLen: 3 },
        { text: 'How', outputLen: 8, inputLen: 1 },
      ],
    });
  });

  it('a row’s line counts blank lines and line breaks inside quotes', () => {
    const set = { file: 'p.csv', fields: { text: 'q', outputLen: 'n' } };
    expect(prepareFileRows(set, '\nq,n\n"two\nlines",1\n\nbad,0\n')).toEqual({
      ok: false,
      problems: [
        { line: 6, message: 'outputLen (column "n") must be a whole number of tokens, at least 1; got "0"' },
      ],
    });
  });

  it('names a missing column and a bad length with its line', () => {
    const set = { file: 'p.csv', fields: { text: 'q', outputLen: 'n' } };
    expect(prepareFileRows(set, 'q,m\na,1\n')).toEqual({
      ok: false,
      problems: [{ line: 1, message: 'fields.outputLen: no column "n" in the header' }],
    });
    expect(prepareFileRows(set, 'q;n\na;1\nb;1.5\n'.replace(/;/g, ','))).toEqual({
      ok: false,
      problems: [
        {
          line: 3,
          message: 'outputLen (column "n") must be a whole number of tokens, at least 1; got "1.5"',
        },
      ],
    });
  });
});

describe('which sets loadctl prepares', () => {
  it('JSON Lines, CSV with fields and synthetic sets; a plain CSV stays k6’s to parse', () => {
    const synthetic = { synthetic: { input: { mean: 8 }, output: { mean: 4 } } };
    expect(
      [jsonl(), { file: 'a.ndjson' }, { file: 'a.csv', fields: { t: 'x' } }, synthetic].map(isPreparedSet),
    ).toEqual([true, true, true, true]);
    expect(isPreparedSet({ file: 'users.csv' })).toBe(false);
    expect(compileDataSet({ file: 'users.csv', mode: 'random', seed: 3 }, './data/u.csv')).toEqual({
      file: './data/u.csv',
      mode: 'random',
      delimiter: ',',
      seed: 3,
    });
    expect(compileDataSet(synthetic, './data/s.rows.json')).toEqual({
      file: './data/s.rows.json',
      mode: 'unique',
      delimiter: ',',
      format: 'json',
    });
  });
});

describe('synthetic prompts', () => {
  it('text of N tokens is 4N characters, N tokens by the same estimate', () => {
    const random = seededRandom(1);
    for (const n of [1, 7, 128, 513]) {
      const text = syntheticText(n, random);
      expect(text).toHaveLength(4 * n);
      expect(estimateTokens(text)).toBe(n);
    }
  });

  it('a fixed length is the mean; a range stays inside vLLM’s bounds and reaches both', () => {
    const random = seededRandom(7);
    expect(drawLength({ mean: 64 }, random)).toBe(64);
    const draws = Array.from({ length: 2000 }, () => drawLength({ mean: 100, range: 0.2 }, random));
    expect(Math.min(...draws)).toBe(80);
    expect(Math.max(...draws)).toBe(120);
    // Uniform over 41 values: each is drawn ~49 times in 2000; none is left out.
    expect(new Set(draws).size).toBe(41);
  });

  it('a normal length has its mean and sd (seeded: the same figures every run)', () => {
    const random = seededRandom(42);
    const draws = Array.from({ length: 4000 }, () => drawLength({ mean: 500, sd: 50 }, random));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1));
    // The standard error of the mean is 50/√4000 ≈ 0.8 and of the sd ≈ 0.56: 4 standard errors apart.
    expect(Math.abs(mean - 500)).toBeLessThan(3.2);
    expect(Math.abs(sd - 50)).toBeLessThan(2.3);
    expect(Math.min(...drawsOf({ mean: 2, sd: 50 }))).toBe(1);
  });

  it('the same spec and seed give the same rows; another seed others', () => {
    const spec = { input: { mean: 32, range: 0.5 }, output: { mean: 16, sd: 4 }, count: 50 };
    const a = generateSyntheticRows(spec, 1);
    expect(generateSyntheticRows(spec, 1)).toEqual(a);
    expect(generateSyntheticRows(spec, 2)).not.toEqual(a);
    expect(a).toHaveLength(50);
    for (const row of a) {
      expect(estimateTokens(String(row.text))).toBe(row.inputLen);
      expect(row.inputLen).toBeGreaterThanOrEqual(16);
      expect(row.inputLen).toBeLessThanOrEqual(48);
    }
    expect(generateSyntheticRows({ input: { mean: 1 }, output: { mean: 1 } }, 0)).toHaveLength(1000);
  });

  it('refuses a set too large to generate', () => {
    expect(syntheticSizeProblem({ input: { mean: 4096 }, output: { mean: 1 }, count: 1000 })).toBeUndefined();
    expect(
      syntheticSizeProblem({ input: { mean: 100_000, range: 0.5 }, output: { mean: 1 }, count: 1000 }),
    ).toBe(
      'up to 573 MiB of synthetic prompt text (count × input length × 4 characters), over the 64 MiB a run generates',
    );
  });
});

function drawsOf(spec: { mean: number; sd: number }): number[] {
  const random = seededRandom(3);
  return Array.from({ length: 200 }, () => drawLength(spec, random));
}
