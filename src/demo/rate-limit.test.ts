import { describe, expect, it } from 'vitest';
import { createRateLimiter, judgeClient, renderRetryAfter, resolveClientKey } from './rate-limit.js';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('createRateLimiter', () => {
  it('allows a burst, then limits until tokens refill', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 2, burst: 3 }, clock.now);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 500 });
    clock.advance(250);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 250 });
    clock.advance(250);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('never stores more than the burst, however long a client is idle', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 10, burst: 2 }, clock.now);
    clock.advance(60_000);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, false]);
  });

  it('keeps one bucket per client and counts each', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 1, burst: 1 }, clock.now);
    limiter.take('a');
    limiter.take('a');
    limiter.take('b');
    expect(limiter.summarize()).toEqual({
      allowed: 2,
      limited: 1,
      clients: { a: { allowed: 1, limited: 1 }, b: { allowed: 1, limited: 0 } },
    });
  });

  it('applies new limits from the next request, capping stored tokens', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 100, burst: 100 }, clock.now);
    limiter.take('a');
    limiter.configure({ perSecond: 1, burst: 1 });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 1000 });
  });

  it('drops idle buckets once there are many clients, and keeps the totals', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 1000, burst: 1 }, clock.now);
    for (let i = 0; i < 10_000; i++) limiter.take(`c${i}`);
    clock.advance(10);
    limiter.take('late');
    const summary = limiter.summarize();
    expect(Object.keys(summary.clients)).toEqual(['late']);
    expect(summary.allowed).toBe(10_001);
  });
});

describe('resolveClientKey', () => {
  it('prefers the client id header, then the bearer token, then the address', () => {
    expect(resolveClientKey('vu-1', 'tok', '127.0.0.1')).toBe('id:vu-1');
    expect(resolveClientKey(['vu-2', 'x'], 'tok', '127.0.0.1')).toBe('id:vu-2');
    expect(resolveClientKey('', 'tok', '127.0.0.1')).toBe('token:tok');
    expect(resolveClientKey(undefined, undefined, '127.0.0.1')).toBe('ip:127.0.0.1');
    expect(resolveClientKey(undefined, undefined, undefined)).toBe('ip:unknown');
  });
});

describe('renderRetryAfter', () => {
  it('rounds up to whole seconds, at least 1', () => {
    expect(renderRetryAfter(0)).toBe('1');
    expect(renderRetryAfter(10)).toBe('1');
    expect(renderRetryAfter(1001)).toBe('2');
  });
});

describe('summarizeAccuracy', () => {
  it('finds an accurate limiter: a hammering client gets exactly burst + rate × time, no more', () => {
    const clock = fakeClock();
    // Steps that are exact in binary floating point, so the bucket's own arithmetic adds no rounding.
    const limiter = createRateLimiter({ perSecond: 4, burst: 5 }, clock.now);
    // 8 requests a second for 3 s: the bucket lets 5 through at once, then one every 250 ms.
    for (let i = 0; i <= 24; i++) {
      limiter.take('abuser');
      if (i < 24) clock.advance(125);
    }
    limiter.take('polite');
    expect(limiter.summarizeAccuracy()).toEqual({
      perSecond: 4,
      burst: 5,
      overLimit: 0,
      clients: {
        abuser: { allowed: 17, allowance: 17, overLimit: 0 },
        polite: { allowed: 1, allowance: 5, overLimit: 0 },
      },
    });
  });

  it('is empty before any client came', () => {
    expect(createRateLimiter({ perSecond: 1, burst: 1 }, fakeClock().now).summarizeAccuracy()).toEqual({
      perSecond: 1,
      burst: 1,
      overLimit: 0,
      clients: {},
    });
  });
});

describe('judgeClient', () => {
  const limit = { perSecond: 10, burst: 5 };

  it('allows burst + rate × elapsed, rounded down, and counts what went past it', () => {
    expect(judgeClient(5, 0, limit)).toEqual({ allowed: 5, allowance: 5, overLimit: 0 });
    expect(judgeClient(8, 0, limit)).toEqual({ allowed: 8, allowance: 5, overLimit: 3 });
    expect(judgeClient(15, 1000, limit)).toEqual({ allowed: 15, allowance: 15, overLimit: 0 });
    expect(judgeClient(16, 1099, limit)).toEqual({ allowed: 16, allowance: 15, overLimit: 1 });
    expect(judgeClient(2, -5, limit)).toEqual({ allowed: 2, allowance: 5, overLimit: 0 });
  });

  it('does not misjudge an allowance that float arithmetic puts a hair below a whole number', () => {
    // 0.29/s × 100 s is 28.999999999999996 in floating point.
    expect(judgeClient(30, 100_000, { perSecond: 0.29, burst: 1 })).toEqual({
      allowed: 30,
      allowance: 30,
      overLimit: 0,
    });
  });
});
