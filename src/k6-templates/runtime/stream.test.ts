import type { StreamResponse } from 'k6/x/loadctl-sse';
import { describe, expect, it } from 'vitest';
import type { HttpStep, ScriptPlan, SendRequest } from './model.js';
import { answerOf, encodeForm, planHasStreams, sendParams, streamParams, textRequest } from './stream.js';

const step = (over: Partial<HttpStep> = {}): HttpStep => ({
  kind: 'http',
  name: 'chat',
  method: 'POST',
  url: { k: 'lit', v: '/api/chat' },
  query: [],
  headers: [],
  checks: [],
  extract: [],
  record: [],
  tags: {},
  stopOnFailure: false,
  needsBody: false,
  ...over,
});

describe('streamParams', () => {
  it('is undefined for a plain request', () => {
    expect(streamParams(step())).toBeUndefined();
  });

  it('tags by name, keeps the text only when something reads it, and passes the step options', () => {
    expect(
      streamParams(
        step({
          stream: {
            token: [{ key: 'choices' }, { index: 0 }, { key: 'delta' }, { key: 'content' }],
            done: '[DONE]',
            doneEvent: 'message_stop',
            usage: true,
            slo: { ttft: '2s', tpot: '50ms' },
          },
          tags: { tier: 'free' },
          expect: [200, 429],
          timeout: '2m',
          needsBody: true,
        }),
      ),
    ).toEqual({
      tags: { name: 'chat', tier: 'free' },
      endData: '[DONE]',
      endEvent: 'message_stop',
      keepText: true,
      tokenPath: ['choices', 0, 'delta', 'content'],
      expectedStatuses: [200, 429],
      timeout: '2m',
      slo: { ttft: '2s', tpot: '50ms' },
    });
    expect(streamParams(step({ stream: { done: '[DONE]', usage: false } }))).toEqual({
      tags: { name: 'chat' },
      endData: '[DONE]',
      keepText: false,
      usage: false,
    });
  });
});

describe('encodeForm', () => {
  it('encodes fields as k6/http would send an object', () => {
    expect(encodeForm({ user: 'a b', 'x&y': '1=2' })).toBe('user=a%20b&x%26y=1%3D2');
  });
});

describe('planHasStreams', () => {
  const plan = (steps: HttpStep[]): ScriptPlan =>
    ({ flows: { f: { headers: [], steps } } }) as unknown as ScriptPlan;
  it('looks into every flow, group and branch', () => {
    expect(planHasStreams(plan([step()]))).toBe(false);
    const nested = {
      kind: 'if',
      condition: { op: 'truthy', value: { k: 'lit', v: true }, negate: false },
      then: [],
      else: [{ kind: 'group', name: 'g', steps: [step({ stream: { done: '[DONE]', usage: true } })] }],
    } as unknown as HttpStep;
    expect(planHasStreams(plan([step(), nested]))).toBe(true);
  });
});

describe('textRequest', () => {
  it('encodes a form body and says so, unless the plan set a Content-Type', () => {
    expect(textRequest({ method: 'POST', url: 'u', body: { a: '1' }, headers: { X: 'y' } })).toEqual({
      body: 'a=1',
      headers: { X: 'y', 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const typed = { 'content-type': 'text/plain' };
    expect(textRequest({ method: 'POST', url: 'u', body: { a: '1' }, headers: typed }).headers).toBe(typed);
    expect(textRequest({ method: 'GET', url: 'u', body: null, headers: {} })).toEqual({
      body: null,
      headers: {},
    });
  });
});

describe('sendParams', () => {
  const question = { method: 'POST', url: 'http://h/api/chat/messages', body: '{}', headers: { A: 'b' } };
  const send: SendRequest = {
    name: 'ask',
    method: 'POST',
    url: { k: 'lit', v: '/m' },
    query: [],
    headers: [],
  };

  it("names the question by its own name, with the step's other tags, its statuses and timeout", () => {
    const s = step({
      tags: { tier: 'free', name: 'x' },
      send: { ...send, expect: [202, 429], timeout: '5s' },
    });
    expect(sendParams(s, question)).toEqual({
      method: 'POST',
      url: 'http://h/api/chat/messages',
      body: '{}',
      headers: { A: 'b' },
      tags: { tier: 'free', name: 'ask' },
      expectedStatuses: [202, 429],
      timeout: '5s',
    });
    expect(sendParams(step({ send }), question)).toEqual({
      method: 'POST',
      url: 'http://h/api/chat/messages',
      body: '{}',
      headers: { A: 'b' },
      tags: { name: 'ask' },
    });
  });
});

describe('answerOf', () => {
  const stream = {
    status: 200,
    status_text: '200 OK',
    headers: { 'Content-Type': 'text/event-stream' },
    body: 'Load testing',
    error: '',
    error_code: 0,
    stream: { status: 200, tokens: 2, completed: true },
  } as unknown as StreamResponse;

  it("shows the question's status and headers with the stream's tokens as the body", () => {
    const res = {
      ...stream,
      send: {
        sent: true,
        status: 429,
        status_text: '429 Too Many Requests',
        headers: { 'Retry-After': '1' },
        error: '',
        error_code: 0,
      },
    };
    expect(answerOf(res)).toMatchObject({
      status: 429,
      status_text: '429 Too Many Requests',
      headers: { 'Retry-After': '1' },
      body: 'Load testing',
      stream: { tokens: 2 },
    });
  });

  it("is the stream's own response when nothing was sent (the stream did not open) or without send", () => {
    const unsent = { ...stream, status: 409, send: { sent: false, status: 0, error: '', error_code: 0 } };
    expect(answerOf(unsent)).toBe(unsent);
    const plain = { ...stream, send: null };
    expect(answerOf(plain)).toBe(plain);
  });
});
