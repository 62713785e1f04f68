import { describe, expect, it } from 'vitest';
import { k6EnvFor, prepareRun, resolveResultsRoot, startMeta } from './prepare.js';
import { MAX_MEASURED_ENDPOINTS } from '../report/model/endpoint-bound.js';
import { choices, FACTS, resolved, SHOP } from './spec.fixture.js';

describe('prepareRun', () => {
  it('names the run and its folder from the clock and the random hex', () => {
    const spec = prepareRun(choices(), FACTS);
    expect(spec.runId).toBe('20261202T100000Z-abc123');
    expect(spec.runDir).toBe('/w/results/shop/20261202T100000Z-abc123');
    expect(spec.shownDir).toBe('results/shop/20261202T100000Z-abc123');
    expect(prepareRun(choices(), { ...FACTS, cwd: '/elsewhere' }).shownDir).toBe(spec.runDir);
  });

  it('gives k6 its REST address, trend statistics, tags and the script; raw samples only when asked', () => {
    const spec = prepareRun(choices(SHOP, { tags: { build: '7' } }), FACTS);
    expect(spec.k6.args).toEqual([
      'run',
      '--quiet',
      '--address',
      '127.0.0.1:6565',
      '--summary-trend-stats',
      expect.any(String),
      '--tag',
      'build=7',
      `${spec.runDir}/script.js`,
    ]);
    expect(spec.k6.restAddress).toBe('127.0.0.1:6565');
    expect(spec.k6.samplesPath).toBeUndefined();
    const sampled = prepareRun(choices(SHOP, { samples: true }), FACTS);
    expect(sampled.k6.args).toContain(`json=${sampled.runDir}/samples.ndjson.gz`);
  });

  it("knows the endpoints and asks k6 for each one's sub-metrics", () => {
    const spec = prepareRun(choices(), FACTS);
    expect(spec.endpoints.map((e) => e.name)).toEqual(['home', 'cart']);
    expect(Object.keys(spec.compile.extraThresholds)).toEqual(
      expect.arrayContaining(['http_req_duration{name:home}', 'http_req_duration{name:cart}']),
    );
    expect(spec.compile.summaryExport).toEqual({ envVar: 'LOADCTL_SUMMARY_PATH' });
  });

  it('asks k6 for the sub-metrics of at most MAX_MEASURED_ENDPOINTS endpoints; the rest are listed', () => {
    const steps = Array.from({ length: MAX_MEASURED_ENDPOINTS + 50 }, (_, i) => ({
      name: `e${i}`,
      path: '/',
    }));
    const big = {
      ...SHOP,
      flows: { browse: { steps } },
      thresholds: { [`http_req_duration{name:e${MAX_MEASURED_ENDPOINTS + 10}}`]: ['p(95)<500'] },
    };
    const spec = prepareRun(choices(big), FACTS);
    expect(spec.endpoints).toHaveLength(MAX_MEASURED_ENDPOINTS);
    expect(spec.endpoints.map((e) => e.name)).toContain(`e${MAX_MEASURED_ENDPOINTS + 10}`);
    expect(spec.endpointsLeftOut).toHaveLength(50);
    expect(spec.endpointsLeftOut).toContain(`e${MAX_MEASURED_ENDPOINTS - 1}`);
    const selected = new Set(
      Object.keys(spec.compile.extraThresholds).flatMap((k) => k.match(/name:(e\d+)/)?.[1] ?? []),
    );
    // Each measured endpoint costs a fixed number of sub-metrics: the total is linear in the bound.
    expect(selected.size).toBe(MAX_MEASURED_ENDPOINTS);
    for (const name of spec.endpointsLeftOut) expect(selected.has(name)).toBe(false);
    expect(prepareRun(choices(), FACTS).endpointsLeftOut).toEqual([]);
  });

  it('keeps figures by the tags the scenarios set: the stream keeps the key, k6 or the stream sums each value', () => {
    const ab = {
      ...SHOP,
      scenarios: {
        a: { executor: 'constant-vus', vus: 1, duration: '10s', flow: 'browse', tags: { model: 'A' } },
        b: { executor: 'constant-vus', vus: 1, duration: '10s', flow: 'browse', tags: { model: 'B' } },
      },
    };
    const spec = prepareRun(choices(ab), { ...FACTS, k6: { ...FACTS.k6, framesOutput: true } });
    expect(spec.tagPlan.keys.map((k) => [k.key, k.values.map((v) => v.value), k.shared])).toEqual([
      ['model', ['A', 'B'], ['home', 'cart']],
    ]);
    expect(spec.k6.streamTags).toContain('model');
    expect(spec.k6.args.find((a) => a.startsWith('loadctl='))).toMatch(/&tags=(\w+,)*model(,|$)/);
    expect(Object.keys(spec.compile.extraThresholds)).toEqual(
      expect.arrayContaining([
        'http_req_duration{model:A}',
        'http_req_failed{model:B,lc_batch:9}',
        'http_req_duration{name:cart,model:B}',
      ]),
    );
    // A plan without such tags asks for nothing more.
    const plain = prepareRun(choices(), { ...FACTS, k6: { ...FACTS.k6, framesOutput: true } });
    expect(plain.k6.streamTags).not.toContain('model');
    expect(Object.keys(plain.compile.extraThresholds).some((k) => k.includes('model'))).toBe(false);
  });

  it('plans time batches from the duration unless the caller shapes them', () => {
    expect(prepareRun(choices(), FACTS).batches).toEqual({ ms: 3000, count: 10 });
    const own = { ms: 5000, count: 2 };
    const spec = prepareRun(choices(SHOP, { batches: own }), FACTS);
    expect(spec.batches).toEqual(own);
    expect(spec.compile.batches).toEqual({ tag: 'lc_batch', ...own });
  });

  it("leaves a demo target's URL to its start", () => {
    const spec = prepareRun({ ...choices(), resolved: resolved(SHOP, 'demo') }, FACTS);
    expect(spec.target).toEqual({ name: 'demo', url: undefined, demo: {} });
    expect(prepareRun(choices(), FACTS).target).toEqual({
      name: 'api',
      url: 'http://api.test',
      demo: undefined,
    });
  });

  it('refuses ssh runners for a demo target or a plan with data files, saying why', () => {
    const ssh = [
      { kind: 'local' as const },
      { kind: 'ssh' as const, user: undefined, host: 'gen2', port: undefined },
    ];
    const facts = { ...FACTS, k6: { ...FACTS.k6, framesOutput: true } };
    expect(() => prepareRun({ ...choices(), resolved: resolved(SHOP, 'demo'), runners: ssh }, facts)).toThrow(
      /2 runners: a demo target listens on loopback in loadctl’s process, which a runner on another host cannot reach/,
    );
    const withData = { ...SHOP, data: { users: { file: 'users.csv' } } };
    expect(() => prepareRun(choices(withData, { runners: ssh }), facts)).toThrow(
      /2 runners: a runner on another host gets the script only, not the plan’s data files/,
    );
    expect(prepareRun(choices(SHOP, { runners: ssh }), facts).runners?.list.map((r) => r.where)).toEqual([
      'local',
      'ssh:gen2',
    ]);
  });

  it('redacts secret values from plan.resolved.json', () => {
    const plan = { ...SHOP, secrets: ['TOKEN'], description: 'uses hunter22' };
    const spec = prepareRun(choices(plan), { ...FACTS, env: { TOKEN: 'hunter22' } });
    expect(spec.planDocument).toContain('"description": "uses [redacted]"');
    expect(
      spec.planDocument.startsWith(
        '{\n  "schema": "loadctl.plan-resolved/v1",\n  "profile": null,\n  "target": "api",\n  "plan": {',
      ),
    ).toBe(true);
    expect(spec.redact('Bearer hunter22')).toBe('Bearer [redacted]');
  });
});

describe('k6EnvFor', () => {
  it('a generated script reads the base URL and the summary path from loadctl’s own names', () => {
    const spec = prepareRun(choices(), FACTS);
    expect(k6EnvFor(spec, 'http://127.0.0.1:9')).toEqual({
      LOADCTL_BASE_URL: 'http://127.0.0.1:9',
      LOADCTL_SUMMARY_PATH: `${spec.runDir}/k6-summary.json`,
    });
  });
});

describe('startMeta', () => {
  it('meta.json before k6 starts: its end fields null, in the stored key order', () => {
    const spec = prepareRun(choices(SHOP, { tags: { build: '7' } }), FACTS);
    const meta = startMeta(spec, 'http://api.test', new Date('2026-12-02T10:00:01Z'));
    expect(Object.keys(meta)).toEqual([
      'schema',
      'runId',
      'loadctl',
      'k6',
      'host',
      'plan',
      'target',
      'tags',
      'comparison',
      'startedAt',
      'endedAt',
      'k6ExitCode',
      'exitCode',
      'outcome',
    ]);
    expect(meta).toMatchObject({
      schema: 'loadctl.meta/v1',
      k6: { version: 'v1.8.1', path: '/bin/k6' },
      plan: { name: 'shop', file: 'plans/shop.yaml', profile: null },
      target: { name: 'api', url: 'http://api.test', description: 'staging', demo: false },
      tags: { build: '7' },
      comparison: null,
      startedAt: '2026-12-02T10:00:01.000Z',
      endedAt: null,
      outcome: null,
    });
  });
});

describe('resolveResultsRoot', () => {
  it('results/ under the working directory by default', () => {
    expect(resolveResultsRoot('/w', undefined)).toBe('/w/results');
    expect(resolveResultsRoot('/w', '/tmp/r')).toBe('/tmp/r');
  });
});
