import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseK6Summary } from '../../k6/summary.js';
import { FrameReader } from '../../samples/frames.js';
import { checksGroupOf, k6SummaryFromFrames } from './stream-summary.js';

function framesOf(lines: object[]) {
  const reader = new FrameReader();
  reader.push(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return reader.frames;
}

const frame = (seq: number, start: number, series: object[], extra: object = {}) => ({
  schema: 'loadctl.frames/v1',
  instance: 'a',
  seq,
  periodMs: 1000,
  start,
  final: false,
  series,
  ...extra,
});

const series = (metric: string, type: string, fields: object) => ({
  metric,
  type,
  name: '',
  status: '',
  scenario: '',
  ...fields,
});

/** Within HDR's 3 significant digits (0.1 %), or a µs apart for values near 0 (recorded as 1 ns). */
function close(actual: number | null | undefined, expected: number): boolean {
  return (
    actual !== undefined &&
    actual !== null &&
    Math.abs(actual - expected) <= 0.001 * Math.abs(expected) + 1e-3
  );
}

describe('k6SummaryFromFrames on a recorded real run (test/fixtures/stream/README.md)', () => {
  const dir = new URL('../../../test/fixtures/stream/', import.meta.url);
  const reader = new FrameReader();
  reader.push(readFileSync(new URL('frames.ndjson', dir), 'utf8'));
  const parsed = parseK6Summary(readFileSync(new URL('k6-summary.json', dir), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  const k6 = parsed.summary;
  const rebuilt = k6SummaryFromFrames(reader.frames, {
    keys: ['http_req_duration{name:dates}', 'http_req_duration{name:missing}', 'http_reqs{name:dates}'],
    trendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
    thresholds: {
      'http_req_duration{name:dates}': ['p(95)>=0', 'p(95)<5'],
      http_req_failed: [{ threshold: 'rate<0.6', abortOnFail: true }],
    },
    fallbackMs: 99_999,
  });

  it("counts every counter and rate exactly as k6's summary does", () => {
    for (const key of ['http_reqs', 'iterations', 'data_sent', 'data_received'])
      expect(rebuilt.metrics[key]?.values['count'], key).toBe(k6.metrics[key]?.values['count']);
    expect(rebuilt.metrics['http_req_failed']?.values).toMatchObject({ passes: 653, fails: 590 });
    expect(rebuilt.metrics['http_reqs{name:dates}']?.values['count']).toBe(621);
  });

  it("gives every trend statistic of k6's summary, top-level and per endpoint, within 0.1 %", () => {
    const trends = Object.entries(k6.metrics).filter(
      ([key, m]) => m.type === 'trend' && !key.includes('expected_response'),
    );
    expect(trends.length).toBeGreaterThan(8);
    for (const [key, m] of trends)
      for (const [stat, value] of Object.entries(m.values)) {
        if (value === null) continue;
        const got = rebuilt.metrics[key]?.values[stat];
        expect(close(got, value), `${key} ${stat}: ${got} vs k6 ${value}`).toBe(true);
      }
  });

  it("takes the wall time for a stream without the run's duration (recorded before runMs), and gauges' last values", () => {
    expect(rebuilt.state?.testRunDurationMs).toBe(99_999);
    expect(rebuilt.metrics['vus']?.values).toEqual({ value: 5, min: 5, max: 5 });
  });

  it('judges the thresholds as k6 does', () => {
    expect(rebuilt.metrics['http_req_duration{name:dates}']?.thresholds).toEqual({
      'p(95)>=0': { ok: true },
      'p(95)<5': { ok: false },
    });
    expect(rebuilt.metrics['http_req_failed']?.thresholds).toEqual({ 'rate<0.6': { ok: true } });
  });
});

describe('k6SummaryFromFrames', () => {
  const frames = framesOf([
    frame(0, 1000, [
      series('http_reqs', 'counter', {
        name: 'pay',
        status: '4xx',
        tags: { status: '409' },
        count: 3,
        sum: 3,
      }),
      series('http_reqs', 'counter', {
        name: 'pay',
        status: '2xx',
        tags: { status: '200' },
        count: 5,
        sum: 5,
      }),
      series('checks', 'rate', { tags: { check: 'paid', group: '::buy' }, count: 4, sum: 3 }),
      series('checks', 'rate', { tags: { check: 'is 200', group: '' }, count: 2, sum: 2 }),
    ]),
    frame(1, 2000, [
      series('http_reqs', 'counter', {
        name: 'pay',
        status: '4xx',
        tags: { status: '409' },
        count: 1,
        sum: 1,
      }),
      series('checks', 'rate', { tags: { check: 'paid', group: '::buy' }, count: 1, sum: 0 }),
      series('checks', 'rate', { tags: { check: 'late', group: '::buy::inner' }, count: 1, sum: 1 }),
    ]),
    frame(2, 2000, [], { final: true, runMs: 2000 }),
  ]);

  it('selects on a kept tag (the exact status) and counts by the run duration', () => {
    const s = k6SummaryFromFrames(frames, {
      keys: ['http_reqs{name:pay,status:409}', 'http_reqs{name:pay,status:500}'],
      trendStats: ['avg'],
      thresholds: { 'http_reqs{name:pay,status:409}': ['count<4'] },
      fallbackMs: 1,
    });
    expect(s.metrics['http_reqs{name:pay,status:409}']).toMatchObject({
      values: { count: 4, rate: 2 },
      thresholds: { 'count<4': { ok: false } },
    });
    expect(s.metrics['http_reqs{name:pay,status:500}']?.values).toEqual({ count: 0, rate: 0 });
    expect(s.metrics['http_reqs']?.values['count']).toBe(9);
  });

  it('marks failed the threshold loadctl aborted the run for, as k6 leaves it', () => {
    const s = k6SummaryFromFrames(frames, {
      keys: [],
      trendStats: [],
      thresholds: { http_reqs: [{ threshold: 'count<100', abortOnFail: true }] },
      fallbackMs: 1,
      abortedBy: { key: 'http_reqs', expression: 'count<100' },
    });
    expect(s.metrics['http_reqs']?.thresholds).toEqual({ 'count<100': { ok: false } });
  });

  it('rebuilds the checks by group, in the order they first ran', () => {
    expect(checksGroupOf(frames)).toEqual({
      name: '',
      path: '',
      checks: [{ name: 'is 200', path: '::is 200', passes: 2, fails: 0 }],
      groups: [
        {
          name: 'buy',
          path: '::buy',
          checks: [{ name: 'paid', path: '::buy::paid', passes: 3, fails: 2 }],
          groups: [
            {
              name: 'inner',
              path: '::buy::inner',
              checks: [{ name: 'late', path: '::buy::inner::late', passes: 1, fails: 0 }],
              groups: [],
            },
          ],
        },
      ],
    });
  });
});
