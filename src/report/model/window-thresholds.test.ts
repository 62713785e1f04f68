import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, recordUnits, toUnits } from '../../samples/digest.js';
import { FrameAggregates, FRAMES_SCHEMA, type FrameSeries } from '../../samples/frames.js';
import { judgeWindowThresholds, windowThresholds } from './window-thresholds.js';

function second(start: number, name: string, values: number[]): void {
  const h = newHistogram();
  for (const v of values) recordUnits(h, toUnits(v));
  const series: FrameSeries[] = [
    {
      metric: 'http_req_duration',
      type: 'trend',
      name,
      status: '2xx',
      scenario: 'users',
      count: values.length,
      sum: values.reduce((a, b) => a + b, 0),
      min: Math.min(...values),
      max: Math.max(...values),
      hdr: encodeHistogram(h),
    },
    {
      metric: 'http_reqs',
      type: 'counter',
      name,
      status: '2xx',
      scenario: 'users',
      count: values.length,
      sum: values.length,
    },
  ];
  frames.add({
    schema: FRAMES_SCHEMA,
    instance: 'k6',
    seq: seq++,
    periodMs: 1000,
    start,
    final: false,
    series,
  });
}

let frames: FrameAggregates;
let seq = 0;

describe('thresholds over a window', () => {
  it('takes the long form with window only, with its statistic, operator and limit', () => {
    expect(
      windowThresholds({
        'http_req_duration{name:reserve,scenario:rush}': [
          'p(95)<500',
          { threshold: 'p(95) < 250', window: '5s', abortOnFail: true },
        ],
        http_reqs: [{ threshold: 'count>=10', window: '1m' }],
      }),
    ).toEqual([
      expect.objectContaining({
        metric: 'http_req_duration',
        selector: { name: 'reserve', scenario: 'rush' },
        stat: 'p(95)',
        op: '<',
        limit: 250,
        windowMs: 5000,
        abortOnFail: true,
      }),
      expect.objectContaining({ metric: 'http_reqs', stat: 'count', op: '>=', limit: 10, windowMs: 60_000 }),
    ]);
  });

  it('fails on a slow stretch that the whole run hides, naming the first window that broke', () => {
    frames = new FrameAggregates();
    seq = 0;
    // 20 fast seconds of 500 requests, then 3 slow seconds of 20: the run's p95 stays fast.
    for (let s = 0; s < 20; s++) second(s * 1000, 'reserve', Array(500).fill(2));
    for (let s = 20; s < 23; s++) second(s * 1000, 'reserve', Array(20).fill(80));
    const [key, list] = [
      'http_req_duration{name:reserve}',
      [
        { threshold: 'p(95)<50', window: '3s' },
        { threshold: 'p(95)<50', window: '30s' },
      ],
    ] as const;
    const verdicts = judgeWindowThresholds(frames, windowThresholds({ [key]: [...list] }));
    expect(verdicts[0]?.verdict).toMatchObject({ ok: false, firstFailureAt: 22_000 });
    expect(verdicts[0]?.verdict.observed).toBeCloseTo(80, 1);
    // 21 windows of 3 s end at 3 s … 23 s.
    expect(verdicts[0]?.verdict.windows).toBe(21);
    // A window longer than the run is never whole: not judged, so no data (as k6 leaves a metric without samples).
    expect(verdicts[1]?.verdict).toEqual({ ok: true, windows: 0 });
    expect(frames.total({ endpoint: 'reserve' }).duration?.p95).toBeCloseTo(2, 2);
  });

  it('counts and rates over the window, and leaves other endpoints out', () => {
    frames = new FrameAggregates();
    seq = 0;
    for (let s = 0; s < 4; s++) second(s * 1000, 'a', Array(10).fill(1));
    second(4000, 'b', Array(100).fill(1));
    const [count, rate] = judgeWindowThresholds(
      frames,
      windowThresholds({
        'http_reqs{name:a}': [
          { threshold: 'count>=20', window: '2s' },
          { threshold: 'rate>=5', window: '2s' },
        ],
      }),
    );
    // Windows ending at 2, 3, 4 s hold 20 requests of a; the one ending at 5 s holds 10.
    expect(count?.verdict).toMatchObject({ ok: false, observed: 10, firstFailureAt: 5000 });
    expect(rate?.verdict).toMatchObject({ ok: true, observed: 5 });
  });
});
