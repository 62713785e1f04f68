// `loadctl report` of a stored run (test/fixtures/report/ticket-rush, recorded) in a fake results folder.
import { describe, expect, it } from 'vitest';
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
