// The k6-operator path without a cluster: `loadctl export k6-operator` writes the TestRun and ConfigMap, and
// the runner pods are played by local k6 processes started with the exact command line the operator builds
// for each pod (pkg/resources/jobs/runner.go NewRunnerJob, pkg/segmentation NewCommandFragments), only the
// pod-specific parts local: the REST address on a free loopback port instead of 0.0.0.0:6565, the
// ConfigMap's script in a temp folder instead of /test/. They are resumed as the operator's starter does
// (PATCH /v1/status on each runner), and `loadctl collect` merges their streams into a run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startDemoService, type DemoService } from '../../src/demo/index.js';
import { REPO, runCli, startCli, tempDir, writePlan, type CliRun } from './helpers.js';

const K6 = process.env.LOADCTL_K6_BIN ?? join(REPO, '.tools', 'bin', 'k6');
const SECRETS: Record<string, Record<string, string>> = { 'op-e2e-secrets': { API_KEY: 'k-123' } };

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}
interface TestRun {
  metadata: { name: string };
  spec: {
    parallelism: number;
    arguments: string;
    script: { configMap: { name: string; file: string } };
    runner: { image: string; env: EnvVar[] };
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The operator's segment flags for runner `index` of `total` (1-based), as NewCommandFragments writes them. */
function segmentFlags(index: number, total: number): string[] {
  const part = (i: number) => (i === 0 ? '0' : i === total ? '1' : `${i}/${total}`);
  const sequence = ['0', ...Array.from({ length: total - 1 }, (_, i) => `${i + 1}/${total}`), '1'];
  return [
    `--execution-segment=${part(index - 1)}:${part(index)}`,
    `--execution-segment-sequence=${sequence.join(',')}`,
  ];
}

/** NewRunnerJob's command for a ConfigMap script, with the pod's address and script folder made local. */
function runnerCommand(tr: TestRun, index: number, scriptDir: string, restPort: number): string[] {
  return [
    'run',
    '--quiet',
    ...(tr.spec.parallelism > 1 ? segmentFlags(index, tr.spec.parallelism) : []),
    ...tr.spec.arguments.split(/\s+/).filter((a) => a !== ''),
    join(scriptDir, tr.spec.script.configMap.file),
    `--address=127.0.0.1:${restPort}`,
    '--paused',
    '--tag',
    `instance_id=${index}`,
    '--tag',
    `testrun_name=${tr.metadata.name}`,
  ];
}

function runnerEnv(tr: TestRun): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const e of tr.spec.runner.env) {
    const ref = e.valueFrom?.secretKeyRef;
    const value = ref ? SECRETS[ref.name]?.[ref.key] : e.value;
    if (value === undefined) throw new Error(`no value for ${e.name}`);
    env[e.name] = value;
  }
  return env;
}

interface Runner {
  child: ChildProcess;
  port: number;
  exit: Promise<{ code: number | null; atMs: number }>;
}

function startRunner(args: string[], env: Record<string, string>, port: number, cwd: string): Runner {
  const child = spawn(K6, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; atMs: number }>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && code !== 255) process.stderr.write(`runner exited ${code}: ${stderr}\n`);
      resolve({ code, atMs: Date.now() });
    });
  });
  return { child, port, exit };
}

/** Polls until fn is true, or fails at the deadline. */
async function until(what: string, fn: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const STATUS = (paused: boolean) =>
  JSON.stringify({ data: { attributes: { paused }, id: 'default', type: 'status' } });

/** The starter's request to each runner: every k6 paused → running. */
async function resume(runners: Runner[]): Promise<void> {
  await until(
    'the runners’ REST APIs',
    async () => {
      const up = await Promise.all(
        runners.map((r) =>
          fetch(`http://127.0.0.1:${r.port}/v1/status`).then(
            (res) => res.ok,
            () => false,
          ),
        ),
      );
      return up.every(Boolean);
    },
    20_000,
  );
  for (const r of runners) {
    const res = await fetch(`http://127.0.0.1:${r.port}/v1/status`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: STATUS(false),
    });
    expect(res.status).toBe(200);
  }
}

const planText = (url: string, thresholds: string, scenario: string) => `name: op-e2e
targets:
  svc: { url: ${url} }
defaultTarget: svc
secrets: [API_KEY]
setup:
  steps:
    - { name: warm, method: POST, path: /auth/token, json: { username: op, password: x } }
scenarios:
  s: ${scenario}
thresholds:
${thresholds}
flows:
  f:
    steps:
      - { name: ping, method: GET, path: /health, headers: { X-Api-Key: '\${secrets.API_KEY}' } }
`;

interface Summary {
  totals: { requests: number; iterations: number; failed: number };
  endpoints: Array<{ name: string; requests: number }>;
  thresholds: Array<{ metric: string; ok: boolean }>;
  outcome: { kind: string };
  runners?: Array<{ id: string; requests: number }>;
}

async function summaryIn(root: string): Promise<Summary> {
  const runs = await readdir(join(root, 'op-e2e'));
  expect(runs).toHaveLength(1);
  const dir = join(root, 'op-e2e', runs[0] as string);
  for (const f of ['summary.json', 'series.json', 'frames.ndjson', 'meta.json', 'plan.resolved.json'])
    await expect(readFile(join(dir, f), 'utf8')).resolves.toBeTruthy();
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary;
}

/** Export, start collect, start the three runners as pods would be, resume them; wait for all to end. */
async function operatorRun(dir: string, plan: string, extra: string[] = []) {
  const port = await freePort();
  const out = join(dir, 'export');
  const exported = await runCli(
    [
      'export',
      'k6-operator',
      plan,
      '--parallelism',
      '3',
      '-o',
      out,
      '--collector',
      `http://127.0.0.1:${port}`,
    ],
    { env: { API_KEY: 'k-123' } },
  );
  expect(exported.stderr).toBe('');
  expect(exported.code).toBe(0);
  const testRun = parse(await readFile(join(out, 'testrun.yaml'), 'utf8')) as TestRun;
  const configMap = parse(await readFile(join(out, 'configmap.yaml'), 'utf8')) as {
    data: Record<string, string>;
  };
  expect(JSON.stringify(testRun)).not.toContain('k-123');
  const scriptDir = join(dir, 'test');
  await mkdir(scriptDir, { recursive: true });
  const file = testRun.spec.script.configMap.file;
  await writeFile(join(scriptDir, file), configMap.data[file] as string);
  const results = join(dir, 'results');
  const collect: CliRun = startCli(
    [
      'collect',
      '--listen',
      `127.0.0.1:${port}`,
      '--plan',
      plan,
      '--runners',
      '3',
      '--results',
      results,
      ...extra,
    ],
    { env: { API_KEY: 'k-123' }, timeoutMs: 50_000 },
  );
  let collectErr = '';
  collect.child.stderr?.on('data', (d: Buffer) => (collectErr += d.toString()));
  await until('collect to listen', () => collectErr.includes('collecting op-e2e'), 15_000);
  const env = runnerEnv(testRun);
  const runners: Runner[] = [];
  for (const i of [1, 2, 3]) {
    const restPort = await freePort();
    runners.push(startRunner(runnerCommand(testRun, i, scriptDir, restPort), env, restPort, dir));
  }
  const resumedAt = Date.now();
  await resume(runners);
  const exits = await Promise.all(runners.map((r) => r.exit));
  return { collected: await collect.done, exits, resumedAt, results };
}

describe('the k6-operator path: export, runners as the operator starts them, collect', () => {
  let demo: DemoService;
  let dir: string;
  const setups = () => demo.stats().requests['POST /auth/token'] ?? 0;
  const pings = () => demo.stats().requests['GET /health'] ?? 0;

  beforeAll(async () => {
    demo = await startDemoService({ port: 0 });
    dir = await tempDir('k6-operator');
  });
  afterAll(async () => {
    await demo.close();
  });

  it('merges the three runners into the run `loadctl run` makes, with exact totals', async () => {
    const plan = await writePlan(
      dir,
      'op.yaml',
      planText(
        demo.url,
        "  'http_req_duration{name:ping}': ['p(95)<5000']",
        '{ executor: shared-iterations, vus: 6, iterations: 60, flow: f }',
      ),
    );
    const before = { setups: setups(), pings: pings() };
    const op = await operatorRun(join(dir, 'op'), plan, ['--timeout', '40s', '--no-progress']);
    expect(op.collected.stderr).not.toContain('never');
    expect(op.collected.code).toBe(0);
    expect(op.exits.map((e) => e.code)).toEqual([0, 0, 0]);
    const merged = await summaryIn(op.results);
    // The operator runs setup() on every runner (k6-operator #223): three setups, where a local run has one.
    expect(setups() - before.setups).toBe(3);
    expect(pings() - before.pings).toBe(60);
    expect(merged.totals.iterations).toBe(60);
    expect(merged.endpoints.find((e) => e.name === 'ping')?.requests).toBe(60);
    expect(merged.endpoints.find((e) => e.name === 'warm')?.requests).toBe(3);
    expect(merged.totals.requests).toBe(63);
    expect(merged.thresholds).toEqual([
      expect.objectContaining({ metric: 'http_req_duration{name:ping}', ok: true }),
    ]);
    expect(merged.runners?.map((r) => r.requests).reduce((a, b) => a + b, 0)).toBe(63);
    expect(op.collected.stdout).toContain('PASSED');

    const local = await runCli(['run', plan, '--results', join(dir, 'local'), '--no-progress'], {
      env: { API_KEY: 'k-123' },
    });
    expect(local.code).toBe(0);
    const alone = await summaryIn(join(dir, 'local'));
    expect(setups() - before.setups).toBe(4);
    expect(alone.totals.iterations).toBe(merged.totals.iterations);
    expect(alone.endpoints.find((e) => e.name === 'ping')?.requests).toBe(60);
    expect(alone.totals.requests).toBe(merged.totals.requests - 2);
  });

  it('a failing abortOnFail threshold judged on the merge stops every runner within seconds', async () => {
    const plan = await writePlan(
      dir,
      'abort.yaml',
      planText(
        demo.url,
        "  'http_req_duration{name:ping}': [{ threshold: 'max<0.001', abortOnFail: true }]",
        "{ executor: constant-vus, vus: 3, duration: '40s', flow: f }",
      ),
    );
    const op = await operatorRun(join(dir, 'abort'), plan, ['--timeout', '40s', '--no-progress']);
    // k6 ends a run the collector asked to stop with exit code 255 (docs/stream.md).
    expect(op.exits.map((e) => e.code)).toEqual([255, 255, 255]);
    for (const e of op.exits) expect(e.atMs - op.resumedAt).toBeLessThan(10_000);
    expect(op.collected.code).toBe(99);
    const merged = await summaryIn(op.results);
    expect(merged.thresholds).toEqual([
      expect.objectContaining({ metric: 'http_req_duration{name:ping}', ok: false }),
    ]);
  });
});
