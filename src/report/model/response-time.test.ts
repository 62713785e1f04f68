import { describe, expect, it } from 'vitest';
import { buildResponseTimes } from './response-time.js';
import type { MetricSummary } from './summary.js';

const trend = (values: Record<string, number>): MetricSummary => ({
  type: 'trend',
  contains: 'time',
  values,
});

describe('buildResponseTimes', () => {
  it('reads the average over all requests', () => {
    expect(buildResponseTimes({ avg: 712.4, 'p(95)': 900 }, {})).toEqual({ average: 712.4 });
  });

  it('adds the stream metrics’ averages and the share of completed streams', () => {
    const metrics: Record<string, MetricSummary> = {
      ttft: trend({ avg: 120.5, 'p(95)': 200 }),
      inter_token_latency: trend({ avg: 21.25 }),
      stream_tokens: { type: 'trend', contains: 'default', values: { avg: 64 } },
      tokens_per_second: { type: 'trend', contains: 'default', values: { avg: 41.5 } },
      stream_completed: { type: 'rate', contains: 'default', values: { rate: 0.98, passes: 49, fails: 1 } },
    };
    expect(buildResponseTimes({ avg: 1500 }, metrics)).toEqual({
      average: 1500,
      stream: { ttft: 120.5, interTokenLatency: 21.25, tokens: 64, tokensPerSecond: 41.5, completed: 0.98 },
    });
  });

  it('leaves out what k6 did not record, never showing it as zero', () => {
    expect(buildResponseTimes({}, { ttft: trend({ avg: 0, count: 0 }) })).toEqual({});
    expect(
      buildResponseTimes(
        {},
        { stream_completed: { type: 'rate', contains: 'default', values: { rate: 1 } } },
      ),
    ).toEqual({});
  });
});
