// The LLM serving figures of a run with `stream:` steps (docs/llm.md): TTFT, TPOT, ITL and end-to-end latency
// as k6 summarized them, token counts with where they came from, the throughputs over the run's duration
// (vLLM's request and output token throughput) and goodput with the objectives it was judged by. Read from
// k6's end-of-test data; a figure k6 did not record is absent, never zero. Pure.
import { metricValues, type K6Summary } from '../../k6/summary.js';

/** The tag k6/x/loadctl-sse puts on token counts: where each came from. */
export const TOKEN_SOURCE_TAG = 'token_source';
/** In the order loadctl prefers them: the API's usage, loadctl's tokenizer, the count of token events. */
export const TOKEN_SOURCES = ['usage', 'tokenizer', 'events'] as const;
const TOKEN_COUNTERS = ['output_tokens', 'input_tokens'] as const;

/** The sub-metrics that make k6 report each token count by its source (thresholds with no expression). */
export function tokenSourceSubmetrics(): Record<string, never[]> {
  const out: Record<string, never[]> = {};
  for (const metric of TOKEN_COUNTERS)
    for (const source of TOKEN_SOURCES) out[`${metric}{${TOKEN_SOURCE_TAG}:${source}}`] = [];
  return out;
}

export interface TokenTotals {
  total: number;
  /** total over the run's duration: vLLM's output (or input) token throughput. */
  perSecond: number;
  /** Tokens by source, only the sources that counted any. */
  bySource: Partial<Record<(typeof TOKEN_SOURCES)[number], number>>;
}

export interface StepSlo {
  step: string;
  slo: { ttft?: string; tpot?: string; e2e?: string };
}

export interface LlmSummary {
  /** Trend statistics in ms (the plan's summaryTrendStats): time to first token, per output token, between
   * tokens, end to end. */
  ttft?: Record<string, number>;
  tpot?: Record<string, number>;
  itl?: Record<string, number>;
  e2e?: Record<string, number>;
  /** Output tokens per second of each request (output tokens / its e2e latency). */
  outputTokensPerSecond?: Record<string, number>;
  outputTokens?: TokenTotals;
  inputTokens?: TokenTotals;
  /** Streams that ended with their end marker, and per second: vLLM's request throughput. */
  completed: number;
  completedPerSecond: number;
  /** Requests of steps with `stream.slo` that completed and met every objective. */
  goodput?: { good: number; requests: number; share: number; perSecond: number; slos: StepSlo[] };
}

const TRENDS = [
  ['ttft', 'ttft'],
  ['tpot', 'tpot'],
  ['itl', 'inter_token_latency'],
  ['e2e', 'e2e_latency'],
  ['outputTokensPerSecond', 'output_tokens_per_second'],
] as const;

function tokenTotals(k6: K6Summary, metric: string, seconds: number): TokenTotals | undefined {
  const total = metricValues(k6, metric)?.['count'];
  if (total === undefined) return undefined;
  const bySource: TokenTotals['bySource'] = {};
  for (const source of TOKEN_SOURCES) {
    const n = metricValues(k6, `${metric}{${TOKEN_SOURCE_TAG}:${source}}`)?.['count'];
    if (n !== undefined && n > 0) bySource[source] = n;
  }
  // k6 reports a counter its sub-metrics ask for even when no sample came: nothing was counted.
  if (total === 0 && Object.keys(bySource).length === 0) return undefined;
  return { total, perSecond: total / seconds, bySource };
}

/** The run's LLM figures over its duration in seconds; undefined when no stream step answered (no stream metric has a sample). */
export function summarizeLlm(
  k6: K6Summary | undefined,
  seconds: number,
  slos: readonly StepSlo[],
): LlmSummary | undefined {
  const completedRate = k6 && metricValues(k6, 'stream_completed');
  if (!k6 || completedRate === undefined) return undefined;
  const out: LlmSummary = {
    completed: completedRate['passes'] ?? 0,
    completedPerSecond: (completedRate['passes'] ?? 0) / seconds,
  };
  for (const [field, metric] of TRENDS) {
    const v = metricValues(k6, metric);
    if (v && v['count'] !== 0 && Object.keys(v).length > 0) out[field] = v;
  }
  const output = tokenTotals(k6, 'output_tokens', seconds);
  if (output) out.outputTokens = output;
  const input = tokenTotals(k6, 'input_tokens', seconds);
  if (input) out.inputTokens = input;
  const goodput = metricValues(k6, 'goodput');
  if (goodput && slos.length > 0) {
    const good = goodput['passes'] ?? 0;
    const requests = good + (goodput['fails'] ?? 0);
    out.goodput = {
      good,
      requests,
      share: requests > 0 ? good / requests : 0,
      perSecond: good / seconds,
      slos: [...slos],
    };
  }
  return out;
}

/** An objective set as the plan wrote it: "ttft ≤ 2s, tpot ≤ 50ms". */
export function renderSlo(slo: StepSlo['slo']): string {
  return (['ttft', 'tpot', 'e2e'] as const)
    .flatMap((k) => (slo[k] !== undefined ? [`${k} ≤ ${slo[k]}`] : []))
    .join(', ');
}
