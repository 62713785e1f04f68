import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ServerRecord } from '../../monitor/model.js';
import { RUN_FILES } from '../../store/layout.js';
import { parseRunReport, type RunReport } from '../model/report.js';
import type { ChartRun } from './charts.js';
import { renderHtmlReport, runChartSpecs, type ChartAssets } from './html.js';
import { messages } from './i18n.js';
import { compareServerCpuChart, serverCpuChart, serverMemoryChart } from './server-charts.js';

const W = messages('en').serverChart;
const STUB_ASSETS: ChartAssets = { uplotJs: 'window.uPlot = function () {};', uplotCss: '.uplot {}' };
const GB = 1e9;

// A recorded run (test/fixtures/report) and a server record on its clock: one point per second of its series.
function recorded(): RunReport {
  const dir = new URL('../../../test/fixtures/report/ticket-rush/', import.meta.url);
  const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');
  return parseRunReport({ summary: read(RUN_FILES.summary), series: read(RUN_FILES.series) })!;
}

function server(report: RunReport, over: Partial<ServerRecord> = {}): ServerRecord {
  const ts = (report.series?.points ?? []).map((p) => p.t);
  return {
    target: 'local',
    intervalMs: 1000,
    sources: [
      {
        id: 'node',
        kind: 'node-exporter',
        address: 'http://h:9100/metrics',
        local: false,
        cores: 4,
        memoryBytes: 8 * GB,
        samples: ts.length,
        errors: [],
      },
    ],
    series: [
      { id: 'cpu', source: 'node', label: 'CPU', unit: 'percent', points: ts.map((t, i) => [t, 20 + i]) },
      {
        id: 'memory',
        source: 'node',
        label: 'memory used',
        unit: 'bytes',
        points: ts.map((t) => [t, 2 * GB]),
      },
    ],
    ...over,
  };
}

describe('serverCpuChart', () => {
  it('draws the server CPU as a share on a right axis of at least 100 %, over p95 and requests/s', () => {
    const report = recorded();
    const points = report.series!.points;
    const run: ChartRun = {
      label: '',
      summary: report.summary,
      series: report.series,
      server: server(report),
    };
    const chart = serverCpuChart(run, W)!;
    expect(chart.axis).toBe('time');
    expect(chart.scales).toEqual([
      { id: 'ms', unit: 'ms', side: 'left', label: 'p95' },
      { id: 'rps', unit: 'per-second', side: 'left', label: 'requests/s' },
      { id: 'cpu', unit: 'percent', side: 'right', min: 1 },
    ]);
    expect(chart.x).toEqual(points.map((p) => p.t));
    const [cpu, p95, rps] = chart.series;
    expect([cpu?.label, cpu?.scale, p95?.scale, rps?.scale]).toEqual(['CPU', 'cpu', 'ms', 'rps']);
    expect(cpu?.values).toEqual(points.map((_, i) => (20 + i) / 100));
    expect(p95?.values).toEqual(points.map((p) => p.p95 ?? null));
    expect(rps?.values).toEqual(points.map((p) => p.rps));
    expect(chart.caption).toContain('CPU busy over all cores');
  });

  it('falls back to the process’s CPU, and is left out without server.json or CPU', () => {
    const report = recorded();
    const base: ChartRun = { label: '', summary: report.summary, series: report.series };
    expect(serverCpuChart(base, W)).toBeUndefined();
    const proc = server(report, {
      series: [
        { id: 'processCpu', source: 'process', label: 'process CPU', unit: 'percent', points: [[1, 150]] },
      ],
    });
    const chart = serverCpuChart({ ...base, server: proc }, W)!;
    expect(chart.series[0]).toMatchObject({ label: 'process CPU', scale: 'cpu' });
    expect(chart.series[0]?.values.filter((v) => v !== null)).toEqual([1.5]);
    expect(chart.caption).toContain('100 % = one core');
    expect(serverCpuChart({ ...base, server: server(report, { series: [] }) }, W)).toBeUndefined();
  });
});

describe('serverMemoryChart', () => {
  it('draws memory used with the host’s total dashed', () => {
    const report = recorded();
    const chart = serverMemoryChart({ label: '', summary: report.summary, server: server(report) }, W)!;
    expect(chart.unit).toBe('bytes');
    expect(chart.series.map((s) => [s.label, s.dash ?? false])).toEqual([
      ['memory used', false],
      ['total', true],
    ]);
    expect(new Set(chart.series[1]?.values)).toEqual(new Set([8 * GB]));
  });
});

describe('the HTML reports with server.json', () => {
  it('places the server charts after the time charts, and reads them in Korean too', () => {
    const report = recorded();
    const ids = (r: RunReport) => runChartSpecs(r, messages('en')).map((c) => c.id);
    const without = ids(report);
    expect(without).not.toContain('server-cpu');
    const withServer = ids({ ...report, server: server(report) });
    const at = without.findIndex((id) => id === 'percentiles');
    expect(withServer).toEqual([
      ...without.slice(0, at),
      'server-cpu',
      'server-memory',
      ...without.slice(at),
    ]);
    const ko = renderHtmlReport(
      { ...report, server: server(report) },
      { lang: 'ko', assets: STUB_ASSETS, version: '0' },
    );
    expect(ko).toContain('서버 CPU와 지연 시간, 초당 요청 수');
    expect(ko).toContain('data-chart="server-cpu"');
  });

  it('overlays each compared run’s server CPU, a line per run', () => {
    const report = recorded();
    const a: ChartRun = {
      label: 'x86',
      summary: report.summary,
      series: report.series,
      server: server(report),
    };
    const b: ChartRun = { ...a, label: 'graviton' };
    const chart = compareServerCpuChart([a, b, { ...a, label: 'unmonitored', server: undefined }], W)!;
    expect(chart.series.map((s) => s.label)).toEqual(['x86 · CPU', 'graviton · CPU']);
    expect(chart.scales).toEqual([{ id: 'cpu', unit: 'percent', side: 'left', min: 1 }]);
    expect(compareServerCpuChart([{ ...a, server: undefined }], W)).toBeUndefined();
  });
});
