import { describe, expect, it } from 'vitest';
import { FrameReader } from '../../samples/frames.js';
import { metricWindow } from '../../samples/metric-window.js';
import { abortThresholds, RunJudge } from './run-judge.js';

const frame = (seq: number, start: number, requests: number, failed: number) => ({
  schema: 'loadctl.frames/v1',
  instance: 'a',
  seq,
  periodMs: 1000,
  start,
  final: false,
  series: [
    {
      metric: 'http_req_failed',
      type: 'rate',
      name: 'pay',
      status: '2xx',
      scenario: 's',
      count: requests,
      sum: failed,
    },
    {
      metric: 'http_reqs',
      type: 'counter',
      name: 'pay',
      status: '2xx',
      scenario: 's',
      count: requests,
      sum: requests,
    },
  ],
});

function judgeOver(spec: Parameters<typeof abortThresholds>[0], periods: Array<[number, number]>) {
  const reader = new FrameReader();
  reader.push(periods.map(([r, f], i) => JSON.stringify(frame(i, 1000 * (i + 1), r, f))).join('\n') + '\n');
  const [t] = abortThresholds(spec);
  if (!t) throw new Error('no threshold');
  const judge = new RunJudge(t, 1000);
  return periods.map((_, i) => {
    const start = 1000 * (i + 1);
    return judge.push(start, metricWindow(reader.frames, t.metric, t.selector, start, start + 1000));
  });
}

describe('abortThresholds', () => {
  it('takes the whole-run thresholds with abortOnFail only, with their delay', () => {
    const list = abortThresholds({
      'http_req_failed{name:pay}': [
        'rate<0.1',
        { threshold: 'rate<0.2', abortOnFail: true, delayAbortEval: '10s' },
        { threshold: 'rate<0.3', abortOnFail: true, window: '5s' },
        { threshold: 'rate<0.4' },
      ],
    });
    expect(list).toEqual([
      expect.objectContaining({
        key: 'http_req_failed{name:pay}',
        metric: 'http_req_failed',
        selector: { name: 'pay' },
        expression: 'rate<0.2',
        stat: 'rate',
        op: '<',
        limit: 0.2,
        delayMs: 10_000,
      }),
    ]);
  });
});

describe('RunJudge', () => {
  it('judges the run so far, as k6 does: a bad second among good ones does not fail a rate', () => {
    const spec = { 'http_req_failed{name:pay}': [{ threshold: 'rate<0.2', abortOnFail: true }] };
    // 0/100, 50/100 (25 % so far: fails).
    expect(
      judgeOver(spec, [
        [100, 0],
        [100, 50],
      ]),
    ).toEqual([false, true]);
    // 0/100 ×3, then 50/100: 12.5 % so far, holds.
    expect(
      judgeOver(spec, [
        [100, 0],
        [100, 0],
        [100, 0],
        [100, 50],
      ]),
    ).toEqual([false, false, false, false]);
  });

  it('waits for delayAbortEval, then judges everything so far, and stays failed', () => {
    const spec = {
      'http_req_failed{name:pay}': [{ threshold: 'rate<0.2', abortOnFail: true, delayAbortEval: '3s' }],
    };
    expect(
      judgeOver(spec, [
        [100, 90],
        [100, 90],
        [100, 0],
        [100, 0],
      ]),
    ).toEqual([false, false, true, true]);
  });

  it("counts a counter's rate over the time so far", () => {
    const spec = { 'http_reqs{name:pay}': [{ threshold: 'rate<150', abortOnFail: true }] };
    expect(
      judgeOver(spec, [
        [100, 0],
        [100, 0],
        [400, 0],
      ]),
    ).toEqual([false, false, true]);
  });
});
