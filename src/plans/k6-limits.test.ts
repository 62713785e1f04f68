// Plans that k6 would refuse are refused by validation first, each at the field that is wrong, with k6's limit
// in the message. The limits were read off k6 itself (`k6 inspect --execution-requirements`); the property
// test test/e2e/plan-limits.test.ts checks them against the real k6.
import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from './diagnostics.js';
import { parsePlanText } from './parse.js';
import { validatePlan } from './validate.js';

function plan(scenario: string, extra = ''): string {
  return [
    'name: t',
    'targets: { local: { demo: true } }',
    'scenarios:',
    `  s: { ${scenario}, flow: f }`,
    'flows: { f: { steps: [{ name: home, path: / }] } }',
    extra,
  ].join('\n');
}

function errors(text: string): string[] {
  const parsed = parsePlanText('p.yaml', text);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map(renderDiagnostic).join('\n'));
  return validatePlan(parsed.source)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.path.join('.')}: ${d.message}`);
}

describe('what k6 refuses, validation refuses', () => {
  it.each([
    [
      'a duration beyond Go int64 nanoseconds',
      plan('executor: constant-vus, duration: 2562048h'),
      'scenarios.s.duration: k6 durations go up to 2562047h47m16s (about 292 years)',
    ],
    [
      'days beyond the range (k6 wraps them to a negative duration)',
      plan('executor: constant-vus, duration: 1m, gracefulStop: 106752d'),
      'scenarios.s.gracefulStop: k6 durations go up to 2562047h47m16s (about 292 years)',
    ],
    [
      'fractional days',
      plan('executor: constant-vus, duration: 1.5d'),
      'scenarios.s.duration: expected a k6 duration such as "30s", "2m", "1h30m" or "250ms"',
    ],
    [
      'a 0s constant-vus duration',
      plan('executor: constant-vus, duration: 0s'),
      'scenarios.s.duration: k6 needs a duration of at least 1s',
    ],
    [
      'a sub-second arrival-rate duration',
      plan('executor: constant-arrival-rate, rate: 1, preAllocatedVUs: 1, duration: 999ms'),
      'scenarios.s.duration: k6 needs a duration of at least 1s',
    ],
    [
      'a 0s maxDuration',
      plan('executor: per-vu-iterations, maxDuration: 0s'),
      'scenarios.s.maxDuration: k6 needs a maxDuration of at least 1s',
    ],
    [
      'a zero timeUnit',
      plan('executor: constant-arrival-rate, rate: 1, preAllocatedVUs: 1, duration: 1s, timeUnit: 0s'),
      'scenarios.s.timeUnit: k6 needs a timeUnit above 0 (at least 1ns)',
    ],
    [
      'a timeUnit below a nanosecond (Go drops the fraction)',
      plan('executor: constant-arrival-rate, rate: 1, preAllocatedVUs: 1, duration: 1s, timeUnit: 0.5ns'),
      'scenarios.s.timeUnit: k6 needs a timeUnit above 0 (at least 1ns)',
    ],
    [
      'fewer shared iterations than VUs',
      plan('executor: shared-iterations, vus: 5, iterations: 2'),
      'scenarios.s.iterations: 2 shared iterations cannot keep 5 VUs busy: k6 needs iterations ≥ vus',
    ],
    [
      'more VUs than the default single shared iteration',
      plan('executor: shared-iterations, vus: 3'),
      'scenarios.s.vus: 1 shared iteration (the default) cannot keep 3 VUs busy: k6 needs iterations ≥ vus',
    ],
    [
      'a ramp without a VU',
      plan('executor: ramping-vus, startVUs: 0, stages: [{ duration: 1s, target: 0 }]'),
      'scenarios.s.stages: the ramp never has a VU: startVUs and every stage target are 0',
    ],
    [
      'a threshold on a metric nothing produces',
      plan('executor: constant-vus, duration: 1s', "thresholds: { 'http_req_duraton': ['p(95)<500'] }"),
      'thresholds.http_req_duraton: no part of the plan produces the metric `http_req_duraton`',
    ],
    [
      'a tag selector entry without a value',
      plan(
        'executor: constant-vus, duration: 1s',
        "thresholds: { 'http_req_duration{name:}': ['p(95)<500'] }",
      ),
      'thresholds.http_req_duration{name:}: the tag selector entry "name:" needs both a tag and a value',
    ],
    [
      'a tag selector with a stray comma',
      plan('executor: constant-vus, duration: 1s', "thresholds: { 'http_reqs{name:home,}': ['count>0'] }"),
      'thresholds.http_reqs{name:home,}: the tag selector {name:home,} has an empty entry (a stray ",")',
    ],
    [
      'a tag selector entry without a colon',
      plan('executor: constant-vus, duration: 1s', "thresholds: { 'http_reqs{home}': ['count>0'] }"),
      'thresholds.http_reqs{home}: the tag selector entry "home" has no value',
    ],
    [
      'a delayAbortEval beyond the range',
      plan(
        'executor: constant-vus, duration: 1s',
        "thresholds: { http_req_duration: [{ threshold: 'p(95)<500', delayAbortEval: 2562048h }] }",
      ),
      'thresholds.http_req_duration.0.delayAbortEval: k6 durations go up to 2562047h47m16s (about 292 years)',
    ],
  ])('%s', (_name, text, message) => {
    expect(errors(text)).toEqual([message]);
  });

  it('refuses "." in a scenario name, which k6 does not allow', () => {
    const text = plan('executor: constant-vus, duration: 1s').replace('  s: {', '  s.1: {');
    expect(errors(text)).toEqual([
      expect.stringMatching(
        /^scenarios\.s\.1: expected a scenario name .*k6 refuses "\." in scenario names$/,
      ),
    ]);
  });

  it.each([
    ['the longest duration k6 holds', 'executor: constant-vus, duration: 2562047h47m16.854775807s'],
    ['whole days then a Go duration', 'executor: constant-vus, duration: 1d12h'],
    ['exactly 1s', 'executor: constant-vus, duration: 1s'],
    [
      'a 1ns timeUnit',
      'executor: constant-arrival-rate, rate: 1, preAllocatedVUs: 1, duration: 1s, timeUnit: 1ns',
    ],
    ['as many shared iterations as VUs', 'executor: shared-iterations, vus: 4, iterations: 4'],
    ['a ramp from the default startVUs', 'executor: ramping-vus, stages: [{ duration: 1s, target: 0 }]'],
  ])('still accepts %s', (_name, scenario) => {
    expect(errors(plan(scenario))).toEqual([]);
  });
});

describe('a message names the actual mistake', () => {
  const ok = 'executor: constant-vus, duration: 1s';
  it.each([
    [
      'delayAbortEval without a unit',
      plan(ok, "thresholds: { http_req_duration: [{ threshold: 'p(95)<500', delayAbortEval: 10 }] }"),
      'thresholds.http_req_duration.0.delayAbortEval: a duration needs a unit: write "10s" or "10ms", not 10',
    ],
    [
      'abortOnFail that is not a boolean',
      plan(ok, "thresholds: { http_req_duration: [{ threshold: 'p(95)<500', abortOnFail: yes }] }"),
      'thresholds.http_req_duration.0.abortOnFail: expected true or false, got the text "yes"',
    ],
    [
      'a bad expression in the long form',
      plan(ok, "thresholds: { http_req_duration: [{ threshold: 'p95<500' }] }"),
      'thresholds.http_req_duration.0.threshold: expected a k6 threshold such as "p(95)<500", "avg<200", "rate<0.01" or "count>100"',
    ],
    [
      'an unknown key in the long form',
      plan(ok, "thresholds: { http_req_duration: [{ threshold: 'p(95)<500', abortOnFial: true }] }"),
      'thresholds.http_req_duration.0.abortOnFial: unknown key `abortOnFial`',
    ],
    [
      'a scenario duration without a unit',
      plan('executor: constant-vus, duration: 30'),
      'scenarios.s.duration: a duration needs a unit: write "30s" or "30ms", not 30',
    ],
    [
      'a think time bound without a unit',
      plan(ok).replace('path: / }', 'path: /, think: { min: 1s, max: 2 } }'),
      'flows.f.steps.0.think.max: a duration needs a unit: write "2s" or "2ms", not 2',
    ],
    [
      'a reversed random.int range',
      plan(ok).replace('path: / }', "path: '/seats/${random.int(5,1)}' }"),
      'flows.f.steps.0.path: "${random.int(5,1)}": MIN 5 is above MAX 1',
    ],
  ])('%s', (_name, text, message) => {
    expect(errors(text)).toEqual([message]);
  });
});
