// The service's stats as GET /admin/stats answers them, for what plans check after a run. One service on a free
// loopback port per test.
import { afterEach, describe, expect, it } from 'vitest';
import type { DemoKnobs } from '../plans/schema.js';
import { computeRootWork } from './root-work.js';
import { startDemoService, type DemoService } from './server.js';

let service: DemoService | undefined;

afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function ask(url: string, client: string): Promise<number> {
  const res = await fetch(`${url}/reservations/available/dates`, { headers: { 'x-client-id': client } });
  await res.arrayBuffer();
  return res.status;
}

async function start(knobs: DemoKnobs): Promise<DemoService> {
  service = await startDemoService(knobs);
  return service;
}

describe('rateLimitAccuracy in the stats', () => {
  it('is null without a rate limit', async () => {
    const demo = await start({});
    expect(await ask(demo.url, 'a')).toBe(401);
    expect(demo.stats().rateLimitAccuracy).toBeNull();
  });

  it('judges each client against the configured rate, over GET /admin/stats too', async () => {
    // A rate so low that no token refills during the test: exactly the burst gets through.
    const demo = await start({ rateLimit: { perSecond: 0.001, burst: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push(await ask(demo.url, 'abuser'));
    expect(statuses).toEqual([401, 401, 429, 429]);
    expect(await ask(demo.url, 'polite')).toBe(401);
    const expected = {
      perSecond: 0.001,
      burst: 2,
      overLimit: 0,
      clients: {
        'id:abuser': { allowed: 2, allowance: 2, overLimit: 0 },
        'id:polite': { allowed: 1, allowance: 2, overLimit: 0 },
      },
    };
    expect(demo.stats().rateLimitAccuracy).toEqual(expected);
    const res = await fetch(`${demo.url}/admin/stats`);
    expect(((await res.json()) as { rateLimitAccuracy: unknown }).rateLimitAccuracy).toEqual(expected);
  });
});

describe('the capacity knob', () => {
  it('serves maxConcurrent at once, queues `queue` more and answers the rest 503', async () => {
    const demo = await start({ latencyMs: 150, capacity: { maxConcurrent: 2, queue: 1 } });
    const started = performance.now();
    const timed = async () => {
      const status = await ask(demo.url, 'c');
      return { status, ms: performance.now() - started };
    };
    const answers = await Promise.all([timed(), timed(), timed(), timed()]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([401, 401, 401, 503]);
    // The rejected one comes back at once, the queued one after a full service time of waiting.
    expect(Math.min(...answers.map((a) => a.ms))).toBeLessThan(140);
    expect(Math.max(...answers.map((a) => a.ms))).toBeGreaterThanOrEqual(290);
    expect(demo.stats().capacity).toEqual({
      maxConcurrent: 2,
      queue: 1,
      admitted: 3,
      queued: 1,
      rejected: 1,
      peakInFlight: 2,
      peakQueue: 1,
    });
    // Every slot was given back: the next request is served without waiting.
    expect(await ask(demo.url, 'c')).toBe(401);
    expect(demo.stats().capacity).toMatchObject({ admitted: 4, queued: 1 });
    // Admin routes are outside the pool.
    expect((await fetch(`${demo.url}/admin/stats`)).status).toBe(200);
  });

  it('turned off at run time lets the waiters in', async () => {
    const demo = await start({ latencyMs: 100, capacity: { maxConcurrent: 1, queue: 5 } });
    const answers = Promise.all([ask(demo.url, 'c'), ask(demo.url, 'c'), ask(demo.url, 'c')]);
    await new Promise((r) => setTimeout(r, 30));
    const put = await fetch(`${demo.url}/admin/knobs`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ capacity: null }),
    });
    expect(put.status).toBe(200);
    expect(await answers).toEqual([401, 401, 401]);
    expect(demo.stats().capacity).toBeNull();
  });
});

describe('GET / (the rootWork knob)', () => {
  it('computes rootWork rounds per request, without a login, and counts them', async () => {
    const demo = await start({ rootWork: 50 });
    const bodies: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${demo.url}/`);
      expect(res.status).toBe(200);
      bodies.push(await res.json());
    }
    expect(bodies).toEqual(Array.from({ length: 3 }, () => computeRootWork(50)));
    const stats = demo.stats();
    expect(stats.rootWork).toEqual({ requests: 3, rounds: 150 });
    expect(stats.requests['GET /']).toBe(3);
    expect(stats.statuses['GET /']).toEqual({ '200': 3 });
  });

  it('takes a new size at run time and leaves requests the error knob fails out of the work', async () => {
    const demo = await start({ rootWork: 10 });
    demo.setKnobs({ rootWork: 20 });
    expect((await (await fetch(`${demo.url}/`)).json()) as unknown).toEqual(computeRootWork(20));
    demo.setKnobs({ errorRate: 1 });
    expect((await fetch(`${demo.url}/`)).status).toBe(500);
    expect(demo.stats().rootWork).toEqual({ requests: 1, rounds: 20 });
  });
});
