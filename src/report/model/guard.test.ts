import { describe, expect, it } from 'vitest';
import type { Plan } from '../../plans/schema.js';
import { guardSubmetrics } from './k6-submetrics.js';
import {
  CPU_SUSTAINED_SECONDS,
  DROPPED_MIN_COUNT,
  evaluateGuard,
  guardEndObservation,
  guardPlan,
  VUS_AT_MAX_SECONDS,
  type GuardObservation,
  type GuardPlan,
} from './guard.js';

const ONE: GuardPlan = {
  arrival: [{ name: 'load', preAllocatedVUs: 2, maxVUs: 4 }],
  onlyArrival: true,
  cores: 2,
};
const MIXED: GuardPlan = {
  arrival: [{ name: 'load', preAllocatedVUs: 2, maxVUs: 4 }],
  onlyArrival: false,
  cores: 2,
};
const CLOSED: GuardPlan = { arrival: [], onlyArrival: false, cores: 2 };
// `arrivals:` (shared-iterations underneath): every VU counts as active for the whole scenario.
const TIMED: GuardPlan = {
  arrival: [{ name: 'load', preAllocatedVUs: 4, maxVUs: 4, timed: true }],
  onlyArrival: true,
  cores: 2,
};

const snap = (vus: number, iterations = 0, droppedIterations = 0): GuardObservation => ({
  kind: 'snapshot',
  snap: { vus, iterations, droppedIterations },
});
const cpu = (cores: number | undefined): GuardObservation => ({ kind: 'cpu', cores });
const log = (line: string): GuardObservation => ({ kind: 'log', line });
const repeat = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);
const kinds = (plan: GuardPlan, obs: GuardObservation[]) =>
  evaluateGuard(plan, obs).reasons.map((r) => r.kind);

describe('evaluateGuard rules', () => {
  it.each<[string, GuardPlan, GuardObservation[], string[]]>([
    ['nothing observed', ONE, [], []],
    ['a healthy arrival-rate run', ONE, [snap(1, 5), snap(2, 10), snap(1, 15)], []],
    // Dropped iterations: more than max(DROPPED_MIN_COUNT, 1% of the iterations due).
    ['dropped exactly at the tolerance', ONE, [snap(2, 100, DROPPED_MIN_COUNT)], []],
    ['dropped one over the tolerance', ONE, [snap(2, 100, DROPPED_MIN_COUNT + 1)], ['dropped-iterations']],
    ['dropped within 1% of a long run', ONE, [snap(2, 9_900, 100)], []],
    ['dropped above 1% of a long run', ONE, [snap(2, 9_899, 101)], ['dropped-iterations']],
    // Iteration-based scenarios also drop iterations (maxDuration): live totals are not attributable.
    ['live drops in a mixed plan', MIXED, [snap(2, 10, 500)], []],
    ['drops without arrival-rate scenarios', CLOSED, [snap(2, 10, 500)], []],
    // Every VU busy: sustained means VUS_AT_MAX_SECONDS snapshots in a row.
    ['VUs at max exactly long enough', ONE, repeat(VUS_AT_MAX_SECONDS, snap(4)), ['vus-at-max']],
    ['VUs at max one second short', ONE, repeat(VUS_AT_MAX_SECONDS - 1, snap(4)), []],
    [
      'VUs at max, interrupted by a free VU',
      ONE,
      [...repeat(3, snap(4)), snap(3), ...repeat(VUS_AT_MAX_SECONDS - 1, snap(4))],
      [],
    ],
    ['VUs at max in a mixed plan', MIXED, repeat(10, snap(4)), []],
    ['a timed pool, always all active', TIMED, repeat(10, snap(4)), []],
    [
      'a timed pool that dropped arrivals',
      TIMED,
      [snap(4, 100, DROPPED_MIN_COUNT + 1)],
      ['dropped-iterations'],
    ],
    // Its iterations hold its drops: 101 of 9,999 is over 1 %, where 101 beside 9,999 would not be.
    [
      'a timed pool, drops counted among its iterations',
      TIMED,
      [snap(4, 9_999, 101)],
      ['dropped-iterations'],
    ],
    ['a timed pool, drops within 1 % of its iterations', TIMED, [snap(4, 10_100, 101)], []],
    // CPU: ≥ 90% of the host's cores for CPU_SUSTAINED_SECONDS samples in a row.
    ['CPU exactly at 90% long enough', ONE, repeat(CPU_SUSTAINED_SECONDS, cpu(1.8)), ['cpu']],
    ['CPU just under 90%', ONE, repeat(20, cpu(1.79)), []],
    ['CPU one second short', ONE, repeat(CPU_SUSTAINED_SECONDS - 1, cpu(2)), []],
    ['a single CPU spike', ONE, [cpu(0.5), cpu(2), cpu(0.5), cpu(2), cpu(2), cpu(0.4)], []],
    ['no /proc: every sample unknown', ONE, repeat(20, cpu(undefined)), []],
    [
      'an unknown sample breaks a streak',
      ONE,
      [...repeat(3, cpu(2)), cpu(undefined), ...repeat(3, cpu(2))],
      [],
    ],
    ['unknown host cores', { ...ONE, cores: undefined }, repeat(20, cpu(4)), []],
    // Socket exhaustion on the generator: one line is enough.
    [
      'too many open files',
      CLOSED,
      [
        log(
          'time="x" level=warning msg="Request Failed" error="Get \\"http://127.0.0.1:1/\\": dial tcp 127.0.0.1:1: socket: too many open files"',
        ),
      ],
      ['socket-errors'],
    ],
    [
      'cannot assign requested address',
      CLOSED,
      [log('level=warning msg="Request Failed" error="dial tcp: Cannot Assign Requested Address"')],
      ['socket-errors'],
    ],
    ['other request errors', CLOSED, [log('level=warning msg="Request Failed" error="EOF"')], []],
  ])('%s', (_name, plan, obs, expected) => {
    expect(kinds(plan, obs)).toEqual(expected);
    expect(evaluateGuard(plan, obs).saturated).toBe(expected.length > 0);
  });
});

describe('evaluateGuard reasons', () => {
  it('says what was observed and what to change', () => {
    const verdict = evaluateGuard(ONE, [
      ...repeat(VUS_AT_MAX_SECONDS, snap(4, 40, 160)),
      ...repeat(6, cpu(1.95)),
      log('error="socket: too many open files"'),
      log('error="socket: too many open files"'),
    ]);
    expect(verdict).toEqual({
      saturated: true,
      reasons: [
        {
          kind: 'dropped-iterations',
          detail:
            'k6 dropped 160 iterations (80% of the 200 due) of scenario load: no VU was free to start them',
          fix: 'raise preAllocatedVUs/maxVUs of scenario load (it needed more than 4)',
        },
        {
          kind: 'vus-at-max',
          detail: 'every VU of scenario load was busy for 5 s in a row',
          fix: 'raise maxVUs of scenario load (it needed more than 4)',
        },
        {
          kind: 'cpu',
          detail: 'k6 used 1.95 of 2 cores (≥ 90%) for 6 s in a row',
          fix: 'the generator ran out of CPU: run k6 on more cores or more machines (k6 execution segments), or lower the rate',
        },
        {
          kind: 'socket-errors',
          detail: '2 k6 log lines report the generator out of sockets or ports ("too many open files")',
          fix: 'raise `ulimit -n` / widen `net.ipv4.ip_local_port_range`, see `loadctl doctor`',
        },
      ],
    });
  });

  it('prefers k6’s per-scenario end-of-test counts over the live totals', () => {
    const two: GuardPlan = {
      arrival: [
        { name: 'browse', preAllocatedVUs: 5, maxVUs: 5 },
        { name: 'buy', preAllocatedVUs: 1, maxVUs: 2 },
      ],
      onlyArrival: false,
      cores: 2,
    };
    const end: GuardObservation = {
      kind: 'end',
      iterations: 300,
      droppedIterations: 70,
      droppedByScenario: { browse: 0, buy: 50 },
    };
    expect(evaluateGuard(two, [snap(7, 10, 1), end]).reasons).toEqual([
      {
        kind: 'dropped-iterations',
        detail: 'k6 dropped 50 iterations (14% of the 350 due) of scenario buy: no VU was free to start them',
        fix: 'raise preAllocatedVUs/maxVUs of scenario buy (it needed more than 2)',
      },
    ]);
    // Without per-scenario counts, all-arrival-rate plans fall back to the totals, naming every scenario.
    const onlyArrival = { ...two, onlyArrival: true };
    expect(evaluateGuard(onlyArrival, [{ ...end, droppedByScenario: {} }]).reasons.map((r) => r.fix)).toEqual(
      ['raise preAllocatedVUs/maxVUs of scenarios browse, buy (they needed more than 5, 2)'],
    );
    // An end report with no drops clears what the live totals suggested.
    expect(
      evaluateGuard(onlyArrival, [snap(7, 10, 100), { ...end, droppedByScenario: { browse: 0, buy: 0 } }])
        .saturated,
    ).toBe(false);
  });
});

describe('guardPlan and k6’s end-of-test data', () => {
  const plan = {
    name: 'p',
    targets: { local: { demo: true } },
    scenarios: {
      steady: { executor: 'constant-arrival-rate', rate: 50, duration: '4s', preAllocatedVUs: 2 },
      ramp: {
        executor: 'ramping-arrival-rate',
        stages: [{ duration: '1s', target: 5 }],
        preAllocatedVUs: 3,
        maxVUs: 10,
      },
      'odd,name': { executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 1 },
      users: { executor: 'constant-vus', vus: 3, duration: '4s' },
    },
  } as unknown as Plan;

  it('takes the arrival-rate scenarios and their VU ceilings from the plan', () => {
    expect(guardPlan(plan, 2)).toEqual({
      arrival: [
        { name: 'steady', preAllocatedVUs: 2, maxVUs: 2 },
        { name: 'ramp', preAllocatedVUs: 3, maxVUs: 10 },
        { name: 'odd,name', preAllocatedVUs: 1, maxVUs: 1 },
      ],
      onlyArrival: false,
      cores: 2,
    });
    expect(guardPlan(plan, 0).cores).toBeUndefined();
  });

  it('asks k6 for dropped iterations per selectable scenario and reads them back', () => {
    const facts = guardPlan(plan, 2);
    expect(Object.keys(guardSubmetrics(facts))).toEqual([
      'dropped_iterations{scenario:steady}',
      'dropped_iterations{scenario:ramp}',
    ]);
    expect(
      guardEndObservation(facts, {
        metrics: {
          iterations: { type: 'counter', values: { count: 40 } },
          dropped_iterations: { type: 'counter', values: { count: 160 } },
          'dropped_iterations{scenario:steady}': { type: 'counter', values: { count: 160 } },
        },
      }),
    ).toEqual({
      kind: 'end',
      iterations: 40,
      droppedIterations: 160,
      droppedByScenario: { steady: 160, ramp: 0 },
    });
  });
});
