import { describe, expect, it } from 'vitest';
import { judgeLevel, minRequests, parseSlo, worstEndpoint, type LevelNumbers, type Slo } from './slo.js';

function slo(text: string): Slo {
  const parsed = parseSlo(text);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.slo;
}

describe('parseSlo', () => {
  it('reads latency limits in ms or s, errors as a percentage or a share, and endpoint scopes', () => {
    expect(slo('p95<500ms, errors<1%').criteria).toEqual([
      { kind: 'latency', stat: 'p95', limitMs: 500, inclusive: false, text: 'p95<500ms' },
      { kind: 'errors', limit: 0.01, inclusive: false, text: 'errors<1%' },
    ]);
    expect(slo('p(90)<=0.5s,avg<200,p50<80ms,max<2s,error_rate<0.005').criteria).toMatchObject([
      { stat: 'p90', limitMs: 500, inclusive: true },
      { stat: 'avg', limitMs: 200 },
      { stat: 'med', limitMs: 80 },
      { stat: 'max', limitMs: 2000 },
      { kind: 'errors', limit: 0.005 },
    ]);
    expect(slo('p95{name:reserve}<300ms,p95<1s,errors{name:pay}<0.5%').criteria).toMatchObject([
      { stat: 'p95', endpoint: 'reserve', limitMs: 300 },
      { stat: 'p95', limitMs: 1000 },
      { kind: 'errors', endpoint: 'pay', limit: 0.005 },
    ]);
  });

  it('reports every problem at once, each with what to write instead', () => {
    expect(parseSlo('p99<1s,errors<1,p95>5ms,p95<1m,speed<3,,p90<1s,p(90)<2s')).toEqual({
      ok: false,
      errors: [
        '"p99<1s": k6\'s live data has avg, med (p50), p90, p95 and max, not p99; use p95 or p90',
        '"errors<1": 1 is ambiguous: write 1% or 0.01',
        '"p95>5ms": a service level is an upper limit, write it with < or <=',
        '"p95<1m": 1m is not a duration; write 500ms or 0.5s',
        '"speed<3": unknown metric speed; use avg, med, p90, p95, max or errors',
        '--slo "p99<1s,errors<1,p95>5ms,p95<1m,speed<3,,p90<1s,p(90)<2s" has an empty item; e.g. --slo "p95<500ms,errors<1%"',
        '"p(90)<2s": p90 is limited twice',
      ],
    });
    expect(parseSlo(undefined)).toEqual({
      ok: false,
      errors: ['--slo is required: the service level to hold, e.g. --slo "p95<500ms,errors<1%"'],
    });
    expect(parseSlo('errors<150%')).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('more than 100%')],
    });
    expect(parseSlo('p95<0ms')).toMatchObject({ ok: false, errors: [expect.stringContaining('above 0')] });
    expect(parseSlo('p95 500ms')).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('is not <metric><limit>')],
    });
  });
});

const level = (over: Partial<LevelNumbers>): LevelNumbers => ({
  requests: 1000,
  errorRate: 0,
  latency: { 'p(95)': 100, avg: 50 },
  endpoints: {},
  ...over,
});

describe('judgeLevel', () => {
  const s = slo('p95<250ms,errors<1%');

  it('holds below the limits and breaks at them (< is strict, <= is not)', () => {
    expect(judgeLevel(s, level({ latency: { 'p(95)': 249.9 }, errorRate: 0.0099 }))).toEqual([]);
    expect(judgeLevel(s, level({ latency: { 'p(95)': 250 } })).map((b) => b.criterion.text)).toEqual([
      'p95<250ms',
    ]);
    expect(judgeLevel(slo('p95<=250ms'), level({ latency: { 'p(95)': 250 } }))).toEqual([]);
    expect(judgeLevel(s, level({ errorRate: 0.01 })).map((b) => b.criterion.text)).toEqual(['errors<1%']);
  });

  it('names the endpoints that break an overall limit on their own, worst first', () => {
    const n = level({
      latency: { 'p(95)': 400 },
      endpoints: {
        login: { latency: { 'p(95)': 30 }, errorRate: 0 },
        reserve: { latency: { 'p(95)': 300 }, errorRate: 0 },
        pay: { latency: { 'p(95)': 900 }, errorRate: 0 },
      },
    });
    expect(judgeLevel(s, n)).toEqual([
      {
        criterion: s.criteria[0],
        observed: 400,
        endpoints: [
          { name: 'pay', observed: 900 },
          { name: 'reserve', observed: 300 },
        ],
      },
    ]);
    expect(worstEndpoint(s.criteria[1] ?? s.criteria[0]!, n)?.name).toBe('login');
  });

  it('judges an endpoint criterion on that endpoint only', () => {
    const scoped = slo('p95{name:pay}<500ms');
    const n = level({ latency: { 'p(95)': 900 }, endpoints: { pay: { latency: { 'p(95)': 100 } } } });
    expect(judgeLevel(scoped, n)).toEqual([]);
    expect(judgeLevel(scoped, level({ endpoints: {} }))).toEqual([]);
  });

  it('needs enough requests that one error cannot break the limit', () => {
    expect(minRequests(slo('p95<1s'))).toBe(20);
    expect(minRequests(slo('p95<1s,errors<1%'))).toBe(100);
    expect(minRequests(slo('errors<10%'))).toBe(20);
  });
});
