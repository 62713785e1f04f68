// A breaking-point search on streaming numbers (ttft, tpot, goodput), from k6 metric values as k6's REST API
// shows them: a trend without samples as zeros, a rate without samples as 0.
import { describe, expect, it } from 'vitest';
import type { Plan, StreamSpec } from '../plans/schema.js';
import { planBreakpointSearch, startWatch } from './search.js';
import { parseSlo, type Slo } from './slo.js';
import { judgeBreakpoint, k6FailureReason } from './verdict.js';
import { foldWatch, levelNumbers, type MetricValues, type WatchState } from './watch.js';

const slo = (text: string): Slo => (parseSlo(text) as { ok: true; slo: Slo }).slo;
const ZERO_TREND = { min: 0, max: 0, avg: 0, med: 0, 'p(90)': 0, 'p(95)': 0 };
const trend = (p95: number) => ({
  min: p95 / 4,
  max: p95 * 2,
  avg: p95 / 2,
  med: p95 / 2,
  'p(90)': p95,
  'p(95)': p95,
});

const PLAN: Plan = {
  name: 'llm',
  targets: { local: { demo: true } },
  scenarios: {
    chat: { executor: 'constant-arrival-rate', rate: 5, duration: '1m', preAllocatedVUs: 10, flow: 'chat' },
  },
  flows: {
    chat: {
      steps: [
        { name: 'models', path: '/v1/models' },
        {
          name: 'chat',
          method: 'POST',
          path: '/v1/chat/completions',
          json: { stream: true },
          // `stream.slo` (what goodput counts against), written as the plan language has it.
          stream: { token: '$.choices[0].delta.content', slo: { ttft: '2s', tpot: '50ms' } } as StreamSpec,
        },
      ],
    },
  },
};
const CHOICES = { model: 'open' as const, steps: 3, stepMs: 4000, max: 12 };

interface StreamLevel {
  requests: number;
  /** Streams that ended (default: half the requests, one of the flow's two steps). */
  streams?: number;
  ttft?: number;
  goodput?: number;
}

/** k6's sub-metrics of each level; streams that have not ended leave k6's empty values. */
function values(levels: ReadonlyArray<StreamLevel | undefined>): MetricValues {
  const map = new Map<string, Record<string, number>>();
  levels.forEach((l, i) => {
    if (l === undefined) return;
    for (const scope of [`lc_batch:${i}`, `name:chat,lc_batch:${i}`]) {
      map.set(`ttft{${scope}}`, l.ttft === undefined ? ZERO_TREND : trend(l.ttft));
      map.set(`goodput{${scope}}`, { rate: l.goodput ?? 0 });
    }
    map.set(`http_reqs{lc_batch:${i}}`, { count: l.requests, rate: 1 });
    // The flow's other step (models) ends at once: the streams that ended are fewer than the requests.
    map.set(`http_reqs{name:chat,lc_batch:${i}}`, { count: l.streams ?? l.requests / 2, rate: 1 });
    map.set(`http_req_failed{lc_batch:${i}}`, { rate: 0 });
    for (const scope of [`lc_batch:${i}`, `name:chat,lc_batch:${i}`, `name:models,lc_batch:${i}`])
      map.set(`http_req_duration{${scope}}`, trend(3000));
  });
  return (key) => map.get(key);
}

describe('planning a search on streaming numbers', () => {
  it('asks k6 for each level’s streaming sub-metrics, overall and per stream step', () => {
    const search = planBreakpointSearch(PLAN, CHOICES, slo('ttft_p95<2s,goodput>95%'), 3);
    expect(search.streams).toEqual({ metrics: ['ttft', 'goodput'], endpoints: ['chat'] });
    const keys = Object.keys(search.plan.thresholds ?? {});
    expect(keys).toContain('ttft{lc_batch:2}');
    expect(keys).toContain('goodput{name:chat,lc_batch:0}');
    expect(keys.filter((k) => k.startsWith('ttft{'))).toHaveLength(6);
    expect(keys).toContain('http_reqs{name:chat,lc_batch:1}');
    expect(keys.some((k) => k.includes('name:models') && !k.startsWith('http_'))).toBe(false);
    // tpot bounds no request: the pool is sized by the ttft limit (2 × 2 s × 12/s × 2 requests).
    expect(search.ramp.maxVUs).toBe(96);
  });

  it('refuses before the run a streaming SLO on a flow without a stream step, or on a step that is not one', () => {
    const plain: Plan = { ...PLAN, flows: { chat: { steps: [{ name: 'models', path: '/v1/models' }] } } };
    expect(() => planBreakpointSearch(plain, CHOICES, slo('ttft_p95<2s'), 3)).toThrow(
      '--slo limits ttft, which only a step with `stream:` measures, and flow chat has none',
    );
    expect(() => planBreakpointSearch(plain, CHOICES, slo('p95<2s,goodput>90%'), 3)).toThrow(
      'limits goodput',
    );
    expect(() => planBreakpointSearch(PLAN, CHOICES, slo('ttft_p95{name:models}<2s'), 3)).toThrow(
      '--slo ttft_p95{name:models}<2s: the step named there does not read a stream',
    );
    // goodput counts streams against their step's SLO: a stream step without one cannot be judged on it.
    const noSlo: Plan = {
      ...PLAN,
      flows: {
        chat: {
          steps: [
            { name: 'models', path: '/v1/models' },
            { name: 'chat', method: 'POST', path: '/v1/chat/completions', stream: { token: '$.x' } },
          ],
        },
      },
    };
    expect(() => planBreakpointSearch(noSlo, CHOICES, slo('ttft_p95<2s,goodput>95%'), 3)).toThrow(
      "--slo goodput>95%: goodput counts the streams that met their step's `stream.slo`, and no stream step of flow chat has one",
    );
    expect(() => planBreakpointSearch(noSlo, CHOICES, slo('goodput{name:chat}>90%'), 3)).toThrow(
      'and step chat has none',
    );
    expect(planBreakpointSearch(noSlo, CHOICES, slo('ttft_p95<2s'), 3).streams.endpoints).toEqual(['chat']);
    // Plain criteria need no stream.
    expect(planBreakpointSearch(plain, CHOICES, slo('p95<2s'), 3).streams.metrics).toEqual([]);
  });
});

describe('watching and judging streaming numbers', () => {
  const search = planBreakpointSearch(PLAN, CHOICES, slo('ttft_p95<2s,goodput>95%'), 3);
  const fold = (polls: Array<Array<StreamLevel | undefined>>): WatchState =>
    polls.reduce(
      (state, levels, i) =>
        foldWatch(state, { t: i + 1, values: values(levels), generator: { saturated: false, reasons: [] } }),
      startWatch(search),
    );

  it('reads no streaming number from k6’s empty values, so a level whose streams have not ended holds nothing', () => {
    const n = levelNumbers(values([{ requests: 30 }]), 0, search.endpoints, search.streams);
    expect(n.stream).toBeUndefined();
    expect(n.endpoints['chat']?.stream).toBeUndefined();
    expect(n.endpoints['models']).toEqual({ latency: trend(3000) });
  });

  it('stops when ttft breaks for the window, naming the stream step, and judges the levels on it', () => {
    const ok = { requests: 40, ttft: 300, goodput: 1 };
    const w = fold([
      [ok],
      // 19 streams ended (and 19 of the quick step): too few to judge yet, however slow.
      [ok, { requests: 38, ttft: 9000, goodput: 0.5 }],
      [ok, { requests: 44, ttft: 2500, goodput: 0.99 }],
      [ok, { requests: 60, ttft: 2600, goodput: 0.97 }],
      [ok, { requests: 90, ttft: 3000, goodput: 0.9 }],
    ]);
    expect(w.decision).toMatchObject({ kind: 'broke', level: 1, by: 'window' });
    const first = w.decision?.kind === 'broke' ? w.decision.first : [];
    expect(first.map((b) => [b.criterion.text, b.observed, b.endpoints])).toEqual([
      ['ttft_p95<2s', 2500, [{ name: 'chat', observed: 2500 }]],
    ]);
    const result = judgeBreakpoint({
      slo: search.slo,
      ramp: search.ramp,
      endpoints: search.endpoints,
      watch: w,
      final: values([ok, { requests: 100, ttft: 3100, goodput: 0.9 }]),
      outcome: { kind: 'passed' },
      generator: { saturated: false, reasons: [] },
    });
    expect(result.verdict).toMatchObject({ kind: 'found', held: { level: 1 }, broke: { level: 2 } });
    expect(result.levels[1]).toMatchObject({
      status: 'broken',
      stream: { ttft: { 'p(95)': 3100 } },
      goodput: 0.9,
      breaches: [
        { criterion: 'ttft_p95<2s', kind: 'latency' },
        { criterion: 'goodput>95%', kind: 'goodput' },
      ],
    });
  });

  it('does not take a level whose streams are still running for one where none met its SLO', () => {
    // The flow's quick step ended 40 times; no stream has: k6 shows goodput's empty rate as 0.
    const running = { requests: 40, streams: 0 };
    const w = fold([
      [{ requests: 40, ttft: 300, goodput: 1 }],
      ...Array.from({ length: 5 }, () => [{ requests: 40, ttft: 300, goodput: 1 }, running]),
    ]);
    expect(w.decision).toBeUndefined();
    expect(w.live[1]).toMatchObject({ requests: 40 });
    expect(w.live[1]?.goodput).toBeUndefined();
  });

  it('breaks on goodput alone when fewer requests meet their SLO', () => {
    const w = fold([
      [{ requests: 40, ttft: 300, goodput: 1 }],
      [
        { requests: 40, ttft: 300, goodput: 1 },
        { requests: 40, ttft: 900, goodput: 0.8 },
      ],
      [
        { requests: 40, ttft: 300, goodput: 1 },
        { requests: 60, ttft: 900, goodput: 0.8 },
      ],
      [
        { requests: 40, ttft: 300, goodput: 1 },
        { requests: 80, ttft: 900, goodput: 0.7 },
      ],
    ]);
    expect(w.decision).toMatchObject({ kind: 'broke', level: 1 });
    const first = w.decision?.kind === 'broke' ? w.decision.first : [];
    expect(first.map((b) => [b.criterion.kind, b.observed])).toEqual([['goodput', 0.8]]);
  });
});

describe('a k6 that does not measure what the SLO reads', () => {
  it('says which metric is missing and how to get it, from k6’s refusal of the thresholds', () => {
    const refused = {
      kind: 'k6-error' as const,
      k6ExitCode: 104,
      reason: 'k6 rejected the options (an invalid scenario, threshold or flag)',
      // k6 v1.8.1's words, from a run of this search on a k6 without tpot.
      detail:
        'invalid threshold defined on tpot{name:chat,lc_batch:2}; reason: no metric name "tpot{name:chat,lc_batch:2}" found',
    };
    expect(k6FailureReason(refused, ['tpot'])).toBe(
      'this k6 does not measure tpot, which the SLO reads: its streaming extension (k6/x/loadctl-sse) predates it; rebuild k6 with `npm run setup:k6` (`loadctl doctor` shows which k6 runs)',
    );
    expect(k6FailureReason(refused, ['ttft'])).toBe(
      'k6 failed: k6 rejected the options (an invalid scenario, threshold or flag)',
    );
  });
});
