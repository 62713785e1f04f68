import { describe, expect, it } from 'vitest';
import { renderProgressLine } from '../report/render/progress.js';
import { parseRestMetrics, seriesFromSamples, toSeriesPoint } from './live.js';

// Trimmed from k6 v1.8.1's GET /v1/metrics during a run (see docs/benchmarks.md).
const rest = (requests: number, failRate: number, vus: number) => ({
  data: [
    {
      type: 'metrics',
      id: 'http_reqs',
      attributes: { type: 'counter', sample: { count: requests, rate: 1 } },
    },
    { type: 'metrics', id: 'http_req_failed', attributes: { type: 'rate', sample: { rate: failRate } } },
    { type: 'metrics', id: 'vus', attributes: { type: 'gauge', sample: { value: vus } } },
    { type: 'metrics', id: 'iterations', attributes: { type: 'counter', sample: { count: requests / 2 } } },
    {
      type: 'metrics',
      id: 'http_req_duration',
      attributes: { type: 'trend', sample: { avg: 2, med: 1.5, 'p(90)': 4, 'p(95)': 5, max: 9, min: 0.1 } },
    },
  ],
});

describe('parseRestMetrics', () => {
  it('turns the failure rate into a count (the REST API gives only the rate)', () => {
    expect(parseRestMetrics(rest(1000, 0.02, 10), 2000)).toEqual({
      elapsedMs: 2000,
      vus: 10,
      vusMax: 0,
      requests: 1000,
      failed: 20,
      iterations: 500,
      droppedIterations: 0,
      latency: { med: 1.5, p95: 5, max: 9 },
    });
  });

  it('keeps the values of the metrics asked for by id (sub-metrics), only when asked', () => {
    const body = rest(100, 0, 1);
    body.data.push({
      type: 'metrics',
      id: 'http_req_duration{lc_batch:2}',
      attributes: { type: 'trend', sample: { avg: 3, med: 2, 'p(90)': 6, 'p(95)': 7, max: 8, min: 1 } },
    });
    const snap = parseRestMetrics(body, 1000, (id) => id.includes('lc_batch:'));
    expect(snap?.metrics).toEqual({
      'http_req_duration{lc_batch:2}': { avg: 3, med: 2, 'p(90)': 6, 'p(95)': 7, max: 8, min: 1 },
    });
    expect(parseRestMetrics(body, 1000)).not.toHaveProperty('metrics');
  });

  it('refuses an answer that is not k6’s', () => {
    expect(parseRestMetrics({ errors: [] }, 0)).toBeUndefined();
    expect(parseRestMetrics(null, 0)).toBeUndefined();
  });
});

describe('toSeriesPoint', () => {
  it('rates come from the difference of consecutive snapshots', () => {
    const a = parseRestMetrics(rest(1000, 0.01, 10), 1000)!;
    const b = parseRestMetrics(rest(1500, 0.02, 12), 2000)!;
    expect(toSeriesPoint(a, b)).toMatchObject({
      t: 2,
      vus: 12,
      rps: 500,
      errorsPerSecond: 20,
      errorRate: 0.04,
      iterationsPerSecond: 250,
      p95: 5,
    });
  });
});

describe('seriesFromSamples', () => {
  it('keeps the per-second percentiles raw samples give', () => {
    expect(
      seriesFromSamples([
        {
          offset: 0,
          requests: 10,
          failed: 1,
          iterations: 5,
          maxVus: 2,
          duration: { p50: 1, p95: 3, p99: 4 },
        },
      ]),
    ).toEqual([
      {
        t: 1,
        vus: 2,
        rps: 10,
        errorsPerSecond: 1,
        errorRate: 0.1,
        iterationsPerSecond: 5,
        droppedIterations: 0,
        p50: 1,
        p95: 3,
        p99: 4,
      },
    ]);
  });
});

describe('renderProgressLine', () => {
  it('prints a plain line off a terminal', () => {
    const snap = parseRestMetrics(rest(1500, 0.02, 12), 2000)!;
    const point = toSeriesPoint(parseRestMetrics(rest(1000, 0.01, 10), 1000), snap);
    expect(renderProgressLine(point, snap, { plannedMs: 10_000, exact: true, tty: false })).toBe(
      '2s/10s ·  20% · 12 VUs · 500 req/s · errors 4.00% · p95 5.00ms · 1,500 requests',
    );
  });
});
