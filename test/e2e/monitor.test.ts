// The target's server side (plan `monitor:`, docs/monitor.md) with real parts: Debian's node_exporter, one per
// simulated host in a network namespace of its own (loopback ports where the machine has no root or `ip`),
// two demo targets under the same constant load, one of them given CPU work per request. What loadctl
// stores and compares as each host's CPU must agree with what /proc/stat measured over the same runs.
// Skipped, with the reason printed, where node_exporter is missing.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRecord } from '../../src/monitor/model.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { BIN, runCli, tempDir, writePlan } from './helpers.js';
import {
  freeLoopbackPort,
  missingReason,
  NODE_EXPORTER,
  PROMETHEUS,
  startNodeExporter,
  startPrometheus,
  type Started,
} from './monitoring-servers.js';

const SKIP = missingReason('monitor.test.ts', { 'prometheus-node-exporter': NODE_EXPORTER });
const NETNS = process.getuid?.() === 0 && spawnSync('ip', ['-V'], { stdio: 'ignore' }).error === undefined;
if (!SKIP && !NETNS)
  console.warn('monitor.test.ts: no root or `ip`: the node_exporters listen on loopback ports');

const ID = process.pid % 200;
const HOSTS = ['x86', 'graviton'].map((name, i) => ({
  name,
  ns: `lcm${ID}-${name}`,
  veth: `lcm${ID}v${i}`,
  near: `10.243.${ID}.${4 * i + 1}`,
  far: `10.243.${ID}.${4 * i + 2}`,
}));

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

function makeHosts(): void {
  for (const h of HOSTS) {
    ip('netns', 'add', h.ns);
    ip('link', 'add', h.veth, 'type', 'veth', 'peer', 'name', `${h.veth}p`);
    ip('link', 'set', `${h.veth}p`, 'netns', h.ns);
    ip('addr', 'add', `${h.near}/30`, 'dev', h.veth);
    ip('link', 'set', h.veth, 'up');
    ip('-n', h.ns, 'addr', 'add', `${h.far}/30`, 'dev', `${h.veth}p`);
    ip('-n', h.ns, 'link', 'set', `${h.veth}p`, 'up');
    ip('-n', h.ns, 'link', 'set', 'lo', 'up');
  }
}

function removeHosts(): void {
  for (const h of HOSTS) {
    spawnSync('ip', ['netns', 'del', h.ns], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', h.veth], { stdio: 'ignore' });
  }
}

/** The machine's CPU counters now: all modes, and the busy ones (not idle, not iowait), in ticks. */
function procStat(): { atMs: number; total: number; busy: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { atMs: Date.now(), total, busy: total - (f[3] ?? 0) - (f[4] ?? 0) };
}

/** Busy share (%) between two instants, from the /proc/stat readings nearest inside them. */
function busyBetween(readings: ReturnType<typeof procStat>[], fromMs: number, toMs: number): number {
  const inside = readings.filter((r) => r.atMs >= fromMs && r.atMs <= toMs);
  const a = inside[0];
  const b = inside[inside.length - 1];
  if (!a || !b || b.total <= a.total) throw new Error('too few /proc/stat readings inside the run');
  return (100 * (b.busy - a.busy)) / (b.total - a.total);
}

const PLAN = (urls: Record<string, string>) => `
name: monitor-e2e
targets:
  x86:
    demo: true
    monitor: { nodeExporter: ${urls['x86']} }
  graviton:
    demo: { cpuWorkMs: 4 }
    monitor: { nodeExporter: ${urls['graviton']} }
scenarios:
  steady:
    executor: constant-arrival-rate
    rate: 80
    timeUnit: 1s
    duration: 8s
    preAllocatedVUs: 10
    flow: ping
flows:
  ping:
    steps:
      - { name: health, path: /health }
`;

describe.skipIf(SKIP !== undefined)('monitor: node_exporter per host', () => {
  let dir: string;
  const exporters: Started[] = [];

  beforeAll(async () => {
    dir = await tempDir('monitor');
    if (NETNS) {
      removeHosts();
      makeHosts();
    }
    for (const h of HOSTS) {
      const address = NETNS ? `${h.far}:9100` : `127.0.0.1:${await freeLoopbackPort()}`;
      exporters.push(await startNodeExporter(address, NETNS ? h.ns : undefined));
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(exporters.map((e) => e.stop()));
    if (NETNS) removeHosts();
  });

  it('stores each host’s CPU on the run’s clock, and compare’s difference agrees with /proc/stat', async () => {
    const urls = Object.fromEntries(HOSTS.map((h, i) => [h.name, `${exporters[i]?.url}/metrics`]));
    const plan = await writePlan(dir, 'plan.yaml', PLAN(urls));
    const readings: ReturnType<typeof procStat>[] = [];
    const timer = setInterval(() => readings.push(procStat()), 250);
    const results = join(dir, 'results');
    const r = await runCli(
      // No warm-up: the test's own /proc/stat readings are matched to the measured runs.
      ['run', plan, '--targets', 'x86,graviton', '--warmup', '0', '--results', results, '--no-progress'],
      {
        timeoutMs: 120_000,
      },
    );
    clearInterval(timer);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const runs = readdirSync(join(results, 'monitor-e2e')).map((id) => join(results, 'monitor-e2e', id));
    const byTarget = new Map<string, { summary: RunSummary; server: ServerRecord }>();
    for (const run of runs) {
      const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as RunSummary;
      const server = JSON.parse(readFileSync(join(run, 'server.json'), 'utf8')) as ServerRecord;
      byTarget.set(summary.target.name, { summary, server });
    }
    const measured = new Map<string, { loadctl: number; proc: number }>();
    for (const h of HOSTS) {
      const run = byTarget.get(h.name);
      if (!run) throw new Error(`no run of ${h.name}`);
      const cpu = run.server.series.find((s) => s.id === 'cpu' && s.source === 'node');
      expect(cpu?.points.length).toBeGreaterThanOrEqual(6);
      // Each point is one second of the run, on k6's clock: t rises by about one each time.
      const ts = cpu?.points.map(([t]) => t) ?? [];
      for (const [i, t] of ts.slice(1).entries()) expect(t - (ts[i] ?? 0)).toBeCloseTo(1, 0);
      const stat = run.summary.server?.stats.find((s) => s.id === 'cpu' && s.source === 'node');
      expect(run.server.sources[0]).toMatchObject({ kind: 'node-exporter', errors: [] });
      const start = Date.parse(run.summary.startedAt);
      const first = (ts[0] ?? 1) - 1;
      const last = ts[ts.length - 1] ?? 0;
      measured.set(h.name, {
        loadctl: stat?.avg ?? NaN,
        proc: busyBetween(readings, start + first * 1000, start + last * 1000),
      });
    }
    const x86 = measured.get('x86');
    const graviton = measured.get('graviton');
    if (!x86 || !graviton) throw new Error('missing runs');
    // compare's own figures: the CPU row, values as shares and its change in percentage points.
    const c = await runCli(['compare', 'x86', 'graviton', '--results', results, '--format', 'json']);
    expect(c.code, c.stderr).toBe(0);
    const cpuRow = (
      JSON.parse(c.stdout) as {
        server: Array<{ key: string; cells: Array<{ value?: number; delta?: number }> }>;
      }
    ).server.find((row) => row.key === 'cpu');
    expect(cpuRow?.cells[0]?.value).toBeCloseTo(x86.loadctl / 100, 6);
    const shown = (cpuRow?.cells[1]?.delta ?? NaN) * 100;
    const truth = graviton.proc - x86.proc;
    expect(Math.abs(shown - truth), JSON.stringify({ x86, graviton, shown })).toBeLessThanOrEqual(5);
    // The terminal says the same, in percentage points, in the server table --targets printed.
    expect(r.stdout).toMatch(/^ CPU\s+[\d.]+%\s+[\d.]+%\s+[+−±][\d.]+pp/m);
    // The services are the built-in demo, on the generator's machine: compare says so first.
    expect(r.stdout).toContain('both targets are built-in demo instances on this machine');
  }, 180_000);
});

const PROM_SKIP = missingReason('monitor.test.ts (Prometheus, a process by port)', {
  prometheus: PROMETHEUS,
  'prometheus-node-exporter': NODE_EXPORTER,
});

describe.skipIf(PROM_SKIP !== undefined)('monitor: a process by port and PromQL queries', () => {
  it('reads the service’s own process by its port and asks Prometheus over the run’s range', async () => {
    const dir = await tempDir('monitor-prom');
    // Whatever started is stopped, even when a later start fails.
    const servers: Started[] = [];
    let stopService = () => {};
    try {
      const exporter = await startNodeExporter(`127.0.0.1:${await freeLoopbackPort()}`);
      servers.push(exporter);
      const prometheus = await startPrometheus(join(dir, 'prometheus'), [new URL(exporter.url).host]);
      servers.push(prometheus);
      // The service under test: the demo as a process of its own, given CPU work so its CPU is not nothing.
      const port = await freeLoopbackPort();
      // A node_exporter that is not there: its reads fail, and the run goes on.
      const closed = await freeLoopbackPort();
      const service = spawn(process.execPath, [BIN, 'demo', '--port', String(port), '--cpu', '2'], {
        stdio: 'ignore',
      });
      stopService = () => void service.kill('SIGTERM');
      await Promise.all([waitForPort(port), firstScrape(prometheus.url)]);
      const plan = await writePlan(
        dir,
        'plan.yaml',
        `
name: monitor-prom
targets:
  api:
    url: http://127.0.0.1:${port}
    monitor:
      nodeExporter: [${exporter.url}/metrics, http://127.0.0.1:${closed}/metrics]
      process: { port: ${port} }
      prometheus:
        url: ${prometheus.url}
        queries:
          cores: count(node_cpu_seconds_total{mode="idle"})
          broken: sum(
scenarios:
  steady: { executor: constant-arrival-rate, rate: 50, timeUnit: 1s, duration: 6s, preAllocatedVUs: 5, flow: ping }
flows:
  ping:
    steps:
      - { name: health, path: /health }
`,
      );
      const results = join(dir, 'results');
      const r = await runCli(['run', plan, '--results', results, '--no-progress'], { timeoutMs: 90_000 });
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const [id] = readdirSync(join(results, 'monitor-prom'));
      const server = JSON.parse(
        readFileSync(join(results, 'monitor-prom', id ?? '', 'server.json'), 'utf8'),
      ) as ServerRecord;
      const proc = server.sources.find((s) => s.kind === 'process');
      expect(proc?.address).toBe(`port ${port} (pid ${service.pid})`);
      const cpu = server.series.find((s) => s.id === 'processCpu');
      expect(cpu?.points.length).toBeGreaterThanOrEqual(4);
      // 50 requests a second, 2 ms of CPU each: about 10 % of a core; never nothing, never several cores.
      const avg = (cpu?.points ?? []).reduce((a, [, v]) => a + v, 0) / (cpu?.points.length ?? 1);
      expect(avg).toBeGreaterThan(2);
      expect(avg).toBeLessThan(100);
      const cores = server.series.find((s) => s.id === 'query:cores');
      const summary = JSON.parse(
        readFileSync(join(results, 'monitor-prom', id ?? '', 'summary.json'), 'utf8'),
      ) as RunSummary;
      const duration = (Date.parse(summary.endedAt) - Date.parse(summary.startedAt)) / 1000;
      // A point a second over the run, each the machine's cores as node_exporter counts them.
      expect(cores?.points.length).toBeGreaterThanOrEqual(Math.floor(duration) - 1);
      for (const [t, v] of cores?.points ?? []) {
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThanOrEqual(duration + 1);
        expect(v).toBe(cpus().length);
      }
      expect(server.sources.find((s) => s.id === 'node')?.errors).toEqual([]);
      const gone = server.sources.find((s) => s.id === 'node-2');
      expect(gone?.errors).toEqual([{ message: 'connection refused', count: expect.any(Number) }]);
      expect(gone?.samples).toBe(0);
      expect(server.series.filter((s) => s.source === 'node-2')).toEqual([]);
      const prom = server.sources.find((s) => s.kind === 'prometheus');
      expect(prom?.errors).toEqual([
        { message: expect.stringMatching(/^query broken: .*parse error/), count: 1 },
      ]);
    } finally {
      stopService();
      await Promise.all(servers.map((server) => server.stop()));
    }
  }, 120_000);
});

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the demo did not answer on port ${port}`);
}

/** Waits until Prometheus has scraped the node_exporter once, so the run's range has data from its start. */
async function firstScrape(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const r = await fetch(`${url}/api/v1/query?query=up`);
    const body = (await r.json()) as { data?: { result?: unknown[] } };
    if ((body.data?.result?.length ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('Prometheus scraped nothing in 15 s');
}
