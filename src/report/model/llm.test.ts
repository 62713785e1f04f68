import { describe, expect, it } from 'vitest';
import type { K6Summary } from '../../k6/summary.js';
import { renderSlo, summarizeLlm, tokenSourceSubmetrics } from './llm.js';

const trend = (avg: number) => ({
  type: 'trend' as const,
  contains: 'time',
  values: { avg, 'p(95)': avg * 2 },
});

function k6(metrics: K6Summary['metrics']): K6Summary {
  return { root_group: { name: '', path: '', checks: [], groups: [] }, metrics } as unknown as K6Summary;
}

describe('summarizeLlm', () => {
  const summary = k6({
    ttft: trend(300),
    tpot: trend(20),
    inter_token_latency: trend(21),
    e2e_latency: trend(780),
    stream_completed: { type: 'rate', contains: 'default', values: { rate: 0.75, passes: 3, fails: 1 } },
    output_tokens: { type: 'counter', contains: 'default', values: { count: 90, rate: 9 } },
    'output_tokens{token_source:usage}': {
      type: 'counter',
      contains: 'default',
      values: { count: 60, rate: 6 },
    },
    'output_tokens{token_source:events}': {
      type: 'counter',
      contains: 'default',
      values: { count: 30, rate: 3 },
    },
    'output_tokens{token_source:tokenizer}': {
      type: 'counter',
      contains: 'default',
      values: { count: 0, rate: 0 },
    },
    // Reported with no sample because its by-source sub-metrics were asked for: no prompt was counted.
    input_tokens: { type: 'counter', contains: 'default', values: { count: 0, rate: 0 } },
    goodput: { type: 'rate', contains: 'default', values: { rate: 0.5, passes: 2, fails: 2 } },
  });
  const slos = [{ step: 'chat', slo: { ttft: '2s', tpot: '50ms' } }];

  it('reads the trends, the token totals by source and the throughputs over the run', () => {
    const llm = summarizeLlm(summary, 10, slos);
    expect(llm).toMatchObject({
      ttft: { avg: 300 },
      tpot: { avg: 20 },
      itl: { avg: 21 },
      e2e: { avg: 780 },
      completed: 3,
      completedPerSecond: 0.3,
      outputTokens: { total: 90, perSecond: 9, bySource: { usage: 60, events: 30 } },
      goodput: { good: 2, requests: 4, share: 0.5, perSecond: 0.2, slos },
    });
    // A source that counted nothing is left out; a metric never recorded is absent, not zero.
    expect(llm?.outputTokens?.bySource).not.toHaveProperty('tokenizer');
    expect(llm).not.toHaveProperty('inputTokens');
    expect(llm).not.toHaveProperty('outputTokensPerSecond');
  });

  it('shows goodput only with the objectives it was judged by, and nothing without streams', () => {
    expect(summarizeLlm(summary, 10, [])).not.toHaveProperty('goodput');
    expect(summarizeLlm(k6({ ttft: trend(1) }), 1, slos)).toBeUndefined();
    expect(summarizeLlm(undefined, 1, slos)).toBeUndefined();
  });
});

describe('tokenSourceSubmetrics and renderSlo', () => {
  it('asks k6 for every token counter by source', () => {
    expect(Object.keys(tokenSourceSubmetrics())).toEqual([
      'output_tokens{token_source:usage}',
      'output_tokens{token_source:tokenizer}',
      'output_tokens{token_source:events}',
      'input_tokens{token_source:usage}',
      'input_tokens{token_source:tokenizer}',
      'input_tokens{token_source:events}',
    ]);
  });

  it('writes an SLO as the plan gave it', () => {
    expect(renderSlo({ ttft: '2s', e2e: '10s' })).toBe('ttft ≤ 2s, e2e ≤ 10s');
  });
});
