import { describe, expect, it } from 'vitest';
import {
  SSE_DONE,
  completionDelayMs,
  generateChatTokens,
  parseChatRequest,
  planStreamCut,
  renderChatCompletion,
  renderChunkFrame,
  renderFinishFrames,
  tokenDueMs,
  type ChatPlan,
} from './chat.js';

const KNOBS = { ttftMs: 300, tokenDelayMs: 20, tokens: 5 };
const META = { id: 'chatcmpl-1', created: 1_700_000_000, model: 'demo' };

function plan(body: unknown): ChatPlan {
  const parsed = parseChatRequest(body, KNOBS);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('parseChatRequest', () => {
  it('plans the knob count of tokens with the knob timing', () => {
    const p = plan({ model: 'demo', messages: [{ role: 'user', content: 'twelve chars' }] });
    expect(p).toMatchObject({
      model: 'demo',
      stream: false,
      promptTokens: 3,
      finishReason: 'stop',
      ttftMs: 300,
      tokenDelayMs: 20,
    });
    expect(p.tokens).toHaveLength(5);
  });

  it('caps tokens by max_tokens and says the answer was cut', () => {
    const p = plan({
      model: 'demo',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
      stream: true,
    });
    expect(p).toMatchObject({ stream: true, finishReason: 'length' });
    expect(p.tokens).toHaveLength(2);
    expect(
      plan({ model: 'demo', messages: [{ role: 'user', content: 'hi' }], max_tokens: '50' }).tokens,
    ).toHaveLength(5);
  });

  it('reports every problem at once', () => {
    const parsed = parseChatRequest(
      { messages: [{ role: 'robot' }, 'x'], stream: 'yes', max_tokens: 0 },
      KNOBS,
    );
    expect(parsed).toEqual({
      ok: false,
      status: 400,
      code: 'BAD_REQUEST',
      message: [
        'model: expected a non-empty string of at most 200 characters',
        'messages[0].role: expected one of system, developer, user, assistant, tool',
        'messages[0].content: expected a string',
        'messages[1].role: expected one of system, developer, user, assistant, tool',
        'messages[1].content: expected a string',
        'stream: expected true or false',
        'max_tokens: expected a whole number of at least 1',
      ].join('; '),
    });
    expect(parseChatRequest([1], KNOBS)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(parseChatRequest({ model: 'm', messages: [] }, KNOBS)).toMatchObject({
      ok: false,
      code: 'BAD_REQUEST',
    });
  });
});

describe('tokens and timing', () => {
  it('generates the same words for the same seed, spaced after the first', () => {
    expect(generateChatTokens(3, 0)).toEqual(['Load', ' testing', ' shows']);
    expect(generateChatTokens(3, 1)).toEqual(['testing', ' shows', ' how']);
    expect(generateChatTokens(40, 7)).toEqual(generateChatTokens(40, 7));
  });

  it('schedules tokens at absolute offsets and the full answer after the last', () => {
    const p = plan({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
    expect([0, 1, 4].map((i) => tokenDueMs(p, i))).toEqual([300, 320, 380]);
    expect(completionDelayMs(p)).toBe(400);
  });
});

describe('rendering', () => {
  const p = plan({ model: 'demo', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 2 });

  it('renders an OpenAI-style completion with usage', () => {
    expect(renderChatCompletion(META, p)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'demo',
      choices: [
        { index: 0, message: { role: 'assistant', content: p.tokens.join('') }, finish_reason: 'length' },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });

  it('renders SSE frames: the role with the first token, then content only, then finish and [DONE]', () => {
    const first = renderChunkFrame(META, 'Hi', true);
    expect(first.startsWith('data: ') && first.endsWith('\n\n')).toBe(true);
    expect(JSON.parse(first.slice(6))).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'demo',
      choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }],
    });
    expect(JSON.parse(renderChunkFrame(META, ' there', false).slice(6)).choices[0].delta).toEqual({
      content: ' there',
    });
    const finish = renderFinishFrames(META, p);
    expect(finish.endsWith(SSE_DONE)).toBe(true);
    const finishChunk = JSON.parse(finish.slice(6, finish.length - SSE_DONE.length));
    expect(finishChunk.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'length' }]);
    // Usage only when asked for, as OpenAI streams it.
    expect(finishChunk.usage).toBeUndefined();
  });

  it('with stream_options.include_usage, ends with a chunk of usage alone before [DONE]', () => {
    const asked = plan({
      model: 'demo',
      messages: [{ role: 'user', content: 'hello there' }],
      max_tokens: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const frames = renderFinishFrames(META, asked).split('\n\n');
    expect(frames).toHaveLength(4);
    expect(frames[2]).toBe('data: [DONE]');
    expect(JSON.parse(frames[0]?.slice(6) ?? '').usage).toBeUndefined();
    expect(JSON.parse(frames[1]?.slice(6) ?? '')).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'demo',
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });

  it('refuses stream_options that are not an object of booleans', () => {
    const bad = parseChatRequest(
      {
        model: 'demo',
        messages: [{ role: 'user', content: 'hi' }],
        stream_options: { include_usage: 'yes' },
      },
      KNOBS,
    );
    expect(bad.ok).toBe(false);
  });
});

describe('planStreamCut', () => {
  it('cuts no stream without the knob', () => {
    expect(planStreamCut({ cutRate: 0 }, 20, 0)).toBeUndefined();
    expect(planStreamCut({ cutRate: 0, cutAfterTokens: 3 }, 20, 0)).toBeUndefined();
  });

  it('cuts the share of streams whose roll falls under the rate, by default after half the answer', () => {
    expect(planStreamCut({ cutRate: 0.25 }, 20, 0.1)).toBe(10);
    expect(planStreamCut({ cutRate: 0.25 }, 21, 0.2499)).toBe(10);
    expect(planStreamCut({ cutRate: 0.25 }, 20, 0.25)).toBeUndefined();
    expect(planStreamCut({ cutRate: 1 }, 20, 0.9999)).toBe(10);
  });

  it('cuts after cutAfterTokens, at most after the last token (before the end marker)', () => {
    expect(planStreamCut({ cutRate: 1, cutAfterTokens: 0 }, 20, 0.5)).toBe(0);
    expect(planStreamCut({ cutRate: 1, cutAfterTokens: 7 }, 20, 0.5)).toBe(7);
    expect(planStreamCut({ cutRate: 1, cutAfterTokens: 50 }, 20, 0.5)).toBe(20);
  });
});
