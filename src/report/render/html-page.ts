// The building blocks of loadctl's HTML pages (the run report and the comparison report): the page shell
// with its Content-Security-Policy and inlined uPlot, tables, chart figures, sections and the verdict badge.
// Every text from a plan or a response goes through escapeHtml before it reaches a block. Pure.
import { createHash } from 'node:crypto';
import type { Outcome } from '../model/outcome.js';
import { verdictOf, type Verdict } from '../model/sections.js';
import type { ChartSpec } from './charts.js';
import { escapeHtml, inlineSafe, jsonForScript } from './escape.js';
import { CHART_CLIENT_JS } from './html-client.js';
import type { Messages } from './messages.js';

/** The charting library, inlined into every page. */
export interface ChartAssets {
  uplotJs: string;
  uplotCss: string;
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
