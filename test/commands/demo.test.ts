// `loadctl demo`'s flags: one per knob of the schema, mapped to it, and checked by the same schema (exit 2
// naming the flag). With the fake Io: a bad flag stops the command before any socket is opened.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEMO_NUMBER_FLAGS, demoKnobsFromOptions } from '../../src/cli/commands/demo.js';
import { main } from '../../src/cli/main.js';
import { demoKnobsSchema } from '../../src/plans/schema.js';
import { fakeIo } from '../harness/index.js';

/** Every leaf knob of the schema, `chat.tokens` for a nested one. */
function schemaKnobs(): string[] {
  const leaves: string[] = [];
  for (const [key, field] of Object.entries(demoKnobsSchema.shape)) {
    const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
    if (inner instanceof z.ZodObject)
      for (const sub of Object.keys(inner.shape as object)) leaves.push(`${key}.${sub}`);
    else leaves.push(key);
  }
  return leaves.sort();
}

describe('loadctl demo flags → knobs', () => {
  it('has a flag for every knob the schema supports', () => {
    const flagged = [...DEMO_NUMBER_FLAGS.map((f) => f.knob), 'host', 'allowDoubleBooking'];
    expect(flagged.sort()).toEqual(schemaKnobs());
  });

  it('maps each flag to its knob', () => {
    expect(
      demoKnobsFromOptions({
        host: '127.0.0.2',
        port: '0',
        latency: '5',
        jitter: '7.5',
        errorRate: '0.1',
        cpu: '2',
        rootWork: '300',
        schedules: '4',
        seats: '6',
        initialPoints: '1000',
        couponStock: '9',
        rateLimit: '20',
        rateLimitBurst: '40',
        maxConcurrent: '10',
        queue: '100',
        chatTtft: '10',
        chatTokenDelay: '1',
        chatTokens: '3',
        chatCutRate: '0.5',
        chatCutAfter: '2',
        allowDoubleBooking: true,
      }),
    ).toEqual({
      host: '127.0.0.2',
      port: 0,
      latencyMs: 5,
      jitterMs: 7.5,
      errorRate: 0.1,
      cpuWorkMs: 2,
      rootWork: 300,
      schedules: 4,
      seatsPerSchedule: 6,
      initialPoints: 1000,
      couponStock: 9,
      rateLimit: { perSecond: 20, burst: 40 },
      capacity: { maxConcurrent: 10, queue: 100 },
      chat: { ttftMs: 10, tokenDelayMs: 1, tokens: 3, cutRate: 0.5, cutAfterTokens: 2 },
      allowDoubleBooking: true,
    });
  });

  it('sets nothing a flag did not ask for', () => {
    expect(demoKnobsFromOptions({})).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(demoKnobsFromOptions({ chatTokens: '3' })).toEqual({
      host: '127.0.0.1',
      port: 8080,
      chat: { tokens: 3 },
    });
  });

  it.each([
    [['--jitter', 'abc'], '--jitter "abc": expected a number'],
    [['--jitter', '-1'], '--jitter -1: Too small'],
    [['--chat-tokens', '0'], '--chat-tokens 0: tokens must be at least 1'],
    [['--chat-tokens', '2.5'], '--chat-tokens 2.5: tokens must be a whole number'],
    [['--chat-cut-rate', '1.5'], '--chat-cut-rate 1.5: Too big'],
    [['--chat-ttft', '1e9'], '--chat-ttft 1000000000: Too big'],
    [['--rate-limit-burst', '5'], '--rate-limit-burst goes with --rate-limit'],
    [['--rate-limit', '10', '--rate-limit-burst', '0'], '--rate-limit-burst 0: burst must be at least 1'],
    [['--queue', '5'], '--queue goes with --max-concurrent'],
    [['--schedules', '0'], '--schedules 0: schedules must be at least 1'],
    [['--port', '70000'], '--port 70000: Too big'],
    [['--host', '10.0.0.1'], '--host 10.0.0.1: the demo service listens on loopback only'],
  ])('%j is exit 2 naming the flag, not an internal error', async (args, message) => {
    const io = fakeIo();
    const code = await main(['demo', ...args], io);
    expect(io.stderrText()).toContain(`loadctl: ${message}`);
    expect(io.stderrText()).not.toContain('internal error');
    expect(code).toBe(2);
  });

  it('reports every bad flag at once', async () => {
    const io = fakeIo();
    const code = await main(['demo', '--jitter', 'x', '--error-rate', '2', '--chat-tokens', '0'], io);
    expect(code).toBe(2);
    expect(io.stderrText()).toContain(
      'loadctl: bad flags:\n  --jitter "x": expected a number\n  --error-rate 2: Too big: expected number to be <=1\n  --chat-tokens 0: tokens must be at least 1\n',
    );
  });
});
