import { describe, expect, it } from 'vitest';
import type { HttpStep, ScriptPlan } from './model.js';
import { encodeForm, planHasStreams, streamParams } from './stream.js';

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
    });
    expect(streamParams(step({ stream: { done: '[DONE]' } }))).toEqual({
      tags: { name: 'chat' },
      endData: '[DONE]',
      keepText: false,
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
      else: [{ kind: 'group', name: 'g', steps: [step({ stream: { done: '[DONE]' } })] }],
    } as unknown as HttpStep;
    expect(planHasStreams(plan([step(), nested]))).toBe(true);
  });
});
