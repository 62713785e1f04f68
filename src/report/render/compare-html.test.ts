import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../k6/live.js';
import { compareRuns, type CompareRun, type CompareSideInput } from '../compare/compare.js';
import { judgeGate, parseFailOn } from '../compare/gate.js';
import type { RunSummary } from '../model/summary.js';
import type { ChartRun, ChartSpec } from './charts.js';
import { renderCompareHtml, sideVerdict } from './compare-html.js';
import type { ChartAssets } from './html.js';

// Summaries recorded from real runs of plans/graviton-vs-x86.yaml --profile smoke (src/report/compare.test.ts):
// x86 and a graviton demo instance 15 ms slower.
const X86 = '20261122T043604Z-11f905';
const GRAVITON = '20261122T043613Z-e700a2';
const HOSTILE = '<script>alert(1)</script>';
const STUB_ASSETS: ChartAssets = { uplotJs: 'window.uPlot = function () {};', uplotCss: '.uplot {}' };

function fixture(id: string): CompareRun {
  const dir = new URL(`../../../test/fixtures/stored-runs/compare/${id}/`, import.meta.url);
  const read = (f: string) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as unknown;
  const meta = read('meta.json') as {
    k6: { version: string };
    host: NonNullable<CompareRun['facts']>['host'];
  };
  return {
    summary: read('summary.json') as RunSummary,
    facts: { k6Version: meta.k6.version, host: meta.host, targetDescription: 'c6i <b>x86</b>' },
  };
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const side = (label: string, ...runs: CompareRun[]): CompareSideInput => ({ label, runs });

/** Per-second points of a few seconds: the fixtures have no series.json. */
function series(p95: number): ChartRun['series'] {
  const points: SeriesPoint[] = [1, 2, 3, 4].map((t) => ({
    t,
    vus: t * 2,
    rps: 20 + t,
    errorsPerSecond: 0,
    errorRate: 0,
    iterationsPerSecond: 10,
    droppedIterations: 0,
    p50: p95 / 2,
    p95,
  }));
  return { source: 'k6-rest-api', intervalMs: 1000, points };
}

function chartsOf(html: string): ChartSpec[] {
  const m = html.match(/<script type="application\/json" id="loadctl-charts">([\s\S]*?)<\/script>/);
  return (JSON.parse(m?.[1] ?? '{}') as { charts: ChartSpec[] }).charts;
}

const x86 = fixture(X86);
const graviton = fixture(GRAVITON);
const c = compareRuns([side('x86', x86), side('graviton', graviton)]);
const rules = parseFailOn('p95>+10%,error_rate>+5pp,p95{name:nope}>+5%');
const gate = rules.ok ? judgeGate(c, rules.rules) : [];
const chartRuns: ChartRun[] = [
  { label: 'x86', summary: x86.summary, series: series(1) },
  { label: 'graviton', summary: graviton.summary, series: series(17) },
];
const html = renderCompareHtml(c, { assets: STUB_ASSETS, version: '0.0.0-test', gate, chartRuns });

describe('comparison HTML report', () => {
  it('is one page with the CSP of a single-run report and only its two scripts', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain(`content="default-src 'none'; script-src 'sha256-`);
    expect(html.match(/<script>/g)).toHaveLength(2);
    expect(html).toContain('<title>Comparison: graviton-vs-x86</title>');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.)/);
  });

  it('leads with each side’s verdict and the method', () => {
    expect(sideVerdict(c, 0)).toBe('baseline');
    expect(sideVerdict(c, 1)).toBe('worse');
    expect(html).toContain('data-side-verdict="worse"');
    expect(html).toContain('<strong>x86 (baseline)</strong> vs <strong>graviton</strong>');
    expect(html).toContain('95% confidence from 9 paired time batches per run');
    expect(html).toContain('data-gate="failed"');
  });

  it('marks changes, coloured by verdict, with the confidence interval as a tooltip', () => {
    // p95 of graviton: +1,570%, worse.
    expect(html).toMatch(
      /<span class="d-worse" data-verdict="worse" title="95% CI [^"]+ \(9 paired time batches\)">\+1,570% ✗<\/span>/,
    );
    expect(html).toContain('<span class="d-same" data-verdict="same"');
    // The setup-only endpoint has no batches: not judged.
    expect(html).toContain('<span class="d-unknown" data-verdict="unknown">');
  });

  it('lists the gate: failed, passed and unjudged rules', () => {
    const gateSection = html.slice(
      html.indexOf('<section id="gate">'),
      html.indexOf('<section id="overall">'),
    );
    expect(gateSection).toContain('<span class="bad">✗ failed</span>');
    expect(gateSection).toContain('<span class="ok">✓ passed</span>');
    expect(gateSection).toContain('no p95 of endpoint nope on both sides');
  });
});

describe('comparison HTML report: charts', () => {
  it('overlays the two sides in every chart, labelled with the sides', () => {
    const charts = chartsOf(html);
    expect(charts.map((s) => s.id)).toEqual([
      'rps',
      'latency',
      'vus',
      'errors',
      'percentiles',
      'endpoint-p95',
      'responses',
    ]);
    for (const spec of charts.filter((s) => s.id !== 'responses'))
      expect(
        spec.series.map((s) => s.label),
        spec.id,
      ).toEqual(['x86', 'graviton']);
    const latency = charts.find((s) => s.id === 'latency');
    expect(latency?.series.map((s) => s.values)).toEqual([
      [1, 1, 1, 1],
      [17, 17, 17, 17],
    ]);
    // The whole-run charts show the tables' numbers.
    const p95 = c.overall.find((r) => r.key === 'p(95)');
    const pct = charts.find((s) => s.id === 'percentiles');
    const at = pct?.categories?.indexOf('p95') ?? -1;
    expect(pct?.series.map((s) => s.values[at])).toEqual(p95?.cells.map((cell) => cell.value));
    expect(charts.find((s) => s.id === 'endpoint-p95')?.categories).toEqual([
      'dates',
      'seats',
      'token',
      'all',
    ]);
  });

  it('overlays each side’s server CPU after the time charts when the runs have server.json', () => {
    const cpu = (pct: number): NonNullable<ChartRun['server']> => ({
      target: 'local',
      intervalMs: 1000,
      sources: [],
      series: [
        {
          id: 'processCpu',
          source: 'process',
          label: 'process CPU',
          unit: 'percent',
          points: [1, 2, 3, 4].map((t): [number, number] => [t, pct]),
        },
      ],
    });
    const monitored = [
      { ...chartRuns[0]!, server: cpu(40) },
      { ...chartRuns[1]!, server: cpu(80) },
    ];
    const charts = chartsOf(
      renderCompareHtml(c, { assets: STUB_ASSETS, version: '0', gate, chartRuns: monitored }),
    );
    expect(charts.map((s) => s.id).slice(0, 5)).toEqual(['rps', 'latency', 'vus', 'errors', 'server-cpu']);
    const server = charts.find((s) => s.id === 'server-cpu');
    expect(server?.series.map((s) => [s.label, s.values])).toEqual([
      ['x86 · process CPU', [0.4, 0.4, 0.4, 0.4]],
      ['graviton · process CPU', [0.8, 0.8, 0.8, 0.8]],
    ]);
  });

  it('says which round the charts show when a side has several', () => {
    const rounds = compareRuns([side('x86', x86, x86, x86), side('graviton', graviton, graviton, graviton)]);
    const page = renderCompareHtml(rounds, { assets: STUB_ASSETS, version: '0', chartRuns });
    const charts = chartsOf(page);
    expect(charts.find((s) => s.id === 'rps')?.caption).toBe(
      'round 1 of each side drawn (the tables average all 3 rounds)',
    );
    expect(charts.find((s) => s.id === 'percentiles')?.caption).toBe(
      "the tables' numbers: mean over 3 rounds",
    );
  });

  it('draws the whole-run charts without any series, and no time charts', () => {
    const page = renderCompareHtml(c, { assets: STUB_ASSETS, version: '0' });
    expect(chartsOf(page).map((s) => s.id)).toEqual(['percentiles', 'endpoint-p95']);
  });
});

describe('comparison HTML report: names and languages', () => {
  it('never lets a name from a plan, target or response become markup', () => {
    const a = clone(x86);
    const b = clone(graviton);
    for (const r of [a, b]) {
      r.summary.plan = HOSTILE;
      r.summary.target = { name: '<b>t</b>', url: 'http://127.0.0.1:1/?a=<i>&b="x"' };
      r.summary.endpoints[0]!.name = '<img src=x onerror=alert(2)>';
      r.summary.thresholds[0]!.metric = '</td><script>alert(3)</script>';
      r.summary.profile = '<svg onload=alert(4)>';
    }
    a.summary.notes = ['<script>alert(5)</script>'];
    a.summary.outcome = { kind: 'interrupted' } as RunSummary['outcome'];
    const hostile = compareRuns([side('<x86>', a), side('"gr"&<i>', b)]);
    const hostileRules = parseFailOn('p95{name:<img src=x onerror=alert(2)>}>+10%');
    const page = renderCompareHtml(hostile, {
      assets: STUB_ASSETS,
      version: '0',
      gate: hostileRules.ok ? judgeGate(hostile, hostileRules.rules) : [],
      chartRuns: [
        { label: '<x86>', summary: a.summary, series: series(1) },
        { label: '"gr"&<i>', summary: b.summary, series: series(2) },
      ],
    });
    const body = page.slice(page.indexOf('<body>'), page.indexOf('<script type="application/json"'));
    expect(body).not.toMatch(/<(script|img|svg|b|i|x86)[\s>]/);
    expect(page.match(/<script[\s>]/g)).toHaveLength(3);
    expect(page).toContain('<title>Comparison: &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(body).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(body).toContain('&quot;gr&quot;&amp;&lt;i&gt;');
    expect(body).toContain('http://127.0.0.1:1/?a=&lt;i&gt;&amp;b=&quot;x&quot;');
    expect(body).toContain('c6i &lt;b&gt;x86&lt;/b&gt;');
    // The chart data is JSON with no way to end its script element.
    const open = '<script type="application/json" id="loadctl-charts">';
    const json = page.slice(page.indexOf(open) + open.length, page.indexOf('</script>\n<script>'));
    expect(json).not.toMatch(/<\/?(script|img)/i);
    expect(
      chartsOf(page)
        .find((s) => s.id === 'rps')
        ?.series.map((s) => s.label),
    ).toEqual(['<x86>', '"gr"&<i>']);
  });

  it('speaks Korean with --lang ko, names and numbers unchanged', () => {
    const page = renderCompareHtml(c, { lang: 'ko', assets: STUB_ASSETS, version: '0', gate, chartRuns });
    expect(page).toMatch(/^<!doctype html>\n<html lang="ko">/);
    expect(page).toContain('<title>비교 보고서: graviton-vs-x86</title>');
    expect(page).toContain('<strong>graviton</strong> (x86 대비)');
    expect(page).toContain('data-side-verdict="worse">악화</span>');
    expect(page).toContain('+1,570% ✗');
    expect(page).toContain('<td>요청 수</td>');
  });
});
