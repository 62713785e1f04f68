// `arrivals:` on an arrival-rate scenario: what the plan language accepts and refuses (with its place), what
// k6 receives as options, what the script's data carries and what plan.resolved.json records.
import { describe, expect, it } from 'vitest';
import { arrivalCount, arrivalOffsets } from '../k6-templates/runtime/arrivals.js';
import { compileScriptPlan, toK6Options } from './compile.js';
import { renderDiagnostic } from './diagnostics.js';
import { refuseArrivalRunners } from './arrivals.js';
import { applyOverrides } from './overrides.js';
import { parsePlanText } from './parse.js';
import { peakVUs, plannedDuration, resolvePlan } from './resolve.js';
import { validatePlan } from './validate.js';

const PLAN = `name: t
targets:
  local: { demo: true }
scenarios:
  s:
    executor: constant-arrival-rate
    rate: 5
    duration: 30s
    preAllocatedVUs: 10
    maxVUs: 20
    tags: { test: poisson }
    env: { LEVEL: 1 }
    arrivals: { process: poisson }
    flow: f
flows:
  f:
    steps:
      - path: /
`;

const RAMP = PLAN.replace(
  '    rate: 5\n    duration: 30s\n',
  '    startRate: 0\n    timeUnit: 1m\n    stages:\n      - { duration: 1m, target: 600 }\n      - { duration: 30s, target: 600 }\n',
).replace('constant-arrival-rate', 'ramping-arrival-rate');

function problems(text: string): string[] {
  const parsed = parsePlanText('p.yaml', text);
  if (!parsed.ok) return parsed.diagnostics.map(renderDiagnostic);
  return validatePlan(parsed.source).diagnostics.map(renderDiagnostic);
}

function resolve(text: string, profile?: string) {
  const parsed = parsePlanText('p.yaml', text);
  if (!parsed.ok) throw new Error('unparsable');
  const { plan, withProfile } = validatePlan(parsed.source);
  if (!plan || !withProfile) throw new Error(problems(text).join('\n'));
  const resolved = resolvePlan({ plan, withProfile }, { profile });
  if (!resolved.ok) throw new Error(resolved.message);
  return resolved.resolved;
}

describe('arrivals: the plan language', () => {
  it('accepts Poisson and gamma arrivals on both arrival-rate executors', () => {
    expect(problems(PLAN)).toEqual([]);
    expect(problems(RAMP)).toEqual([]);
    expect(
      problems(PLAN.replace('{ process: poisson }', '{ process: gamma, burstiness: 0.5, seed: 7 }')),
    ).toEqual([]);
  });

  it.each([
    [
      'a burstiness on Poisson arrivals',
      '{ process: poisson, burstiness: 2 }',
      'p.yaml:13:47: error: scenarios.s.arrivals.burstiness: Poisson arrivals have burstiness 1; burstiness 2 needs `process: gamma`',
    ],
    [
      'an unknown process',
      '{ process: uniform }',
      'p.yaml:13:26: error: scenarios.s.arrivals.process: the text "uniform" is not allowed here',
    ],
    [
      'a burstiness of 0',
      '{ process: gamma, burstiness: 0 }',
      'p.yaml:13:45: error: scenarios.s.arrivals.burstiness: burstiness must be at least 0.01',
    ],
    [
      'a seed that is not a 32-bit whole number',
      '{ process: poisson, seed: 1.5 }',
      'p.yaml:13:41: error: scenarios.s.arrivals.seed: seed must be a whole number',
    ],
    [
      'a misspelt key',
      '{ process: poisson, sed: 1 }',
      'p.yaml:13:35: error: scenarios.s.arrivals.sed: unknown key `sed`',
    ],
  ])('refuses %s, at its place', (_title, arrivals, expected) => {
    const [first] = problems(PLAN.replace('{ process: poisson }', arrivals));
    expect(first?.split('\n')[0]).toBe(expected);
  });

  it('refuses arrivals on a closed-model executor', () => {
    const text = PLAN.replace(
      '    executor: constant-arrival-rate\n    rate: 5\n    duration: 30s\n    preAllocatedVUs: 10\n    maxVUs: 20\n',
      '    executor: constant-vus\n    vus: 2\n    duration: 30s\n',
    );
    expect(problems(text)[0]).toMatch(/^p\.yaml:11:5: error: scenarios\.s\.arrivals: unknown key `arrivals`/);
  });

  it('refuses more arrivals than one scenario may draw, runners, and a script plan', () => {
    expect(problems(PLAN.replace('rate: 5', 'rate: 50000'))).toEqual([
      'p.yaml:7:11: error: scenarios.s.rate: 1500000 arrivals are more than one scenario may draw (1,000,000)\n    hint: lower the rate or shorten the scenario',
    ]);
    expect(problems(`${PLAN}runners: 2\n`)[0]).toMatch(
      /^p\.yaml:13:5: error: scenarios\.s\.arrivals: arrivals run on one k6 process for now/,
    );
  });

  it('refuses runners from the command line too, and lets one k6 run', () => {
    const { plan } = resolve(PLAN);
    expect(() => refuseArrivalRunners(plan, 2)).toThrow(
      '2 runners: scenario s has arrivals, which run on one k6 process for now',
    );
    expect(() => refuseArrivalRunners(plan, 1)).not.toThrow();
    const plain = resolve(PLAN.replace('    arrivals: { process: poisson }\n', '')).plan;
    expect(() => refuseArrivalRunners(plain, 2)).not.toThrow();
  });

  it('refuses a ramp shorter than the 1s k6 allows shared-iterations', () => {
    const text = RAMP.replace(
      '      - { duration: 1m, target: 600 }\n      - { duration: 30s, target: 600 }\n',
      '      - { duration: 500ms, target: 60000 }\n',
    );
    expect(problems(text)[0]).toMatch(
      /scenarios\.s\.stages: the stages last 500ms; arrivals run as k6 shared-iterations/,
    );
  });
});

describe('arrivals: what k6 and the script receive', () => {
  it("runs as shared-iterations: k6's count of iterations, the VUs the plan allows, the scenario's length", () => {
    const options = toK6Options(resolve(PLAN));
    expect(options.scenarios).toEqual({
      s: {
        executor: 'shared-iterations',
        vus: 20,
        iterations: 150,
        maxDuration: '30s',
        tags: { test: 'poisson' },
        env: { LEVEL: '1' },
      },
    });
  });

  it('gives the script the rates, burstiness, seed and count to draw the times from', () => {
    const script = compileScriptPlan(resolve(RAMP), { baseUrl: 'http://127.0.0.1:1' });
    expect(script.arrivals).toEqual({
      s: {
        segments: [
          { ms: 60_000, from: 0, to: 600 / 60_000 },
          { ms: 30_000, from: 600 / 60_000, to: 600 / 60_000 },
        ],
        burstiness: 1,
        seed: 0,
        count: 600,
      },
    });
    const p = script.arrivals?.s;
    if (p === undefined) throw new Error('no arrivals');
    expect(arrivalCount(p.segments)).toBe(p.count);
    expect(arrivalOffsets(p).every((t) => t >= 0 && t < 90_000)).toBe(true);
    expect(toK6Options(resolve(RAMP)).scenarios).toMatchObject({
      s: { iterations: 600, maxDuration: '1m30s' },
    });
  });

  it('a scenario without arrivals is passed to k6 as it is, and the script carries no arrivals', () => {
    const plain = PLAN.replace('    arrivals: { process: poisson }\n', '');
    expect(toK6Options(resolve(plain)).scenarios).toMatchObject({ s: { executor: 'constant-arrival-rate' } });
    expect(compileScriptPlan(resolve(plain), { baseUrl: 'http://127.0.0.1:1' }).arrivals).toBeUndefined();
  });

  it('records the burstiness and seed the run draws with in the resolved plan', () => {
    expect(resolve(PLAN).plan.scenarios.s).toMatchObject({
      arrivals: { process: 'poisson', burstiness: 1, seed: 0 },
    });
    const gamma = PLAN.replace('{ process: poisson }', '{ process: gamma, burstiness: 0.5, seed: 7 }');
    expect(resolve(gamma).plan.scenarios.s).toMatchObject({
      arrivals: { process: 'gamma', burstiness: 0.5, seed: 7 },
    });
  });

  it('a profile changes the process; run --duration keeps it and redraws the count', () => {
    const profiled = `${PLAN}profiles:\n  bursty:\n    scenarios:\n      s:\n        arrivals: { process: gamma, burstiness: 0.25 }\n`;
    expect(resolve(profiled, 'bursty').plan.scenarios.s).toMatchObject({
      arrivals: { process: 'gamma', burstiness: 0.25, seed: 0 },
    });
    const resolved = resolve(PLAN);
    const plan = applyOverrides(resolved.plan, { duration: '10s' });
    expect(toK6Options({ ...resolved, plan }).scenarios).toMatchObject({
      s: { executor: 'shared-iterations', iterations: 50, maxDuration: '10s' },
    });
  });

  it("counts its VUs and its length as the arrival-rate scenario's (preflight, doctor)", () => {
    const { plan } = resolve(PLAN);
    expect(peakVUs(plan)).toBe(20);
    expect(plannedDuration(plan)).toEqual({ ms: 30_000, exact: true });
  });
});
