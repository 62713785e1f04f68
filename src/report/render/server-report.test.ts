// The server side of a run's summary and reports, from constructed server records (src/monitor/server.fixture.ts)
// added to a recorded run (test/fixtures/report/ticket-rush, a built-in demo run).
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { ServerRecord } from '../../monitor/model.js';
import { hostRecord, nodeSource, processSource, series } from '../../monitor/server.fixture.js';
import { summarizeServer } from '../../monitor/stats.js';
import { RUN_FILES } from '../../store/layout.js';
import { parseRunReport, type RunReport } from '../model/report.js';
import { renderHtmlReport } from './html.js';
import { renderJUnitReport } from './junit.js';
import { renderMarkdownReport } from './markdown.js';
import { renderSummaryTable } from './table.js';

function ticketRush(): RunReport {
  const dir = new URL('../../../test/fixtures/report/ticket-rush/', import.meta.url);
  const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');
  const report = parseRunReport({ summary: read(RUN_FILES.summary), meta: read(RUN_FILES.meta) });
  if (!report) throw new Error('no summary');
  return report;
}

/** A remote host: 10 readings of CPU and memory, load and sockets, and 3 failed reads. */
function remoteRecord(): ServerRecord {
  const r = hostRecord(
    [40, 50, 60, 70, 80, 60, 50, 55, 65, 70],
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => x * 2 ** 28),
  );
  r.sources = [nodeSource({ errors: [{ message: 'connection refused', count: 3 }] })];
  r.series.push(series('load1', [1, 2, 3, 2, 1, 2, 3, 2, 1, 3]), series('sockets', Array(10).fill(120)));
  return r;
}

/** The fixture with a server side, as a remote target (meta.json no longer says demo). */
function withServer(record: ServerRecord, demo = false): RunReport {
  const r = ticketRush();
  r.summary.server = summarizeServer(record);
  if (r.meta?.target) r.meta.target.demo = demo;
  return r;
}

const table = (r: RunReport, lang: 'en' | 'ko' = 'en', demo?: boolean) =>
  renderSummaryTable(r.summary, { color: false, width: 120, lang, ...(demo !== undefined ? { demo } : {}) });

describe('the server side of the run summary', () => {
  it('lists CPU and memory with avg, p95 and max, the rest compactly, the source and failed reads (golden)', async () => {
    const text = table(withServer(remoteRecord()));
    // CPU 40…80: avg 60 (600 / 10), p95 (nearest rank of 10) 80, max 80.
    expect(text).toMatch(/server · node_exporter http:\/\/10\.0\.0\.5:9100\/metrics\n/);
    expect(text).toMatch(/ CPU\s+60\.0%\s+80\.0%\s+80\.0%/);
    expect(text).toMatch(/ memory used\s+1\.4 GiB\s+2\.5 GiB\s+2\.5 GiB/);
    expect(text).toContain('load (1 min) 2.00 · sockets 120 (avg)');
    expect(text).toContain(
      '⚠ node_exporter at http://10.0.0.5:9100/metrics failed 3 of 13 reads: connection refused',
    );
    expect(text).not.toContain('built-in demo');
    await expect(text).toMatchFileSnapshot('__golden__/server.table.en.txt');
  });

  it('gives requests per CPU-second and CPU % per 1,000 req/s from the run’s own totals', () => {
    const r = withServer(remoteRecord());
    const t = r.summary.totals;
    const cpuSeconds = r.summary.server?.cpuSeconds ?? NaN;
    // 600 % over 10 readings of 4 cores, one second each.
    expect(cpuSeconds).toBeCloseTo(6 * 4, 9);
    const perCpuS = Math.round(t.requests / cpuSeconds).toLocaleString('en-US');
    const perKilo = (60 / (t.rps / 1000)).toFixed(1);
    expect(table(r)).toContain(`${perCpuS} requests per CPU-second · CPU ${perKilo}% per 1,000 req/s`);
  });

  it('is in Korean with --lang ko (golden)', async () => {
    const text = table(withServer(remoteRecord()), 'ko');
    expect(text).toContain('사용 메모리');
    expect(text).toContain('읽기 13회 중 3회 실패: connection refused');
    await expect(text).toMatchFileSnapshot('__golden__/server.table.ko.txt');
  });

  it('says a built-in demo target shares this machine, and a local process too', () => {
    const demo = {
      target: 'local',
      intervalMs: 1000,
      sources: [processSource()],
      series: [series('processCpu', [120, 140], 'process'), series('processMemory', [5e7, 6e7], 'process')],
    };
    const r = withServer(demo);
    expect(table(r, 'en', true)).toContain(
      'note: the target is a built-in demo instance on this machine: its CPU and memory are shared with the load generator',
    );
    expect(table(r, 'en', true)).toMatch(/ process CPU\s+130\.0%\s+140\.0%\s+140\.0%/);
    expect(table(r, 'en', false)).toContain(
      'note: the target runs on this machine: its CPU and memory are shared',
    );
    expect(table(withServer(remoteRecord()), 'en', false)).not.toContain('note: the target');
    // A demo run made before loadctl read server figures still says so, with no figures.
    const old = ticketRush();
    expect(table(old, 'en', true)).toContain('note: the target is a built-in demo instance');
    expect(table(old, 'en', true)).not.toContain('server ·');
    expect(table(old)).not.toContain('built-in demo instance');
  });

  it('shows control characters from a source or an error as text', () => {
    const rec = remoteRecord();
    rec.sources = [
      nodeSource({ address: 'http://h/\u001b[2Jx', errors: [{ message: 'bad\u0007', count: 1 }] }),
    ];
    const text = table(withServer(rec));
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(text).toContain('failed 1 of 11 reads');
  });
});

describe('the server side of the reports', () => {
  it('is a Markdown section with every figure (golden, English and Korean)', async () => {
    const r = withServer(remoteRecord());
    const en = renderMarkdownReport(r, { lang: 'en' });
    expect(en).toMatch(
      /## Server\n\n- \*\*read from\*\*: node\\_exporter `http:\/\/10\.0\.0\.5:9100\/metrics`/,
    );
    expect(en).toContain('| CPU | 60.0% | 80.0% | 80.0% |');
    expect(en).toContain('| load (1 min) | 2.00 | 3.00 | 3.00 |');
    await expect(en).toMatchFileSnapshot('__golden__/server.en.md');
    await expect(renderMarkdownReport(r, { lang: 'ko' })).toMatchFileSnapshot('__golden__/server.ko.md');
  });

  it('says in every format that a demo target shares this machine', () => {
    const r = ticketRush();
    expect(r.meta?.target?.demo).toBe(true);
    const note = 'the target is a built-in demo instance on this machine';
    expect(renderMarkdownReport(r, { lang: 'en' })).toContain(note);
    expect(renderMarkdownReport(r, { lang: 'ko' })).toContain('내장 데모 인스턴스');
    expect(
      renderHtmlReport(r, { lang: 'en', version: 't', assets: { uplotJs: '', uplotCss: '' } }),
    ).toContain(`data-shared="demo">⚠ ${note}`);
    expect(renderJUnitReport(r.summary, { demo: true })).toContain(
      'name="server.sharedMachine" value="demo"',
    );
  });

  it('escapes names in HTML', () => {
    const rec = remoteRecord();
    rec.sources = [
      nodeSource({ address: '<script>x</script>', errors: [{ message: '<b>no</b>', count: 2 }] }),
    ];
    const html = renderHtmlReport(withServer(rec), {
      lang: 'en',
      version: 't',
      assets: { uplotJs: '', uplotCss: '' },
    });
    expect(html).toContain('id="server"');
    expect(html).toContain('<code>&lt;script&gt;x&lt;/script&gt;</code>');
    expect(html).toContain('&lt;b&gt;no&lt;/b&gt;');
    expect(html).not.toContain('<script>x');
  });

  it('gives JUnit the figures as properties of the run suite', () => {
    const xml = renderJUnitReport(withServer(remoteRecord()).summary);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ['testsuite', 'property'].includes(name),
    }).parse(xml) as {
      testsuites: {
        testsuite: { name: string; properties?: { property: { name: string; value: string }[] } }[];
      };
    };
    const run = doc.testsuites.testsuite.find((x) => x.name.endsWith(' run'));
    const props = Object.fromEntries((run?.properties?.property ?? []).map((p) => [p.name, p.value]));
    expect(props).toMatchObject({
      'server.cpu.avg': '60',
      'server.cpu.p95': '80',
      'server.cpu.unit': 'percent',
      'server.memory.max': String(10 * 2 ** 28),
      'server.readErrors':
        'node_exporter at http://10.0.0.5:9100/metrics failed 3 of 13 reads: connection refused',
    });
    expect(props['server.sharedMachine']).toBeUndefined();
  });
});
