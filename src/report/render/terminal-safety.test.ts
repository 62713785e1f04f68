// Hostile names (from a plan, a response or a hand-edited stored run) against every terminal renderer: the
// output holds no raw control character but the renderer's own line breaks and colour codes, and a name
// adds no line. See src/terminal-safe.ts for what the user sees instead.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareRuns, type CompareRun } from '../compare/compare.js';
import { parseRunReport, type RunReport } from '../model/report.js';
import { RUN_FILES } from '../../store/layout.js';
import type { RunSummary } from '../model/summary.js';
import { renderCompareMarkdown, renderCompareTable } from './compare-table.js';
import { renderMarkdownReport } from './markdown.js';
import { renderRunsTable } from './runs-table.js';
import { renderSummaryTable } from './table.js';
import { hostRecord, nodeSource, series } from '../../monitor/server.fixture.js';
import { summarizeServer } from '../../monitor/stats.js';

/** Clear screen, set the window title (OSC … BEL), NUL, a right-to-left override, CR LF, a C1 CSI. */
const EVIL = 'n\u001b[2J\u001b]0;pwned\u0007\u0000\u202Eev\r\nil\u009b1m\t|x';

const SGR = /\u001b\[[0-9;]*m/g; // eslint-disable-line no-control-regex
// Anything but LF that a terminal acts on, or that hides or reorders text.
const RAW =
  /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\u2028\u2029\uFEFF]/; // eslint-disable-line no-control-regex

function expectClean(text: string, color: boolean): void {
  const stripped = text.replace(SGR, '');
  if (!color) expect(stripped).toBe(text);
  expect(stripped).not.toMatch(RAW);
  expect(stripped).toContain('␛[2J');
  expect(stripped).toContain('␛]0;pwned␇');
  expect(stripped).toContain('\\u{202e}');
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const readJson = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url), 'utf8'));

function report(): RunReport {
  const dir = new URL('../../../test/fixtures/report/ticket-rush/', import.meta.url);
  const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');
  const r = parseRunReport({
    summary: read(RUN_FILES.summary),
    series: read(RUN_FILES.series),
    meta: read(RUN_FILES.meta),
    plan: read(RUN_FILES.plan),
  });
  if (!r) throw new Error('the fixture has no summary');
  return r;
}

/** The summary with every name a plan, a response or a stored file controls made hostile. */
function hostile(s: RunSummary, tail = EVIL): RunSummary {
  const h = clone(s);
  h.plan = `plan${tail}`;
  h.profile = `profile${tail}`;
  h.runId = `${h.runId}${tail}`;
  h.target = { name: `target${tail}`, url: `http://127.0.0.1:1/${tail}` };
  for (const e of h.endpoints) e.name = `${e.name}${tail}`;
  for (const t of h.thresholds) t.metric = `${t.metric}${tail}`;
  for (const c of h.checks) {
    c.name = `${c.name}${tail}`;
    if (c.group) c.group = `::group${tail}`;
  }
  for (const i of h.invariants) {
    i.name = `${i.name}${tail}`;
    i.detail = `response said ${tail}`;
  }
  h.notes = [`note ${tail}`];
  // The server side: a source's address and its read errors come from the plan and the network.
  const server = hostRecord([40, 60, 50]);
  server.sources = [
    nodeSource({ address: `http://h/${tail}`, errors: [{ message: `refused ${tail}`, count: 1 }] }),
  ];
  server.series.push({ ...series('load1', [1, 2, 3]), label: `query ${tail}`, id: `query:q${tail}` });
  h.server = summarizeServer(server);
  return h;
}

/** Every Markdown table row has as many cell separators (unescaped pipes) as its table's header. */
function expectTablesWhole(md: string): void {
  const tables = md.split('\n\n').filter((b) => b.startsWith('| '));
  expect(tables.length).toBeGreaterThan(0);
  const cells = (row: string) => row.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length;
  for (const t of tables) {
    const rows = t.split('\n');
    for (const row of rows) expect(cells(row), row).toBe(cells(rows[0] ?? ''));
  }
}

const lineCount = (text: string) => text.replace(SGR, '').split('\n').length;

describe('terminal safety: the run summary table', () => {
  const base = report().summary;
  for (const color of [false, true])
    it(`shows hostile names visibly and adds no line (colour ${color ? 'on' : 'off'})`, () => {
      const text = renderSummaryTable(hostile(base), { color, width: 200, runDir: `results/x${EVIL}` });
      expectClean(text, color);
      const benign = renderSummaryTable(hostile(base, ' benign'), { color, width: 200, runDir: 'r' });
      expect(lineCount(text)).toBe(lineCount(benign));
    });
});

describe('terminal safety: Markdown report (printed by `report --format markdown`)', () => {
  it('shows hostile names visibly, keeps every table row one line and its pipes escaped', () => {
    const r = report();
    const md = renderMarkdownReport({ ...r, summary: hostile(r.summary) }, { lang: 'en' });
    expectClean(md, false);
    const benign = renderMarkdownReport({ ...r, summary: hostile(r.summary, ' benign') }, { lang: 'en' });
    expect(lineCount(md)).toBe(lineCount(benign));
    expectTablesWhole(md);
  });
});

describe('terminal safety: `loadctl runs`', () => {
  for (const color of [false, true])
    it(`shows stored fields and damaged-run messages visibly (colour ${color ? 'on' : 'off'})`, () => {
      const s = hostile(report().summary);
      const text = renderRunsTable([{ dir: '/w/results/p/r', summary: s }], {
        color,
        cwd: '/w',
        damaged: [
          {
            dir: '/w/results/p/d',
            plan: `p${EVIL}`,
            id: `d${EVIL}`,
            file: 'summary.json',
            message: `summary.json: plan: ${EVIL}`,
            hint: `hint ${EVIL}`,
          },
        ],
      });
      expectClean(text, color);
      // Header, rule, two rows, the count and the damaged run's line.
      expect(lineCount(text.trimEnd())).toBe(6);
    });
});

describe('terminal safety: compare', () => {
  const dir = 'stored-runs/compare';
  const run = (id: string): CompareRun => ({
    summary: hostile(readJson(`${dir}/${id}/summary.json`) as RunSummary),
    facts: { k6Version: `v1${EVIL}`, targetDescription: `described ${EVIL}` },
  });
  const c = compareRuns([
    { label: `x86${EVIL}`, runs: [run('20261122T043604Z-11f905')] },
    { label: 'arm', runs: [run('20261122T043613Z-e700a2')] },
  ]);
  for (const color of [false, true])
    it(`the table shows names visibly (colour ${color ? 'on' : 'off'})`, () => {
      expectClean(renderCompareTable(c, { color }), color);
    });
  it('the Markdown keeps every table row one line', () => {
    const md = renderCompareMarkdown(c);
    expectClean(md, false);
    expectTablesWhole(md);
  });
});
