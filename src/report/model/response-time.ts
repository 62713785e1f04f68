// Average response times, as LLM serving studies report them: http_req_duration's average over every
// request and, for a plan with `stream:` steps, the averages of the stream metrics k6/x/loadctl-sse records
// (time to first token, inter-token latency, tokens per answer, tokens/s) and the share of streams that
// completed. Read from the summary's metrics; a figure k6 did not record is absent, never zero. Pure.
import type { MetricSummary } from './summary.js';

export interface ResponseTimes {
  /** http_req_duration avg over all requests (ms). */
  average?: number;
  /** Averages of the stream metrics, present when the run had stream steps. */
  stream?: {
    ttft?: number;
    interTokenLatency?: number;
    tokens?: number;
    tokensPerSecond?: number;
    /** stream_completed's rate: the share of streams that ended with their end marker. */
    completed?: number;
  };
}

const STREAM_AVERAGES = [
  ['ttft', 'ttft'],
  ['interTokenLatency', 'inter_token_latency'],
  ['tokens', 'stream_tokens'],
  ['tokensPerSecond', 'tokens_per_second'],
] as const;

function finite(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v);
}

export function buildResponseTimes(
  latency: Readonly<Record<string, number>>,
  metrics: Readonly<Record<string, MetricSummary>>,
): ResponseTimes {
  const stream: NonNullable<ResponseTimes['stream']> = {};
  for (const [key, metric] of STREAM_AVERAGES) {
    const m = metrics[metric];
    // A stream metric with no sample (count 0) says nothing about the stream.
    if (m && m.values['count'] !== 0 && finite(m.values['avg'])) stream[key] = m.values['avg'];
  }
  const completed = metrics['stream_completed']?.values['rate'];
  if (finite(completed) && Object.keys(stream).length > 0) stream.completed = completed;
  const average = latency['avg'];
  return {
    ...(finite(average) ? { average } : {}),
    ...(Object.keys(stream).length > 0 ? { stream } : {}),
  };
}
