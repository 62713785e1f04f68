import { describe, expect, it } from 'vitest';
import type { Observation } from './observations.js';
import { errorCause, recommend } from './recommendations.js';

const p95Failed: Observation = {
  kind: 'threshold-failed',
  threshold: {
    metric: 'http_req_duration{name:chat}',
    expression: 'p(95)<3000',
    ok: false,
    observed: 3412.5,
    stat: 'p(95)',
    abortOnFail: false,
  },
  endpoint: 'chat',
  unit: { contains: 'time', type: 'trend' },
};

const facts = (vusMax: number, expected: Record<string, Record<string, number>> = {}) => ({
  vusMax,
  expected: new Map(Object.entries(expected)),
});

describe('recommend', () => {
  it('turns a broken time threshold into lowering the concurrency below the VUs it broke at', () => {
    expect(recommend([p95Failed], facts(15))).toEqual([
      {
        kind: 'lower-concurrency',
        metric: 'http_req_duration{name:chat}',
        endpoint: 'chat',
        stat: 'p(95)',
        observed: 3412.5,
        expression: 'p(95)<3000',
        unit: { contains: 'time', type: 'trend' },
        vus: 15,
      },
    ]);
  });

  it('says nothing for a threshold an expected status explains, or a rate threshold', () => {
    const explained: Observation = { ...p95Failed, expected: { status: '409', share: 0.9 } } as Observation;
    const rate: Observation = {
      kind: 'threshold-failed',
      threshold: {
        metric: 'http_req_failed',
        expression: 'rate<0.01',
        ok: false,
        observed: 0.2,
        stat: 'rate',
        abortOnFail: false,
      },
      unit: { contains: 'default', type: 'rate' },
    };
    expect(recommend([explained, rate], facts(10))).toEqual([]);
  });

  it('keeps the observations’ order and skips the ones that imply no action', () => {
    const out = recommend(
      [
        { kind: 'invariant-failed', name: 'stock', detail: 'expected $.n == 20 (observed 21)' },
        { kind: 'errors', endpoint: 'chat', failed: 5, requests: 100, classes: { '2xx': 95, '5xx': 5 } },
        { kind: 'checks-failed', name: 'status is 200', group: '::chat', fails: 5, total: 100 },
        { kind: 'dropped', count: 7 },
        { kind: 'peak', rps: 10, t: 3, vus: 2 },
        { kind: 'slowest', endpoint: 'chat', p95: 10, others: 1 },
      ],
      facts(2),
    );
    expect(out.map((r) => r.kind)).toEqual(['invariant', 'errors', 'checks', 'dropped']);
    expect(out[1]).toMatchObject({ cause: 'server', failed: 5, requests: 100 });
  });

  it('gives only the generator’s fix when it was saturated: the other figures measure the generator', () => {
    const reasons = [{ kind: 'cpu' as const, detail: 'CPU 98%', fix: 'use a bigger machine' }];
    const out = recommend([{ kind: 'saturated', reasons }, p95Failed], facts(15));
    expect(out).toEqual([{ kind: 'fix-generator', reasons }]);
  });

  it('recommends nothing for a run that passed', () => {
    expect(recommend([{ kind: 'all-passed', thresholds: 2, checks: 1, invariants: 0 }], facts(5))).toEqual(
      [],
    );
  });
});

describe('errorCause', () => {
  it('names the class most failed responses had', () => {
    expect(errorCause({ '2xx': 90, '5xx': 6, '4xx': 4 })).toBe('server');
    expect(errorCause({ '2xx': 90, '4xx': 9, '5xx': 1 })).toBe('client');
    expect(errorCause({ '2xx': 90, none: 10 })).toBe('network');
    expect(errorCause({ '2xx': 100 })).toBe('unknown');
    expect(errorCause(undefined)).toBe('unknown');
  });

  it('does not count a declared status as a failure: a race’s 409s leave its 5xx', () => {
    expect(errorCause({ '2xx': 89, '4xx': 925, '5xx': 16 }, { '409': 925 })).toBe('server');
  });
});
