import { describe, expect, it } from 'vitest';
import {
  listStateKnobChanges,
  planFaults,
  renderKnobs,
  resolveDemoKnobs,
  resolveKnobsPatch,
  validateDemoKnobs,
} from './knobs.js';

const LISTENING = { host: '127.0.0.1', port: 4000 };

describe('resolveDemoKnobs', () => {
  it('fills every default', () => {
    expect(resolveDemoKnobs({})).toEqual({
      host: '127.0.0.1',
      port: 0,
      latencyMs: 0,
      jitterMs: 0,
      errorRate: 0,
      cpuWorkMs: 0,
      rootWork: 2000,
      schedules: 3,
      seatsPerSchedule: 50,
      initialPoints: 0,
      couponStock: 100,
      rateLimit: undefined,
      capacity: undefined,
      chat: { ttftMs: 300, tokenDelayMs: 20, tokens: 20, cutRate: 0 },
      allowDoubleBooking: false,
    });
  });

  it('resolves the stream cut knobs: no cut by default, the cut point only when set', () => {
    expect(resolveDemoKnobs({ chat: { cutRate: 0.1 } }).chat).toEqual({
      ttftMs: 300,
      tokenDelayMs: 20,
      tokens: 20,
      cutRate: 0.1,
    });
    expect(resolveDemoKnobs({ chat: { cutRate: 1, cutAfterTokens: 0 } }).chat.cutAfterTokens).toBe(0);
    const bad = validateDemoKnobs({ chat: { cutRate: 1.5, cutAfterTokens: -1 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.issues.some((issue) => issue.startsWith('chat.cutRate: '))).toBe(true);
      expect(bad.issues.some((issue) => issue.startsWith('chat.cutAfterTokens: '))).toBe(true);
    }
  });

  it('defaults the burst to the rate, rounded up', () => {
    expect(resolveDemoKnobs({ rateLimit: { perSecond: 2.5 } }).rateLimit).toEqual({
      perSecond: 2.5,
      burst: 3,
    });
    expect(resolveDemoKnobs({ rateLimit: { perSecond: 2, burst: 9 } }).rateLimit).toEqual({
      perSecond: 2,
      burst: 9,
    });
  });

  it('defaults the capacity queue to 0 and renders the capacity back in the plan shape', () => {
    const resolved = resolveDemoKnobs({ capacity: { maxConcurrent: 8 } });
    expect(resolved.capacity).toEqual({ maxConcurrent: 8, queue: 0 });
    expect(renderKnobs(resolved, 4000).capacity).toEqual({ maxConcurrent: 8, queue: 0 });
    expect('capacity' in renderKnobs(resolveDemoKnobs({}), 4000)).toBe(false);
    const bad = validateDemoKnobs({ capacity: { maxConcurrent: 0, queue: -1, wait: 1 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.issues.some((issue) => issue.startsWith('capacity.maxConcurrent: '))).toBe(true);
      expect(bad.issues.some((issue) => issue.startsWith('capacity.queue: '))).toBe(true);
      expect(bad.issues.some((issue) => issue.startsWith('capacity: '))).toBe(true);
    }
    expect(validateDemoKnobs({ capacity: { queue: 5 } }).ok).toBe(false);
  });

  it('renders resolved knobs in the plan shape with the bound port', () => {
    const rendered = renderKnobs(resolveDemoKnobs({ rateLimit: { perSecond: 5 } }), 4000);
    expect(rendered).toMatchObject({ port: 4000, rateLimit: { perSecond: 5, burst: 5 } });
    expect('rateLimit' in renderKnobs(resolveDemoKnobs({}), 4000)).toBe(false);
  });
});

describe('validateDemoKnobs', () => {
  it('accepts loopback addresses only', () => {
    expect(validateDemoKnobs({ host: '127.0.0.1' }).ok).toBe(true);
    expect(validateDemoKnobs({ host: '127.1.2.3' }).ok).toBe(true);
    for (const host of ['127.0.0.256', '10.0.0.1', '0.0.0.0', 'localhost', '::1']) {
      const checked = validateDemoKnobs({ host });
      expect(checked.ok, host).toBe(false);
      if (!checked.ok) expect(checked.issues[0]).toMatch(/^host: /);
    }
  });

  it('reports every issue with its path', () => {
    const checked = validateDemoKnobs({ errorRate: 2, chat: { tokens: 0 }, bogus: 1 });
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.issues).toHaveLength(3);
      expect(checked.issues.some((issue) => issue.startsWith('errorRate: '))).toBe(true);
      expect(checked.issues.some((issue) => issue.startsWith('chat.tokens: '))).toBe(true);
    }
  });
});

describe('resolveKnobsPatch', () => {
  it('merges, unsets with null and merges chat one level deep', () => {
    const current = { latencyMs: 5, rateLimit: { perSecond: 1 }, chat: { ttftMs: 10, tokens: 3 } };
    expect(
      resolveKnobsPatch(current, { rateLimit: null, chat: { ttftMs: 50 }, errorRate: 0.5 }, LISTENING),
    ).toEqual({
      ok: true,
      knobs: { latencyMs: 5, chat: { ttftMs: 50, tokens: 3 }, errorRate: 0.5 },
    });
    expect(resolveKnobsPatch(current, { latencyMs: undefined }, LISTENING)).toMatchObject({
      ok: true,
      knobs: { chat: { ttftMs: 10 } },
    });
  });

  it('accepts the listening host and port back but refuses a change', () => {
    expect(resolveKnobsPatch({}, { host: '127.0.0.1', port: 4000, latencyMs: 1 }, LISTENING)).toEqual({
      ok: true,
      knobs: { latencyMs: 1 },
    });
    expect(resolveKnobsPatch({}, { host: '127.0.0.2', port: 1 }, LISTENING)).toEqual({
      ok: false,
      issues: [
        'host: cannot change while the service listens on 127.0.0.1:4000',
        'port: cannot change while the service listens on 127.0.0.1:4000',
      ],
    });
  });

  it('refuses non-objects, unknown knobs and bad values', () => {
    expect(resolveKnobsPatch({}, [1], LISTENING).ok).toBe(false);
    expect(resolveKnobsPatch({}, 'x', LISTENING).ok).toBe(false);
    expect(resolveKnobsPatch({}, { latency: 5 }, LISTENING).ok).toBe(false);
    expect(resolveKnobsPatch({}, { latencyMs: -1 }, LISTENING).ok).toBe(false);
  });
});

describe('listStateKnobChanges', () => {
  it('names the changed knobs that wait for a reset', () => {
    expect(
      listStateKnobChanges({ couponStock: 5, latencyMs: 1 }, { couponStock: 6, latencyMs: 2, schedules: 1 }),
    ).toEqual(['schedules', 'couponStock']);
  });
});

describe('planFaults', () => {
  const knobs = resolveDemoKnobs({ latencyMs: 100, jitterMs: 50, errorRate: 0.25, cpuWorkMs: 3 });

  it('adds jitter in proportion to the roll and fails below the error rate', () => {
    expect(planFaults(knobs, 0, 0.3)).toEqual({ delayMs: 100, cpuMs: 3, fail: false });
    expect(planFaults(knobs, 0.5, 0.2)).toEqual({ delayMs: 125, cpuMs: 3, fail: true });
  });

  it('never fails with errorRate 0 and always fails with 1', () => {
    expect(planFaults(resolveDemoKnobs({}), 0.9, 0).fail).toBe(false);
    expect(planFaults(resolveDemoKnobs({ errorRate: 1 }), 0, 0.999999).fail).toBe(true);
  });
});
