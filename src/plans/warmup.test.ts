import { describe, expect, it } from 'vitest';
import type { Plan } from './schema.js';
import { truncateStages, warmupPlan } from './warmup.js';

const PLAN = {
  name: 'p',
  targets: { a: { url: 'http://127.0.0.1:1' } },
  flows: { f: { steps: [{ path: '/' }] } },
  scenarios: {
    closed: { executor: 'constant-vus', vus: 20, duration: '5m', flow: 'f' },
    short: { executor: 'constant-vus', vus: 2, duration: '3s', flow: 'f' },
    ramp: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '4s', target: 100 },
        { duration: '20s', target: 500 },
      ],
      gracefulRampDown: '30s',
      flow: 'f',
    },
    open: { executor: 'constant-arrival-rate', rate: 50, duration: '1m', preAllocatedVUs: 5, flow: 'f' },
    iters: { executor: 'per-vu-iterations', vus: 3, iterations: 100, flow: 'f', startTime: '4s' },
    later: { executor: 'constant-vus', vus: 9, duration: '1m', flow: 'f', startTime: '10m' },
  },
  thresholds: { http_req_duration: ['p(95)<500'] },
  invariants: [{ name: 'i', path: '/', expect: [{ status: 200 }] }],
} as unknown as Plan;

describe('warmupPlan', () => {
  it('cuts every scenario to its first seconds of load, with no thresholds or invariants', () => {
    const w = warmupPlan(PLAN, 10_000);
    expect(w.scenarios).toEqual({
      closed: { executor: 'constant-vus', vus: 20, duration: '10s', flow: 'f', gracefulStop: '0s' },
      short: { executor: 'constant-vus', vus: 2, duration: '3s', flow: 'f', gracefulStop: '0s' },
      ramp: {
        executor: 'ramping-vus',
        startVUs: 0,
        // 4 s to 100, then 6 s of the 20 s ramp to 500: where k6's line is at that moment, 220.
        stages: [
          { duration: '4s', target: 100 },
          { duration: '6s', target: 220 },
        ],
        gracefulRampDown: '0s',
        gracefulStop: '0s',
        flow: 'f',
      },
      open: {
        executor: 'constant-arrival-rate',
        rate: 50,
        duration: '10s',
        preAllocatedVUs: 5,
        flow: 'f',
        gracefulStop: '0s',
      },
      // It starts 4 s in, so it has the remaining 6 s.
      iters: {
        executor: 'per-vu-iterations',
        vus: 3,
        iterations: 100,
        flow: 'f',
        startTime: '4s',
        maxDuration: '6s',
        gracefulStop: '0s',
      },
    });
    expect(w.thresholds).toBeUndefined();
    expect(w.invariants).toBeUndefined();
    expect(w.flows).toBe(PLAN.flows);
  });

  it('leaves out a scenario with less than a second left, and keeps odd lengths exact', () => {
    expect(Object.keys(warmupPlan(PLAN, 4_500).scenarios)).toEqual(['closed', 'short', 'ramp', 'open']);
    expect(warmupPlan(PLAN, 2_500).scenarios['closed']).toMatchObject({ duration: '2500ms' });
  });
});

describe('truncateStages', () => {
  it('keeps whole stages that fit and interpolates the one cut', () => {
    const stages = [
      { duration: '1m', target: 10 },
      { duration: '1m', target: 10 },
    ];
    expect(truncateStages(stages, 0, 30_000)).toEqual([{ duration: '30s', target: 5 }]);
    expect(truncateStages(stages, 0, 90_000)).toEqual([stages[0], { duration: '30s', target: 10 }]);
    expect(truncateStages(stages, 0, 500_000)).toEqual(stages);
    expect(truncateStages([{ duration: '10s', target: 0 }], 100, 2_000)).toEqual([
      { duration: '2s', target: 80 },
    ]);
  });
});
