import { describe, expect, it } from 'vitest';
import { withStreamUsage } from './stream-usage.js';

const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true };

describe('withStreamUsage', () => {
  it('asks an OpenAI-style streaming body for usage', () => {
    expect(withStreamUsage(chat, true)).toEqual({ ...chat, stream_options: { include_usage: true } });
    expect(withStreamUsage({ ...chat, stream_options: { continuous_usage_stats: true } }, {})).toEqual({
      ...chat,
      stream_options: { continuous_usage_stats: true, include_usage: true },
    });
  });

  it('leaves the body alone when the plan says usage: false or decides include_usage itself', () => {
    expect(withStreamUsage(chat, { usage: false })).toBe(chat);
    const decided = { ...chat, stream_options: { include_usage: false } };
    expect(withStreamUsage(decided, true)).toBe(decided);
  });

  it('leaves other bodies alone: no stream step, no `stream: true`, not an object', () => {
    expect(withStreamUsage(chat, undefined)).toBe(chat);
    expect(withStreamUsage(chat, false)).toBe(chat);
    const notStreaming = { ...chat, stream: '${vars.stream}' };
    expect(withStreamUsage(notStreaming, true)).toBe(notStreaming);
    expect(withStreamUsage(['a'], true)).toEqual(['a']);
    const odd = { ...chat, stream_options: 'x' };
    expect(withStreamUsage(odd, true)).toBe(odd);
  });
});
