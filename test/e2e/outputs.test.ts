// k6's own outputs end to end (docs/outputs.md): the real CLI and k6 against the demo service, sending to a
// real Prometheus (remote-write receiver) and a real InfluxDB 1.x with authentication. The series carry
// loadctl's tags and count what the run's summary counts; the credential comes from a declared secret and is
// in no file of the run folder; loadctl's own summary is the same with an output as without.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';
import {
  freeLoopbackPort,
  INFLUXD,
  missingReason,
  PROMETHEUS,
  startInflux,
  startPrometheus,
  type Started,
} from './monitoring-servers.js';

const PLAN = (extra: string) => `
name: outputs-e2e
targets:
  local: { demo: true }
scenarios:
  main: { executor: shared-iterations, vus: 2, iterations: 30, maxDuration: 20s, flow: f }
thresholds:
  http_req_failed: ['rate<0.01']
profiles:
  smoke: { tags: { kind: smoke } }
flows:
  f:
    think: 40ms
    steps:
      - { name: health, path: /health, checks: [{ status: 200 }] }
      - { name: again, path: '/health?again=1' }
${extra}`;

function onlyRunDir(results: string): string {
  const runs = readdirSync(join(results, 'outputs-e2e'));
  expect(runs).toHaveLength(1);
  return join(results, 'outputs-e2e', runs[0]!);
}

function readSummary(runDir: string): RunSummary {
  return JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
}

/** Every file under `dir`, as text. */
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, text: readFileSync(path, 'utf8') }];
  });
}

/**
 * A summary with what differs from run to run taken out: ids, times, every number (timings, rates, bytes;
 * the counts are compared on their own) and the generator's verdict on the host's load.
 */
function shapeOf(summary: RunSummary): unknown {
  const {
    runId: _r,
    startedAt: _s,
    endedAt: _e,
    generator: _g,
    ...rest
  } = summary as unknown as Record<string, unknown>;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') return '#';
    if (typeof v === 'string') return v.replace(/\d/g, '#');
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(rest);
}

function countsOf(summary: RunSummary) {
  const t = summary.totals;
  return {
    requests: t.requests,
    failed: t.failed,
    iterations: t.iterations,
    checks: [t.checksPassed, t.checksFailed],
    endpoints: summary.endpoints.map((e) => [e.name, e.requests]),
  };
}

async function promQuery(
  url: string,
  query: string,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const r = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query })}`);
  const body = (await r.json()) as {
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  return body.data.result;
}

async function influxSum(
  url: string,
  db: string,
  runId: string,
  auth: { u: string; p: string },
): Promise<unknown> {
  const q = `SELECT sum(value) FROM http_reqs WHERE run_id='${runId}'`;
  const r = await fetch(`${url}/query?${new URLSearchParams({ db, q, ...auth })}`);
  const body = (await r.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
  return body.results[0]?.series?.[0]?.values[0]?.[1];
}

const skipProm = missingReason('outputs.test.ts (Prometheus)', { prometheus: PROMETHEUS });
describe.skipIf(skipProm)('outputs: Prometheus remote write', () => {
  let prom: Started;
  beforeAll(async () => {
    prom = await startPrometheus(join(await tempDir('outputs-prom'), 'prom'));
  });
  afterAll(async () => await prom?.stop());

  it("sends the run's metrics tagged with plan, run_id, target and profile; its request count is the summary's, which the output leaves alone", async () => {
    const dir = await tempDir('outputs-prom-run');
    const file = await writePlan(
      dir,
      'plan.yaml',
      PLAN(`outputs:\n  - { type: experimental-prometheus-rw, url: '${prom.url}/api/v1/write' }\n`),
    );
    const withOut = await runCli([
      'run',
      file,
      '--profile',
      'smoke',
      '--no-progress',
      '--results',
      join(dir, 'with'),
    ]);
    expect(withOut.code, withOut.stderr).toBe(0);
    expect(withOut.stderr).toContain('k6 also sends its metrics, tagged run_id=');
    const runDir = onlyRunDir(join(dir, 'with'));
    const summary = readSummary(runDir);

    const total = await promQuery(prom.url, `sum(k6_http_reqs_total{run_id="${summary.runId}"})`);
    expect(Number(total[0]?.value[1])).toBe(summary.totals.requests);
    const labels = await promQuery(
      prom.url,
      `count by (plan, run_id, target, profile) (k6_http_reqs_total{run_id="${summary.runId}"})`,
    );
    expect(labels.map((s) => s.metric)).toEqual([
      { plan: 'outputs-e2e', run_id: summary.runId, target: 'local', profile: 'smoke' },
    ]);
    // The trend statistics the dashboard reads (loadctl's default K6_PROMETHEUS_RW_TREND_STATS).
    for (const name of ['k6_http_req_duration_p95', 'k6_http_req_duration_p99'])
      expect(await promQuery(prom.url, `${name}{run_id="${summary.runId}"}`), name).not.toEqual([]);

    const without = await runCli([
      'run',
      file,
      '--profile',
      'smoke',
      '--out',
      'none',
      '--no-progress',
      '--results',
      join(dir, 'without'),
    ]);
    expect(without.code, without.stderr).toBe(0);
    expect(without.stderr).not.toContain('k6 also sends');
    const plain = readSummary(onlyRunDir(join(dir, 'without')));
    expect(countsOf(summary)).toEqual(countsOf(plain));
    expect(shapeOf(summary)).toEqual(shapeOf(plain));
  });
});

// A user name no file holds by chance: a secret's value is redacted wherever it appears.
const INFLUX_ADMIN = {
  user: `writer-${Math.random().toString(36).slice(2, 8)}`,
  password: `pw-${Math.random().toString(36).slice(2, 10)}-Secret`,
};

const skipInflux = missingReason('outputs.test.ts (InfluxDB)', { influxd: INFLUXD });
describe.skipIf(skipInflux)('outputs: InfluxDB with credentials from secrets', () => {
  let influx: Started;
  beforeAll(async () => {
    influx = await startInflux(join(await tempDir('outputs-influx'), 'influx'), { admin: INFLUX_ADMIN });
  });
  afterAll(async () => await influx?.stop());

  it('writes every request under the run id, with the password only in k6’s environment', async () => {
    const dir = await tempDir('outputs-influx-run');
    const file = await writePlan(
      dir,
      'plan.yaml',
      PLAN(`secrets: [INFLUX_USER, INFLUX_PASSWORD]
outputs:
  - type: influxdb
    url: ${influx.url}/k6e2e
    env:
      K6_INFLUXDB_USERNAME: '\${secrets.INFLUX_USER}'
      K6_INFLUXDB_PASSWORD: '\${secrets.INFLUX_PASSWORD}'
  - json=k6-samples.json
  - { type: csv, file: k6-samples.csv }
`),
    );
    const run = await runCli(['run', file, '--no-progress', '--results', join(dir, 'results')], {
      env: { INFLUX_USER: INFLUX_ADMIN.user, INFLUX_PASSWORD: INFLUX_ADMIN.password },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('could not send its metrics');
    const runDir = onlyRunDir(join(dir, 'results'));
    const summary = readSummary(runDir);
    const auth = { u: INFLUX_ADMIN.user, p: INFLUX_ADMIN.password };
    expect(await influxSum(influx.url, 'k6e2e', summary.runId, auth)).toBe(summary.totals.requests);

    // The tags reach the file outputs too: a JSON sample's tags, a CSV row's.
    const point = readFileSync(join(runDir, 'k6-samples.json'), 'utf8')
      .split('\n')
      .map((l) =>
        l === '' ? {} : (JSON.parse(l) as { type?: string; metric?: string; data?: { tags?: object } }),
      )
      .find((l) => l.type === 'Point' && l.metric === 'http_reqs');
    expect(point?.data?.tags).toMatchObject({ plan: 'outputs-e2e', run_id: summary.runId, target: 'local' });
    // k6's CSV output has a column per system tag; the others go in `extra_tags` as a query string.
    const [header, ...rows] = readFileSync(join(runDir, 'k6-samples.csv'), 'utf8').trim().split('\n');
    const extra = header!.split(',').indexOf('extra_tags');
    const requests = rows.filter((r) => r.startsWith('http_reqs,'));
    expect(requests.length).toBe(summary.totals.requests);
    for (const row of requests)
      expect(new URLSearchParams(row.split(',')[extra]).get('run_id')).toBe(summary.runId);

    const basic = Buffer.from(`${INFLUX_ADMIN.user}:${INFLUX_ADMIN.password}`).toString('base64');
    const leaks = filesUnder(runDir)
      .filter(({ text }) => text.includes(INFLUX_ADMIN.password) || text.includes(basic))
      .map((f) => f.path);
    expect(leaks).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(INFLUX_ADMIN.password);
  });
});

describe('outputs: mistakes', () => {
  it.each([
    [
      'an unknown output type',
      'outputs:\n  - { type: datadog }\n',
      /plan\.yaml:\d+:13: error: outputs\[0\]\.type: unknown output type `datadog`; known: experimental-prometheus-rw, influxdb, json, csv/,
    ],
    [
      'a password in the URL',
      'outputs:\n  - influxdb=http://admin:hunter22@127.0.0.1:8086/k6\n',
      /plan\.yaml:\d+:5: error: outputs\[0\]: the URL holds a user name or password[^\n]*\n\s+hint: declare them under `secrets:`/,
    ],
  ])('%s: a plan error at its place, nothing run', async (_name, extra, message) => {
    const dir = await tempDir('outputs-bad');
    const file = await writePlan(dir, 'plan.yaml', PLAN(extra));
    const r = await runCli(['run', file, '--no-progress', '--results', join(dir, 'results')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('hunter22@');
  });

  it('an output server that does not answer: k6 goes on, the run finishes whole and says so', async () => {
    const dir = await tempDir('outputs-down');
    const file = await writePlan(dir, 'plan.yaml', PLAN(''));
    const port = await freeLoopbackPort();
    const r = await runCli([
      'run',
      file,
      '--out',
      `influxdb=http://127.0.0.1:${port}/k6`,
      '--no-progress',
      '--results',
      join(dir, 'results'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: k6's InfluxDBv1 output could not send its metrics \(\d+ errors?; first: /,
    );
    expect(r.stderr).toContain('The run and its results here are complete');
    expect(readSummary(onlyRunDir(join(dir, 'results'))).totals.requests).toBe(60);
  });
});
