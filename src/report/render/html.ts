// The HTML report: one self-contained file. uPlot and its stylesheet are inlined (read by the caller from
// node_modules and passed in), the chart data travels as a JSON block, and a Content-Security-Policy
// allows no network access at all and only the page's own scripts (by hash). Every text from a plan or a
// response goes through escapeHtml. The building blocks (page shell, tables, chart figures) are exported for
// the comparison report. Pure.
import { createHash } from 'node:crypto';
import type { Outcome } from '../model/outcome.js';
import type { RunSummary } from '../model/summary.js';
import {
  BUILTIN_METRICS,
  describeMetric,
  formatCount,
  formatMs,
  formatObserved,
  formatPercent,
  formatRate,
} from './table.js';
import { runCharts, type ChartRun, type ChartSpec } from './charts.js';
import { escapeHtml, inlineSafe, jsonForScript } from './escape.js';
import { describeHost, formatDate, groupLabel, statusText } from './format.js';
import { CHART_CLIENT_JS } from './html-client.js';
import { messages, verdictOf, type Lang, type Messages, type Verdict } from './i18n.js';
import type { RunReport } from '../model/report.js';
import { observeRun } from './observations.js';
import { richToHtml } from './rich.js';

/** The charting library, inlined into every page. */
export interface ChartAssets {
  uplotJs: string;
  uplotCss: string;
}

export interface HtmlOptions {
  lang?: Lang;
  assets: ChartAssets;
  /** loadctl's version, for the footer. */
  version: string;
}

const h = escapeHtml;

const PAGE_CSS = `
:root { --fg: #1d2433; --muted: #5b6478; --line: #e3e6ee; --bg: #f6f7fb; --card: #fff;
  --pass: #0a7c42; --pass-bg: #e5f6ec; --fail: #b42318; --fail-bg: #fdecea; --warn: #9a5b00; --warn-bg: #fff4e0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans KR", "Apple SD Gothic Neo",
  "Malgun Gothic", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
header.report { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 16px; margin-bottom: 4px; }
h1 { font-size: 24px; margin: 0; word-break: break-word; }
h2 { font-size: 17px; margin: 28px 0 10px; }
h3 { font-size: 14px; margin: 0; }
.sub { color: var(--muted); margin: 4px 0 16px; word-break: break-word; }
.verdict { display: inline-block; padding: 4px 12px; border-radius: 999px; font-weight: 700; font-size: 13px;
  text-transform: uppercase; letter-spacing: .03em; }
.verdict.pass { color: var(--pass); background: var(--pass-bg); }
.verdict.fail { color: var(--fail); background: var(--fail-bg); }
.verdict.warn { color: var(--warn); background: var(--warn-bg); }
.outcome { margin: 0 0 16px; word-break: break-word; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.kpi .v { font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; }
.kpi .l { color: var(--muted); font-size: 12px; }
.kpi.bad .v { color: var(--fail); }
ul.observations { background: var(--card); border: 1px solid var(--line); border-radius: 8px; margin: 0;
  padding: 10px 14px 10px 32px; }
ul.observations li { margin: 3px 0; word-break: break-word; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; }
figure.chart { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px;
  min-width: 0; }
figure.chart figcaption p { margin: 2px 0 6px; color: var(--muted); font-size: 12px; }
.plot { width: 100%; min-height: 260px; }
.note { background: var(--warn-bg); border-radius: 8px; padding: 8px 12px; color: var(--warn); }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line);
  border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top;
  word-break: break-word; }
th { background: #eef0f6; font-weight: 600; font-size: 12px; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:last-child td { border-bottom: 0; }
tr.total td { font-weight: 650; }
.ok { color: var(--pass); font-weight: 700; }
.bad { color: var(--fail); font-weight: 700; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef0f6;
  padding: 1px 4px; border-radius: 4px; }
td code { background: none; padding: 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: var(--card);
  border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; word-break: break-word; }
footer { color: var(--muted); font-size: 12px; margin-top: 32px; }
@media (max-width: 600px) { .charts { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } .kpi, figure.chart, table, ul.observations, dl.meta { break-inside: avoid; } }
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * A complete page: head with the CSP, inlined uPlot and the chart client, the given body, and the chart
 * specs as JSON. The CSP forbids every fetch (default-src 'none'), forms and base URLs, and runs only the
 * two scripts whose hashes it lists: even markup that slipped through escaping could not run a script or
 * reach the network.
 */
export function renderHtmlPage(p: {
  lang: string;
  title: string;
  /** Trusted HTML: built with the helpers here, every piece of data escaped. */
  body: string;
  charts: readonly ChartSpec[];
  words: { seconds: string };
  assets: ChartAssets;
  /** Extra page styles (the comparison report's); trusted, never data. */
  css?: string;
}): string {
  const uplot = inlineSafe(p.assets.uplotJs, 'script');
  const client = inlineSafe(CHART_CLIENT_JS, 'script');
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(uplot)} ${sha256(client)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="${h(p.lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="loadctl">
<title>${h(p.title)}</title>
<style>${inlineSafe(p.assets.uplotCss, 'style')}</style>
<style>${PAGE_CSS}${p.css ?? ''}</style>
</head>
<body>
${p.body}
<script type="application/json" id="loadctl-charts">${jsonForScript({ charts: p.charts, words: p.words })}</script>
<script>${uplot}</script>
<script>${client}</script>
</body>
</html>
`;
}

// ---------------------------------------------------------------- building blocks

export interface Column {
  label: string;
  num?: boolean;
}

/** A table; cells are trusted HTML (escape data with escapeHtml before passing it). */
export function htmlTable(
  columns: readonly Column[],
  rows: ReadonlyArray<readonly string[]>,
  opts: { rowClass?: (i: number) => string } = {},
): string {
  const head = columns.map((c) => `<th${c.num ? ' class="num"' : ''}>${h(c.label)}</th>`).join('');
  const body = rows
    .map((r, i) => {
      const cls = opts.rowClass?.(i) ?? '';
      const cells = r.map((cell, j) => `<td${columns[j]?.num ? ' class="num"' : ''}>${cell}</td>`).join('');
      return `<tr${cls ? ` class="${h(cls)}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Where a chart is drawn: its title and caption, and the element the client fills. */
export function chartFigure(spec: ChartSpec): string {
  return `<figure class="chart"><figcaption><h3>${h(spec.title)}</h3>${
    spec.caption ? `<p>${h(spec.caption)}</p>` : '<p></p>'
  }</figcaption><div class="plot" data-chart="${h(spec.id)}" role="img" aria-label="${h(spec.title)}"></div></figure>`;
}

export function section(id: string, title: string, content: string): string {
  return `<section id="${h(id)}">\n<h2>${h(title)}</h2>\n${content}\n</section>`;
}

export const VERDICT_TONE: Readonly<Record<Verdict, 'pass' | 'fail' | 'warn'>> = {
  passed: 'pass',
  'thresholds-failed': 'fail',
  aborted: 'warn',
  'generator-saturated': 'warn',
  'k6-error': 'fail',
  'invariants-failed': 'fail',
};

export function verdictBadge(outcome: Outcome, m: Messages): string {
  const v = verdictOf(outcome);
  return `<span class="verdict ${VERDICT_TONE[v]}" data-verdict="${h(v)}">${h(m.verdict[v])}</span>`;
}

const mark = (ok: boolean, m: Messages) =>
  ok ? `<span class="ok">✓ ${h(m.ok)}</span>` : `<span class="bad">✗ ${h(m.notOk)}</span>`;

function observedOf(s: RunSummary) {
  return (t: RunSummary['thresholds'][number]) => {
    const metric = s.metrics[t.metric.split('{')[0] ?? ''];
    return formatObserved(t, metric?.contains, metric?.type);
  };
}

/** Latency and status columns of one endpoint row (or the all-requests row). */
function endpointCells(
  name: string,
  requests: number,
  rps: number,
  d: Record<string, number>,
  errorRate: number,
  statuses: string,
): string[] {
  return [
    name,
    formatCount(requests),
    formatRate(rps),
    formatMs(d['med'] ?? d['p(50)']),
    formatMs(d['p(90)']),
    formatMs(d['p(95)']),
    formatMs(d['p(99)']),
    formatMs(d['max']),
    errorRate > 0 ? `<span class="bad">${formatPercent(errorRate)}</span>` : formatPercent(errorRate),
    statuses,
  ];
}

// ---------------------------------------------------------------- the single-run report

export function renderRunBody(
  report: RunReport,
  m: Messages,
  charts: readonly ChartSpec[],
  version: string,
): string {
  const s = report.summary;
  const t = s.totals;
  const meta = report.meta;
  const parts: string[] = [];

  const sub = [
    `${h(m.field.run)} <code>${h(s.runId)}</code>`,
    `${h(m.field.target)} <code>${h(s.target.name)}</code> (${h(s.target.url)})`,
    s.profile ? `${h(m.field.profile)} <code>${h(s.profile)}</code>` : '',
    `${h(formatDate(s.startedAt))}`,
    `${h(m.field.duration)} ${h(formatMs(s.durationMs))}`,
  ].filter(Boolean);
  parts.push(
    `<header class="report"><h1>${h(m.title(s.plan))}</h1>${verdictBadge(s.outcome, m)}</header>`,
    `<p class="sub">${sub.join(' · ')}</p>`,
  );
  const desc = report.plan?.description;
  if (desc) parts.push(`<p class="outcome">${h(desc)}</p>`);

  const checksTotal = t.checksPassed + t.checksFailed;
  const kpi = (label: string, value: string, bad = false) =>
    `<div class="kpi${bad ? ' bad' : ''}"><div class="v">${h(value)}</div><div class="l">${h(label)}</div></div>`;
  parts.push(
    `<div class="kpis">${[
      kpi(m.total.requests, formatCount(t.requests)),
      kpi(m.total.rps, formatRate(t.rps)),
      kpi(m.total.failed, formatPercent(t.errorRate), t.errorRate > 0),
      kpi(m.total.p95, formatMs(s.latency['p(95)'])),
      t.vusMax > 0 ? kpi(m.total.vusMax, formatCount(t.vusMax)) : '',
      kpi(m.total.iterations, formatCount(t.iterations)),
      checksTotal > 0
        ? kpi(m.total.checks, formatPercent(t.checksPassed / checksTotal), t.checksFailed > 0)
        : '',
    ].join('')}</div>`,
  );

  const observations = observeRun(s, report.series, observedOf(s));
  if (observations.length > 0)
    parts.push(
      section(
        'observations',
        m.section.observations,
        `<ul class="observations">${observations.map((o) => `<li>${richToHtml(m.observation(o))}</li>`).join('\n')}</ul>`,
      ),
    );

  if (s.generator.saturated)
    parts.push(
      section(
        'generator',
        m.section.generator,
        htmlTable(
          [{ label: m.col.reason }, { label: m.col.detail }, { label: m.col.fix }],
          s.generator.reasons.map((r) => [`<code>${h(r.kind)}</code>`, h(r.detail), h(r.fix)]),
        ),
      ),
    );

  const timeCharts = charts.some((c) => c.axis === 'time');
  const noSeries =
    !timeCharts && s.totals.requests > 0 ? `<p class="note">${h(m.chart.noSeries(s.durationMs))}</p>\n` : '';
  if (charts.length > 0 || noSeries)
    parts.push(
      section(
        'charts',
        m.section.charts,
        `${noSeries}<div class="charts">\n${charts.map(chartFigure).join('\n')}\n</div>`,
      ),
    );

  if (s.thresholds.length > 0) {
    const observed = observedOf(s);
    parts.push(
      section(
        'thresholds',
        m.section.thresholds,
        htmlTable(
          [
            { label: m.col.result },
            { label: m.col.metric },
            { label: m.col.threshold },
            { label: m.col.observed, num: true },
          ],
          s.thresholds.map((x) => [
            mark(x.ok, m),
            `<code>${h(x.metric)}</code>`,
            `<code>${h(x.expression)}</code>${x.abortOnFail ? ` (${h(m.abortOnFail)})` : ''}`,
            h(x.observed === undefined ? m.noSamples : observed(x)),
          ]),
        ),
      ),
    );
  }

  const endpointRows = s.endpoints.map((e) => {
    const statuses = statusText(e);
    return endpointCells(
      `<code>${h(e.name)}</code>`,
      e.requests,
      e.rps,
      e.duration,
      e.errorRate,
      h(statuses),
    );
  });
  endpointRows.push(endpointCells(h(m.table.all), t.requests, t.rps, s.latency, t.errorRate, ''));
  parts.push(
    section(
      'endpoints',
      m.section.endpoints,
      htmlTable(
        [
          { label: m.col.endpoint },
          { label: m.col.requests, num: true },
          { label: m.col.rps, num: true },
          { label: 'p50', num: true },
          { label: 'p90', num: true },
          { label: 'p95', num: true },
          { label: 'p99', num: true },
          { label: 'max', num: true },
          { label: m.col.errors, num: true },
          { label: m.col.statuses },
        ],
        endpointRows,
        { rowClass: (i) => (i === endpointRows.length - 1 ? 'total' : '') },
      ),
    ),
  );

  if (s.checks.length > 0)
    parts.push(
      section(
        'checks',
        m.section.checks,
        htmlTable(
          [
            { label: m.col.result },
            { label: m.col.group },
            { label: m.col.check },
            { label: m.col.passed, num: true },
            { label: m.col.failed, num: true },
            { label: m.col.passRate, num: true },
          ],
          s.checks.map((c) => {
            const total = c.passes + c.fails;
            return [
              mark(c.fails === 0, m),
              h(groupLabel(c.group, m)),
              `<code>${h(c.name)}</code>`,
              formatCount(c.passes),
              c.fails > 0 ? `<span class="bad">${formatCount(c.fails)}</span>` : '0',
              formatPercent(total ? c.passes / total : 1),
            ];
          }),
        ),
      ),
    );

  if (s.invariants.length > 0)
    parts.push(
      section(
        'invariants',
        m.section.invariants,
        htmlTable(
          [{ label: m.col.result }, { label: m.col.invariant }, { label: m.col.detail }],
          s.invariants.map((i) => [mark(i.ok, m), `<code>${h(i.name)}</code>`, h(i.detail)]),
        ),
      ),
    );

  const custom = Object.entries(s.metrics).filter(([name]) => !BUILTIN_METRICS.has(name));
  if (custom.length > 0)
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
          custom.map(([name, x]) => [
            `<code>${h(name)}</code>`,
            h(x.type),
            h(describeMetric(x.type, x.contains, x.values)),
            h(report.plan?.metrics[name]?.description ?? ''),
          ]),
        ),
      ),
    );

  const scenarios = Object.entries(report.plan?.scenarios ?? {});
  if (scenarios.length > 0)
    parts.push(
      section(
        'configuration',
        m.section.configuration,
        htmlTable(
          [
            { label: m.col.scenario },
            { label: m.col.executor },
            { label: m.col.load },
            { label: m.col.flow },
          ],
          scenarios.map(([name, sc]) => [
            `<code>${h(name)}</code>`,
            `<code>${h(sc.executor)}</code>`,
            h(m.load(sc)),
            typeof sc['flow'] === 'string'
              ? `<code>${h(sc['flow'])}</code>`
              : typeof sc['exec'] === 'string'
                ? `<code>${h(sc['exec'])}</code>`
                : '',
          ]),
        ),
      ),
    );

  if (s.notes.length > 0)
    parts.push(
      section('notes', m.section.notes, `<ul>${s.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`),
    );

  parts.push(
    section(
      'metadata',
      m.section.metadata,
      `<dl class="meta">${metadataRows(report, m)
        .map(([k, v]) => `<dt>${h(k)}</dt><dd>${v}</dd>`)
        .join('\n')}</dl>`,
    ),
  );
  parts.push(`<footer>${h(m.generatedBy(meta?.loadctl ?? version))}</footer>`);
  return `<main>\n${parts.join('\n')}\n</main>`;
}

/** Label → trusted HTML value rows of the run's metadata (meta.json, when present). */
export function metadataRows(report: RunReport, m: Messages): Array<[string, string]> {
  const s = report.summary;
  const meta = report.meta;
  const host = meta?.host;
  const rows: Array<[string, string]> = [
    [m.field.plan, `<code>${h(s.plan)}</code>${meta?.plan?.file ? ` (${h(meta.plan.file)})` : ''}`],
    [m.field.profile, s.profile ? `<code>${h(s.profile)}</code>` : h(m.field.none)],
    [
      m.field.target,
      `<code>${h(s.target.name)}</code> ${h(s.target.url)}${meta?.target?.description ? ` — ${h(meta.target.description)}` : ''}${meta?.target?.demo ? ` (${h(m.field.demo)})` : ''}`,
    ],
    [m.field.run, `<code>${h(s.runId)}</code>`],
    [m.field.started, h(formatDate(s.startedAt))],
    [m.field.ended, h(formatDate(s.endedAt))],
    [m.field.duration, h(formatMs(s.durationMs))],
  ];
  if (meta?.k6?.version) rows.push([m.field.k6, h(meta.k6.version)]);
  if (meta?.k6?.path) rows.push([m.field.k6Path, `<code>${h(meta.k6.path)}</code>`]);
  if (meta?.loadctl) rows.push([m.field.loadctl, h(meta.loadctl)]);
  if (host) rows.push([m.field.generator, h(describeHost(host, m))]);
  const tags = Object.entries(meta?.tags ?? {});
  if (tags.length > 0)
    rows.push([m.field.tags, tags.map(([k, v]) => `<code>${h(k)}=${h(v)}</code>`).join(' ')]);
  if (s.k6ExitCode !== undefined || meta?.exitCode != null)
    rows.push([
      m.field.exitCode,
      h(
        [
          meta?.exitCode != null ? `loadctl ${meta.exitCode}` : '',
          s.k6ExitCode !== undefined ? `k6 ${s.k6ExitCode}` : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
    ]);
  return rows;
}

/** The charts of a single run. */
export function runChartSpecs(report: RunReport, m: Messages): ChartSpec[] {
  const run: ChartRun = { label: '', summary: report.summary, series: report.series };
  return runCharts([run], m.chart, m.table.all);
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
