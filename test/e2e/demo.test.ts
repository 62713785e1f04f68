// The built-in demo service over real HTTP on 127.0.0.1:0: flows, races, timing, knobs and bad input.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoService, type DemoKnobs, type DemoService } from '../../src/demo/index.js';

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

interface CallOptions {
  json?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

let services: DemoService[] = [];

afterEach(async () => {
  await Promise.all(services.map((service) => service.close()));
  services = [];
});

async function start(knobs: DemoKnobs = {}): Promise<DemoService> {
  const service = await startDemoService(knobs);
  services.push(service);
  return service;
}

async function call(
  service: DemoService,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Answer> {
  const body = opts.raw ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json));
  const res = await fetch(service.url + path, {
    method,
    body,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

async function login(
  service: DemoService,
  username: string,
): Promise<{ token: string; userId: number; auth: Record<string, string> }> {
  const answer = await call(service, 'POST', '/auth/token', { json: { username, password: 'secret' } });
  expect(answer.status).toBe(200);
  const { token, userId } = answer.body as { token: string; userId: number };
  return { token, userId, auth: { authorization: `Bearer ${token}` } };
}

function errorCode(answer: Answer): string | undefined {
  return (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
}

function countStatuses(answers: readonly Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

describe('reservations', () => {
  it('runs the whole flow: token, dates, seats, reserve, balance, charge, pay', async () => {
    const service = await start();
    expect((await call(service, 'GET', '/reservations/available/dates')).status).toBe(401);
    const { userId, auth } = await login(service, 'ann');
    expect(
      errorCode(await call(service, 'POST', '/auth/token', { json: { username: 'ann', password: 'nope' } })),
    ).toBe('BAD_CREDENTIALS');
    expect(errorCode(await call(service, 'POST', '/auth/token', { json: { username: 'ann' } }))).toBe(
      'BAD_REQUEST',
    );

    const dates = await call(service, 'GET', '/reservations/available/dates', { headers: auth });
    expect(dates).toMatchObject({
      status: 200,
      body: {
        dates: [
          { scheduleId: 1, date: '2030-01-01' },
          { scheduleId: 2, date: '2030-01-02' },
          { scheduleId: 3, date: '2030-01-03' },
        ],
      },
    });

    const seats = await call(service, 'GET', '/reservations/available/seat?scheduleId=2', { headers: auth });
    const seatList = (seats.body as { seats: { seatId: number; seatNo: number; price: number }[] }).seats;
    expect(seats.status).toBe(200);
    expect(seatList).toHaveLength(50);
    expect(seatList[0]).toEqual({ seatId: 51, seatNo: 1, price: 5000 });
    expect(
      errorCode(await call(service, 'GET', '/reservations/available/seat?scheduleId=99', { headers: auth })),
    ).toBe('SCHEDULE_NOT_FOUND');

    const reserved = await call(service, 'POST', '/reservations', {
      headers: auth,
      json: { scheduleId: 2, seatId: 51, userId },
    });
    expect(reserved).toMatchObject({
      status: 201,
      body: { reservationId: 1, scheduleId: 2, seatId: 51, userId, status: 'RESERVED', price: 5000 },
    });
    const again = await call(service, 'POST', '/reservations', {
      headers: auth,
      json: { scheduleId: 2, seatId: 51, userId },
    });
    expect([again.status, errorCode(again)]).toEqual([409, 'SEAT_TAKEN']);
    const after = await call(service, 'GET', '/reservations/available/seat?scheduleId=2', { headers: auth });
    expect((after.body as { seats: unknown[] }).seats).toHaveLength(49);

    expect(await call(service, 'GET', '/points/balance', { headers: auth })).toMatchObject({
      status: 200,
      body: { userId, balance: 0 },
    });
    const broke = await call(service, 'POST', '/reservations/pay', {
      headers: auth,
      json: { reservationId: 1, amount: 5000 },
    });
    expect([broke.status, errorCode(broke)]).toEqual([402, 'INSUFFICIENT_BALANCE']);
    const wrongAmount = await call(service, 'POST', '/reservations/pay', {
      headers: auth,
      json: { reservationId: 1, amount: 1 },
    });
    expect([wrongAmount.status, errorCode(wrongAmount)]).toEqual([400, 'AMOUNT_MISMATCH']);
    const unknown = await call(service, 'POST', '/reservations/pay', {
      headers: auth,
      json: { reservationId: 9, amount: 5000 },
    });
    expect(unknown.status).toBe(404);

    expect(
      await call(service, 'POST', '/points/charge', { headers: auth, json: { userId, amount: 8000 } }),
    ).toMatchObject({
      status: 200,
      body: { userId, balance: 8000 },
    });
    expect(
      (await call(service, 'POST', '/points/charge', { headers: auth, json: { amount: 0 } })).status,
    ).toBe(400);
    const paid = await call(service, 'POST', '/reservations/pay', {
      headers: auth,
      json: { reservationId: 1, amount: 5000 },
    });
    expect(paid).toMatchObject({
      status: 200,
      body: { paymentId: 1, reservationId: 1, status: 'PAID', balance: 3000 },
    });
    const twice = await call(service, 'POST', '/reservations/pay', {
      headers: auth,
      json: { reservationId: 1, amount: 5000 },
    });
    expect([twice.status, errorCode(twice)]).toEqual([409, 'ALREADY_PAID']);

    expect(service.stats()).toMatchObject({
      seatsBooked: 1,
      doubleBookings: 0,
      reservations: 1,
      payments: 1,
      users: 1,
    });
  });

  async function race(service: DemoService): Promise<Answer[]> {
    const users = await Promise.all(Array.from({ length: 20 }, (_, i) => login(service, `racer-${i}`)));
    return Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const user = users[i % users.length];
        if (user === undefined) throw new Error('no user');
        const json = { scheduleId: 1, seatId: (i % 5) + 1, userId: user.userId };
        return call(service, 'POST', '/reservations', { headers: user.auth, json });
      }),
    );
  }

  it('gives each of 5 seats to exactly one of 200 simultaneous requests', async () => {
    const service = await start();
    const answers = await race(service);
    expect(countStatuses(answers)).toEqual({ 201: 5, 409: 195 });
    expect(answers.filter((a) => a.status === 409).every((a) => errorCode(a) === 'SEAT_TAKEN')).toBe(true);
    expect(service.stats()).toMatchObject({ seatsBooked: 5, doubleBookings: 0, reservations: 5 });
  });

  it('double-books under the same race when allowDoubleBooking is on', async () => {
    const service = await start({ allowDoubleBooking: true });
    const answers = await race(service);
    const stats = service.stats();
    expect(countStatuses(answers)[201]).toBeGreaterThan(5);
    expect(stats.doubleBookings).toBeGreaterThan(0);
    expect(stats.seatsBooked).toBe(5);
    expect(stats.reservations).toBe(countStatuses(answers)[201]);
  });
});

describe('coupons', () => {
  it('issues exactly the stock to 30 users racing, one each, behind the session cookie', async () => {
    const service = await start({ couponStock: 10 });
    const cookies = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const signup = await call(service, 'POST', '/api/auth/signup', {
          json: { email: `u${i}@demo.test`, password: 'pw' },
        });
        expect(signup.status).toBe(201);
        const setCookie = signup.headers.get('set-cookie') ?? '';
        expect(setCookie).toMatch(/^SESSION=[^;]+; Path=\/; HttpOnly$/);
        return setCookie.split(';')[0] ?? '';
      }),
    );
    const duplicate = await call(service, 'POST', '/api/auth/signup', {
      json: { email: 'u0@demo.test', password: 'pw' },
    });
    expect([duplicate.status, errorCode(duplicate)]).toEqual([409, 'EMAIL_TAKEN']);
    expect(errorCode(await call(service, 'POST', '/api/coupons/1/issue'))).toBe('AUTH_REQUIRED');

    const answers = await Promise.all(
      cookies.map((cookie) => call(service, 'POST', '/api/coupons/1/issue', { headers: { cookie } })),
    );
    expect(countStatuses(answers)).toEqual({ 200: 10, 409: 20 });
    expect(answers.filter((a) => a.status === 409).map((a) => a.body)).toEqual(
      Array.from({ length: 20 }, () => ({ error: { code: 'C001', message: 'sold out' } })),
    );
    const winner = answers.findIndex((a) => a.status === 200);
    expect(answers[winner]?.body).toMatchObject({
      couponId: '1',
      code: expect.any(String),
      userId: expect.any(Number),
    });
    const again = await call(service, 'POST', '/api/coupons/1/issue', {
      headers: { cookie: cookies[winner] ?? '' },
    });
    expect(errorCode(again)).toBe('C002');

    const login = await call(service, 'POST', '/api/auth/login', {
      json: { email: 'u0@demo.test', password: 'pw' },
    });
    expect(login.headers.get('set-cookie')?.split(';')[0]).toBe(cookies[0]);
    expect(service.stats()).toMatchObject({
      coupons: { '1': { issued: 10, stock: 10, remaining: 0 } },
      couponsIssued: 10,
      users: 30,
    });
  });
});

describe('chat', () => {
  const messages = [{ role: 'user', content: 'How fast is the demo?' }];

  it('answers a non-streaming completion after ttft + tokens × delay', async () => {
    const service = await start({ chat: { ttftMs: 100, tokenDelayMs: 10, tokens: 6 } });
    const t0 = performance.now();
    const answer = await call(service, 'POST', '/api/chat', {
      json: { model: 'demo-1', messages },
      headers: { authorization: 'Bearer any' },
    });
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(158);
    expect(elapsed).toBeLessThan(400);
    expect(answer).toMatchObject({
      status: 200,
      body: {
        object: 'chat.completion',
        model: 'demo-1',
        choices: [
          { index: 0, message: { role: 'assistant', content: expect.any(String) }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 6, completion_tokens: 6, total_tokens: 12 },
      },
    });
    const capped = await call(service, 'POST', '/api/chat', {
      json: { model: 'demo-1', messages, max_tokens: 2 },
    });
    expect(capped.body).toMatchObject({
      choices: [{ finish_reason: 'length' }],
      usage: { completion_tokens: 2 },
    });
  });

  it('streams tokens on time: headers at once, first token at ttft, then one per delay', async () => {
    const ttftMs = 200;
    const tokenDelayMs = 40;
    const tokens = 8;
    const service = await start({ chat: { ttftMs, tokenDelayMs, tokens } });
    // Warm the connection so the measurement is the service's timing, not the TCP handshake.
    await call(service, 'GET', '/health');
    // The service and this client share one event loop: on a busy machine every timer of both fires
    // late by about as much as the loop was held up, so the bounds below allow that much more.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();

    const t0 = performance.now();
    const res = await fetch(`${service.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'demo-1',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    const headersAt = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');

    const events: { at: number; data: string }[] = [];
    const reader = res.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const at = performance.now() - t0;
      buffered += decoder.decode(value, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end !== -1) {
        events.push({ at, data: buffered.slice(0, end).replace(/^data: /, '') });
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf('\n\n');
      }
    }

    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = events
      .slice(0, -1)
      .map((e) => ({ at: e.at, chunk: JSON.parse(e.data) as Record<string, unknown> }));
    const tokenEvents = chunks.filter(
      (c) => (c.chunk.choices as { finish_reason: unknown }[])[0]?.finish_reason === null,
    );
    expect(tokenEvents).toHaveLength(tokens);
    expect(chunks.at(-2)?.chunk).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [{ finish_reason: 'stop' }],
    });
    // Asked for with stream_options.include_usage, usage comes alone in the last chunk, as OpenAI sends it.
    expect(chunks.at(-1)?.chunk).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [],
      usage: { completion_tokens: tokens },
    });

    loopDelay.disable();
    // The histogram counts its own 5 ms resolution in every sample.
    const lagMs = Math.max(0, loopDelay.max / 1e6 - 5);
    const firstTokenAt = tokenEvents[0]?.at ?? 0;
    const gaps = tokenEvents.slice(1).map((e, i) => e.at - (tokenEvents[i]?.at ?? 0));
    const meanGap = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const report = `headers ${headersAt.toFixed(1)}ms, first token ${firstTokenAt.toFixed(1)}ms, gaps ${gaps.map((g) => g.toFixed(1)).join(' ')}, event loop held up to ${lagMs.toFixed(1)}ms`;
    expect(headersAt, report).toBeLessThan(ttftMs / 2);
    expect(firstTokenAt, report).toBeGreaterThanOrEqual(ttftMs - 2);
    // The service answers the headers when the request arrives and times the first token from then: a
    // request that took long to arrive (a cold process on a busy machine) delays both alike.
    expect(firstTokenAt - headersAt, report).toBeLessThan(ttftMs + 15 + lagMs);
    expect(Math.abs(meanGap - tokenDelayMs), report).toBeLessThan(3 + lagMs / gaps.length);
    for (const gap of gaps) expect(Math.abs(gap - tokenDelayMs), report).toBeLessThan(12 + lagMs);
    // Absolute scheduling: the last token is due (n - 1) × delay after the first, with no drift added up.
    expect(
      Math.abs((tokenEvents.at(-1)?.at ?? 0) - firstTokenAt - (tokens - 1) * tokenDelayMs),
      report,
    ).toBeLessThan(15 + lagMs);
  });

  it('stops streaming when the client leaves', async () => {
    const service = await start({ chat: { ttftMs: 20, tokenDelayMs: 20, tokens: 1000 } });
    const controller = new AbortController();
    const res = await fetch(`${service.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages, stream: true }),
      signal: controller.signal,
    });
    const reader = res.body?.getReader();
    await reader?.read();
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await call(service, 'GET', '/health')).status).toBe(200);
    const t0 = performance.now();
    await service.close();
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('rejects a bad chat request with every problem listed', async () => {
    const service = await start();
    const answer = await call(service, 'POST', '/api/chat', { json: { messages: [{ role: 'user' }] } });
    expect(answer.status).toBe(400);
    expect((answer.body as { error: { message: string } }).error.message).toBe(
      'model: expected a non-empty string of at most 200 characters; messages[0].content: expected a string',
    );
  });
});

describe('rate limiter', () => {
  it('allows a burst per client, then answers 429 with Retry-After', async () => {
    const service = await start({ rateLimit: { perSecond: 1, burst: 3 } });
    const asA = { 'x-client-id': 'a' };
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push(
        await call(service, 'POST', '/auth/token', { json: { username: 'a', password: 'pw' }, headers: asA }),
      );
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(errorCode(answers[3] as Answer)).toBe('RATE_LIMITED');
    expect(answers[3]?.headers.get('retry-after')).toBe('1');
    // Another client has its own bucket; health and admin are never limited.
    expect(
      (
        await call(service, 'POST', '/auth/token', {
          json: { username: 'b', password: 'pw' },
          headers: { 'x-client-id': 'b' },
        })
      ).status,
    ).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await call(service, 'GET', '/health', { headers: asA })).status).toBe(200);
    expect(service.stats().rateLimit).toEqual({
      allowed: 4,
      limited: 2,
      clients: { 'id:a': { allowed: 3, limited: 2 }, 'id:b': { allowed: 1, limited: 0 } },
    });
    expect(service.stats().statuses['POST /auth/token']).toEqual({ '200': 4, '429': 2 });
  });

  it('keys clients by bearer token when there is no client id', async () => {
    const service = await start({ rateLimit: { perSecond: 1, burst: 1 } });
    const { token, auth } = await login(service, 'ann');
    expect((await call(service, 'GET', '/points/balance', { headers: auth })).status).toBe(200);
    expect((await call(service, 'GET', '/points/balance', { headers: auth })).status).toBe(429);
    expect(service.stats().rateLimit.clients[`token:${token}`]).toEqual({ allowed: 1, limited: 1 });
  });
});

describe('knobs', () => {
  it('adds latency to business routes only', async () => {
    const service = await start({ latencyMs: 120 });
    await call(service, 'GET', '/health');
    let t0 = performance.now();
    expect(
      (await call(service, 'POST', '/auth/token', { json: { username: 'a', password: 'b' } })).status,
    ).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(118);
    t0 = performance.now();
    await call(service, 'GET', '/health');
    await call(service, 'GET', '/admin/stats');
    expect(performance.now() - t0).toBeLessThan(60);
  });

  it('burns CPU with cpuWorkMs', async () => {
    const service = await start({ cpuWorkMs: 40 });
    const t0 = performance.now();
    await call(service, 'POST', '/auth/token', { json: { username: 'a', password: 'b' } });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(39);
  });

  it('does rootWork rounds of real CPU work per GET /, counted in the stats', async () => {
    // CPU time of this process (the service runs in it), not wall time: robust on a busy machine.
    const cpuOf = async (rootWork: number): Promise<number> => {
      const service = await start({ rootWork });
      const before = process.cpuUsage();
      for (let i = 0; i < 10; i++) expect((await call(service, 'GET', '/')).status).toBe(200);
      const used = process.cpuUsage(before);
      expect(service.stats().rootWork).toEqual({ requests: 10, rounds: 10 * rootWork });
      return (used.user + used.system) / 1000;
    };
    const light = await cpuOf(0);
    const heavy = await cpuOf(50_000);
    // 500,000 SHA-256 rounds take hundreds of milliseconds of CPU on any current core; ten bare requests a few.
    expect(heavy, JSON.stringify({ light, heavy })).toBeGreaterThan(light + 100);
  });

  it('injects errors, and changes knobs at run time', async () => {
    const service = await start({ errorRate: 1 });
    const failed = await call(service, 'POST', '/auth/token', { json: { username: 'a', password: 'b' } });
    expect([failed.status, errorCode(failed)]).toEqual([500, 'INJECTED_ERROR']);
    expect((await call(service, 'GET', '/health')).status).toBe(200);

    const put = await call(service, 'PUT', '/admin/knobs', {
      json: { errorRate: null, latencyMs: 5, couponStock: 3 },
    });
    expect(put).toMatchObject({
      status: 200,
      body: { knobs: { errorRate: 0, latencyMs: 5 }, appliesAfterReset: ['couponStock'] },
    });
    expect(
      (await call(service, 'POST', '/auth/token', { json: { username: 'a', password: 'b' } })).status,
    ).toBe(200);

    const bad = await call(service, 'PUT', '/admin/knobs', { json: { errorRate: 3, nope: true, port: 1 } });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'BAD_REQUEST']);
    expect(service.stats().knobs.errorRate).toBe(0);

    // The knobs shown by stats can be sent back unchanged.
    expect((await call(service, 'PUT', '/admin/knobs', { json: service.stats().knobs })).status).toBe(200);

    service.setKnobs({ errorRate: 1 });
    expect(
      (await call(service, 'POST', '/auth/token', { json: { username: 'a', password: 'b' } })).status,
    ).toBe(500);
    expect(() => service.setKnobs({ errorRate: 2 })).toThrow(/errorRate/);
    expect(() => service.setKnobs({ host: '127.0.0.2' })).toThrow(/host: cannot change/);
  });

  it('applies state knobs at the next reset', async () => {
    const service = await start({ couponStock: 1 });
    service.setKnobs({ couponStock: 2 });
    expect(service.stats().couponStock).toBe(1);
    expect((await call(service, 'POST', '/admin/reset')).status).toBe(200);
    expect(service.stats()).toMatchObject({ couponStock: 2, resetAt: expect.any(String) });
  });

  it('refuses addresses outside loopback, bad knobs and a taken port', async () => {
    await expect(startDemoService({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    await expect(startDemoService({ host: '127.0.0.300' })).rejects.toThrow(/host: /);
    await expect(startDemoService({ latencyMs: -5 })).rejects.toThrow(/latencyMs/);
    const service = await start();
    await expect(startDemoService({ port: service.port })).rejects.toThrow(
      `could not listen on 127.0.0.1:${service.port}`,
    );
  });
});

describe('admin', () => {
  it('counts requests and statuses per route template, and resets', async () => {
    const service = await start();
    const { auth } = await login(service, 'ann');
    const signup = await call(service, 'POST', '/api/auth/signup', {
      json: { email: 'a@b.c', password: 'pw' },
    });
    const cookie = signup.headers.get('set-cookie')?.split(';')[0] ?? '';
    for (const id of ['1', '2', '3'])
      await call(service, 'POST', `/api/coupons/${id}/issue`, { headers: { cookie } });
    await call(service, 'POST', '/api/coupons/1/issue', { headers: { cookie } });
    await call(service, 'POST', '/reservations', { headers: auth, json: { scheduleId: 1, seatId: 1 } });
    await call(service, 'POST', '/reservations', { headers: auth, json: { scheduleId: 1, seatId: 1 } });
    await call(service, 'GET', '/nowhere');

    const stats = await call(service, 'GET', '/admin/stats');
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      requests: {
        'POST /api/coupons/{id}/issue': 4,
        'POST /reservations': 2,
        'POST /auth/token': 1,
        '(unmatched)': 1,
      },
      statuses: {
        'POST /api/coupons/{id}/issue': { '200': 3, '409': 1 },
        'POST /reservations': { '201': 1, '409': 1 },
        '(unmatched)': { '404': 1 },
      },
      coupons: { '1': { issued: 1 }, '2': { issued: 1 }, '3': { issued: 1 } },
      couponsIssued: 3,
      couponStock: 100,
      users: 2,
      seatsBooked: 1,
      doubleBookings: 0,
      startedAt: expect.any(String),
      knobs: { host: '127.0.0.1', port: service.port, schedules: 3, seatsPerSchedule: 50 },
    });
    expect(Object.keys((stats.body as { requests: object }).requests)).not.toContain('GET /admin/stats');

    expect((await call(service, 'POST', '/admin/reset')).status).toBe(200);
    expect(service.stats()).toMatchObject({
      users: 0,
      reservations: 0,
      couponsIssued: 0,
      requests: {},
      seatsBooked: 0,
    });
    expect((await call(service, 'GET', '/points/balance', { headers: auth })).status).toBe(401);
  });
});

describe('bad input', () => {
  it('answers malformed JSON, wrong shapes, huge bodies, unknown routes and wrong methods cleanly', async () => {
    const service = await start();
    const malformed = await call(service, 'POST', '/auth/token', { raw: '{"username": ' });
    expect([malformed.status, errorCode(malformed)]).toEqual([400, 'BAD_JSON']);
    const notObject = await call(service, 'POST', '/auth/token', { raw: '[1, 2]' });
    expect([notObject.status, errorCode(notObject)]).toEqual([400, 'BAD_REQUEST']);
    const empty = await call(service, 'POST', '/auth/token');
    expect([empty.status, errorCode(empty)]).toEqual([400, 'BAD_REQUEST']);

    const huge = await call(service, 'POST', '/auth/token', { raw: `"${'x'.repeat(2 * 1024 * 1024)}"` });
    expect([huge.status, errorCode(huge)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);

    const missing = await call(service, 'GET', '/no/such/route');
    expect(missing).toEqual({
      status: 404,
      headers: expect.any(Headers),
      body: { error: { code: 'NOT_FOUND', message: 'no route for GET /no/such/route' } },
    });
    const wrongMethod = await call(service, 'DELETE', '/reservations');
    expect([wrongMethod.status, errorCode(wrongMethod), wrongMethod.headers.get('allow')]).toEqual([
      405,
      'METHOD_NOT_ALLOWED',
      'POST',
    ]);
    const badToken = await call(service, 'GET', '/points/balance', {
      headers: { authorization: 'Bearer nope' },
    });
    expect([badToken.status, errorCode(badToken)]).toEqual([401, 'AUTH_REQUIRED']);
    const badSeat = await call(service, 'POST', '/reservations', {
      headers: (await login(service, 'ann')).auth,
      json: { scheduleId: 'one', seatId: 1.5 },
    });
    expect((badSeat.body as { error: { message: string } }).error.message).toBe(
      'scheduleId: expected a positive whole number; seatId: expected a positive whole number',
    );
    expect((await call(service, 'GET', '/health')).body).toEqual({ status: 'ok' });
  });
});

describe('close', () => {
  it('resolves promptly with keep-alive connections, pending delays and open streams', async () => {
    const service = await startDemoService({ latencyMs: 30_000, chat: { ttftMs: 30_000 } });
    await Promise.all(Array.from({ length: 5 }, () => call(service, 'GET', '/health')));
    const pending = call(service, 'POST', '/auth/token', { json: { username: 'a', password: 'b' } }).catch(
      () => 'closed',
    );
    const streaming = fetch(`${service.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const t0 = performance.now();
    await service.close();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(await pending).toBe('closed');
    const res = await streaming;
    if (res !== undefined) await expect(res.text()).rejects.toThrow();
    await service.close();
  });
});
