import { describe, expect, it } from 'vitest';
import {
  judgeable,
  judgeLevel,
  minRequests,
  parseSlo,
  sloStreamMetrics,
  worstEndpoint,
  type LevelNumbers,
  type Slo,
} from './slo.js';

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
        '"speed<3": unknown metric speed; use avg, med, p90, p95, max, errors, ttft_p95, tpot_p95, e2e_p95, itl_p95 or goodput',
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

describe('streaming criteria', () => {
  it('reads a statistic of a streaming trend and goodput as a lower limit, overall or for one step', () => {
    expect(slo('ttft_p95<2s,tpot_p95<50ms,goodput>95%').criteria).toEqual([
      { kind: 'latency', metric: 'ttft', stat: 'p95', limitMs: 2000, inclusive: false, text: 'ttft_p95<2s' },
      { kind: 'latency', metric: 'tpot', stat: 'p95', limitMs: 50, inclusive: false, text: 'tpot_p95<50ms' },
      { kind: 'goodput', limit: 0.95, inclusive: false, text: 'goodput>95%' },
    ]);
    expect(
      slo('ttft_p95{name:chat}<2s,e2e_med<10s,e2e_latency_max<20s,itl_p90<=80,inter_token_latency_avg<40ms')
        .criteria,
    ).toMatchObject([
      { metric: 'ttft', stat: 'p95', endpoint: 'chat', limitMs: 2000 },
      { metric: 'e2e_latency', stat: 'med', limitMs: 10_000 },
      { metric: 'e2e_latency', stat: 'max', limitMs: 20_000 },
      { metric: 'inter_token_latency', stat: 'p90', limitMs: 80, inclusive: true },
      { metric: 'inter_token_latency', stat: 'avg', limitMs: 40 },
    ]);
    expect(slo('goodput{name:chat}>=0.9,p95<3s,ttft_p95<1s').criteria).toMatchObject([
      { kind: 'goodput', endpoint: 'chat', limit: 0.9, inclusive: true },
      { kind: 'latency', stat: 'p95' },
      { kind: 'latency', metric: 'ttft', stat: 'p95' },
    ]);
  });

  it('refuses what it cannot judge, with what to write instead', () => {
    expect(
      parseSlo('ttft_p99<2s,tpot_foo<1s,goodput<95%,goodput>1,goodput>100%,ttft_p95<1s,ttft_p(95)<2s'),
    ).toEqual({
      ok: false,
      errors: [
        '"ttft_p99<2s": k6\'s live data has avg, med (p50), p90, p95 and max, not p99; use p95 or p90',
        '"tpot_foo<1s": foo is not a statistic of tpot; use avg, med, p90, p95 or max (e.g. tpot_p95)',
        '"goodput<95%": goodput is the share of requests that met their SLO, a lower limit: write goodput>95%',
        '"goodput>1": 1 is ambiguous: write 1% or 0.01',
        '"goodput>100%": no share is above 100%; write goodput>=100%',
        '"ttft_p(95)<2s": ttft p95 is limited twice',
      ],
    });
  });

  it('judges a streaming trend on its own numbers and goodput by falling', () => {
    const s = slo('ttft_p95<2s,goodput>95%');
    const n = level({
      latency: { 'p(95)': 9000 },
      stream: { ttft: { 'p(95)': 1999 } },
      goodput: 0.96,
      streams: 400,
      endpoints: {
        chat: { latency: {}, stream: { ttft: { 'p(95)': 2500 } }, goodput: 0.9, streams: 200 },
        other: { latency: {}, stream: { ttft: { 'p(95)': 2100 } }, goodput: 0.5, streams: 200 },
      },
    });
    expect(judgeLevel(s, n)).toEqual([]);
    const broke = judgeLevel(s, { ...n, stream: { ttft: { 'p(95)': 2000 } }, goodput: 0.95 });
    expect(broke.map((b) => [b.criterion.text, b.observed, b.endpoints.map((e) => e.name)])).toEqual([
      ['ttft_p95<2s', 2000, ['chat', 'other']],
      ['goodput>95%', 0.95, ['other', 'chat']],
    ]);
    expect(judgeLevel(slo('goodput>=95%'), { ...n, goodput: 0.95 })).toEqual([]);
    expect(
      worstEndpoint(s.criteria[1]!, { ...n, endpoints: { ...n.endpoints, other: { latency: {} } } }),
    ).toEqual({
      name: 'chat',
      observed: 0.9,
    });
    // No streaming numbers (no stream ended yet): nothing to judge, not a pass by zero; goodput only over
    // enough streams that ended (20 for 95%), whatever the level's other requests.
    expect(judgeLevel(s, level({}))).toEqual([]);
    expect(judgeLevel(s, { ...n, goodput: 0, streams: 19 })).toEqual([]);
    expect(judgeLevel(s, { ...n, goodput: 0, streams: 20 }).map((b) => b.observed)).toEqual([0]);
  });

  it('judges a level on streaming numbers only once enough of its streams ended', () => {
    const n = level({ requests: 500, streams: 19 });
    expect(judgeable(slo('p95<1s'), n)).toBe(true);
    expect(judgeable(slo('ttft_p95<1s'), n)).toBe(false);
    expect(judgeable(slo('ttft_p95<1s'), { ...n, streams: 20 })).toBe(true);
    expect(judgeable(slo('goodput>99%'), { ...n, streams: 99 })).toBe(false);
    expect(judgeable(slo('goodput>99%'), { ...n, streams: 100 })).toBe(true);
    expect(judgeable(slo('ttft_p95<1s'), { ...n, requests: 19, streams: 19 })).toBe(false);
  });

  it('needs enough requests that one missed SLO cannot take goodput under its limit', () => {
    expect(minRequests(slo('goodput>95%'))).toBe(20);
    expect(minRequests(slo('goodput>99%'))).toBe(100);
    expect(minRequests(slo('goodput>=100%'))).toBe(20);
    expect(sloStreamMetrics(slo('p95<1s,ttft_p95<2s,goodput>90%,ttft_max<5s'))).toEqual(['ttft', 'goodput']);
  });
});
