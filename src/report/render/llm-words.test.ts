import { describe, expect, it } from 'vitest';
import type { LlmSummary } from '../model/llm.js';
import { LLM_WORDS, llmRows } from './llm-words.js';

const llm: LlmSummary = {
  ttft: { avg: 307.13, med: 304.74, 'p(95)': 313.54 },
  tpot: { avg: 19.98, med: 19.97, 'p(95)': 20.04 },
  itl: { avg: 19.98 },
  e2e: { avg: 786.5 },
  outputTokens: { total: 150, perSecond: 63.45, bySource: { usage: 120, events: 30 } },
  inputTokens: { total: 36, perSecond: 15.2, bySource: { tokenizer: 36 } },
  completed: 6,
  completedPerSecond: 2.54,
  goodput: {
    good: 5,
    requests: 6,
    share: 5 / 6,
    perSecond: 2.1,
    slos: [{ step: 'chat', slo: { ttft: '1s', tpot: '30ms' } }],
  },
};

describe('llmRows', () => {
  it('gives every figure with its statistics, token sources and the SLO goodput was judged by', () => {
    expect(llmRows(llm, LLM_WORDS.en)).toEqual([
      ['Time to first token (TTFT)', 'avg 307.1ms · p50 304.7ms · p95 313.5ms'],
      ['Time per output token (TPOT)', 'avg 20.0ms · p50 20.0ms · p95 20.0ms'],
      ['Inter-token latency (ITL)', 'avg 20.0ms'],
      ['End-to-end latency', 'avg 786.5ms'],
      ['Output tokens', '150 (63.5/s) · from usage 120, counted as events 30'],
      ['Input tokens', "36 (15.2/s) · by loadctl's tokenizer 36"],
      ['Request throughput', '2.5/s (6 completed)'],
      ['Goodput', '83.33% (5 of 6) · 2.1/s · SLO chat: ttft ≤ 1s, tpot ≤ 30ms'],
    ]);
  });

  it('speaks Korean, and has nothing to say without streams', () => {
    const ko = llmRows(llm, LLM_WORDS.ko);
    expect(ko.at(-1)).toEqual([
      '굿풋 (goodput)',
      '83.33% (6건 중 5건) · 2.1/초 · SLO chat: ttft ≤ 1s, tpot ≤ 30ms',
    ]);
    expect(ko[4]?.[1]).toBe('150 (63.5/초) · usage 기준 120, 이벤트 수 기준 30');
    expect(llmRows(undefined, LLM_WORDS.en)).toEqual([]);
  });
});
