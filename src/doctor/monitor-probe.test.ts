import { describe, expect, it } from 'vitest';
import type { Io } from '../io/io.js';
import type { CommandResult } from '../io/exec.js';
import { checkMonitors } from './monitor-checks.js';
import { probeMonitors } from './monitor-probe.js';
import { selectMonitors } from './needs.js';
import type { Plan } from '../plans/schema.js';

// A node_exporter page, trimmed to what loadctl reads.
const NODE_PAGE = `# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 1000
node_cpu_seconds_total{cpu="0",mode="user"} 200
node_cpu_seconds_total{cpu="1",mode="idle"} 1100
node_cpu_seconds_total{cpu="1",mode="user"} 100
# HELP node_memory_MemTotal_bytes Memory information field MemTotal_bytes.
# TYPE node_memory_MemTotal_bytes gauge
node_memory_MemTotal_bytes 8e+09
`;

const PLAN: Plan = {
  name: 'shop',
  targets: {
    staging: {
      url: 'http://10.0.0.5:8080',
      monitor: {
        nodeExporter: ['http://10.0.0.5:9100/metrics', 'http://10.0.0.6:9100/metrics'],
        prometheus: {
          url: 'http://prom:9090',
          queries: { running: 'sum(vllm:num_requests_running)', broken: 'sum(rate(x[1m]', none: 'nope' },
        },
        process: { port: 8080 },
      },
    },
    local: { url: 'http://127.0.0.1:8080', monitor: { process: { pid: 4242 } } },
    demo: { demo: true },
  },
  scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', flow: 'f' } },
  flows: { f: { steps: [{ name: 'a', path: '/a' }] } },
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function io(): { io: Io; asked: string[] } {
  const asked: string[] = [];
  let now = 0;
  const fake: Partial<Io> = {
    now: () => new Date((now += 5)),
    fetch: async (input) => {
      const url = new URL(String(input));
      asked.push(url.pathname === '/api/v1/query' ? `query ${url.searchParams.get('query')}` : `GET ${url}`);
      if (url.href === 'http://10.0.0.5:9100/metrics') return new Response(NODE_PAGE);
      if (url.host === '10.0.0.6:9100') return new Response('<html>hello</html>');
      if (url.host !== 'prom:9090') throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      const q = url.searchParams.get('query');
      if (q === 'sum(rate(x[1m]')
        return json(400, {
          status: 'error',
          errorType: 'bad_data',
          error: '1:15: parse error: unclosed left parenthesis',
        });
      if (q === 'nope') return json(200, { status: 'success', data: { resultType: 'vector', result: [] } });
      return json(200, {
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [1700000000, '3'] }] },
      });
    },
    readText: async (path) => {
      asked.push(`read ${path}`);
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
    runCommand: async (file, args): Promise<CommandResult> => {
      asked.push(`run ${file} ${args.join(' ')}`);
      const stdout = 'LISTEN 0 511 *:8080 *:* users:(("node",pid=777,fd=21))\n';
      return { kind: 'exited', file, exitCode: 0, stdout, stderr: '', durationMs: 1 };
    },
  };
  return { io: fake as Io, asked };
}

describe('probeMonitors → checkMonitors', () => {
  it('asks every source of the chosen targets, and each answer becomes a finding', async () => {
    const { io: fake, asked } = io();
    const facts = await probeMonitors(fake, selectMonitors(PLAN, undefined));
    expect(asked).toEqual(
      expect.arrayContaining([
        'GET http://10.0.0.5:9100/metrics',
        'GET http://10.0.0.6:9100/metrics',
        'query sum(vllm:num_requests_running)',
        'query sum(rate(x[1m]',
        'query nope',
        'run ss -Hltnp sport = :8080',
        'read /proc/4242/stat',
      ]),
    );
    const findings = checkMonitors(facts);
    expect(findings.map((f) => [f.id, f.status])).toEqual([
      ['monitor.staging.node', 'ok'],
      ['monitor.staging.node-2', 'warning'],
      ['monitor.staging.process', 'ok'],
      ['monitor.staging.prometheus.running', 'ok'],
      ['monitor.staging.prometheus.broken', 'warning'],
      ['monitor.staging.prometheus.none', 'warning'],
      ['monitor.local.process', 'warning'],
    ]);
    const by = (id: string) => findings.find((f) => f.id === id)!;
    expect(by('monitor.staging.node').observed).toMatch(
      /^http:\/\/10\.0\.0\.5:9100\/metrics answered in [\d.]+ms: 2 cores, 8,000 MB memory$/,
    );
    expect(by('monitor.staging.node-2').observed).toContain('no node_cpu_seconds_total');
    expect(by('monitor.staging.node-2').detail).toBe(
      'the run will have no host CPU, memory, load, network or sockets of staging',
    );
    expect(by('monitor.staging.process').observed).toBe('port 8080: pid 777');
    expect(by('monitor.staging.prometheus.running').observed).toMatch(/^1 series in/);
    // Prometheus's own words, with the query's name: the user's mistake to correct.
    expect(by('monitor.staging.prometheus.broken').observed).toBe(
      'Prometheus refused query broken (sum(rate(x[1m]): 1:15: parse error: unclosed left parenthesis',
    );
    expect(by('monitor.staging.prometheus.broken').fix).toContain('monitor.prometheus.queries.broken');
    expect(by('monitor.staging.prometheus.none').observed).toBe('query none answers no series now');
    expect(by('monitor.local.process').observed).toBe('no process 4242 on this machine');
  });

  it('looks only at the chosen target, and has nothing to ask of a demo target', async () => {
    expect(selectMonitors(PLAN, 'demo')).toEqual([]);
    expect(selectMonitors(PLAN, 'local')).toEqual([
      {
        target: 'local',
        sources: [{ kind: 'process', id: 'process', pid: 4242, address: 'pid 4242', local: true }],
      },
    ]);
  });

  it('reads no more of a page than a node_exporter would send', async () => {
    const big = 'x'.repeat(16 * 1024 * 1024 + 1);
    const fake = { now: () => new Date(0), fetch: async () => new Response(big) } as Partial<Io> as Io;
    const [facts] = await probeMonitors(fake, [
      { target: 't', sources: [{ kind: 'node-exporter', id: 'node', url: 'http://h:9100/metrics' }] },
    ]);
    expect(facts).toMatchObject({ answer: { ok: false, detail: 'an answer of more than 16777216 bytes' } });
  });

  it('one finding for a Prometheus that does not answer at all, naming the queries the run will lack', async () => {
    const { io: fake } = io();
    const plan: Plan = {
      ...PLAN,
      targets: {
        t: {
          url: 'http://x',
          monitor: { prometheus: { url: 'http://down:9090', queries: { a: 'up', b: 'up' } } },
        },
      },
    };
    const findings = checkMonitors(await probeMonitors(fake, selectMonitors(plan, undefined)));
    expect(findings).toEqual([
      expect.objectContaining({
        id: 'monitor.t.prometheus',
        status: 'warning',
        observed: 'http://down:9090: ECONNREFUSED',
        detail: "the run will have none of the plan's queries (a, b)",
      }),
    ]);
  });
});
