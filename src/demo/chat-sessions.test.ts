// The two-request chat cycle against a real demo service on a free loopback port: GET the session's event
// stream, POST the question, read the reply on the stream, close it.
import { afterEach, describe, expect, it } from 'vitest';
import type { DemoKnobs } from '../plans/schema.js';
import { startDemoService, type DemoService } from './server.js';

let service: DemoService | undefined;

afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function start(knobs: DemoKnobs): Promise<DemoService> {
  service = await startDemoService(knobs);
  return service;
}

interface OpenStream {
  status: number;
  /** Reads until `data: [DONE]` (or the end of the stream); returns the frames' data lines. */
  readReply(): Promise<string[]>;
  close(): void;
}

async function openStream(url: string, session: string): Promise<OpenStream> {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/chat/events?session=${session}`, { signal: abort.signal });
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    status: res.status,
    async readReply() {
      const start = text.length;
      while (reader !== undefined && !text.slice(start).includes('data: [DONE]')) {
        // A stream cut off mid-body (the cutRate knob) ends in an error: what came before is the reply.
        const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
      return text
        .slice(start)
        .split('\n')
        .filter((line) => line.startsWith('data: '));
    },
    close: () => abort.abort(),
  };
}

function ask(url: string, body: unknown, client = 'c'): Promise<Response> {
  return fetch(`${url}/api/chat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-client-id': client },
    body: JSON.stringify(body),
  });
}

const QUESTION = { model: 'demo', messages: [{ role: 'user', content: 'why?' }] };

async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((r) => setTimeout(r, 5));
}

describe('chat sessions', () => {
  it('streams each accepted question on the open stream, one after another, and counts them', async () => {
    const demo = await start({ chat: { ttftMs: 5, tokenDelayMs: 1, tokens: 4 } });
    const stream = await openStream(demo.url, 'u-1');
    expect(stream.status).toBe(200);
    for (let round = 0; round < 2; round++) {
      const accepted = await ask(demo.url, { session: 'u-1', ...QUESTION });
      expect(accepted.status).toBe(202);
      expect(await accepted.json()).toMatchObject({ session: 'u-1' });
      const frames = await stream.readReply();
      // Four tokens, the finish chunk, the end marker.
      expect(frames).toHaveLength(6);
      expect(frames.at(-1)).toBe('data: [DONE]');
    }
    stream.close();
    await until(() => demo.stats().chatSessions.open === 0);
    const stats = demo.stats();
    expect(stats.chatSessions).toEqual({ open: 0, opened: 1, messages: 2, replies: 2 });
    expect(stats.statuses['POST /api/chat/messages']).toEqual({ '202': 2 });
    expect(stats.statuses['GET /api/chat/events']).toEqual({ '200': 1 });
  });

  it('refuses a question without an open stream, a second stream and a question while one streams', async () => {
    const demo = await start({ chat: { ttftMs: 200, tokenDelayMs: 1, tokens: 2 } });
    const none = await ask(demo.url, { session: 'nobody', ...QUESTION });
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: { code: 'SESSION_NOT_FOUND' } });
    const stream = await openStream(demo.url, 's');
    const twice = await openStream(demo.url, 's');
    expect(twice.status).toBe(409);
    expect((await ask(demo.url, { session: 's', ...QUESTION })).status).toBe(202);
    expect((await ask(demo.url, { session: 's', ...QUESTION })).status).toBe(409);
    stream.close();
    await until(() => demo.stats().chatSessions.open === 0);
    // The reply cut short by the close is not counted as one.
    expect(demo.stats().chatSessions).toEqual({ open: 0, opened: 1, messages: 1, replies: 0 });
  });

  it('cuts a session stream off as cutRate says: the connection drops without [DONE], the session ends', async () => {
    const demo = await start({
      chat: { ttftMs: 1, tokenDelayMs: 1, tokens: 4, cutRate: 1, cutAfterTokens: 2 },
    });
    const stream = await openStream(demo.url, 'cut');
    expect((await ask(demo.url, { session: 'cut', ...QUESTION })).status).toBe(202);
    // Two tokens, then the end of the stream instead of the end marker.
    expect(await stream.readReply()).toHaveLength(2);
    await until(() => demo.stats().chatSessions.open === 0);
    expect(demo.stats().chatSessions).toEqual({ open: 0, opened: 1, messages: 1, replies: 0 });
  });

  it('meters questions with the rate limiter, not the streams', async () => {
    const demo = await start({ rateLimit: { perSecond: 0.001, burst: 1 }, chat: { ttftMs: 1, tokens: 1 } });
    const a = await openStream(demo.url, 'a');
    const b = await openStream(demo.url, 'b');
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await ask(demo.url, { session: 'a', ...QUESTION })).status).toBe(202);
    expect((await ask(demo.url, { session: 'b', ...QUESTION })).status).toBe(429);
    expect(await a.readReply()).toHaveLength(3);
    a.close();
    b.close();
    expect(demo.stats().rateLimit).toMatchObject({ allowed: 1, limited: 1 });
  });

  it('holds a capacity slot for the whole reply, not just the 202, and gives it back when the stream closes', async () => {
    // A first token a minute away: the reply is surely still due when the second question comes.
    const demo = await start({
      capacity: { maxConcurrent: 1, queue: 0 },
      chat: { ttftMs: 60_000, tokenDelayMs: 1, tokens: 1 },
    });
    const a = await openStream(demo.url, 'a');
    const b = await openStream(demo.url, 'b');
    expect((await ask(demo.url, { session: 'a', ...QUESTION })).status).toBe(202);
    expect((await ask(demo.url, { session: 'b', ...QUESTION })).status).toBe(503);
    a.close();
    await until(() => demo.stats().chatSessions.open === 1);
    expect((await ask(demo.url, { session: 'b', ...QUESTION })).status).toBe(202);
    b.close();
  });
});
