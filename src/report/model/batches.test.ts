import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectColdStart, hasChecks, planBatches, summarizeBatches } from './batches.js';
import { batchSubmetrics } from './k6-submetrics.js';
import { parseK6Summary } from '../../k6/summary.js';

// k6's end-of-test data of a real smoke run of plans/graviton-vs-x86.yaml, trimmed to batches 0–2.
const here = dirname(fileURLToPath(import.meta.url));
const parsed = parseK6Summary(
  readFileSync(join(here, '../../../test/fixtures/stored-runs/k6-summary-batches.json'), 'utf8'),
);
const k6 = parsed.ok ? parsed.summary : undefined;

describe('batches', () => {
  it('cuts a run into ten batches, never under a second, and none for a run under two seconds', () => {
    expect(planBatches(600_000)).toEqual({ ms: 60_000, count: 10 });
    expect(planBatches(9_000)).toEqual({ ms: 1_000, count: 9 });
    expect(planBatches(4_500)).toEqual({ ms: 1_125, count: 4 });
    expect(planBatches(1_500)).toBeUndefined();
  });

  it('asks k6 for each batch overall and per endpoint, skipping names it cannot select', () => {
    const keys = Object.keys(batchSubmetrics({ ms: 1000, count: 2 }, ['dates', 'a,b'], { checks: true }));
    expect(keys).toEqual([
      'http_req_duration{lc_batch:0}',
      'http_req_failed{lc_batch:0}',
      'checks{lc_batch:0}',
      'http_req_duration{name:dates,lc_batch:0}',
      'http_req_failed{name:dates,lc_batch:0}',
      'http_req_duration{lc_batch:1}',
      'http_req_failed{lc_batch:1}',
      'checks{lc_batch:1}',
      'http_req_duration{name:dates,lc_batch:1}',
      'http_req_failed{name:dates,lc_batch:1}',
    ]);
  });

  it('reads the batches back from recorded k6 data, and their requests add up per endpoint', () => {
    const b = summarizeBatches(k6, { ms: 1000, count: 3 }, ['dates', 'seats']);
    expect(b?.overall.map((s) => s.requests)).toEqual([8, 20, 34]);
    for (let i = 0; i < 3; i++) {
      const sum = (b?.endpoints['dates']?.[i]?.requests ?? 0) + (b?.endpoints['seats']?.[i]?.requests ?? 0);
      expect(sum).toBe(b?.overall[i]?.requests);
      expect(b?.overall[i]?.duration['p(95)']).toBeGreaterThan(0);
    }
    expect(b?.checks).toEqual([1, 1, 1]);
  });

  it('asks for checks only when the plan has some', () => {
    const keys = Object.keys(batchSubmetrics({ ms: 1000, count: 1 }, [], { checks: false }));
    expect(keys).toEqual(['http_req_duration{lc_batch:0}', 'http_req_failed{lc_batch:0}']);
    expect(
      hasChecks({ f: { steps: [{ name: 'a', checks: [] }, { group: [{ checks: [{ status: 200 }] }] }] } }),
    ).toBe(true);
    expect(hasChecks({ f: { steps: [{ name: 'a', checks: [] }] } })).toBe(false);
  });

  it('has none when k6 computed none', () => {
    expect(summarizeBatches(k6, undefined, [])).toBeUndefined();
    expect(summarizeBatches(undefined, { ms: 1000, count: 3 }, [])).toBeUndefined();
  });
});

describe('detectColdStart', () => {
  const batch = (p95: number, requests = 100) => ({ requests, failed: 0, duration: { 'p(95)': p95 } });
  const run = (p95s: number[], firstRequests = 100) => ({
    ms: 1000,
    overall: p95s.map((p, i) => batch(p, i === 0 ? firstRequests : 100)),
    endpoints: {},
    checks: [],
  });

  it('finds a first batch slower than every other and 1.5 × their median (the issue’s 17 ms against 8)', () => {
    const cold = detectColdStart(run([17, 8, 8.2, 7.9, 8.1, 8, 8.3]));
    expect(cold).toMatchObject({ batchMs: 1000, firstP95: 17 });
    expect(cold?.restP95).toBeCloseTo(8.05, 9);
  });

  it('is quiet for a warm run, a first batch that is slow but not the slowest, or one too small to say', () => {
    expect(detectColdStart(run([8, 8.2, 7.9, 8.1, 8]))).toBeUndefined();
    expect(detectColdStart(run([11, 8, 8.2, 7.9, 8.1]))).toBeUndefined(); // under 1.5 × 8.05
    expect(detectColdStart(run([17, 8, 18, 7.9, 8.1]))).toBeUndefined(); // batch 2 was slower still
    expect(detectColdStart(run([40, 8, 8.2, 7.9, 8.1], 5))).toBeUndefined();
    expect(detectColdStart(run([40, 8, 8.2]))).toBeUndefined(); // too few batches to call any one unusual
    expect(detectColdStart(undefined)).toBeUndefined();
  });
});
