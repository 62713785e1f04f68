// docs/grafana/loadctl-prometheus.json reads only series k6's experimental-prometheus-rw output writes (with
// loadctl's default trend statistics), and every query filters by loadctl's tags.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_METRICS } from '../k6/metrics.js';
import { DEFAULT_PROM_TREND_STATS } from './outputs.js';

interface Dashboard {
  templating: { list: Array<{ name: string; type: string; query?: unknown }> };
  panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../docs/grafana/loadctl-prometheus.json', import.meta.url), 'utf8'),
) as Dashboard;

const TAGS = ['plan', 'run_id', 'target', 'profile'];

/**
 * The series names k6's remote-write output gives each built-in metric: `k6_` and the name, then `_total`
 * for a counter, `_rate` for a rate, nothing for a gauge, and a trend's statistics, `p(95)` as `_p95`.
 */
function remoteWriteNames(trendStats: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const [name, type] of Object.entries(BUILTIN_METRICS)) {
    if (type === 'counter') names.add(`k6_${name}_total`);
    else if (type === 'rate') names.add(`k6_${name}_rate`);
    else if (type === 'gauge') names.add(`k6_${name}`);
    else for (const stat of trendStats) names.add(`k6_${name}_${stat.replace(/[().]/g, '')}`);
  }
  return names;
}

const exprs = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
);

describe('the Grafana dashboard for Prometheus remote write', () => {
  it('has the panels the docs promise', () => {
    expect(dashboard.panels.map((p) => p.title)).toEqual([
      'Request rate',
      'Error rate',
      'Latency p95',
      'Latency p99',
      'Virtual users',
    ]);
  });

  it("reads only series k6's output writes", () => {
    const known = remoteWriteNames(DEFAULT_PROM_TREND_STATS);
    const used = exprs.flatMap(({ panel, expr }) =>
      [...expr.matchAll(/\bk6_[a-z0-9_]+/g)].map((m) => ({ panel, name: m[0] })),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((u) => !known.has(u.name))).toEqual([]);
    for (const name of [
      'k6_http_reqs_total',
      'k6_http_req_duration_p95',
      'k6_http_req_duration_p99',
      'k6_vus',
    ])
      expect(known.has(name), name).toBe(true);
  });

  it("filters every series by loadctl's tags, each a template variable", () => {
    const variables = dashboard.templating.list.map((v) => v.name);
    for (const tag of TAGS) expect(variables).toContain(tag);
    for (const { panel, expr } of exprs) {
      const selectors = [...expr.matchAll(/\bk6_[a-z0-9_]+(\{[^}]*\})?/g)];
      for (const s of selectors)
        for (const tag of TAGS) expect(s[1] ?? '', `${panel}: ${s[0]}`).toContain(`${tag}=~"$${tag}"`);
    }
  });
});
