import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../model/summary.js';
import type { SuiteRow } from '../model/suite.js';
import {
  renderSuiteHtml,
  renderSuiteJUnit,
  renderSuiteMarkdown,
  renderSuiteReports,
  renderSuiteTable,
  type SuiteView,
} from './suite.js';

const summary = (name: 'seat-race-smoke' | 'ticket-rush'): RunSummary =>
  JSON.parse(
    readFileSync(new URL(`../../../test/fixtures/report/${name}/summary.json`, import.meta.url), 'utf8'),
  ) as RunSummary;

const ROWS: SuiteRow[] = [
  {
    file: 'plans/a.yaml',
    plan: 'seat-race',
    target: 'demo',
    outcome: 'passed',
    exitCode: 0,
    requests: 1234,
    p95Ms: 23.98,
    errorRate: 0,
    runId: '20261122T043249Z-73958e',
    runDir: '/w/results/seat-race/20261122T043249Z-73958e',
    cpu: {
      id: 'processCpu',
      source: 'demo',
      label: 'CPU',
      unit: 'percent',
      avg: 37.5,
      p95: 50,
      max: 60,
      min: 1,
      samples: 9,
    },
  },
  {
    file: 'plans/b.yaml',
    plan: 'ticket\u001b[31m<rush>',
    target: 'demo',
    outcome: 'thresholds-failed',
    exitCode: 99,
    requests: 2092,
    p95Ms: 10.65,
    errorRate: 0.0196,
    runId: '20261122T043229Z-8c4aee',
    runDir: '/w/results/ticket-rush/20261122T043229Z-8c4aee',
  },
  { file: 'plans/c.yaml', plan: 'later', target: 'demo', outcome: 'not run' },
];

const VIEW: SuiteView = {
  id: '20261203T160000Z-abcdef',
  rows: ROWS,
  exitCode: 99,
  suiteDir: '/w/results/suite-20261203T160000Z-abcdef',
  formats: ['html', 'markdown'],
};

describe('suite table', () => {
  it('has one row per plan with its figures, the exit code, which plans ran, and no raw control characters', () => {
    const t = renderSuiteTable(VIEW, { color: false });
    expect(t).toMatch(
      /seat-race\s+demo\s+passed\s+1,234\s+24\.0ms\s+0\.00%\s+37\.5%\s+20261122T043249Z-73958e/,
    );
    expect(t).toMatch(/thresholds-failed \(exit 99\)\s+2,092/);
    expect(t).toMatch(/later\s+demo\s+not run/);
    expect(t).toContain('suite 20261203T160000Z-abcdef: 2 of 3 plans ran, exit 99');
    expect(t).toContain('not run (stopped): plans/c.yaml');
    expect(t).not.toContain('\u001b');
  });
});

describe('suite reports', () => {
  it('Markdown: a row per plan, runs linked to their report.md relative to the suite folder, names escaped', () => {
    const md = renderSuiteMarkdown(VIEW);
    expect(md).toContain('Exit code 99: 2 of 3 plans ran.');
    expect(md).toContain('[20261122T043249Z-73958e](../seat-race/20261122T043249Z-73958e/report.md)');
    expect(md).toContain('ticket␛\\[31m&lt;rush&gt;');
    expect(md.split('\n').filter((l) => l.startsWith('| ')).length).toBe(4);
  });

  it('HTML: no script, runs linked to their report.html, names escaped', () => {
    const html = renderSuiteHtml(VIEW);
    expect(html).not.toContain('<script');
    expect(html).toContain('href="../ticket-rush/20261122T043229Z-8c4aee/report.html"');
    expect(html).toContain('&lt;rush&gt;');
    expect(html).not.toContain('<rush>');
  });

  it('links nothing for a format the runs did not write', () => {
    expect(renderSuiteMarkdown({ ...VIEW, formats: [] })).not.toContain('report.md');
  });

  it('JUnit: valid XML with one test suite per plan, a run’s failed threshold a failure, a plan not run skipped', () => {
    const xml = renderSuiteJUnit(VIEW, [summary('seat-race-smoke'), summary('ticket-rush'), undefined]);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (n) => n === 'testsuite' || n === 'testcase',
    }).parse(xml) as { testsuites: { testsuite: Array<Record<string, string>> } };
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s) => s['@_name'])).toEqual([
      'seat-race (plans/a.yaml)',
      'ticket\u001b[31m<rush> (plans/b.yaml)'.replace('\u001b', '\uFFFD'),
      'later (plans/c.yaml)',
    ]);
    expect(suites[0]?.['@_failures']).toBe('0');
    expect(Number(suites[1]?.['@_failures'])).toBeGreaterThan(0);
    expect(suites[2]?.['@_skipped']).toBe('1');
  });

  it('writes only the formats asked for, json being the runs’ own', () => {
    expect(
      Object.keys(renderSuiteReports(VIEW, ['html', 'junit', 'json'], [undefined, undefined, undefined])),
    ).toEqual(['suite.html', 'junit.xml']);
  });
});
