import { describe, expect, it } from 'vitest';
import { LoadctlError } from '../errors.js';
import { applyOverrides, describeOverrides, parseOverrides, type OverrideFlags } from './overrides.js';
import { parsePlanText } from './parse.js';
import type { Plan } from './schema.js';
import { validatePlan } from './validate.js';

const PLAN = `
name: p
targets:
  a: { url: "http://127.0.0.1:1" }
env:
  PAGE: home
secrets: [API_TOKEN]
flows:
  f:
    steps:
      - path: /
  g:
    steps:
      - path: /g
scenarios:
  closed: { executor: constant-vus, vus: 2, duration: 10s, flow: f, startTime: 1s, tags: { kind: c } }
  ramp:
    executor: ramping-vus
    startVUs: 0
    stages: [{ duration: 5s, target: 10 }]
    gracefulRampDown: 2s
    flow: g
  iters: { executor: per-vu-iterations, vus: 3, iterations: 4, flow: f }
  open: { executor: constant-arrival-rate, rate: 5, duration: 10s, preAllocatedVUs: 2, flow: g }
  openRamp:
    executor: ramping-arrival-rate
    stages: [{ duration: 5s, target: 10 }]
    preAllocatedVUs: 2
    flow: g
`;

function plan(): Plan {
  const parsed = parsePlanText('p.yaml', PLAN);
  if (!parsed.ok) throw new Error('unparsable');
  const { plan: valid, diagnostics } = validatePlan(parsed.source);
  if (!valid) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return valid;
}

const apply = (flags: OverrideFlags) => applyOverrides(plan(), parseOverrides(flags));

/** The usage error a call throws: its message and hint. */
function refusal(fn: () => unknown): { message: string; hint: string | undefined; exitCode: number } {
  try {
    fn();
  } catch (err) {
    if (err instanceof LoadctlError) return { message: err.message, hint: err.hint, exitCode: err.exitCode };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('parseOverrides', () => {
  it('parses each flag as k6 spells it', () => {
    expect(
      parseOverrides({
        vus: '50',
        duration: '30s',
        iterations: '100',
        stages: ['30s:100,1m:500', '30s:0'],
        scenario: ['a,b', 'a'],
        env: ['A=1', 'B=x=y', 'C='],
      }),
    ).toEqual({
      vus: 50,
      duration: '30s',
      iterations: 100,
      stages: [
        { duration: '30s', target: 100 },
        { duration: '1m', target: 500 },
        { duration: '30s', target: 0 },
      ],
      scenarios: ['a', 'b'],
      env: { A: '1', B: 'x=y', C: '' },
    });
    expect(parseOverrides({ stages: [], scenario: [], env: [] })).toEqual({});
  });

  it.each<[OverrideFlags, string]>([
    [{ vus: 'ten' }, '--vus "ten" is not a whole number'],
    [{ vus: '-1' }, '--vus "-1" is not a whole number'],
    [{ vus: '2.5' }, '--vus "2.5" is not a whole number'],
    [{ iterations: '1e3' }, '--iterations "1e3" is not a whole number'],
    [{ duration: '30' }, '--duration "30" is not a duration'],
    [{ duration: '30 seconds' }, '--duration "30 seconds" is not a duration'],
    [{ stages: ['30s'] }, '--stages: "30s" is not a stage'],
    [{ stages: ['30s:10:1'] }, '--stages: "30s:10:1" is not a stage'],
    [{ stages: ['30s:10,'] }, '--stages: "" is not a stage'],
    [{ stages: ['30x:10'] }, '--stages 30x:10: "30x" is not a duration'],
    [{ stages: ['30s:many'] }, '--stages 30s:many: "many" is not a whole number'],
    [{ scenario: ['a,'] }, '--scenario needs a scenario name'],
    [{ env: ['NOVALUE'] }, '-e "NOVALUE" is not KEY=VALUE'],
    [{ env: ['1A=x'] }, '-e "1A=x" is not KEY=VALUE'],
    [
      { env: ['LOADCTL_BASE_URL=http://x'] },
      "-e LOADCTL_BASE_URL: names starting with LOADCTL_ are loadctl's own",
    ],
  ])('refuses %j: %s', (flags, message) => {
    const r = refusal(() => parseOverrides(flags));
    expect(r.message).toBe(message);
    expect(r.exitCode).toBe(2);
  });

  it('describes the overrides as typed, env values left out', () => {
    expect(
      describeOverrides(
        parseOverrides({ scenario: ['a'], vus: '50', duration: '30s', env: ['K=secretish'] }),
      ),
    ).toBe('--scenario a --vus 50 --duration 30s -e K=…');
  });
});

describe('applyOverrides', () => {
  it('changes nothing without overrides', () => {
    const p = plan();
    expect(applyOverrides(p, {})).toBe(p);
  });

  it('--scenario keeps only the named scenarios, in the plan’s order', () => {
    expect(Object.keys(apply({ scenario: ['iters,closed'] }).scenarios)).toEqual(['closed', 'iters']);
  });

  it('--scenario moves the scenarios picked earlier together, so the first starts at once', () => {
    const p = plan();
    const later = {
      ...p,
      scenarios: {
        ...p.scenarios,
        iters: { ...p.scenarios.iters!, startTime: '10m' },
        open: { ...p.scenarios.open!, startTime: '10m30s' },
        openRamp: { ...p.scenarios.openRamp!, startTime: '10m0.5s' },
      },
    } as Plan;
    const s = applyOverrides(later, parseOverrides({ scenario: ['iters,open,openRamp'] })).scenarios;
    expect(s.iters?.startTime).toBeUndefined();
    expect(s.open?.startTime).toBe('30s');
    expect(s.openRamp?.startTime).toBe('500ms');
    // With one starting at 0, the others keep their own start times.
    expect(apply({ scenario: ['closed,iters'] }).scenarios.closed?.startTime).toBe('1s');
  });

  it('--scenario drops the thresholds keyed on a scenario left out, and keeps the others', () => {
    const p = {
      ...plan(),
      thresholds: {
        http_req_failed: ['rate<0.01'],
        'http_req_duration{scenario:closed}': ['p(95)<500'],
        'http_req_duration{name:g, scenario: ramp}': ['p(95)<300'],
        'http_req_duration{name:g}': ['p(95)<300'],
      },
    } as Plan;
    expect(Object.keys(applyOverrides(p, parseOverrides({ scenario: ['closed'] })).thresholds ?? {})).toEqual(
      ['http_req_failed', 'http_req_duration{scenario:closed}', 'http_req_duration{name:g}'],
    );
    expect(
      Object.keys(
        applyOverrides(p, parseOverrides({ vus: '1', scenario: ['ramp'], stages: ['1s:1'] })).thresholds ??
          {},
      ),
    ).toEqual(['http_req_failed', 'http_req_duration{name:g, scenario: ramp}', 'http_req_duration{name:g}']);
  });

  it('--scenario refuses an unknown name, with a guess', () => {
    const r = refusal(() => apply({ scenario: ['iterz'] }));
    expect(r.message).toBe('--scenario "iterz": the plan has no scenario of that name');
    expect(r.hint).toBe('did you mean iters?');
    expect(refusal(() => apply({ scenario: ['zzzzzz'] })).hint).toBe(
      'its scenarios: closed, ramp, iters, open, openRamp',
    );
  });

  it('--vus --duration: constant-vus, keeping the flow and tags; the one scenario picked starts at once', () => {
    const s = apply({ scenario: ['iters'], vus: '7', duration: '3s' }).scenarios;
    expect(s).toEqual({
      iters: { executor: 'constant-vus', flow: 'f', vus: 7, duration: '3s' },
    });
    expect(apply({ scenario: ['closed'], vus: '7', duration: '3s' }).scenarios.closed).toEqual({
      executor: 'constant-vus',
      flow: 'f',
      tags: { kind: 'c' },
      vus: 7,
      duration: '3s',
    });
  });

  it('--duration alone keeps the scenario’s VUs; --vus alone keeps its shape', () => {
    expect(apply({ scenario: ['iters'], duration: '3s' }).scenarios.iters).toEqual({
      executor: 'constant-vus',
      flow: 'f',
      vus: 3,
      duration: '3s',
    });
    expect(apply({ scenario: ['iters'], vus: '9' }).scenarios.iters).toEqual({
      executor: 'per-vu-iterations',
      flow: 'f',
      vus: 9,
      iterations: 4,
    });
  });

  it('--iterations: shared-iterations, --duration its maxDuration (as k6)', () => {
    expect(apply({ scenario: ['closed'], iterations: '20', duration: '5s' }).scenarios.closed).toEqual({
      executor: 'shared-iterations',
      flow: 'f',
      tags: { kind: 'c' },
      vus: 2,
      iterations: 20,
      maxDuration: '5s',
    });
  });

  it('--stages: ramping-vus, --vus its start; a ramp keeps its own start and ramp-down', () => {
    expect(apply({ scenario: ['closed'], stages: ['1s:4,1s:0'], vus: '2' }).scenarios.closed).toMatchObject({
      executor: 'ramping-vus',
      startVUs: 2,
      stages: [
        { duration: '1s', target: 4 },
        { duration: '1s', target: 0 },
      ],
    });
    expect(apply({ scenario: ['ramp'], stages: ['2s:3'] }).scenarios.ramp).toEqual({
      executor: 'ramping-vus',
      flow: 'g',
      startVUs: 0,
      stages: [{ duration: '2s', target: 3 }],
      gracefulRampDown: '2s',
    });
  });

  it('--duration alone sets a constant-arrival-rate scenario’s duration, its rate kept', () => {
    expect(apply({ scenario: ['open'], duration: '2s' }).scenarios.open).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 5,
      duration: '2s',
    });
  });

  it.each<[OverrideFlags, string, string]>([
    [
      { vus: '5' },
      '--vus shape one scenario, and the plan runs 5 (closed, ramp, iters, open, openRamp)',
      'choose the one to reshape with --scenario NAME',
    ],
    [
      { scenario: ['closed'], stages: ['1s:1'], duration: '3s' },
      '--stages with --duration: the stages already say how long the load lasts',
      'leave out --duration, or --stages',
    ],
    [
      { scenario: ['closed'], stages: ['1s:1'], iterations: '3' },
      '--stages with --iterations: the stages already say how long the load lasts',
      'leave out --iterations, or --stages',
    ],
    [
      { scenario: ['open'], vus: '5' },
      '--vus: scenario open is constant-arrival-rate, whose load is an arrival rate, not VUs',
      'only --duration applies to a constant-arrival-rate scenario; change its rate in the plan, or pick another scenario with --scenario',
    ],
    [
      { scenario: ['openRamp'], duration: '5s' },
      '--duration: scenario openRamp is ramping-arrival-rate, whose load is an arrival rate, not VUs',
      'change its stages in the plan, or pick another scenario with --scenario',
    ],
    [
      { scenario: ['ramp'], vus: '5' },
      '--vus: scenario ramp is ramping-vus, whose VUs follow its stages',
      'give --stages for another ramp, or --duration with --vus for a constant load',
    ],
    [
      { scenario: ['ramp'], duration: '5s' },
      '--duration: scenario ramp is ramping-vus, which has no one VU count to keep',
      'give the VUs with --vus',
    ],
    [
      { env: ['API_TOKEN=abc'] },
      "-e API_TOKEN: API_TOKEN is one of the plan's secrets, which come from the environment only",
      'export API_TOKEN before running loadctl; a secret on a command line is kept in shell history and seen by ps',
    ],
  ])('refuses %j', (flags, message, hint) => {
    const r = refusal(() => apply(flags));
    expect(r).toEqual({ message, hint, exitCode: 2 });
  });

  it('checks the limits of the plan’s fields, naming the flag', () => {
    const r = refusal(() => apply({ scenario: ['closed'], vus: '0', duration: '500ms' }));
    expect(r.message).toBe(
      [
        'the plan with --scenario closed --vus 0 --duration 500ms is not valid:',
        '  --vus: scenarios.closed.vus: vus must be at least 1',
        '  --duration: scenarios.closed.duration: k6 needs a duration of at least 1s',
      ].join('\n'),
    );
    expect(refusal(() => apply({ scenario: ['closed'], vus: '2000000' })).message).toContain(
      '--vus: scenarios.closed.vus: vus above 1,000,000 is not a load test one machine can run',
    );
    // A plan rule: k6 refuses fewer shared iterations than VUs.
    expect(refusal(() => apply({ scenario: ['closed'], vus: '5', iterations: '2' })).message).toMatch(
      /^the plan with --scenario closed --vus 5 --iterations 2 is not valid:\n {2}--(vus|iterations)/,
    );
  });

  it('-e sets plan env values over the plan’s own', () => {
    expect(apply({ env: ['PAGE=about', 'NEW=1'] }).env).toEqual({ PAGE: 'about', NEW: '1' });
  });
});
