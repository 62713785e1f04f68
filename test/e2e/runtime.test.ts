// The k6 runtime end to end: a ScriptPlan written by hand, rendered with the real template bundle and run by
// the real k6 against a small login → items → reserve service on 127.0.0.1.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleTemplate, renderScriptSource } from '../../src/k6-templates/bundle.js';
import type { HttpStep, Ref, ScriptPlan, Step, Value } from '../../src/k6-templates/runtime/model.js';

const K6 = process.env.LOADCTL_K6_BIN ?? fileURLToPath(new URL('../../.tools/bin/k6', import.meta.url));
const SECRET_ENV = 'LOADCTL_E2E_API_KEY';
const SECRET = `sekrit-${Math.random().toString(36).slice(2)}`;

// ---------------------------------------------------------------- the service

interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Service {
  server: Server;
  url: string;
  seen: SeenRequest[];
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json',
    ...headers,
  });
  res.end(text);
}

async function startService(): Promise<Service> {
  const seen: SeenRequest[] = [];
  const reserved = new Set<number>();
  let logins = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      if (req.method === 'POST' && url.pathname === '/login') {
        logins++;
        send(
          res,
          200,
          { token: `t-${logins}`, items: [{ id: 1 }, { id: 2 }] },
          { 'Set-Cookie': `SID=s-${logins}; Path=/` },
        );
      } else if (req.method === 'GET' && url.pathname === '/items') {
        if (!/^Bearer t-\d+$/.test(req.headers.authorization ?? '')) send(res, 401, { error: 'no token' });
        else send(res, 200, { items: [{ id: 1 }, { id: 2 }] });
      } else if (req.method === 'POST' && url.pathname === '/reserve') {
        const id = (JSON.parse(body) as { id: number }).id;
        const first = !reserved.has(id);
        reserved.add(id);
        send(res, first ? 201 : 409, { id, reserved: first });
      } else if (req.method === 'GET') {
        send(res, 200, 'ok');
      } else {
        send(res, 404, { error: 'not found' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, seen };
}

// ---------------------------------------------------------------- k6

interface K6Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runK6(args: string[], cwd: string, env: Record<string, string>): Promise<K6Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(K6, args, {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? cwd,
        K6_NO_USAGE_REPORT: 'true',
        K6_AUTO_EXTENSION_RESOLUTION: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // A bound on a hung run; the plans below finish in a few seconds.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------- plan helpers

const lit = (v: unknown): Value => ({ k: 'lit', v });
const tpl = (...parts: Array<string | Ref>): Value => ({
  k: 'tpl',
  parts: parts.map((p) => (typeof p === 'string' ? { lit: p } : { ref: p })),
});
const obj = (entries: Record<string, Value>): Value => ({ k: 'obj', entries: Object.entries(entries) });
const vars = (name: string): Ref => ({ ns: 'vars', name });

function get(name: string, url: Value, more: Partial<HttpStep> = {}): HttpStep {
  return {
    kind: 'http',
    name,
    method: 'GET',
    url,
    query: [],
    headers: [],
    checks: [],
    extract: [],
    record: [],
    tags: {},
    stopOnFailure: false,
    needsBody: false,
    ...more,
  };
}

const branch = (name: string): Step => get(`branch-${name}`, lit(`/branch/${name}`));

const USERS_CSV =
  'name,email\n"Doe, Jane",jane@example.com\n"Quote ""Q"" Smith",q@example.com\nplain,p@example.com\r\n"multi\nline",m@example.com\n';
const USER_NAMES = ['Doe, Jane', 'Quote "Q" Smith', 'plain', 'multi\nline'];
const CODES_CSV = 'code;label\nalpha;A\nbeta;B\ngamma;C\n';

function buildPlan(): ScriptPlan {
  const login = get('login', lit('/login'), {
    method: 'POST',
    body: {
      type: 'json',
      value: obj({
        user: tpl({ ns: 'data', set: 'users', column: 'name' }),
        email: tpl({ ns: 'data', set: 'users', column: 'email' }),
        vu: tpl({ ns: 'vu' }),
        attempt: lit(1),
      }),
    },
    checks: [
      { name: 'login ok', matcher: { status: [200] } },
      { name: 'login has token', matcher: { json: [{ key: 'token' }] } },
    ],
    extract: [
      ['token', { json: [{ key: 'token' }], pick: 'first' }],
      ['firstItem', { json: [{ key: 'items' }, { all: true }, { key: 'id' }], pick: 'first' }],
      ['lastItem', { json: [{ key: 'items' }, { all: true }, { key: 'id' }], pick: 'last' }],
      ['sid', { cookie: 'SID' }],
      ['tokenNo', { regex: '"t-(\\d+)"', group: 1 }],
    ],
    record: [
      { metric: 'logins_total' },
      { metric: 'login_ms', value: { k: 'timing', timing: 'duration' } },
      { metric: 'last_vu', value: tpl({ ns: 'vu' }) },
    ],
    stopOnFailure: true,
    needsBody: true,
  });
  const items = get('items', lit('/items'), {
    query: [
      ['q', lit('a b&c')],
      ['vu', tpl({ ns: 'vu' })],
    ],
    headers: [
      ['X-Sid', tpl(vars('sid'))],
      ['X-Admin', tpl(vars('adminToken'))],
      ['X-Token-No', tpl('#', vars('tokenNo'))],
    ],
    checks: [
      {
        name: 'items listed',
        matcher: { status: [200], json: [{ key: 'items' }, { all: true }, { key: 'id' }], equals: lit(2) },
      },
    ],
    needsBody: true,
  });
  const reserve = get('reserve', lit('/reserve'), {
    method: 'POST',
    body: { type: 'json', value: obj({ id: tpl(vars('firstItem')) }) },
    expect: [201, 409],
    checks: [{ name: 'reserved or taken', matcher: { status: [201, 409] } }],
    record: [{ metric: 'reserve_won', when: { status: [201] } }],
  });
  return {
    version: 1,
    planName: 'runtime-e2e',
    targetName: 'local',
    // Never reached: LOADCTL_BASE_URL points at the test service.
    baseUrl: 'http://127.0.0.1:9',
    options: {
      scenarios: {
        buyers: { executor: 'constant-vus', vus: 3, duration: '2s', gracefulStop: '5s' },
        probe: { executor: 'shared-iterations', vus: 1, iterations: 2, maxDuration: '10s' },
      },
      // Thresholds on tagged sub-metrics make k6 report them, which shows the samples carry the tags.
      thresholds: {
        'http_reqs{name:reserve}': ['count>0'],
        'logins_total{name:login}': ['count>0'],
        'loadctl_flow_aborted{reason:missing_var}': ['count==1'],
      },
    },
    headers: [
      ['X-Plan', tpl({ ns: 'env', name: 'PLAN_TAG' })],
      ['X-Overridden', tpl({ ns: 'env', name: 'OVERRIDDEN' })],
      ['X-Api-Key', tpl({ ns: 'secrets', name: SECRET_ENV })],
    ],
    env: { PLAN_TAG: 'from-plan', OVERRIDDEN: 'from-plan' },
    secrets: [SECRET_ENV],
    scenarioFlows: { buyers: 'buy', probe: 'probe' },
    flows: {
      buy: {
        // Sent only once `token` is set: the login step goes out without it.
        headers: [
          ['Authorization', tpl('Bearer ', vars('token'))],
          ['X-Flow', lit('buy')],
        ],
        steps: [
          login,
          items,
          reserve,
          {
            kind: 'if',
            condition: { op: '==', left: tpl(vars('firstItem')), right: lit('1') },
            then: [branch('then-1')],
            else: [branch('else-1')],
          },
          {
            kind: 'if',
            condition: { op: '>', left: tpl(vars('lastItem')), right: lit(5) },
            then: [branch('then-2')],
            else: [branch('else-2')],
          },
          {
            kind: 'group',
            name: 'tail',
            steps: [
              { kind: 'set', values: [['tokenCopy', tpl(vars('token'))]] },
              get('copy', lit('/branch/copy'), { headers: [['X-Copy', tpl(vars('tokenCopy'))]] }),
            ],
          },
        ],
        think: { min: 0.1, max: 0.2 },
      },
      probe: {
        headers: [],
        steps: [
          get('probe', tpl('/probe/', { ns: 'data', set: 'codes', column: 'code' }), {
            query: [['it', tpl({ ns: 'iter' })]],
            headers: [['X-Scenario', tpl({ ns: 'scenario' })]],
          }),
          {
            kind: 'if',
            condition: { op: 'truthy', value: tpl({ ns: 'iter' }), negate: true },
            then: [
              get('stop', lit('/stop'), {
                checks: [{ name: 'stop body has zzz', matcher: { bodyContains: 'zzz' } }],
                stopOnFailure: true,
                needsBody: true,
              }),
            ],
            else: [get('never', tpl('/never/', vars('nope')))],
          },
          get('after', lit('/after')),
        ],
      },
    },
    setup: {
      headers: [],
      steps: [
        get('setup-login', lit('/login'), {
          method: 'POST',
          body: { type: 'json', value: obj({ user: lit('admin') }) },
          extract: [['adminToken', { json: [{ key: 'token' }], pick: 'first' }]],
          needsBody: true,
        }),
      ],
    },
    teardown: {
      headers: [],
      steps: [get('teardown', lit('/teardown'), { headers: [['X-Admin', tpl(vars('adminToken'))]] })],
    },
    metrics: {
      logins_total: { type: 'counter', time: false },
      reserve_won: { type: 'rate', time: false },
      login_ms: { type: 'trend', time: true },
      last_vu: { type: 'gauge', time: false },
    },
    data: {
      users: { file: 'users.csv', mode: 'unique', delimiter: ',' },
      codes: { file: 'codes.csv', mode: 'sequential', delimiter: ';' },
    },
    summaryExport: { envVar: 'LOADCTL_SUMMARY_PATH' },
  };
}

// The legacy --summary-export format: rates have passes/fails/value, counters count, checks live in groups.
interface ExportedSummary {
  metrics: Record<string, Record<string, number>>;
  root_group: ExportedGroup;
}
interface ExportedGroup {
  name: string;
  groups: Record<string, ExportedGroup> | ExportedGroup[];
  checks:
    | Record<string, { name: string; passes: number; fails: number }>
    | Array<{ name: string; passes: number; fails: number }>;
}

function allChecks(group: ExportedGroup): Array<{ name: string; passes: number; fails: number }> {
  const own = Array.isArray(group.checks) ? group.checks : Object.values(group.checks);
  const children = Array.isArray(group.groups) ? group.groups : Object.values(group.groups);
  return [...own, ...children.flatMap(allChecks)];
}

// ---------------------------------------------------------------- the run

describe('k6 runtime (real k6)', () => {
  let service: Service;
  let dir: string;
  let scriptPath: string;
  let run: K6Result;
  let summary: ExportedSummary;
  let requests: SeenRequest[];

  const env = (): Record<string, string> => ({
    LOADCTL_BASE_URL: `${service.url}/`,
    [SECRET_ENV]: SECRET,
    OVERRIDDEN: 'from-env',
  });

  beforeAll(async () => {
    service = await startService();
    dir = await mkdtemp(join(tmpdir(), 'loadctl-runtime-'));
    scriptPath = join(dir, 'script.js');
    await writeFile(scriptPath, renderScriptSource(await bundleTemplate(), buildPlan()));
    await writeFile(join(dir, 'users.csv'), USERS_CSV);
    await writeFile(join(dir, 'codes.csv'), CODES_CSV);
    run = await runK6(['run', '--quiet', `--summary-export=${join(dir, 'sum.json')}`, 'script.js'], dir, {
      ...env(),
      LOADCTL_SUMMARY_PATH: join(dir, 'handle-summary.json'),
    });
    requests = service.seen.slice();
    service.seen.length = 0;
    summary = JSON.parse(await readFile(join(dir, 'sum.json'), 'utf8')) as ExportedSummary;
  });

  afterAll(async () => {
    await new Promise((resolve) => service.server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const at = (method: string, path: string): SeenRequest[] =>
    requests.filter((r) => r.method === method && r.path === path);
  const loginBodies = (): Array<{ user: string; email?: string; vu?: unknown; attempt?: unknown }> =>
    at('POST', '/login').map((r) => JSON.parse(r.body) as { user: string });

  it('exits 0 without error logs', () => {
    expect(run.stderr).not.toMatch(/level=(error|warning)/);
    expect(run.code, run.stderr).toBe(0);
  });

  it('runs setup once and shares its token with every VU and the teardown', () => {
    const adminLogins = at('POST', '/login').filter((r) => r.body === '{"user":"admin"}');
    expect(adminLogins).toHaveLength(1);
    expect(requests[0]?.path).toBe('/login');
    const items = at('GET', '/items');
    expect(items.length).toBeGreaterThan(3);
    for (const r of items) expect(r.headers['x-admin']).toBe('t-1');
    const teardown = at('GET', '/teardown');
    expect(teardown).toHaveLength(1);
    expect(teardown[0]?.headers['x-admin']).toBe('t-1');
  });

  it('sends templated JSON bodies with numbers kept as numbers', () => {
    const bodies = loginBodies().filter((b) => b.user !== 'admin');
    expect(bodies.length).toBeGreaterThan(3);
    for (const b of bodies) {
      expect(typeof b.vu).toBe('number');
      expect(b.attempt).toBe(1);
    }
    for (const r of at('POST', '/reserve')) {
      expect(r.body).toBe('{"id":1}');
      expect(r.headers['content-type']).toBe('application/json');
    }
  });

  it('gives each VU its own CSV row in unique mode, quotes and line breaks intact', () => {
    const byVu = new Map<unknown, Set<string>>();
    for (const b of loginBodies().filter((x) => x.user !== 'admin')) {
      const names = byVu.get(b.vu) ?? new Set<string>();
      names.add(b.user);
      byVu.set(b.vu, names);
      expect(USER_NAMES).toContain(b.user);
    }
    expect(byVu.size).toBe(3);
    const rows = [...byVu.entries()].map(([vu, names]) => {
      expect([...names]).toEqual([USER_NAMES[(Number(vu) - 1) % USER_NAMES.length]]);
      return [...names][0];
    });
    expect(new Set(rows).size).toBe(3);
  });

  it('carries extracted values, cookies, env, secrets and query strings into later requests', () => {
    // Variables live for the VU: each VU's first login goes out without a token (the flow-wide
    // Authorization header is left out while vars.token is unset); later ones carry the one it got.
    const logins = at('POST', '/login');
    const firstPerVu = new Map<string, (typeof logins)[number]>();
    for (const r of logins) {
      const vu = String((JSON.parse(r.body) as { vu?: unknown }).vu);
      if (!firstPerVu.has(vu)) firstPerVu.set(vu, r);
    }
    expect(firstPerVu.size).toBeGreaterThan(0);
    for (const r of firstPerVu.values()) expect(r.headers.authorization).toBeUndefined();
    expect(logins.some((r) => r.headers.authorization !== undefined)).toBe(true);
    const items = at('GET', '/items');
    for (const r of items) {
      const token = r.headers.authorization?.replace('Bearer ', '') ?? '';
      expect(token).toMatch(/^t-\d+$/);
      expect(r.headers['x-token-no']).toBe(`#${token.slice(2)}`);
      // The SID cookie came back through k6's cookie jar and through the `cookie` extractor.
      expect(r.headers.cookie).toMatch(/^SID=s-\d+$/);
      expect(r.headers['x-sid']).toBe(r.headers.cookie?.slice('SID='.length));
      expect(r.headers['x-flow']).toBe('buy');
      expect(r.headers['x-plan']).toBe('from-plan');
      expect(r.headers['x-overridden']).toBe('from-env');
      expect(r.headers['x-api-key']).toBe(SECRET);
      expect(r.query.get('q')).toBe('a b&c');
      expect(r.query.get('vu')).toMatch(/^\d+$/);
    }
    for (const r of at('GET', '/branch/copy')) expect(r.headers['x-copy']).toMatch(/^t-\d+$/);
  });

  it('keeps the secret out of the script file', async () => {
    const script = await readFile(scriptPath, 'utf8');
    expect(script).not.toContain(SECRET);
    expect(script).toContain(SECRET_ENV);
  });

  it('does not count an expected 409 as a failed request, and names checks as given', () => {
    expect(at('POST', '/reserve').length).toBeGreaterThan(1);
    expect(summary.metrics.http_req_failed?.value).toBe(0);
    const checks = new Map(allChecks(summary.root_group).map((c) => [c.name, c]));
    for (const name of ['login ok', 'login has token', 'items listed', 'reserved or taken']) {
      expect(checks.get(name)?.passes, name).toBeGreaterThan(0);
      expect(checks.get(name)?.fails, name).toBe(0);
    }
  });

  it('feeds custom metrics, tagged with the step name', () => {
    const m = summary.metrics;
    expect(m.logins_total?.count).toBe(loginBodies().length - 1);
    expect(m['logins_total{name:login}']?.count).toBe(loginBodies().length - 1);
    expect(m.reserve_won?.passes).toBe(1);
    expect(m.reserve_won?.fails).toBe(at('POST', '/reserve').length - 1);
    expect(m.login_ms?.count ?? m.login_ms?.avg).toBeDefined();
    expect(m.last_vu?.value).toBeGreaterThan(0);
    expect(m['http_reqs{name:reserve}']?.count).toBe(at('POST', '/reserve').length);
  });

  it('takes the branch each condition selects', () => {
    expect(at('GET', '/branch/then-1').length).toBeGreaterThan(0);
    expect(at('GET', '/branch/else-1')).toHaveLength(0);
    expect(at('GET', '/branch/then-2')).toHaveLength(0);
    expect(at('GET', '/branch/else-2').length).toBe(at('GET', '/branch/then-1').length);
  });

  it('stops an iteration on a failed check or a missing variable, counting the latter', () => {
    const probes = at('GET', '/probe/alpha').concat(at('GET', '/probe/beta'));
    expect(probes.map((r) => [r.path, r.query.get('it'), r.headers['x-scenario']])).toEqual([
      ['/probe/alpha', '0', 'probe'],
      ['/probe/beta', '1', 'probe'],
    ]);
    expect(at('GET', '/stop')).toHaveLength(1);
    expect(requests.filter((r) => r.path.startsWith('/never'))).toHaveLength(0);
    expect(at('GET', '/after')).toHaveLength(0);
    expect(summary.metrics.loadctl_flow_aborted?.count).toBe(1);
    expect(summary.metrics['loadctl_flow_aborted{reason:missing_var}']?.count).toBe(1);
    const stop = allChecks(summary.root_group).find((c) => c.name === 'stop body has zzz');
    expect(stop).toMatchObject({ passes: 0, fails: 1 });
  });

  it('writes the summary through handleSummary when the export env var names a path', async () => {
    const data = JSON.parse(await readFile(join(dir, 'handle-summary.json'), 'utf8')) as {
      metrics: Record<string, unknown>;
    };
    expect(Object.keys(data.metrics)).toEqual(
      expect.arrayContaining(['http_reqs', 'logins_total', 'checks']),
    );
    // The setup flow's variables (here the admin token) stay out of stored results.
    expect(data).not.toHaveProperty('setup_data');
    expect(summary).toHaveProperty('setup_data');
    // loadctl prints its own summary: k6's is left out when collecting.
    expect(run.stdout).not.toContain('TOTAL RESULTS');
  });

  it("keeps k6's own summary when the export env var is not set", async () => {
    const plan = buildPlan();
    plan.options = { scenarios: { once: { executor: 'shared-iterations', vus: 1, iterations: 1 } } };
    plan.scenarioFlows = { once: 'probe' };
    plan.flows = { probe: plan.flows.probe! };
    plan.data = { codes: { file: 'codes.csv', mode: 'random', delimiter: ';' } };
    plan.metrics = {};
    plan.setup = undefined;
    plan.teardown = undefined;
    await writeFile(join(dir, 'plain.js'), renderScriptSource(await bundleTemplate(), plan));
    const plain = await runK6(['run', 'plain.js'], dir, env());
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('TOTAL RESULTS');
    expect(service.seen.some((r) => /^\/probe\/(alpha|beta|gamma)$/.test(r.path))).toBe(true);
  });

  it('runs the one flow under the "default" scenario that k6 --iterations creates', async () => {
    service.seen.length = 0;
    const overridden = await runK6(['run', '--quiet', '--iterations', '2', 'plain.js'], dir, env());
    expect(overridden.code, overridden.stderr).toBe(0);
    const probes = service.seen.filter((r) => r.path.startsWith('/probe/'));
    expect(probes.map((r) => r.headers['x-scenario'])).toEqual(['default', 'default']);
  });

  it('fails once, before any load, when a secret is missing', async () => {
    service.seen.length = 0;
    const { [SECRET_ENV]: _secret, ...withoutSecret } = env();
    const missing = await runK6(['run', '--quiet', 'script.js'], dir, withoutSecret);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.split(SECRET_ENV).length - 1).toBe(1);
    expect(service.seen).toHaveLength(0);
  });

  it('shows the scenarios to k6 inspect', async () => {
    const inspect = await runK6(['inspect', 'script.js'], dir, {});
    expect(inspect.code).toBe(0);
    const options = JSON.parse(inspect.stdout) as { scenarios: Record<string, { executor: string }> };
    expect(options.scenarios.buyers?.executor).toBe('constant-vus');
    expect(options.scenarios.probe?.executor).toBe('shared-iterations');
  });
});
