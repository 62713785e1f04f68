// `loadctl report` of a stored run (test/fixtures/report/ticket-rush, recorded) in a fake results folder.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostRecord, nodeSource } from '../../src/monitor/server.fixture.js';
import { summarizeServer } from '../../src/monitor/stats.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { copyChartLibraryIntoFake, copyIntoFake, fakeIo, runCli } from '../harness/index.js';

const RUN_ID = '20261122T043229Z-8c4aee';
const RUN_DIR = `results/ticket-rush/${RUN_ID}`;

function withTicketRush() {
  const io = fakeIo();
  copyIntoFake(io.fs, 'test/fixtures/report/ticket-rush', RUN_DIR);
  return io;
}

describe('loadctl report (stored run)', () => {
  it('prints Markdown of the latest run: verdict, endpoints, thresholds', async () => {
    const r = await runCli(['report', 'latest', '--format', 'markdown'], withTicketRush());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# Load test report: ticket-rush');
    expect(r.stdout).toContain('**❌ thresholds failed** — `http_req_duration{name:reserve} p(95)<8`');
    expect(r.stdout).toContain(`**Run**: \`${RUN_ID}\``);
    expect(r.stdout).toMatch(/^\| `reserve` \| 1,030 \|/m);
    expect(r.stdout).toMatch(/^\| ❌ \| `http_req_duration\{name:reserve\}` \| `p\(95\)<8` \| 10\.6ms \|$/m);
  });

  it('picks the run by id and writes Markdown to -o', async () => {
    const io = withTicketRush();
    const r = await runCli(['report', RUN_ID, '--format', 'markdown', '-o', 'out/report.md'], io);
    expect(r.code).toBe(0);
    expect(r.files['out/report.md']).toContain('# Load test report: ticket-rush');
  });

  it('writes the HTML report into the run folder by default', async () => {
    const io = withTicketRush();
    copyChartLibraryIntoFake(io.fs);
    const r = await runCli(['report', 'latest'], io);
    expect(r.code).toBe(0);
    const html = r.files[`${RUN_DIR}/report.html`];
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('ticket-rush');
  });

  it('draws the server charts from server.json, and names a damaged one: exit 3', async () => {
    const io = withTicketRush();
    copyChartLibraryIntoFake(io.fs);
    const server = {
      schema: 'loadctl.server/v1',
      target: 'local',
      intervalMs: 1000,
      sources: [{ id: 'process', kind: 'process', address: 'pid 7', local: true, samples: 2, errors: [] }],
      series: [
        { id: 'processCpu', source: 'process', label: 'process CPU', unit: 'percent', points: [[1, 40]] },
      ],
    };
    io.fs.writeSync(`${RUN_DIR}/server.json`, JSON.stringify(server));
    const r = await runCli(['report', 'latest'], io);
    expect(r.code).toBe(0);
    expect(r.files[`${RUN_DIR}/report.html`]).toContain('data-chart="server-cpu"');

    io.fs.writeSync(`${RUN_DIR}/server.json`, JSON.stringify({ ...server, series: 'none' }));
    const damaged = await runCli(['report', 'latest', '--format', 'markdown'], io);
    expect(damaged.code).toBe(3);
    expect(damaged.stderr).toContain(`${RUN_DIR}/server.json: series: expected array`);
  });

  it('exits 2 for a run that is not there', async () => {
    const r = await runCli(['report', '20991231T000000Z-000000', '--format', 'markdown'], withTicketRush());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('20991231T000000Z-000000');
  });
});

describe('loadctl report (stored run with server figures)', () => {
  it('reads summary.json’s server (sources, batches) and reports it, with the failed reads', async () => {
    const io = withTicketRush();
    const s = JSON.parse(readFileSync('test/fixtures/report/ticket-rush/summary.json', 'utf8')) as RunSummary;
    const record = hostRecord([30, 40, 50, 60, 70]);
    record.sources = [nodeSource({ samples: 5, errors: [{ message: 'timeout', count: 2 }] })];
    s.server = summarizeServer(record, { ms: 1000, count: 5 });
    io.fs.writeSync(`${RUN_DIR}/summary.json`, `${JSON.stringify(s, null, 2)}\n`);
    const r = await runCli(['report', 'latest', '--format', 'markdown', '--lang', 'ko'], io);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| CPU | 50.0% | 70.0% | 70.0% |');
    expect(r.stdout).toContain('읽기 7회 중 2회 실패: timeout');
    // meta.json says the target is the built-in demo.
    expect(r.stdout).toContain('대상은 이 머신의 내장 데모 인스턴스입니다');
  });
});
