import { describe, expect, it } from 'vitest';
import { planSchema, type Plan } from '../plans/schema.js';
import { computeNeeds, countRequests, expectedResultsBytes, selectTargets } from './needs.js';

const plan = (over: Record<string, unknown>): Plan =>
  planSchema.parse({
    name: 'p',
    targets: { local: { demo: true }, staging: { url: 'https://s.example', healthPath: '/health' } },
    flows: {
      f: {
        steps: [
          { if: '!${vars.token}', steps: [{ path: '/login' }] },
          { path: '/a' },
          { group: 'g', steps: [{ path: '/b' }, { sleep: '1s' }] },
        ],
      },
    },
    ...over,
  });

describe('computeNeeds', () => {
  it('counts iterations × requests for iteration-based scenarios', () => {
    const n = computeNeeds(
      plan({ scenarios: { s: { executor: 'per-vu-iterations', vus: 200, iterations: 5, flow: 'f' } } }),
    );
    expect(n).toMatchObject({
      peakVUs: 200,
      requestsPerIteration: 3,
      expectedRequests: 3000,
      keepAlive: true,
    });
    expect(n.peakArrivalRate).toBeUndefined();
    expect(n.peakRequestsPerSecond).toBeUndefined();
  });

  it('takes the rate of arrival-rate scenarios, per second whatever the timeUnit', () => {
    const n = computeNeeds(
      plan({
        http: { keepAlive: false },
        scenarios: {
          a: {
            executor: 'constant-arrival-rate',
            rate: 600,
            timeUnit: '1m',
            duration: '30s',
            preAllocatedVUs: 10,
            flow: 'f',
          },
          b: {
            executor: 'ramping-arrival-rate',
            startRate: 0,
            stages: [{ duration: '10s', target: 100 }],
            preAllocatedVUs: 50,
            maxVUs: 100,
            flow: 'f',
          },
        },
      }),
    );
    expect(n).toMatchObject({
      peakVUs: 110,
      peakArrivalRate: 110,
      peakRequestsPerSecond: 330,
      // 10/s × 30 s + mean 50/s × 10 s = 800 iterations of 3 requests
      expectedRequests: 2400,
      durationMs: 30_000,
      keepAlive: false,
    });
  });

  it('cannot tell the request count of VU-based scenarios', () => {
    const n = computeNeeds(
      plan({ scenarios: { s: { executor: 'constant-vus', vus: 10, duration: '1m', flow: 'f' } } }),
    );
    expect(n.expectedRequests).toBeUndefined();
    expect(n.durationMs).toBe(60_000);
  });

  it('knows whether the chosen target runs on this machine', () => {
    const p = plan({ scenarios: { s: { executor: 'constant-vus', duration: '1m', flow: 'f' } } });
    expect(computeNeeds(p).localServer).toBe(true);
    expect(computeNeeds(p, { target: 'staging' }).localServer).toBe(false);
    expect(selectTargets(p, 'staging')).toEqual([
      { name: 'staging', url: 'https://s.example', healthPath: '/health' },
    ]);
    expect(selectTargets(p, undefined).map((t) => t.name)).toEqual(['local', 'staging']);
  });
});

describe('helpers', () => {
  it('counts the longest path through if/else', () => {
    expect(
      countRequests([{ if: 'x', steps: [{ path: '/a' }], else: [{ path: '/b' }, { path: '/c' }] }]),
    ).toBe(2);
  });

  it('sizes the results: ~300 bytes per request with samples, 20 MB otherwise', () => {
    const base = computeNeeds(
      plan({ scenarios: { s: { executor: 'shared-iterations', iterations: 1000, flow: 'f' } } }),
    );
    expect(expectedResultsBytes(base)).toBe(20e6);
    expect(expectedResultsBytes({ ...base, samples: true })).toBe(20e6 + 3000 * 300);
  });
});
