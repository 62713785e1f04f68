import { describe, expect, it } from 'vitest';
import { createSessionTable, isSessionId, parseSessionMessage, parseSessionQuery } from './sessions.js';

const KNOBS = { ttftMs: 10, tokenDelayMs: 1, tokens: 3 };
const QUESTION = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('createSessionTable', () => {
  it('takes one question at a time per open stream and counts opens, messages and replies', () => {
    const table = createSessionTable<string>();
    expect(table.open('s1', 'stream-a')).toEqual({ ok: true, value: undefined });
    expect(table.open('s1', 'stream-b')).toMatchObject({ ok: false, status: 409, code: 'SESSION_OPEN' });
    expect(table.claim('s1')).toEqual({ ok: true, value: 'stream-a' });
    expect(table.claim('s1')).toMatchObject({ ok: false, status: 409, code: 'SESSION_BUSY' });
    table.release('s1', 'stream-a', true);
    expect(table.claim('s1')).toEqual({ ok: true, value: 'stream-a' });
    table.release('s1', 'stream-a', false);
    expect(table.summarize()).toEqual({ open: 1, opened: 1, messages: 2, replies: 1 });
    table.resetCounts();
    expect(table.summarize()).toEqual({ open: 1, opened: 0, messages: 0, replies: 0 });
    expect(table.claim('s1')).toEqual({ ok: true, value: 'stream-a' });
  });

  it('answers a question for a session without an open stream 404, with what to open', () => {
    const table = createSessionTable<string>();
    expect(table.claim('nobody')).toEqual({
      ok: false,
      status: 404,
      code: 'SESSION_NOT_FOUND',
      message: 'session nobody has no open event stream; open GET /api/chat/events?session=nobody first',
    });
  });

  it('forgets a session when its own stream closes, not when an older one does', () => {
    const table = createSessionTable<string>();
    table.open('s', 'old');
    table.close('s', 'old');
    table.open('s', 'new');
    table.close('s', 'old');
    expect(table.claim('s')).toEqual({ ok: true, value: 'new' });
    table.close('s', 'new');
    expect(table.summarize()).toEqual({ open: 0, opened: 2, messages: 1, replies: 0 });
    expect(table.claim('s')).toMatchObject({ status: 404 });
  });
});

describe('session ids', () => {
  it('accepts URL-safe ids up to 200 characters', () => {
    expect(isSessionId('user-1-0')).toBe(true);
    expect(isSessionId('a'.repeat(200))).toBe(true);
    expect(isSessionId('a'.repeat(201))).toBe(false);
    expect(isSessionId('')).toBe(false);
    expect(isSessionId('a b')).toBe(false);
    expect(isSessionId('x\u001b[31m')).toBe(false);
  });

  it('reads ?session= from the query', () => {
    expect(parseSessionQuery('session=user-3-7')).toEqual({ ok: true, value: 'user-3-7' });
    expect(parseSessionQuery('other=1')).toMatchObject({
      ok: false,
      status: 400,
      message: 'session: expected 1 to 200 letters, digits or . _ : ~ - in the query, e.g. ?session=user-1-0',
    });
  });
});

describe('parseSessionMessage', () => {
  it('is a chat request with a session, always streamed', () => {
    const parsed = parseSessionMessage({ session: 's', ...QUESTION, stream: false }, KNOBS);
    expect(parsed).toMatchObject({ ok: true, value: { session: 's', plan: { stream: true, ttftMs: 10 } } });
    if (parsed.ok) expect(parsed.value.plan.tokens).toHaveLength(3);
  });

  it('reports the session and the chat fields together', () => {
    expect(parseSessionMessage({ model: 'm', messages: [] }, KNOBS)).toEqual({
      ok: false,
      status: 400,
      code: 'BAD_REQUEST',
      message:
        'session: expected 1 to 200 letters, digits or . _ : ~ -; messages: expected 1 to 1000 messages of {role, content}',
    });
    expect(parseSessionMessage([1], KNOBS)).toMatchObject({ message: 'body: expected a JSON object' });
  });
});
