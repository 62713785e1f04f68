import { describe, expect, it } from 'vitest';
import type { InstanceState } from '../samples/collector.js';
import { groupFacts, k6Result, OPERATOR_SETUP_NOTE, type Waited } from './collect-run.js';

const state = (instance: string, final: boolean): InstanceState => ({
  instance,
  frames: 4,
  final,
  shiftMs: 0,
  lastPushMs: 0,
  lastSeq: 3,
  requests: 12,
});
const choices = { host: '127.0.0.1', port: 0, runners: 3, timeoutMs: 60_000, progress: false };
const waited = (over: Partial<Waited> = {}): Waited => ({
  interrupts: 0,
  timedOut: false,
  firstPushMs: 0,
  ...over,
});
const at = (ms: number) => new Date(ms);

describe('collect: the runners as a group', () => {
  it('all finished: a whole run, k6 exit 0, the setup note', () => {
    const facts = groupFacts(
      [state('t-1-7', true), state('t-2-7', true), state('t-3-7', true)],
      choices,
      waited(),
      9000,
    );
    expect(facts.partial).toBe(false);
    expect(facts.notes).toEqual([OPERATOR_SETUP_NOTE]);
    expect(facts.list.map((r) => r.segment)).toEqual(['0:1/3', '1/3:2/3', '2/3:1']);
    const run = k6Result(facts, waited(), at(0), at(9000), false);
    expect(run.result).toMatchObject({ kind: 'exited', exitCode: 0 });
    // Stopped by loadctl (abortOnFail): as a k6 stopped through its REST API.
    expect(k6Result(facts, waited(), at(0), at(9000), true).result).toMatchObject({ exitCode: 103 });
  });

  it('names the runners that never finished and counts those never seen, after --timeout', () => {
    const facts = groupFacts(
      [state('t-1-7', true), state('t-2-7', false)],
      choices,
      waited({ timedOut: true }),
      60_400,
    );
    expect(facts.partial).toBe(true);
    expect(facts.notes[1]).toBe(
      'after 60 s (--timeout), never finished: t-2-7; 1 of the 3 runners never pushed a frame: the totals lack their share',
    );
    const run = k6Result(facts, waited({ timedOut: true }), at(0), at(60_400), false);
    expect(run.result).toMatchObject({ exitCode: 1 });
    expect(run.errorLines).toEqual([facts.notes[1]]);
  });

  it('an interrupt is the run’s interruption', () => {
    const facts = groupFacts([], choices, waited({ interrupts: 2 }), 1000);
    expect(k6Result(facts, waited({ interrupts: 2 }), at(0), at(1000), false).interrupted).toBe(true);
  });
});
