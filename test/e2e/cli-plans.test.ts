// validate and render through the real CLI, and k6 inspect (the real k6) on every shipped plan's bundle.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { arrivalK6Scenario, type ArrivalScenario } from '../../src/plans/arrivals.js';
import { parseDuration } from '../../src/plans/duration.js';
import { REPO, runCli, tempDir, writePlan } from './helpers.js';

const K6 = process.env.LOADCTL_K6_BIN ?? join(REPO, '.tools', 'bin', 'k6');
const SHIPPED = readdirSync(join(REPO, 'plans'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join('plans', f))
  .sort();

// k6 prints durations its own way ("1m" comes back as "1m0s"): compare them as milliseconds.
function normal(value: unknown): unknown {
  if (typeof value === 'string' && parseDuration(value) !== undefined) return parseDuration(value);
  if (Array.isArray(value)) return value.map(normal);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v)]));
  return value;
}

interface InspectedScenario {
  executor: string;
  vus?: number;
  duration?: string;
  iterations?: number;
  stages?: Array<{ duration: string; target: number }>;
  rate?: number;
  preAllocatedVUs?: number;
  maxVUs?: number;
}

function inspect(script: string): {
  scenarios: Record<string, InspectedScenario>;
  thresholds?: Record<string, unknown>;
} {
  const r = spawnSync(K6, ['inspect', script], {
    env: { ...process.env, K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`k6 inspect failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { scenarios: Record<string, InspectedScenario> };
}

describe('loadctl validate', () => {
  it('accepts every shipped plan', async () => {
    expect(SHIPPED.length).toBeGreaterThan(0);
    const r = await runCli(['validate', ...SHIPPED]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const plan of SHIPPED) expect(r.stdout).toContain(`✓ ${plan}: valid`);
  });

  it('reports every problem of a bad plan with file:line:col and exits 2', async () => {
    const dir = await tempDir('bad');
    const file = await writePlan(
      dir,
      'bad.yaml',
      [
        'name: bad',
        'targets:',
        '  local: { demo: true }',
        'scenarios:',
        '  s:',
        '    executor: constant-vus',
        '    vus: lots',
        '    duration: 10 s',
        '    flow: f',
        'flows:',
        '  f:',
        '    steps:',
        '      - path: /',
        '        metod: POST',
        '',
      ].join('\n'),
    );
    const r = await runCli(['validate', file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      'bad.yaml:7:10: error: scenarios.s.vus: expected a number, got the text "lots"',
    );
    expect(r.stdout).toContain('bad.yaml:8:15: error: scenarios.s.duration: expected a k6 duration');
    expect(r.stdout).toContain(
      'bad.yaml:14:9: error: flows.f.steps[0].metod: unknown key `metod`\n    hint: did you mean `method`?',
    );
    expect(r.stdout).toContain('✗ bad.yaml: invalid (3 errors)');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it.each([
    ['a missing file', null, 'nope.yaml: error: no such file'],
    ['an empty file', '', 'error: the plan is empty'],
    [
      'a binary file',
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
      'error: this is a binary file, not a YAML plan',
    ],
    ['a YAML syntax error', 'name: [x\n', 'error: YAML syntax:'],
    [
      'an alias bomb',
      'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      'too many YAML aliases',
    ],
  ])('explains %s with exit 2 and no stack trace', async (_what, content, message) => {
    const dir = await tempDir('input');
    if (content !== null) await writeFile(join(dir, 'nope.yaml'), content);
    const r = await runCli(['validate', 'nope.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain(message);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('loadctl validate of a script plan', () => {
  it('bundles a script plan’s own k6 script and reports its syntax error at file:line:col', async () => {
    const dir = await tempDir('script');
    await writePlan(
      dir,
      'legacy.yaml',
      ['name: legacy', 'targets:', '  local: { demo: true }', 'script: legacy.js', 'scenarios: {}', ''].join(
        '\n',
      ),
    );
    await writeFile(join(dir, 'legacy.js'), 'export default function () {\n  let a x = 1;\n}\n');
    const r = await runCli(['validate', 'legacy.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('legacy.js:2:9: error: Expected ";" but found "x"');
    expect(r.stdout).toContain('✗ legacy.yaml: invalid (1 error)');
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('loadctl render + k6 inspect (real k6)', () => {
  for (const plan of SHIPPED) {
    const raw = parse(readFileSync(join(REPO, plan), 'utf8')) as {
      script?: unknown;
      scenarios: Record<string, Record<string, unknown>>;
      profiles?: Record<string, { scenarios?: Record<string, Record<string, unknown> | null> }>;
    };
    const profiles = [undefined, ...Object.keys(raw.profiles ?? {})];
    for (const profile of profiles) {
      it(`${plan}${profile ? ` --profile ${profile}` : ''}: k6 sees the scenarios, VUs and durations the plan asks for`, async () => {
        const out = await tempDir('render');
        const r = await runCli(['render', plan, '-o', out, ...(profile ? ['--profile', profile] : [])]);
        expect(r.stderr).not.toContain('error');
        expect(r.code).toBe(0);
        const options = JSON.parse(readFileSync(join(out, 'options.json'), 'utf8')) as {
          scenarios: Record<string, Record<string, unknown>>;
        };
        const seen = inspect(join(out, 'script.js'));
        const expected: Record<string, Record<string, unknown>> = { ...raw.scenarios };
        for (const [name, over] of Object.entries(
          profile ? (raw.profiles?.[profile]?.scenarios ?? {}) : {},
        )) {
          if (over === null) delete expected[name];
          else
            expected[name] =
              over.executor && over.executor !== expected[name]?.executor
                ? over
                : { ...expected[name], ...over };
        }
        if (raw.script !== undefined && Object.keys(expected).length === 0) {
          // An existing script keeps its own load shape when the plan names no scenarios.
          expect(
            (seen as { stages?: unknown[] }).stages?.length ?? Object.keys(seen.scenarios ?? {}).length,
          ).toBeGreaterThan(0);
          return;
        }
        expect(Object.keys(seen.scenarios).sort()).toEqual(Object.keys(expected).sort());
        for (const [name, asked] of Object.entries(expected)) {
          const got = seen.scenarios[name]!;
          // Poisson or gamma arrivals run as k6's shared-iterations over the drawn arrivals (docs/plans.md).
          const want =
            asked.arrivals === undefined ? asked : arrivalK6Scenario(asked as unknown as ArrivalScenario);
          for (const key of [
            'executor',
            'vus',
            'duration',
            'iterations',
            'stages',
            'rate',
            'preAllocatedVUs',
            'maxVUs',
            'startVUs',
            'timeUnit',
            'maxDuration',
          ]) {
            if (want[key] !== undefined) {
              const value = normal((got as unknown as Record<string, unknown>)[key]);
              expect({ scenario: name, key, value }).toEqual({
                scenario: name,
                key,
                value: normal(want[key]),
              });
            }
          }
        }
        expect(normal(seen.scenarios)).toEqual(
          Object.fromEntries(
            Object.entries(options.scenarios).map(([n, s]) => [
              n,
              expect.objectContaining(normal(s) as object) as unknown,
            ]),
          ),
        );
      });
    }
  }
});

describe('loadctl render', () => {
  it('keeps secret values out of the rendered files', async () => {
    const dir = await tempDir('secret');
    const file = await writePlan(
      dir,
      'p.yaml',
      [
        'name: secretive',
        'targets:',
        '  api: { url: "http://127.0.0.1:9" }',
        'secrets: [API_TOKEN]',
        'scenarios:',
        '  s: { executor: shared-iterations, vus: 1, iterations: 1, flow: f }',
        'flows:',
        '  f:',
        '    steps:',
        '      - path: /',
        '        headers: { Authorization: "Bearer ${secrets.API_TOKEN}" }',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const secret = 'sk-live-0123456789abcdef';
    const r = await runCli(['render', file, '-o', out], { cwd: dir, env: { API_TOKEN: secret } });
    expect(r.code).toBe(0);
    for (const f of ['script.js', 'options.json'])
      expect(readFileSync(join(out, f), 'utf8')).not.toContain(secret);
    expect(r.stdout).toContain('secrets are read from the environment: API_TOKEN');
  });
});
