// The real monitoring servers the end-to-end tests start, each with its own config and data folder on a free
// loopback port (or inside a network namespace): Debian's Prometheus, node_exporter and InfluxDB 1.x, which
// `npm run setup` installs (scripts/setup-monitoring.mjs). A machine without one skips its tests and says so.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export const PROMETHEUS = onPath('prometheus');
export const NODE_EXPORTER = onPath('prometheus-node-exporter') ?? onPath('node_exporter');
export const INFLUXD = onPath('influxd');

/** Why a test that needs `program` skips here, printed once; undefined when it can run. */
export function missingReason(file: string, needs: Record<string, string | undefined>): string | undefined {
  const absent = Object.entries(needs)
    .filter(([, path]) => path === undefined)
    .map(([name]) => name);
  if (absent.length === 0) return undefined;
  const why = `${file}: skipped, ${absent.join(', ')} not found (npm run setup:monitoring installs them)`;
  console.warn(why);
  return why;
}

export async function freeLoopbackPort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Started {
  /** http://host:port */
  url: string;
  child: ChildProcess;
  /** What it printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

function startProcess(cmd: string, args: string[], netns?: string): Omit<Started, 'url'> {
  const [file, argv] = netns === undefined ? [cmd, args] : ['ip', ['netns', 'exec', netns, cmd, ...args]];
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers `status` (or any 2xx), at most `timeoutMs`. */
async function waitFor(url: string, started: Omit<Started, 'url'>, timeoutMs = 30_000, netns?: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`server exited early:\n${started.output()}`);
    if (netns === undefined) {
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
        if (r.ok) return;
      } catch {
        // not yet
      }
    } else {
      const r = spawnSync('ip', ['netns', 'exec', netns, 'curl', '-fsS', '-m', '1', '-o', '/dev/null', url]);
      if (r.status === 0) return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await started.stop();
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${started.output()}`);
}

/**
 * Prometheus with the remote-write receiver, scraping `scrape` (host:port targets) once a second.
 * Its TSDB lives in `dir`.
 */
export async function startPrometheus(dir: string, scrape: string[] = []): Promise<Started> {
  if (!PROMETHEUS) throw new Error('prometheus not found');
  await mkdir(join(dir, 'tsdb'), { recursive: true });
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    ...(scrape.length > 0
      ? [
          'scrape_configs:',
          '  - job_name: node',
          '    static_configs:',
          `      - targets: ${JSON.stringify(scrape)}`,
        ]
      : []),
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  const port = await freeLoopbackPort();
  const started = startProcess(PROMETHEUS, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    // Samples a run pushes carry the run's own timestamps; accept them even when slightly old.
    '--storage.tsdb.retention.time=1d',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/-/ready`, started);
  return { url, ...started };
}

/**
 * InfluxDB 1.x on a free loopback port, its meta, data and WAL in `dir`. With `admin`, authentication is on
 * and that admin user exists (InfluxDB lets the first admin be created without credentials).
 */
export async function startInflux(
  dir: string,
  opts: { admin?: { user: string; password: string } } = {},
): Promise<Started> {
  if (!INFLUXD) throw new Error('influxd not found');
  await mkdir(dir, { recursive: true });
  const [port, rpc] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const config = [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpc}"`,
    '[meta]',
    `  dir = "${join(dir, 'meta')}"`,
    '[data]',
    `  dir = "${join(dir, 'data')}"`,
    `  wal-dir = "${join(dir, 'wal')}"`,
    '  query-log-enabled = false',
    '[http]',
    `  bind-address = "127.0.0.1:${port}"`,
    '  log-enabled = false',
    ...(opts.admin ? ['  auth-enabled = true'] : []),
    '[monitor]',
    '  store-enabled = false',
    '',
  ].join('\n');
  await writeFile(join(dir, 'influxdb.conf'), config);
  const started = startProcess(INFLUXD, ['-config', join(dir, 'influxdb.conf')]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/ping`, started);
  if (opts.admin) {
    const q = `CREATE USER "${opts.admin.user}" WITH PASSWORD '${opts.admin.password}' WITH ALL PRIVILEGES`;
    const r = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
    if (!r.ok) {
      await started.stop();
      throw new Error(`could not create InfluxDB's admin: ${r.status} ${await r.text()}`);
    }
  }
  return { url, ...started };
}

/**
 * node_exporter on `address` (host:port), inside network namespace `netns` when given. Only the collectors
 * loadctl reads are on, so a scrape is quick.
 */
export async function startNodeExporter(address: string, netns?: string): Promise<Started> {
  if (!NODE_EXPORTER) throw new Error('node_exporter not found');
  const started = startProcess(
    NODE_EXPORTER,
    [
      `--web.listen-address=${address}`,
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.loadavg',
      '--collector.netdev',
      '--collector.sockstat',
    ],
    netns,
  );
  const url = `http://${address}`;
  await waitFor(`${url}/metrics`, started, 30_000, netns);
  return { url, ...started };
}
