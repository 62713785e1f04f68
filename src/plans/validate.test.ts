import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from './diagnostics.js';
import { decodePlanBytes, parsePlanText } from './parse.js';
import { validatePlan } from './validate.js';

const BASE = `name: t
targets:
  local:
    demo: true
scenarios:
  s:
    executor: constant-vus
    vus: 2
    duration: 5s
    flow: f
flows:
  f:
    steps:
      - name: home
        path: /
`;

function problems(text: string): string[] {
  const parsed = parsePlanText('p.yaml', text);
  if (!parsed.ok) return parsed.diagnostics.map(renderDiagnostic);
  return [...parsed.diagnostics, ...validatePlan(parsed.source).diagnostics].map(renderDiagnostic);
}

function withBase(replace: string, by: string): string {
  if (!BASE.includes(replace)) throw new Error(`fixture does not contain ${replace}`);
  return BASE.replace(replace, by);
}

describe('validatePlan', () => {
  it('accepts a minimal plan without findings', () => {
    expect(problems(BASE)).toEqual([]);
  });

  it('does not warn of a flow that only a profile runs, and still warns of one nothing runs', () => {
    const extra = `  race:\n    steps:\n      - path: /race\n  spare:\n    steps:\n      - path: /spare\n`;
    const profile = `profiles:\n  race:\n    scenarios:\n      s: null\n      r: { executor: constant-vus, vus: 1, duration: 1s, flow: race }\n`;
    expect(problems(`${BASE}${extra}${profile}`)).toEqual([
      'p.yaml:19:3: warning: flows.spare: no scenario runs the flow `spare`',
    ]);
  });

  it.each([
    [
      'unknown key with a suggestion, pointing at the key',
      withBase('    vus: 2\n', '    vus: 2\n    maxVUz: 3\n'),
      [
        'p.yaml:9:5: error: scenarios.s.maxVUz: unknown key `maxVUz`\n    hint: allowed here: executor, flow, exec, startTime, gracefulStop, tags, env, vus, duration',
      ],
    ],
    [
      'misspelt step key',
      withBase('        path: /\n', '        path: /\n        metod: POST\n'),
      ['p.yaml:16:9: error: flows.f.steps[0].metod: unknown key `metod`\n    hint: did you mean `method`?'],
    ],
    [
      'wrong type',
      withBase('vus: 2', 'vus: many'),
      ['p.yaml:8:10: error: scenarios.s.vus: expected a number, got the text "many"'],
    ],
    [
      'unknown executor with a suggestion',
      withBase('executor: constant-vus', 'executor: constant-vu'),
      [
        'p.yaml:7:15: error: scenarios.s.executor: unknown executor the text "constant-vu"\n    hint: did you mean `constant-vus`?',
      ],
    ],
    [
      'bad duration',
      withBase('duration: 5s', 'duration: 5 seconds'),
      [
        'p.yaml:9:15: error: scenarios.s.duration: expected a k6 duration such as "30s", "2m", "1h30m" or "250ms"',
      ],
    ],
    [
      'missing required key',
      withBase('    duration: 5s\n', ''),
      ['p.yaml:7:5: error: scenarios.s.duration: `duration` is required (text)'],
    ],
    [
      'huge number',
      withBase('vus: 2', 'vus: 1e400'),
      ['p.yaml:8:10: error: scenarios.s.vus: expected a number, got number Infinity'],
    ],
    [
      'too many VUs',
      withBase('vus: 2', 'vus: 50000000'),
      ['p.yaml:8:10: error: scenarios.s.vus: vus above 1,000,000 is not a load test one machine can run'],
    ],
    [
      'unknown flow',
      withBase('flow: f', 'flow: g'),
      [
        'p.yaml:10:11: error: scenarios.s.flow: there is no flow `g`\n    hint: did you mean `f`?',
        'p.yaml:12:3: warning: flows.f: no scenario runs the flow `f`',
      ],
    ],
    [
      'undeclared secret and unknown reference',
      withBase(
        '        path: /\n',
        '        path: /\n        headers:\n          Authorization: "Bearer ${secrets.TOKEN}"\n          X-Id: "${vuid}"\n',
      ),
      [
        'p.yaml:17:26: error: flows.f.steps[0].headers.Authorization: secret `TOKEN` is not declared\n    hint: add it to `secrets:` so loadctl reads it from the environment and keeps it out of every file',
        'p.yaml:18:17: error: flows.f.steps[0].headers.X-Id: unknown reference "${vuid}"\n    hint: references are vars.NAME, env.NAME, secrets.NAME, data.SET.COLUMN, vu, iter, iterInTest, scenario, now, random.int(MIN,MAX), random.uuid, random.string(N); write $${ for a literal ${',
      ],
    ],
    [
      'threshold syntax and aggregation',
      `${BASE}thresholds:\n  http_req_duration: ['p95<500']\n  http_req_failed: ['p(95)<1']\n`,
      [
        'p.yaml:17:23: error: thresholds.http_req_duration[0]: expected a k6 threshold such as "p(95)<500", "avg<200", "rate<0.01" or "count>100"',
      ],
    ],
    [
      'aggregation that does not fit the metric',
      `${BASE}thresholds:\n  http_req_failed: ['p(95)<1']\n  'http_req_duration{name:hom}': ['p(95)<500']\n`,
      [
        'p.yaml:17:21: error: thresholds.http_req_failed[0]: `p(95)` does not apply to `http_req_failed`, a rate\n    hint: use rate',
        'p.yaml:18:3: warning: thresholds["http_req_duration{name:hom}"]: no request step is named `hom`, so this threshold sees no samples\n    hint: did you mean `home`?',
      ],
    ],
    [
      'a threshold over a window shorter than the stream period, or selecting a tag the stream drops',
      `${BASE}thresholds:\n  'http_req_duration{name:home,method:GET}': [{ threshold: 'p(95)<500', window: 500ms }]\n`,
      [
        'p.yaml:17:3: error: thresholds["http_req_duration{name:home,method:GET}"]: a threshold over a window can select on name and scenario only, not on method\n    hint: loadctl\'s metric stream keeps those tags (docs/stream.md); drop the others or the window',
        'p.yaml:17:81: error: thresholds["http_req_duration{name:home,method:GET}"][0].window: a window of 500ms is shorter than the metric stream\'s period (1s)\n    hint: use 1s or more, e.g. window: 30s',
      ],
    ],
    [
      'checks selected by the request name, a tag checks do not carry',
      `${BASE}thresholds:\n  'checks{name:home}': ['rate>0.99']\n`,
      [
        'p.yaml:17:3: warning: thresholds["checks{name:home}"]: check samples do not carry the request\'s `name` tag, so this threshold sees no samples\n    hint: select checks by their name, e.g. `checks{check:home: status is 200}`',
      ],
    ],
    [
      'arrival rate that its VUs cannot sustain',
      withBase(
        '    executor: constant-vus\n    vus: 2\n    duration: 5s\n',
        '    executor: constant-arrival-rate\n    rate: 100\n    duration: 5s\n    preAllocatedVUs: 10\n',
      ).replace('        path: /\n', '        path: /\n        think: 1s\n'),
      [
        'p.yaml:10:22: warning: scenarios.s.preAllocatedVUs: 10 VUs cannot sustain 100/s: each iteration pauses at least 1s, which needs 100 VUs\n    hint: raise preAllocatedVUs/maxVUs to 100 or more, or shorten the think time; otherwise k6 drops iterations',
      ],
    ],
    [
      'a profile error is reported at the profile',
      `${BASE}profiles:\n  smoke:\n    scenarios:\n      s:\n        vus: 0\n`,
      ['p.yaml:20:14: error: profiles.smoke.scenarios.s.vus: vus must be at least 1 (with profile `smoke`)'],
    ],
    [
      'an invariant may use env and secrets, nothing from inside k6',
      `${BASE}secrets: [TOKEN]\ninvariants:\n  - name: stock\n    path: /admin/stats\n    headers: { Authorization: 'Bearer \${secrets.TOKEN}', X-Vu: '\${vu}' }\n    expect: [{ json: $.issued, equals: 10 }]\n`,
      [
        'p.yaml:20:64: error: invariants[0].headers.X-Vu: invariants run after the load, outside k6: only ${env.NAME} and ${secrets.NAME} are available there, not vu\n    hint: use ${env.NAME}, ${secrets.NAME} or a literal value',
      ],
    ],
    [
      'a check with two subjects',
      withBase(
        '        path: /\n',
        '        path: /\n        checks:\n          - status: 200\n            bodyContains: ok\n',
      ),
      [
        'p.yaml:17:13: error: flows.f.steps[0].checks[0]: a check tests one thing; this one sets status and bodyContains\n    hint: split it into several checks',
      ],
    ],
  ])('%s', (_title, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('reports every problem at once, sorted by position', () => {
    const text = withBase('vus: 2', 'vus: -1')
      .replace('flow: f', 'flow: f\n    colour: red')
      .replace('path: /', 'path: /\n        metod: GET');
    expect(problems(text).map((p) => p.split(': error: ')[1]?.split(':')[0])).toEqual([
      'scenarios.s.vus',
      'scenarios.s.colour',
      'flows.f.steps[0].metod',
    ]);
  });
});

describe('parsePlanText', () => {
  it.each([
    [
      'empty file',
      '',
      'p.yaml: error: the plan is empty\n    hint: a plan needs at least `name`, `targets` and `scenarios`; see docs/plans.md',
    ],
    [
      'a list, not a mapping',
      '- a\n- b\n',
      'p.yaml:1:1: error: the plan must be a YAML mapping (key: value pairs) at the top level',
    ],
    ['YAML syntax error', 'name: t\ntargets: [a\n', 'p.yaml:3:1: error: YAML syntax:'],
    ['duplicate keys', 'name: a\nname: b\n', 'p.yaml:2:1: error: YAML syntax: Map keys must be unique'],
    [
      'alias bomb',
      `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
      'p.yaml: error: the plan expands too many YAML aliases (an alias bomb?)\n    hint: write the repeated parts out or use fewer aliases',
    ],
  ])('%s', (_title, text, expected) => {
    const parsed = parsePlanText('p.yaml', text);
    expect(parsed.ok).toBe(false);
    expect(parsed.diagnostics.map(renderDiagnostic)[0]).toContain(expected);
  });

  it('refuses binary and non-UTF-8 bytes', () => {
    const binary = decodePlanBytes('p.yaml', new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    expect(binary.ok ? '' : renderDiagnostic(binary.diagnostics[0]!)).toBe(
      'p.yaml: error: this is a binary file, not a YAML plan\n    hint: pass the path of a .yaml plan',
    );
    const latin1 = decodePlanBytes('p.yaml', new Uint8Array([0x6e, 0x61, 0x6d, 0xe9, 0x3a]));
    expect(latin1.ok ? '' : renderDiagnostic(latin1.diagnostics[0]!)).toBe(
      'p.yaml: error: the plan is not valid UTF-8 text\n    hint: save the plan as UTF-8',
    );
  });
});
