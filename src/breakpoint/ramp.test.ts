import { describe, expect, it } from 'vitest';
import type { Plan } from '../plans/schema.js';
import {
  iterationShape,
  levelSubmetrics,
  planRamp,
  rampBatches,
  rampPlan,
  spaceLevels,
  type RampChoices,
} from './ramp.js';
import { parseSlo, type Slo } from './slo.js';

const SLO = (parseSlo('p95<500ms,errors<1%') as { ok: true; slo: Slo }).slo;

const plan: Plan = {
  name: 'shop',
  targets: { local: { demo: true } },
  scenarios: {
    browse: {
      executor: 'constant-arrival-rate',
      rate: 50,
      duration: '1m',
      preAllocatedVUs: 10,
      flow: 'browse',
      startTime: '5s',
      tags: { kind: 'read' },
    },
    buy: { executor: 'constant-vus', vus: 30, duration: '1m', flow: 'buy' },
  },
  thresholds: { http_req_duration: ['p(95)<300'] },
  flows: {
    browse: { steps: [{ name: 'list', path: '/items' }] },
    buy: {
      think: { min: '1s', max: '2s' },
      steps: [
        { name: 'login', method: 'POST', path: '/login' },
        { group: 'cart', steps: [{ name: 'add', path: '/cart', think: '500ms' }] },
        { if: '${vars.x}', steps: [{ name: 'pay', path: '/pay' }], else: [{ sleep: '3s' }] },
      ],
    },
  },
};

const open = (over: Partial<RampChoices> = {}): RampChoices => ({
  model: 'open',
  steps: 4,
  stepMs: 5000,
  ...over,
});

describe('spaceLevels', () => {
  it('spaces whole levels evenly from start to max and drops duplicates', () => {
    expect(spaceLevels(100, 400, 4)).toEqual([100, 200, 300, 400]);
    expect(spaceLevels(1, 3, 5)).toEqual([1, 2, 3]);
  });
});

describe('iterationShape', () => {
  it('counts requests and the longest pauses, taking the longer branch of a condition', () => {
    expect(iterationShape(plan.flows?.['buy'] ?? { steps: [] })).toEqual({ requests: 3, pauseS: 5.5 });
  });
});

describe('planRamp', () => {
  it('ramps the first scenario to twice its rate by default, with a VU pool for twice the latency limit', () => {
    const r = planRamp(plan, open(), SLO);
    expect(r).toEqual({
      ok: true,
      ramp: {
        model: 'open',
        scenario: 'browse',
        flow: 'browse',
        unit: 'iterations/s',
        stepMs: 5000,
        levels: [
          { index: 0, target: 25, startMs: 0, endMs: 5000 },
          { index: 1, target: 50, startMs: 5000, endMs: 10000 },
          { index: 2, target: 75, startMs: 10000, endMs: 15000 },
          { index: 3, target: 100, startMs: 15000, endMs: 20000 },
        ],
        // 100/s × (1 request × 2 × 0.5 s) = 100 VUs
        preAllocatedVUs: 100,
        maxVUs: 100,
      },
    });
  });

  it('closed model: VUs from the scenario, no pool; --max-vus in the open model sizes the pool', () => {
    const closed = planRamp(
      plan,
      { model: 'closed', scenario: 'buy', steps: 3, stepMs: 3000, start: 10 },
      SLO,
    );
    expect(closed).toMatchObject({
      ok: true,
      ramp: { unit: 'VUs', levels: [{ target: 10 }, { target: 35 }, { target: 60 }] },
    });
    expect(closed.ok && closed.ramp.maxVUs).toBeUndefined();
    const pool = planRamp(plan, open({ max: 200, vus: 7 }), SLO);
    expect(pool).toMatchObject({
      ok: true,
      ramp: { preAllocatedVUs: 7, maxVUs: 7, levels: [{ target: 50 }, {}, {}, { target: 200 }] },
    });
  });

  it('reports every problem with the choices', () => {
    expect(planRamp(plan, open({ scenario: 'buy', steps: 1, stepMs: 500 }), SLO)).toEqual({
      ok: false,
      errors: [
        { message: '--steps 1 is not a whole number from 2 to 50' },
        {
          message: '--step 500ms is too short to judge a level',
          hint: 'give each level at least 2s (10s or more on a real system)',
        },
        {
          message:
            '--max-rate is needed: scenario buy runs constant-vus, which has no arrival rate to start from',
          hint: 'give the highest rate to try (iterations per second), e.g. --max-rate 500, or ramp VUs with --closed',
        },
      ],
    });
    expect(planRamp(plan, open({ scenario: 'nope' }), SLO)).toEqual({
      ok: false,
      errors: [{ message: 'the plan has no scenario "nope"', hint: 'scenarios: browse, buy' }],
    });
    expect(planRamp(plan, open({ max: 100, start: 100 }), SLO)).toMatchObject({
      ok: false,
      errors: [{ message: '--start 100 must be a whole number from 1 to below the top level (100)' }],
    });
    expect(planRamp({ ...plan, script: 'x.js' }, open(), SLO)).toMatchObject({ ok: false });
  });
});

describe('rampPlan', () => {
  it('keeps only the ramped scenario, as a staircase of 0s jumps and holds, starting at once', () => {
    const r = planRamp(plan, open(), SLO);
    if (!r.ok) throw new Error('no ramp');
    const out = rampPlan(plan, r.ramp);
    expect(out.scenarios).toEqual({
      browse: {
        executor: 'ramping-arrival-rate',
        flow: 'browse',
        tags: { kind: 'read' },
        startRate: 25,
        timeUnit: '1s',
        stages: [
          { duration: '5000ms', target: 25 },
          { duration: '0s', target: 50 },
          { duration: '5000ms', target: 50 },
          { duration: '0s', target: 75 },
          { duration: '5000ms', target: 75 },
          { duration: '0s', target: 100 },
          { duration: '5000ms', target: 100 },
        ],
        preAllocatedVUs: 100,
        maxVUs: 100,
      },
    });
    // The plan's thresholds give way to the per-level request counters; the rest of the plan stays.
    expect(out.thresholds).toEqual(levelSubmetrics(r.ramp));
    expect(Object.keys(out.thresholds ?? {})).toEqual([
      'http_reqs{lc_batch:0}',
      'http_reqs{lc_batch:1}',
      'http_reqs{lc_batch:2}',
      'http_reqs{lc_batch:3}',
    ]);
    expect(out.flows).toBe(plan.flows);
    expect(rampBatches(r.ramp)).toEqual({ ms: 5000, count: 4 });
  });

  it('closed model: ramping-vus from the first level', () => {
    const r = planRamp(plan, { model: 'closed', scenario: 'buy', steps: 2, stepMs: 2000 }, SLO);
    if (!r.ok) throw new Error('no ramp');
    expect(rampPlan(plan, r.ramp).scenarios['buy']).toEqual({
      executor: 'ramping-vus',
      flow: 'buy',
      startVUs: 30,
      stages: [
        { duration: '2000ms', target: 30 },
        { duration: '0s', target: 60 },
        { duration: '2000ms', target: 60 },
      ],
      gracefulRampDown: '0s',
    });
  });
});
