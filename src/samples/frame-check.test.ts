import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isFrameShape } from './frame-check.js';
import { FRAMES_SCHEMA, parseFrameLine } from './frames.js';

const valid = {
  schema: FRAMES_SCHEMA,
  instance: 'r1',
  seq: 0,
  periodMs: 1000,
  start: 1_000,
  final: true,
  runMs: 12,
  series: [
    { metric: 'http_reqs', type: 'counter', name: 'a', status: '2xx', scenario: 's', count: 2, sum: 2 },
    {
      metric: 'http_req_duration',
      type: 'trend',
      name: 'a',
      status: '2xx',
      scenario: 's',
      tags: { check: 'ok' },
      count: 2,
      sum: 3.5,
      min: 1.5,
      max: 2,
      values: [1_500_000, 2_000_000],
    },
  ],
};

/** Each a way a frame can be wrong; the hand check and the schema must both refuse it. */
const broken: Array<[string, (f: typeof valid) => unknown]> = [
  ['another schema', (f) => ({ ...f, schema: 'loadctl.frames/v9' })],
  ['seq negative', (f) => ({ ...f, seq: -1 })],
  ['seq fractional', (f) => ({ ...f, seq: 1.5 })],
  ['period 0', (f) => ({ ...f, periodMs: 0 })],
  ['start a string', (f) => ({ ...f, start: '1' })],
  ['final missing', ({ final: _, ...f }) => f],
  ['runMs negative', (f) => ({ ...f, runMs: -3 })],
  ['series not a list', (f) => ({ ...f, series: {} })],
  ['a series type unknown', (f) => ({ ...f, series: [{ ...f.series[0], type: 'histogram' }] })],
  ['a series without a name', (f) => ({ ...f, series: [{ ...f.series[0], name: undefined }] })],
  ['a count fractional', (f) => ({ ...f, series: [{ ...f.series[0], count: 0.5 }] })],
  ['a tag not a string', (f) => ({ ...f, series: [{ ...f.series[1], tags: { check: 1 } }] })],
  ['values not integers', (f) => ({ ...f, series: [{ ...f.series[1], values: [1.5] }] })],
  ['hdr not a string', (f) => ({ ...f, series: [{ ...f.series[1], hdr: 7 }] })],
  ['not an object', () => 7],
];

describe('isFrameShape, the fast path of parseFrameLine', () => {
  it('takes a valid frame as the schema does', () => {
    expect(isFrameShape(valid, FRAMES_SCHEMA)).toBe(true);
    expect(parseFrameLine(JSON.stringify(valid))).toMatchObject({ ok: true });
  });

  it.each(broken)('refuses %s, and the schema says why', (_, mutate) => {
    const bad = mutate(structuredClone(valid));
    expect(isFrameShape(bad, FRAMES_SCHEMA)).toBe(false);
    const parsed = parseFrameLine(JSON.stringify(bad));
    expect(parsed.ok).toBe(false);
  });

  it('takes every frame k6 wrote in the recorded fixtures', () => {
    const text = readFileSync(new URL('../../test/fixtures/stream/frames.ndjson', import.meta.url), 'utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(isFrameShape(JSON.parse(line), FRAMES_SCHEMA)).toBe(true);
  });
});
