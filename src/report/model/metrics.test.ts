import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../compare/compare.js';
import { renderHtmlReport } from '../render/html.js';
import { renderJUnitReport } from '../render/junit.js';
import { renderMarkdownReport } from '../render/markdown.js';
import { renderSummaryTable } from '../render/table.js';
import { BUILTIN_METRICS, customMetricEntries, isBuiltinMetric } from './metrics.js';
import { buildRunSections } from './sections.js';
import type { MetricSummary, RunSummary } from './summary.js';

const RUNTIME = new URL('../../k6-templates/runtime/', import.meta.url);

/** Every metric name the k6 runtime template creates with a literal name. */
function runtimeMetricNames(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(RUNTIME)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.endsWith('.d.ts')) continue;
    const text = readFileSync(new URL(file, RUNTIME), 'utf8');
    for (const m of text.matchAll(/new (?:Counter|Trend|Rate|Gauge)\(\s*'([^']+)'/g))
      if (m[1]) names.add(m[1]);
  }
  return [...names];
}

const summary = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/report/ticket-rush/summary.json', import.meta.url), 'utf8'),
) as RunSummary;

/** The fixture with every built-in metric, the runtime's own and two custom ones. */
function withEveryMetric(): RunSummary {
  const s = structuredClone(summary);
  const counter: MetricSummary = { type: 'counter', contains: 'default', values: { count: 3, rate: 0.3 } };
  for (const name of [...Object.keys(BUILTIN_METRICS), ...runtimeMetricNames(), 'ws_sessions'])
    s.metrics[name] ??= counter;
  s.metrics['seats_sold'] = counter;
  s.metrics['queue_wait'] = {
    type: 'trend',
    contains: 'time',
    values: { avg: 2, med: 1, 'p(95)': 5, max: 9 },
  };
  return s;
}

describe('built-in metrics', () => {
  it('include every metric the k6 runtime template emits', () => {
    const names = runtimeMetricNames();
    expect(names).toContain('loadctl_flow_aborted');
    for (const name of names) expect(isBuiltinMetric(name), name).toBe(true);
  });

  it('are custom nowhere: compare, the terminal table, Markdown, HTML and JUnit agree', () => {
    const s = withEveryMetric();
    const custom = customMetricEntries(s.metrics).map(([name]) => name);
    expect(custom).toEqual(['reserve_latency', 'seat_won', 'seats_sold', 'queue_wait']);
    expect(buildRunSections({ summary: s }).customMetrics.map((m) => m.name)).toEqual(custom);

    const c = compareRuns([
      { label: 'a', runs: [{ summary: s }] },
      { label: 'b', runs: [{ summary: s }] },
    ]);
    expect(c.custom.map((r) => r.key.replace(/\.[^.]+$/, ''))).toEqual(custom);

    const table = renderSummaryTable(s, { color: false, width: 160 });
    const md = renderMarkdownReport({ summary: s });
    const html = renderHtmlReport({ summary: s }, { assets: { uplotJs: '', uplotCss: '' }, version: '0' });
    /** The text from a section's heading to its end. */
    const part = (text: string, start: string, end: string) => {
      const at = text.indexOf(start);
      expect(at, start).toBeGreaterThanOrEqual(0);
      return text.slice(at, text.indexOf(end, at + start.length));
    };
    const customPart = {
      table: part(table, 'custom metrics', '\n\n'),
      md: part(md, '## Custom metrics', '\n## '),
      html: part(html, '<section id="custom-metrics">', '</section>'),
    };
    for (const [format, part] of Object.entries(customPart)) {
      for (const name of custom) expect(part, `${format} shows ${name}`).toContain(name);
      for (const name of ['loadctl_flow_aborted', 'ws_sessions', 'http_req_duration', 'vus_max'])
        expect(part, `${format} hides ${name}`).not.toContain(name);
    }
    // JUnit has no metric section: a custom metric reaches it only through a threshold, built-in or not.
    expect(renderJUnitReport(s)).not.toContain('loadctl_flow_aborted');
  });
});
