// The HTML report: one self-contained file. uPlot and its stylesheet are inlined (read by the caller from
// node_modules and passed in), the chart data travels as a JSON block, and a Content-Security-Policy
// allows no network access at all and only the page's own scripts (by hash). Every text from a plan or a
// response goes through escapeHtml. The page shell and blocks are in html-page.ts, shared with the
// comparison report. Pure.
import type { RunReport } from '../model/report.js';
import { buildRunSections, type EndpointTotal, type RunSections } from '../model/sections.js';
import { runCharts, type ChartRun, type ChartSpec } from './charts.js';
import { escapeHtml } from './escape.js';
import { describeHost, groupLabel } from './format.js';
import {
  chartFigure,
  htmlTable,
  renderHtmlPage,
  section,
  verdictBadge,
  type ChartAssets,
  type Column,
} from './html-page.js';
import { serverSectionHtml } from './html-server.js';
import {
  aboutSectionHtml,
  llmSectionHtml,
  recommendationSectionHtml,
  responseTimeSectionHtml,
} from './html-study.js';
import { messages, type Lang } from './i18n.js';
import type { Messages } from './messages.js';
import { richToHtml } from './rich.js';
import { serverCharts } from './server-charts.js';
import { formatCount, formatDate, formatMs, formatPercent, formatRate } from './units.js';
import { describeMetric, endpointFigureCells, formatObserved, statusText, runnerCells } from './values.js';

// Re-exported for the callers that pass the charting library in (src/run/reports.ts).
export type { ChartAssets } from './html-page.js';

export interface HtmlOptions {
  lang?: Lang;
  assets: ChartAssets;
  /** loadctl's version, for the footer. */
  version: string;
}

const h = escapeHtml;
const codeHtml = (text: string) => `<code>${h(text)}</code>`;

const mark = (ok: boolean, m: Messages) =>
  ok ? `<span class="ok">✓ ${h(m.ok)}</span>` : `<span class="bad">✗ ${h(m.notOk)}</span>`;

/** Latency and status columns of one endpoint row (or the all-requests row). */
function endpointCells(name: string, e: EndpointTotal, statuses: string): string[] {
  return [
    name,
    ...endpointFigureCells(e),
    e.errorRate > 0 ? `<span class="bad">${formatPercent(e.errorRate)}</span>` : formatPercent(e.errorRate),
    statuses,
  ];
}

function headerParts(sec: RunSections, m: Messages): string[] {
  const r = sec.run;
  const sub = [
    `${h(m.field.run)} ${codeHtml(r.runId)}`,
    `${h(m.field.target)} ${codeHtml(r.target.name)} (${h(r.target.url)})`,
    r.profile ? `${h(m.field.profile)} ${codeHtml(r.profile)}` : '',
    r.overrides ? `${h(m.field.overrides)} ${codeHtml(r.overrides)}` : '',
    `${h(formatDate(r.startedAt))}`,
    `${h(m.field.duration)} ${h(formatMs(r.durationMs))}`,
  ].filter(Boolean);
  return [
    `<header class="report"><h1>${h(m.title(r.plan))}</h1>${verdictBadge(sec.outcome, m)}</header>`,
    `<p class="sub">${sub.join(' · ')}</p>`,
    ...(r.description ? [`<p class="outcome">${h(r.description)}</p>`] : []),
  ];
}

function kpis(sec: RunSections, m: Messages): string {
  const t = sec.headline;
  const kpi = (label: string, value: string, bad = false) =>
    `<div class="kpi${bad ? ' bad' : ''}"><div class="v">${h(value)}</div><div class="l">${h(label)}</div></div>`;
  return `<div class="kpis">${[
    kpi(m.total.requests, formatCount(t.requests)),
    kpi(m.total.rps, formatRate(t.rps)),
    kpi(m.total.failed, formatPercent(t.errorRate), t.errorRate > 0),
    kpi(m.total.p95, formatMs(t.latency['p(95)'])),
    t.vusMax > 0 ? kpi(m.total.vusMax, formatCount(t.vusMax)) : '',
    kpi(m.total.iterations, formatCount(t.iterations)),
    t.checks.total > 0
      ? kpi(m.total.checks, formatPercent(t.checks.passed / t.checks.total), t.checks.failed > 0)
      : '',
  ].join('')}</div>`;
}

/** Observations, the generator's saturation and the charts: what to read before the tables. */
function leadSections(sec: RunSections, m: Messages, charts: readonly ChartSpec[]): string[] {
  const parts: string[] = [];
  if (sec.observations.length > 0)
    parts.push(
      section(
        'observations',
        m.section.observations,
        `<ul class="observations">${sec.observations.map((o) => `<li>${richToHtml(m.observation(o))}</li>`).join('\n')}</ul>`,
      ),
    );
  parts.push(...recommendationSectionHtml(sec, m));
  if (sec.generator.saturated)
    parts.push(
      section(
        'generator',
        m.section.generator,
        htmlTable(
          [{ label: m.col.reason }, { label: m.col.detail }, { label: m.col.fix }],
          sec.generator.reasons.map((r) => [codeHtml(r.kind), h(r.detail), h(r.fix)]),
        ),
      ),
    );
  const timeCharts = charts.some((c) => c.axis === 'time');
  const noSeries =
    !timeCharts && sec.headline.requests > 0
      ? `<p class="note">${h(m.chart.noSeries(sec.run.durationMs))}</p>\n`
      : '';
  if (charts.length > 0 || noSeries)
    parts.push(
      section(
        'charts',
        m.section.charts,
        `${noSeries}<div class="charts">\n${charts.map(chartFigure).join('\n')}\n</div>`,
      ),
    );
  return parts;
}

function thresholdSection(sec: RunSections, m: Messages): string[] {
  if (sec.thresholds.length === 0) return [];
  const columns: Column[] = [
    { label: m.col.result },
    { label: m.col.metric },
    { label: m.col.threshold },
    { label: m.col.observed, num: true },
  ];
  const rows = sec.thresholds.map((x) => [
    x.noData ? `<span class="sub">– ${h(m.noSamples)}</span>` : mark(x.ok, m),
    codeHtml(x.metric),
    `${codeHtml(x.expression)}${x.window ? ` ${h(m.overWindow(x.window))}` : ''}${x.abortOnFail ? ` (${h(m.abortOnFail)})` : ''}`,
    h(x.observed === undefined ? m.noSamples : formatObserved(x, x.unit)),
  ]);
  return [section('thresholds', m.section.thresholds, htmlTable(columns, rows))];
}

function endpointSection(sec: RunSections, m: Messages): string {
  const rows = sec.endpoints.map((e) => endpointCells(codeHtml(e.name), e, h(statusText(e))));
  rows.push(endpointCells(h(m.table.all), sec.endpointTotal, ''));
  const num = (label: string): Column => ({ label, num: true });
  const columns: Column[] = [
    { label: m.col.endpoint },
    num(m.col.requests),
    num(m.col.rps),
    ...['p50', 'p90', 'p95', 'p99', 'max'].map(num),
    num(m.col.errors),
    { label: m.col.statuses },
  ];
  return section(
    'endpoints',
    m.section.endpoints,
    htmlTable(columns, rows, { rowClass: (i) => (i === rows.length - 1 ? 'total' : '') }),
  );
}

function checkSection(sec: RunSections, m: Messages): string[] {
  if (sec.checks.length === 0) return [];
  const columns: Column[] = [
    { label: m.col.result },
    { label: m.col.group },
    { label: m.col.check },
    { label: m.col.passed, num: true },
    { label: m.col.failed, num: true },
    { label: m.col.passRate, num: true },
  ];
  const rows = sec.checks.map((c) => [
    mark(c.fails === 0, m),
    h(groupLabel(c.group, m)),
    codeHtml(c.name),
    formatCount(c.passes),
    c.fails > 0 ? `<span class="bad">${formatCount(c.fails)}</span>` : '0',
    formatPercent(c.total ? c.passes / c.total : 1),
  ]);
  return [section('checks', m.section.checks, htmlTable(columns, rows))];
}

function invariantAndMetricSections(sec: RunSections, m: Messages): string[] {
  const parts: string[] = [];
  if (sec.invariants.length > 0)
    parts.push(
      section(
        'invariants',
        m.section.invariants,
        htmlTable(
          [{ label: m.col.result }, { label: m.col.invariant }, { label: m.col.detail }],
          sec.invariants.map((i) => [mark(i.ok, m), codeHtml(i.name), h(i.detail)]),
        ),
      ),
    );
  if (sec.customMetrics.length > 0)
    parts.push(
      section(
        'custom-metrics',
        m.section.customMetrics,
        htmlTable(
          [
            { label: m.col.metric },
            { label: m.col.type },
            { label: m.col.value },
            { label: m.col.description },
          ],
          sec.customMetrics.map((x) => [
            codeHtml(x.name),
            h(x.type),
            h(describeMetric(x.type, x.contains, x.values)),
            h(x.description ?? ''),
          ]),
        ),
      ),
    );
  return parts;
}

function configurationSection(sec: RunSections, m: Messages): string[] {
  if (sec.scenarios.length === 0) return [];
  const columns: Column[] = [
    { label: m.col.scenario },
    { label: m.col.executor },
    { label: m.col.load },
    { label: m.col.flow },
  ];
  const rows = sec.scenarios.map((sc) => [
    codeHtml(sc.name),
    codeHtml(sc.executor),
    h(m.load(sc.settings)),
    sc.flow !== undefined ? codeHtml(sc.flow) : '',
  ]);
  return [section('configuration', m.section.configuration, htmlTable(columns, rows))];
}

/** Label → trusted HTML value rows of the run's identity and environment (meta.json, when present). */
export function metadataRows(sec: RunSections, m: Messages): Array<[string, string]> {
  const r = sec.run;
  const e = sec.environment;
  const rows: Array<[string, string]> = [
    [m.field.plan, `${codeHtml(r.plan)}${r.planFile ? ` (${h(r.planFile)})` : ''}`],
    [m.field.profile, r.profile ? codeHtml(r.profile) : h(m.field.none)],
    ...(r.overrides ? [[m.field.overrides, codeHtml(r.overrides)] as [string, string]] : []),
    [
      m.field.target,
      `${codeHtml(r.target.name)} ${h(r.target.url)}${r.target.description ? ` — ${h(r.target.description)}` : ''}${r.target.demo ? ` (${h(m.field.demo)})` : ''}`,
    ],
    [m.field.run, codeHtml(r.runId)],
    [m.field.started, h(formatDate(r.startedAt))],
    [m.field.ended, h(formatDate(r.endedAt))],
    [m.field.duration, h(formatMs(r.durationMs))],
  ];
  if (e.k6Version) rows.push([m.field.k6, h(e.k6Version)]);
  if (e.k6Path) rows.push([m.field.k6Path, codeHtml(e.k6Path)]);
  if (e.loadctl) rows.push([m.field.loadctl, h(e.loadctl)]);
  if (e.host) rows.push([m.field.generator, h(describeHost(e.host, m))]);
  if (e.tags.length > 0)
    rows.push([m.field.tags, e.tags.map(([k, v]) => `<code>${h(k)}=${h(v)}</code>`).join(' ')]);
  if (r.k6ExitCode !== undefined || r.loadctlExitCode !== undefined)
    rows.push([
      m.field.exitCode,
      h(
        [
          r.loadctlExitCode !== undefined ? `loadctl ${r.loadctlExitCode}` : '',
          r.k6ExitCode !== undefined ? `k6 ${r.k6ExitCode}` : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
    ]);
  return rows;
}

/** Each runner's share and how it ended, when the load was split over runners (docs/distributed.md). */
function runnerSection(report: RunReport, m: Messages): string[] {
  const rows = report.summary.runners ?? [];
  if (rows.length === 0) return [];
  const num = (label: string): Column => ({ label, num: true });
  return [
    section(
      'runners',
      m.section.runners,
      htmlTable(
        [
          { label: m.col.runner },
          { label: m.col.segment },
          num(m.col.requests),
          num(m.col.iterations),
          num(m.col.errors),
          num('p95'),
          { label: m.col.exit },
        ],
        rows.map((r) => {
          const [name, ...rest] = runnerCells(r);
          return [codeHtml(name), ...rest.map((x) => h(x))];
        }),
      ),
    ),
  ];
}

// ---------------------------------------------------------------- the single-run report

export function renderRunBody(
  report: RunReport,
  m: Messages,
  charts: readonly ChartSpec[],
  version: string,
): string {
  const sec = buildRunSections(report);
  const parts = [
    ...headerParts(sec, m),
    ...aboutSectionHtml(sec, m),
    kpis(sec, m),
    ...responseTimeSectionHtml(sec, m),
    ...llmSectionHtml(sec, m),
    ...leadSections(sec, m, charts),
    ...thresholdSection(sec, m),
    endpointSection(sec, m),
    ...serverSectionHtml(sec, m),
    ...checkSection(sec, m),
    ...invariantAndMetricSections(sec, m),
    ...runnerSection(report, m),
    ...configurationSection(sec, m),
    ...(sec.notes.length > 0
      ? [section('notes', m.section.notes, `<ul>${sec.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`)]
      : []),
    section(
      'metadata',
      m.section.metadata,
      `<dl class="meta">${metadataRows(sec, m)
        .map(([k, v]) => `<dt>${h(k)}</dt><dd>${v}</dd>`)
        .join('\n')}</dl>`,
    ),
    `<footer>${h(m.generatedBy(sec.environment.loadctl ?? version))}</footer>`,
  ];
  return `<main>\n${parts.join('\n')}\n</main>`;
}

/** The charts of a single run; the server's (server.json) after the time charts. */
export function runChartSpecs(report: RunReport, m: Messages): ChartSpec[] {
  const run: ChartRun = { label: '', summary: report.summary, series: report.series };
  return withServerCharts(runCharts([run], m.chart, m.table.all), { ...run, server: report.server }, m);
}

/** The server's CPU and memory charts placed after the run's time charts, before the whole-run ones. */
function withServerCharts(charts: ChartSpec[], run: ChartRun, m: Messages): ChartSpec[] {
  const server = serverCharts(run, m.serverChart);
  if (server.length === 0) return charts;
  const at = charts.findIndex((c) => c.axis !== 'time');
  return at < 0 ? [...charts, ...server] : [...charts.slice(0, at), ...server, ...charts.slice(at)];
}

export function renderHtmlReport(report: RunReport, opts: HtmlOptions): string {
  const m = messages(opts.lang);
  const charts = runChartSpecs(report, m);
  return renderHtmlPage({
    lang: m.htmlLang,
    title: m.title(report.summary.plan),
    body: renderRunBody(report, m, charts, opts.version),
    charts,
    words: { seconds: m.chart.seconds },
    assets: opts.assets,
  });
}
