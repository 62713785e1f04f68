// `loadctl suite`: the one table after the last plan, and the suite's combined reports (a Markdown page and
// an HTML page linking each run's own report, and JUnit with one test suite per plan). Pure: every name
// from a plan is escaped for where it goes.
import { relative } from 'node:path';
import { Chalk } from 'chalk';
import { buildRunSections } from '../model/sections.js';
import type { RunSummary } from '../model/summary.js';
import type { SuiteRow } from '../model/suite.js';
import { terminalSafe } from '../../terminal-safe.js';
import { escapeHtml, escapeMarkdown } from './escape.js';
import { htmlTable } from './html-page.js';
import { renderJUnit, runJUnitSuites, type JUnitSuite } from './junit.js';
import { plainTable } from './plain-table.js';
import { formatServerValue } from './server-words.js';
import { formatCount, formatMs, formatPercent } from './units.js';
import { REPORT_FILES, type ReportFormat } from './formats.js';

export interface SuiteView {
  id: string;
  rows: readonly SuiteRow[];
  /** The suite's exit code. */
  exitCode: number;
  /** The suite folder (results/suite-<id>): run folders are linked relative to it. */
  suiteDir: string;
  /** The reports each run wrote into its folder (`--report`). */
  formats: readonly ReportFormat[];
}

const HEAD = ['plan', 'target', 'outcome', 'requests', 'p95', 'errors', 'server CPU', 'run'];

/** The figures of a row as text, '' where the plan did not run. */
function cells(r: SuiteRow): string[] {
  const ran = r.runId !== undefined;
  return [
    ran ? formatCount(r.requests ?? 0) : '',
    ran ? formatMs(r.p95Ms) : '',
    ran ? formatPercent(r.errorRate ?? 0) : '',
    r.cpu ? formatServerValue(r.cpu.unit, r.cpu.avg) : '',
  ];
}

function outcomeText(r: SuiteRow): string {
  return r.exitCode !== undefined && r.exitCode !== 0 ? `${r.outcome} (exit ${r.exitCode})` : r.outcome;
}

export function renderSuiteTable(v: SuiteView, opts: { color: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const table = plainTable(
    HEAD.map((x) => c.bold(x)),
    ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'left'],
  );
  for (const r of v.rows) {
    const tone = r.outcome === 'passed' ? c.green : r.outcome === 'not run' ? c.yellow : c.red;
    table.push([
      terminalSafe(r.plan),
      terminalSafe(r.target),
      tone(outcomeText(r)),
      ...cells(r),
      r.runId ?? '',
    ]);
  }
  const ran = v.rows.filter((r) => r.runId !== undefined).length;
  const notRun = v.rows.filter((r) => r.outcome === 'not run').map((r) => terminalSafe(r.file));
  const lines = [
    table.toString(),
    `suite ${v.id}: ${ran} of ${v.rows.length} plan${v.rows.length === 1 ? '' : 's'} ran, exit ${v.exitCode}`,
    ...v.rows
      .filter((r) => r.message !== undefined)
      .map((r) => `${c.red('✗')} ${terminalSafe(r.file)}: ${terminalSafe(r.message ?? '')}`),
    ...(notRun.length > 0 ? [`not run (stopped): ${notRun.join(', ')}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The run's own report in `format`, relative to the suite folder; undefined when it wrote none. */
function reportLink(v: SuiteView, r: SuiteRow, format: ReportFormat): string | undefined {
  if (r.runDir === undefined || !v.formats.includes(format)) return undefined;
  return `${relative(v.suiteDir, r.runDir)}/${REPORT_FILES[format]}`;
}

export function renderSuiteMarkdown(v: SuiteView): string {
  const lines = [
    `## loadctl suite ${v.id}`,
    '',
    `Exit code ${v.exitCode}: ${v.rows.filter((r) => r.runId !== undefined).length} of ${v.rows.length} plans ran.`,
    '',
    `| ${HEAD.join(' | ')} |`,
    '|---|---|---|---:|---:|---:|---:|---|',
  ];
  for (const r of v.rows) {
    const link = reportLink(v, r, 'markdown');
    const run = r.runId === undefined ? '' : link ? `[${r.runId}](${encodeURI(link)})` : r.runId;
    const row = [
      escapeMarkdown(r.plan),
      escapeMarkdown(r.target),
      escapeMarkdown(outcomeText(r)),
      ...cells(r),
    ];
    lines.push(`| ${[...row, run].join(' | ')} |`);
  }
  const problems = v.rows.filter((r) => r.message !== undefined);
  if (problems.length > 0) lines.push('');
  for (const r of problems) lines.push(`- ${escapeMarkdown(r.file)}: ${escapeMarkdown(r.message ?? '')}`);
  return `${lines.join('\n')}\n`;
}

const SUITE_CSS =
  'body{font:14px/1.5 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}' +
  'th,td{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}td.num,th.num{text-align:right}' +
  'tr.fail td{background:#fdecea}tr.pass td{background:#eef8ee}tr.skip td{color:#777}';

/** One page, no scripts: the table, each run linked to its own report.html when it wrote one. */
export function renderSuiteHtml(v: SuiteView): string {
  const rows = v.rows.map((r) => {
    const link = reportLink(v, r, 'html');
    const run =
      r.runId === undefined
        ? ''
        : link
          ? `<a href="${escapeHtml(encodeURI(link))}">${escapeHtml(r.runId)}</a>`
          : escapeHtml(r.runId);
    return [r.plan, r.target, outcomeText(r)].map(escapeHtml).concat(cells(r).map(escapeHtml), [run]);
  });
  const tone = (i: number) => {
    const o = v.rows[i]?.outcome;
    return o === 'passed' ? 'pass' : o === 'not run' ? 'skip' : 'fail';
  };
  const columns = HEAD.map((label, i) => ({ label, num: i >= 3 && i <= 6 }));
  const problems = v.rows
    .filter((r) => r.message !== undefined)
    .map((r) => `<li>${escapeHtml(r.file)}: ${escapeHtml(r.message ?? '')}</li>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="generator" content="loadctl">
<title>loadctl suite ${escapeHtml(v.id)}</title>
<style>${SUITE_CSS}</style>
</head>
<body>
<h1>loadctl suite ${escapeHtml(v.id)}</h1>
<p>Exit code ${v.exitCode}: ${v.rows.filter((r) => r.runId !== undefined).length} of ${v.rows.length} plans ran.</p>
${htmlTable(columns, rows, { rowClass: tone })}
${problems.length > 0 ? `<ul>\n${problems.join('\n')}\n</ul>` : ''}
</body>
</html>
`;
}

/** One test suite per plan: its run's thresholds, checks, invariants and verdict as test cases. */
function planSuite(r: SuiteRow, summary: RunSummary | undefined): JUnitSuite {
  const name = `${r.plan} (${r.file})`;
  if (summary !== undefined) {
    const sections = buildRunSections({ summary });
    const cases = runJUnitSuites(sections).flatMap((s) => s.cases);
    return { name, time: summary.durationMs / 1000, timestamp: summary.startedAt, cases };
  }
  const classname = `loadctl.suite.${r.plan}`;
  if (r.outcome === 'not run')
    return {
      name,
      cases: [{ name: 'run', classname, skipped: { message: 'not run: the suite was stopped' } }],
    };
  const message = r.message ?? 'the run failed';
  return { name, cases: [{ name: 'run', classname, error: { type: r.outcome, message, detail: message } }] };
}

/** Each row's stored summary, undefined for a plan that did not run. */
export type SuiteSummaries = ReadonlyArray<RunSummary | undefined>;

export function renderSuiteJUnit(v: SuiteView, summaries: SuiteSummaries): string {
  return renderJUnit(
    `loadctl suite ${v.id}`,
    v.rows.map((r, i) => planSuite(r, summaries[i])),
  );
}

/** The suite folder's report files, by name. */
export function renderSuiteReports(
  v: SuiteView,
  formats: readonly ReportFormat[],
  summaries: SuiteSummaries,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (formats.includes('html')) out['suite.html'] = renderSuiteHtml(v);
  if (formats.includes('markdown')) out['suite.md'] = renderSuiteMarkdown(v);
  if (formats.includes('junit')) out['junit.xml'] = renderSuiteJUnit(v, summaries);
  return out;
}
