import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRunSections, verdictOf } from './sections.js';
import type { RunSummary } from './summary.js';

const summary = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/report/ticket-rush/summary.json', import.meta.url), 'utf8'),
) as RunSummary;

describe('run report sections', () => {
  it('need only the summary', () => {
    const sec = buildRunSections({ summary });
    expect(sec.verdict).toBe(verdictOf(summary.outcome));
    expect(sec.run).toMatchObject({ plan: summary.plan, runId: summary.runId, target: { demo: false } });
    expect(sec.environment).toEqual({ tags: [] });
    expect(sec.scenarios).toEqual([]);
    expect(sec.headline.checks.total).toBe(summary.totals.checksPassed + summary.totals.checksFailed);
    expect(sec.endpointTotal).toEqual({
      requests: summary.totals.requests,
      rps: summary.totals.rps,
      duration: summary.latency,
      errorRate: summary.totals.errorRate,
    });
    expect(sec.observations.some((o) => o.kind === 'no-series')).toBe(true);
  });

  it('give every threshold the unit of its metric, selector or not', () => {
    const sec = buildRunSections({ summary });
    for (const t of sec.thresholds) {
      const metric = summary.metrics[t.metric.split('{')[0] ?? ''];
      expect(t.unit, t.metric).toEqual(metric ? { contains: metric.contains, type: metric.type } : {});
    }
  });

  it('take identity and environment from meta.json and plan.resolved.json', () => {
    const sec = buildRunSections({
      summary,
      meta: {
        loadctl: '1.2.3',
        k6: { version: 'v1.8.1', path: '/opt/k6' },
        plan: { file: 'plans/ticket-rush.yaml' },
        target: { description: 'staging', demo: true },
        tags: { team: 'web' },
        exitCode: 99,
      },
      plan: {
        description: 'the rush',
        scenarios: { rush: { executor: 'constant-vus', vus: 5, flow: 'buy' } },
        metrics: { seat_won: { description: 'a seat was won' } },
      },
    });
    expect(sec.run).toMatchObject({
      description: 'the rush',
      planFile: 'plans/ticket-rush.yaml',
      target: { description: 'staging', demo: true },
      loadctlExitCode: 99,
    });
    expect(sec.environment).toEqual({
      k6Version: 'v1.8.1',
      k6Path: '/opt/k6',
      loadctl: '1.2.3',
      tags: [['team', 'web']],
    });
    expect(sec.scenarios).toEqual([
      {
        name: 'rush',
        executor: 'constant-vus',
        settings: { executor: 'constant-vus', vus: 5, flow: 'buy' },
        flow: 'buy',
      },
    ]);
    expect(sec.customMetrics.find((m) => m.name === 'seat_won')?.description).toBe('a seat was won');
  });
});
