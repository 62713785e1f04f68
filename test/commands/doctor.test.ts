// `loadctl doctor` against made-up host facts: /proc and `ulimit` through io.readText and io.runCommand, the
// results folder and free disk through the fake file system, targets through io.lookup and io.probeTcp.
// k6 is looked up through Io as well, so the fake k6 is the one doctor finds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { copyIntoFake, fakeIo, runCli, SHOP, type FakeIoOptions } from '../harness/index.js';

interface DoctorJson {
  schema: string;
  ok: boolean;
  checks: Array<{ id: string; title: string; status: string; observed: string; fix?: string }>;
}

function doctorIo(more: FakeIoOptions = {}) {
  const io = fakeIo(more);
  copyIntoFake(io.fs, SHOP.plan, 'plans/shop.yaml');
  return io;
}

function check(report: DoctorJson, id: string) {
  const found = report.checks.find((c) => c.id === id);
  expect(found, `check ${id}`).toBeDefined();
  return found!;
}

describe('loadctl doctor (fake host)', () => {
  it('finds the fake k6 through Io and passes a host that has what the plan needs: exit 0', async () => {
    const io = doctorIo({ tcp: { '127.0.0.1:9': { kind: 'ok', ms: 1 } } });
    const r = await runCli(['doctor', '--plan', 'plans/shop.yaml', '--json'], io);
    const report = JSON.parse(r.stdout) as DoctorJson;
    expect(check(report, 'k6').status, JSON.stringify(check(report, 'k6'))).toBe('ok');
    expect(check(report, 'k6').observed).toContain('1.8.1');
    expect(report.checks.filter((c) => c.status === 'failure')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('fails on an open-files limit too low for the plan, with the fix: exit 3', async () => {
    const io = doctorIo({ proc: { openFiles: { soft: 64, hard: 64 } } });
    const r = await runCli(['doctor', '--plan', 'plans/shop.yaml', '--json'], io);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as DoctorJson;
    expect(report.schema).toBe('loadctl.doctor/v1');
    expect(report.ok).toBe(false);
    const openFiles = check(report, 'open-files');
    expect(openFiles.status).toBe('failure');
    expect(openFiles.observed).toBe('soft 64, hard 64');
    // 2 VUs need 2 × 2 + 256 files.
    expect(openFiles.fix).toContain('--nofile=260');
  });

  it('reads the kernel’s network limits and the results folder through Io', async () => {
    const io = doctorIo({ proc: { portRange: [32768, 60999] }, freeBytes: 5e9 });
    const r = await runCli(['doctor', '--json'], io);
    const report = JSON.parse(r.stdout) as DoctorJson;
    expect(check(report, 'open-files').observed).toBe('soft 65,536, hard 1,048,576');
    expect(JSON.stringify(report.checks)).toContain('32768–60999');
    expect(JSON.stringify(report.checks)).toContain('/home/tester/shop/results writable');
    expect(JSON.stringify(report.checks)).toContain('5,000 MB free');
  });

  it('prints the table with each problem’s fix below it', async () => {
    const io = doctorIo({ proc: { openFiles: { soft: 64, hard: 64 } } });
    const r = await runCli(['doctor', '--plan', 'plans/shop.yaml'], io);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('loadctl doctor · plan plans/shop.yaml');
    expect(r.stdout).toMatch(/✗ open files \(ulimit -n\)/);
    expect(r.stdout).toMatch(/not ready/);
  });

  it('asks a shell for the open-files limits on a host without /proc', async () => {
    const io = doctorIo({ proc: false });
    const r = await runCli(['doctor', '--json'], io);
    expect(check(JSON.parse(r.stdout) as DoctorJson, 'open-files').observed).toBe(
      'soft 65,536, hard 1,048,576',
    );
    expect(io.commandsRun).toContain('sh -c ulimit -Sn; ulimit -Hn');
  });
});

/** The shop plan with a `monitor:` on its target: a node_exporter, a Prometheus query and a process by port. */
function monitoredShop(): string {
  const plan = readFileSync(new URL(`../../${SHOP.plan}`, import.meta.url), 'utf8');
  return plan.replace(
    '    url: http://127.0.0.1:9\n',
    [
      '    url: http://127.0.0.1:9',
      '    monitor:',
      '      nodeExporter: http://10.0.0.5:9100/metrics',
      '      prometheus: { url: "http://prom:9090", queries: { busy: "sum(rate(x[1m]" } }',
      '      process: { port: 9 }',
      '',
    ].join('\n'),
  );
}

describe('loadctl doctor with a monitored target (fake host)', () => {
  it('checks each monitor source and warns, naming what a run will lack; exit 0 unless --strict', async () => {
    const io = fakeIo({
      tcp: { '127.0.0.1:9': { kind: 'ok', ms: 1 } },
      http: (url) => {
        if (url.host === 'prom:9090')
          return new Response(
            JSON.stringify({
              status: 'error',
              errorType: 'bad_data',
              error: 'parse error: unclosed left parenthesis',
            }),
            { status: 400 },
          );
        return undefined;
      },
      commands: (file) =>
        file === 'ss'
          ? { kind: 'exited', file, exitCode: 0, stdout: '', stderr: '', durationMs: 1 }
          : undefined,
    });
    io.fs.writeSync('plans/shop.yaml', monitoredShop());
    const r = await runCli(['doctor', '--plan', 'plans/shop.yaml', '--json'], io);
    const report = JSON.parse(r.stdout) as DoctorJson;
    expect(r.code).toBe(0);
    const node = check(report, 'monitor.shop.node');
    expect(node.status).toBe('warning');
    expect(node.observed).toBe('http://10.0.0.5:9100/metrics: ECONNREFUSED');
    const query = check(report, 'monitor.shop.prometheus.busy');
    expect(query.status).toBe('warning');
    expect(query.observed).toBe(
      'Prometheus refused query busy (sum(rate(x[1m]): parse error: unclosed left parenthesis',
    );
    expect(check(report, 'monitor.shop.process').observed).toBe('nothing listens on port 9 on this machine');
    const strict = await runCli(['doctor', '--plan', 'plans/shop.yaml', '--strict'], io);
    expect(strict.code).toBe(3);
    expect(strict.stdout).toContain(
      'the run will have no host CPU, memory, load, network or sockets of shop',
    );
  });
});
