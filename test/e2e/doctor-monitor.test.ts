// loadctl doctor against real monitoring servers: a node_exporter and a Prometheus on loopback (Debian's,
// started by monitoring-servers.ts), a process by pid and a port nothing listens on. Each monitor source is a
// finding; one that does not answer is a warning, and a PromQL mistake shows Prometheus's own words.
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writePlan } from './helpers.js';
import {
  freeLoopbackPort,
  missingReason,
  NODE_EXPORTER,
  PROMETHEUS,
  startNodeExporter,
  startPrometheus,
  type Started,
} from './monitoring-servers.js';

const skip = missingReason('doctor-monitor.test.ts', { NODE_EXPORTER, PROMETHEUS });

interface Report {
  checks: Array<{ id: string; status: string; observed: string; detail?: string; fix?: string }>;
}

describe.skipIf(skip !== undefined)('loadctl doctor with a monitored target (real servers)', () => {
  let node: Started;
  let prometheus: Started;
  let closed: number;

  beforeAll(async () => {
    const dir = await tempDir('doctor-monitor');
    closed = await freeLoopbackPort();
    // One after the other, each kept as it starts: afterAll stops whatever started, even if the other failed.
    node = await startNodeExporter(`127.0.0.1:${await freeLoopbackPort()}`);
    prometheus = await startPrometheus(dir);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([node?.stop(), prometheus?.stop()]);
  });

  it('checks each source: node_exporter and a query answer, a dead port and a broken query are warnings', async () => {
    const dir = await tempDir('doctor-monitor');
    const plan = await writePlan(
      dir,
      'monitored.yaml',
      `name: monitored
targets:
  api:
    url: http://127.0.0.1:${closed}
    monitor:
      nodeExporter: [${node.url}/metrics, http://127.0.0.1:${closed}/metrics]
      prometheus:
        url: ${prometheus.url}
        queries: { up: 'vector(1)', broken: 'sum(rate(x[1m]' }
      process: { pid: ${process.pid} }
scenarios:
  s: { executor: per-vu-iterations, vus: 1, iterations: 1, flow: f }
flows:
  f:
    steps:
      - { name: a, path: /a }
`,
    );
    const r = await runCli(['doctor', '--plan', plan, '--results', dir, '--json']);
    const byId = Object.fromEntries((JSON.parse(r.stdout) as Report).checks.map((c) => [c.id, c]));
    expect(byId['monitor.api.node']?.status, r.stdout).toBe('ok');
    // node_exporter's page of this very machine: its cores are the ones Node sees.
    expect(byId['monitor.api.node']?.observed).toContain(`: ${availableParallelism()} core`);
    expect(byId['monitor.api.node-2']?.status).toBe('warning');
    expect(byId['monitor.api.node-2']?.observed).toBe(`http://127.0.0.1:${closed}/metrics: ECONNREFUSED`);
    expect(byId['monitor.api.prometheus.up']).toMatchObject({ status: 'ok' });
    expect(byId['monitor.api.prometheus.up']?.observed).toMatch(/^1 series in /);
    expect(byId['monitor.api.prometheus.broken']?.status).toBe('warning');
    expect(byId['monitor.api.prometheus.broken']?.observed).toMatch(
      /^Prometheus refused query broken \(sum\(rate\(x\[1m\]\): .*parse error/,
    );
    expect(byId['monitor.api.process']).toMatchObject({
      status: 'ok',
      observed: `pid ${process.pid} is running`,
    });
  }, 30_000);
});
