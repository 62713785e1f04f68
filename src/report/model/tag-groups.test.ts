import { describe, expect, it } from 'vitest';
import type { K6Summary } from '../../k6/summary.js';
import { summarizeByTag, tagSubmetrics } from './tag-groups.js';
import type { TagPlan } from './tag-plan.js';

const TAGS: TagPlan = {
  keys: [
    {
      key: 'model',
      values: [
        { value: 'A', endpoints: ['chat-a', 'health'] },
        { value: 'B', endpoints: ['chat-b', 'health'] },
      ],
      shared: ['health'],
    },
  ],
  leftOut: [{ key: 'mode', why: 'every request that has it has mode=stream' }],
};

const trend = (p95: number) => ({
  type: 'trend' as const,
  contains: 'time',
  values: { avg: p95 / 2, 'p(95)': p95 },
});
const rate = (passes: number, fails: number) => ({
  type: 'rate' as const,
  contains: 'default',
  values: { rate: passes / (passes + fails), passes, fails },
});
const count = (n: number) => ({
  type: 'counter' as const,
  contains: 'default',
  values: { count: n, rate: n / 10 },
});

describe('tagSubmetrics', () => {
  it('asks for each value overall, per shared endpoint and per batch, checks only overall', () => {
    const keys = Object.keys(tagSubmetrics(TAGS, { ms: 1000, count: 2 }, { checks: true }));
    expect(keys.filter((k) => k.includes('model:A'))).toEqual([
      'http_reqs{model:A}',
      'http_req_duration{model:A}',
      'http_req_failed{model:A}',
      'checks{model:A}',
      'http_req_duration{model:A,lc_batch:0}',
      'http_req_failed{model:A,lc_batch:0}',
      'checks{model:A,lc_batch:0}',
      'http_req_duration{model:A,lc_batch:1}',
      'http_req_failed{model:A,lc_batch:1}',
      'checks{model:A,lc_batch:1}',
      'http_reqs{name:health,model:A}',
      'http_req_duration{name:health,model:A}',
      'http_req_failed{name:health,model:A}',
      'http_req_duration{name:health,model:A,lc_batch:0}',
      'http_req_failed{name:health,model:A,lc_batch:0}',
      'http_req_duration{name:health,model:A,lc_batch:1}',
      'http_req_failed{name:health,model:A,lc_batch:1}',
    ]);
    expect(keys).toHaveLength(34);
    expect(Object.keys(tagSubmetrics(TAGS, undefined, { checks: false }))).toHaveLength(12);
  });
});

describe('summarizeByTag', () => {
  const k6: K6Summary = {
    metrics: {
      'http_reqs{model:A}': count(30),
      'http_req_failed{model:A}': rate(3, 27),
      'http_req_duration{model:A}': trend(40),
      'checks{model:A}': rate(29, 1),
      'http_reqs{model:B}': count(0),
      'http_req_failed{model:B}': rate(0, 0),
      'http_req_duration{model:B}': trend(0),
      'http_reqs{name:health,model:A}': count(10),
      'http_req_failed{name:health,model:A}': rate(0, 10),
      'http_req_duration{name:health,model:A}': trend(2),
      'http_req_failed{model:A,lc_batch:0}': rate(1, 19),
      'http_req_duration{model:A,lc_batch:0}': trend(38),
      'http_req_failed{model:A,lc_batch:1}': rate(2, 8),
      'http_req_duration{model:A,lc_batch:1}': trend(44),
      'checks{model:A,lc_batch:0}': rate(20, 0),
    },
  };

  it('makes each value a group: totals over the run’s seconds, its shared endpoints and its batches', () => {
    const by = summarizeByTag(k6, TAGS, { ms: 5000, count: 2 }, 10);
    expect(by?.leftOut).toEqual(TAGS.leftOut);
    const [a, b] = by?.tags[0]?.groups ?? [];
    expect(a).toMatchObject({
      value: 'A',
      requests: 30,
      rps: 3,
      failed: 3,
      errorRate: 0.1,
      duration: { avg: 20, 'p(95)': 40 },
      checksPassed: 29,
      checksFailed: 1,
      endpoints: [
        { name: 'health', requests: 10, rps: 1, failed: 0, errorRate: 0, duration: { avg: 1, 'p(95)': 2 } },
      ],
    });
    expect(a?.batches?.overall).toEqual([
      { requests: 20, failed: 1, duration: { avg: 19, 'p(95)': 38 } },
      { requests: 10, failed: 2, duration: { avg: 22, 'p(95)': 44 } },
    ]);
    expect(a?.batches?.checks).toEqual([1, null]);
    expect(a?.batches?.endpoints['health']?.map((s) => s.requests)).toEqual([0, 0]);
    // A value with no request has no statistics to show, and no batches k6 reported.
    expect(b).toMatchObject({ value: 'B', requests: 0, errorRate: 0, duration: {}, checksPassed: 0 });
    expect(b?.batches).toBeUndefined();
  });

  it('has nothing to say without k6’s end-of-test data', () => {
    expect(summarizeByTag(undefined, TAGS, undefined, 10)).toBeUndefined();
  });
});
