import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderSummaryTable } from './table.js';
import { alignLines, percentileChart, responsesChart, runCharts, type ChartRun } from './charts.js';
import { renderHtmlReport, type ChartAssets } from './html.js';
import { messages, parseLang, verdictOf } from './i18n.js';
import { parseReportFormats, renderReport } from './index.js';
import { renderJUnitReport } from './junit.js';
import { renderMarkdownReport } from './markdown.js';
import { RUN_FILES } from '../../store/layout.js';
import { parseRunReport, type RunReport } from '../model/report.js';
import { observeRun, thresholdEndpoint } from '../model/observations.js';

// Recorded run folders, trimmed: see test/fixtures/report/README.md.
function fixture(name: 'ticket-rush' | 'seat-race-smoke' | 'seat-race-runners'): RunReport {
  const dir = new URL(`../../../test/fixtures/report/${name}/`, import.meta.url);
  const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');
  const report = parseRunReport({
    summary: read(RUN_FILES.summary),
    series: read(RUN_FILES.series),
    meta: read(RUN_FILES.meta),
    plan: read(RUN_FILES.plan),
  });
  if (!report) throw new Error(`fixture ${name} has no summary`);
  return report;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const HOSTILE = '<script>alert(1)</script>';
const STUB_ASSETS: ChartAssets = { uplotJs: 'window.uPlot = function () {};', uplotCss: '.uplot {}' };

/** A copy of the fixture with every name a plan or response controls made hostile. */
function hostile(): RunReport {
  const r = clone(fixture('ticket-rush'));
  const s = r.summary;
  s.plan = HOSTILE;
  s.target = { name: '<b>t</b>', url: 'http://127.0.0.1:1/?a=<i>&b="x"' };
  s.endpoints[0]!.name = '<img src=x onerror=alert(2)>';
  s.checks[1]!.name = '</td><script>alert(3)</script>';
  s.checks[1]!.group = '::<svg onload=alert(4)>';
  s.invariants[0]!.detail = 'observed <b>"1"</b> & more';
  s.notes = ['note with <script>alert(5)</script>'];
  r.meta = { ...r.meta, tags: { '<k>': '<v>' } };
  return r;
}

describe('Markdown report', () => {
  const report = fixture('ticket-rush');

  it('is the same every time, in English (golden)', async () => {
    await expect(renderMarkdownReport(report, { lang: 'en' })).toMatchFileSnapshot(
      '__golden__/ticket-rush.en.md',
    );
  });

  it('is the same every time, in Korean (golden)', async () => {
    await expect(renderMarkdownReport(report, { lang: 'ko' })).toMatchFileSnapshot(
      '__golden__/ticket-rush.ko.md',
    );
  });

  it('of a run too short for per-second data says so (golden)', async () => {
    await expect(renderMarkdownReport(fixture('seat-race-smoke'), { lang: 'en' })).toMatchFileSnapshot(
      '__golden__/seat-race-smoke.en.md',
    );
  });

  it('of a run split over runners has a row per runner (golden)', async () => {
    const md = renderMarkdownReport(fixture('seat-race-runners'), { lang: 'en' });
    expect(md).toMatch(/## Runners\n\n\| runner \| segment \|/);
    expect(md).toContain('| `runner-2 (local)` | 1/3:2/3 |');
    await expect(md).toMatchFileSnapshot('__golden__/seat-race-runners.en.md');
  });

  it('as HTML also has a row per runner, its names escaped', () => {
    const r = clone(fixture('seat-race-runners'));
    const first = r.summary.runners?.[0];
    if (first) first.where = HOSTILE;
    const html = renderHtmlReport(r, { lang: 'en', version: 'test', assets: STUB_ASSETS });
    expect(html).toContain('id="runners"');
    expect(html).toContain('1/3:2/3');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;script&gt;');
  });

  it('observes the failed p95 of reserve together with its expected 409s', () => {
    const md = renderMarkdownReport(report, { lang: 'en' });
    expect(md).toContain(
      'p95 of `reserve` broke its threshold: 10.6ms against `p(95)<8`; 409s are 90% of its responses, expected by the plan (`expect`), so not errors',
    );
  });

  it('never lets a name become markup', () => {
    const md = renderMarkdownReport(hostile(), { lang: 'en' });
    // Code spans show their content as text; outside them no tag may appear.
    const outsideCode = md.replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toMatch(/<(script|img|svg|b|i|k|v|\/td)[\s>]/);
    expect(md).toContain('`</td><script>alert(3)</script>`');
    expect(md).toContain('# Load test report: &lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});
type Case = {
  name: string;
  classname: string;
  failure?: { message: string; type: string; '#text': string };
};
type Suite = { name: string; tests: string; failures: string; errors: string; testcase: Case[] };
const parse = (xml: string) => {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as {
    testsuites: { tests: string; failures: string; errors: string; testsuite: Suite[] };
  };
};

describe('JUnit report', () => {
  it('has one test case per threshold, check and invariant, plus the run', () => {
    const s = fixture('ticket-rush').summary;
    const doc = parse(renderJUnitReport(s));
    const suites = doc.testsuites.testsuite;
    expect(suites.map((x) => x.testcase.length)).toEqual([
      s.thresholds.length,
      s.checks.length,
      s.invariants.length,
      1,
    ]);
    const expected = s.thresholds.length + s.checks.length + s.invariants.length + 1;
    expect(Number(doc.testsuites.tests)).toBe(expected);
    expect(Number(doc.testsuites.failures)).toBe(
      s.thresholds.filter((t) => !t.ok).length + s.checks.filter((c) => c.fails > 0).length,
    );
    expect(Number(doc.testsuites.errors)).toBe(0);
    for (const suite of suites) {
      expect(Number(suite.tests)).toBe(suite.testcase.length);
      expect(Number(suite.failures)).toBe(suite.testcase.filter((c) => c.failure).length);
    }
  });

  it('carries observed against limit in a failed threshold', () => {
    const doc = parse(renderJUnitReport(fixture('ticket-rush').summary));
    const failed = doc.testsuites.testsuite[0]!.testcase.find((c) => c.failure)!;
    expect(failed.name).toBe('http_req_duration{name:reserve} p(95)<8');
    expect(failed.failure?.type).toBe('threshold');
    expect(failed.failure?.message).toBe('observed 10.6ms, threshold p(95)<8');
    expect(failed.failure?.['#text']).toContain('observed: 10.6ms (p(95) = 10.6482321)');
  });

  it('names checks by their group and keeps hostile names as text', () => {
    const r = hostile();
    const doc = parse(renderJUnitReport(r.summary));
    const checks = doc.testsuites.testsuite[1]!.testcase;
    expect(checks[1]).toMatchObject({
      name: '</td><script>alert(3)</script>',
      classname: `loadctl.${HOSTILE}.checks.<svg onload=alert(4)>`,
    });
  });

  it('is never tests="0": a run with no thresholds or checks still has its run case, failing when k6 failed', () => {
    const s = clone(fixture('seat-race-smoke').summary);
    s.thresholds = [];
    s.checks = [];
    s.invariants = [];
    s.outcome = {
      kind: 'k6-error',
      k6ExitCode: 107,
      reason: 'the script threw an exception',
      detail: 'boom',
    };
    const xml = renderJUnitReport(s);
    const doc = parse(xml);
    expect(doc.testsuites.tests).toBe('1');
    expect(doc.testsuites.errors).toBe('1');
    expect(xml).toContain('<error type="k6-error" message="the script threw an exception — boom">');
  });

  it('in Korean is still well-formed', () => {
    const doc = parse(renderJUnitReport(fixture('ticket-rush').summary, { lang: 'ko' }));
    expect(doc.testsuites.testsuite[0]!.testcase.find((c) => c.failure)?.failure?.message).toBe(
      '측정값 10.6ms, 임계값 p(95)<8',
    );
  });
});

describe('HTML report', () => {
  const report = fixture('ticket-rush');
  const html = renderHtmlReport(report, { assets: STUB_ASSETS, version: '0.0.0' });

  it('is one file with no address to fetch, and a CSP that allows none', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("default-src 'none'");
    expect(html).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain(STUB_ASSETS.uplotJs);
  });

  it('has the tables: verdict, thresholds, endpoints, checks in groups, invariants, custom metrics, metadata', () => {
    expect(html).toContain('data-verdict="thresholds-failed"');
    for (const id of [
      'thresholds',
      'endpoints',
      'checks',
      'invariants',
      'custom-metrics',
      'configuration',
      'metadata',
    ])
      expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('<td>booking</td><td><code>seats: status is 200</code></td>');
    expect(html).toContain('v1.8.1');
    expect(html).toContain('AMD EPYC');
  });

  it('carries every chart as data, time charts included for a run of seconds', () => {
    const json = html.match(/<script type="application\/json" id="loadctl-charts">(.*?)<\/script>/s)?.[1];
    const charts = (JSON.parse(json ?? '{}') as { charts: Array<{ id: string; x: number[] }> }).charts;
    expect(charts.map((c) => c.id)).toEqual([
      'vus',
      'rps',
      'latency',
      'errors',
      'endpoint-latency',
      'percentiles',
      'responses',
    ]);
    expect(charts.every((c) => c.x.length > 0)).toBe(true);
    for (const c of charts) expect(html).toContain(`data-chart="${c.id}"`);
  });

  it('of a run shorter than a second explains the missing time charts and still draws the others', () => {
    const short = renderHtmlReport(fixture('seat-race-smoke'), { assets: STUB_ASSETS, version: '0.0.0' });
    expect(short).toContain('No per-second data: k6 ran 41.3ms');
    expect(short).not.toContain('data-chart="vus"');
    expect(short).toContain('data-chart="percentiles"');
    expect(short).toContain('data-chart="responses"');
  });

  it('shows every hostile name as text', () => {
    const page = renderHtmlReport(hostile(), { assets: STUB_ASSETS, version: '0.0.0' });
    const markup = page.replace(/<script type="application\/json"[^>]*>.*?<\/script>/s, '');
    expect(markup.match(/<script/g)).toHaveLength(2);
    expect(markup).not.toMatch(/<(img|svg|b|i|k|v)[\s>]/);
    expect(page).toContain('<title>Load test report: &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  it('inlines the real uPlot without closing its script early', () => {
    const require = createRequire(import.meta.url);
    const assets = {
      uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
    const page = renderHtmlReport(report, { assets, version: '0.0.0', lang: 'ko' });
    expect(page).toContain('<html lang="ko">');
    expect(page).toContain('부하 테스트 보고서: ticket-rush');
    expect(page.match(/<\/script>/g)).toHaveLength(3);
  });
});

describe('charts', () => {
  const a = fixture('ticket-rush');
  const b = fixture('seat-race-smoke');

  it('align lines with different x values on one axis, with gaps as null', () => {
    expect(
      alignLines([
        {
          label: 'a',
          color: '#000',
          points: [
            { t: 1, value: 1 },
            { t: 2, value: 2 },
          ],
        },
        {
          label: 'b',
          color: '#111',
          points: [
            { t: 1.5, value: 3 },
            { t: 2, value: undefined },
          ],
        },
      ]),
    ).toEqual({
      x: [1, 1.5, 2],
      series: [
        { label: 'a', color: '#000', values: [1, null, 2] },
        { label: 'b', color: '#111', values: [null, 3, null] },
      ],
    });
  });

  it('overlay several runs: one line per run, labelled by run', () => {
    const runs: ChartRun[] = [
      { label: 'x86', summary: a.summary, series: a.series },
      { label: 'graviton', summary: a.summary, series: a.series },
    ];
    const charts = runCharts(runs, messages('en').chart, 'all');
    const rps = charts.find((c) => c.id === 'rps')!;
    expect(rps.series.map((s) => s.label)).toEqual(['x86', 'graviton']);
    expect(rps.series[0]!.color).not.toBe(rps.series[1]!.color);
    const latency = charts.find((c) => c.id === 'latency')!;
    expect(latency.series.map((s) => s.label)).toEqual([
      'x86 · p50',
      'x86 · p95',
      'x86 · p99',
      'graviton · p50',
      'graviton · p95',
      'graviton · p99',
    ]);
  });

  it('percentiles per endpoint come from the summary, so a 0.04 s run has them', () => {
    const c = percentileChart([{ label: '', summary: b.summary }], messages('en').chart, 'all')!;
    expect(c.categories).toEqual(['p50', 'p90', 'p95', 'p99', 'max']);
    expect(c.series.map((s) => s.label)).toEqual(['token', 'seats', 'reserve', 'all']);
    expect(c.series[2]!.values[2]).toBe(b.summary.endpoints[2]!.duration['p(95)']);
  });

  it('responses: status classes with raw samples, else declared statuses, failed and the rest', () => {
    const w = messages('en').chart;
    const withClasses = responsesChart([{ label: '', summary: a.summary }], w)!;
    expect(withClasses.series.map((s) => s.label)).toEqual(['2xx', '4xx', '5xx']);
    expect(withClasses.series.map((s) => s.values[2])).toEqual([89, 925, 16]);
    const declared = responsesChart([{ label: '', summary: b.summary }], w)!;
    expect(declared.series.map((s) => s.label)).toEqual(['201', '409', 'other, not failed']);
    const reserve = b.summary.endpoints[2]!;
    expect(declared.series.map((s) => s.values[2])).toEqual([
      reserve.statuses['201'],
      reserve.statuses['409'],
      0,
    ]);
  });
});

describe('observations', () => {
  it('pick the endpoint of a {name:…} threshold', () => {
    expect(thresholdEndpoint('http_req_duration{name:reserve}')).toBe('reserve');
    expect(thresholdEndpoint('http_req_duration{name:reserve,status:201}')).toBeUndefined();
    expect(thresholdEndpoint('http_req_failed')).toBeUndefined();
  });

  it('lead with what decided the verdict', () => {
    const s = clone(fixture('ticket-rush').summary);
    s.outcome = {
      kind: 'generator-saturated',
      reasons: [{ kind: 'cpu', detail: 'k6 used 1.9 cores', fix: 'more cores' }],
    };
    expect(observeRun(s)[0]?.kind).toBe('saturated');
  });

  it('say everything passed when it did', () => {
    const o = observeRun(fixture('seat-race-smoke').summary, fixture('seat-race-smoke').series?.points);
    expect(o[0]).toEqual({ kind: 'all-passed', thresholds: 3, checks: 3, invariants: 1 });
    expect(o.some((x) => x.kind === 'no-series')).toBe(true);
  });
});

describe('formats and languages', () => {
  it('parse --report lists', () => {
    expect(parseReportFormats('html, junit,md')).toEqual({
      ok: true,
      formats: ['html', 'junit', 'markdown'],
    });
    expect(parseReportFormats('html,pdf')).toEqual({ ok: false, unknown: ['pdf'] });
    expect(parseLang('KO')).toBe('ko');
    expect(parseLang('fr')).toBeUndefined();
  });

  it('json is the summary model', () => {
    const r = fixture('ticket-rush');
    expect(JSON.parse(renderReport('json', r, { lang: 'en', version: '0' }))).toEqual(r.summary);
  });

  it('map outcomes to the verdicts reports lead with', () => {
    expect(verdictOf({ kind: 'thresholds-failed', failed: [], aborted: true })).toBe('aborted');
    expect(verdictOf({ kind: 'interrupted', partial: true })).toBe('aborted');
    expect(verdictOf({ kind: 'passed' })).toBe('passed');
  });
});

describe('terminal table headings', () => {
  const s = fixture('ticket-rush').summary;
  it('are English unless asked, byte for byte', () => {
    expect(renderSummaryTable(s, { color: false, width: 120, lang: 'en' })).toBe(
      renderSummaryTable(s, { color: false, width: 120 }),
    );
  });
  it('are Korean with lang ko (golden)', async () => {
    await expect(renderSummaryTable(s, { color: false, width: 120, lang: 'ko' })).toMatchFileSnapshot(
      '__golden__/ticket-rush.table.ko.txt',
    );
  });
});
