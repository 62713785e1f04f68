import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  Aggregates,
  mergeAggregates,
  parseAggregatesJson,
  STATUS_CLASSES,
  type SeriesFilter,
} from './aggregate.js';
import { aggregateK6Json } from './ingest.js';
import { compareWithK6Summary } from './k6-summary-check.js';

const FIXTURES = new URL('../../test/fixtures/k6-json/', import.meta.url);
const fixtureText = (name: string) =>
  gunzipSync(readFileSync(new URL(`${name}.ndjson.gz`, FIXTURES))).toString('utf8');
const fixtureSummary = (name: string) =>
  JSON.parse(readFileSync(new URL(`${name}.summary.json`, FIXTURES), 'utf8')) as {
    metrics: Record<string, Record<string, number>>;
  };

// Float sums depend on the order of additions; 12 significant digits is plenty to compare them.
const round = (x: number) => Number(x.toPrecision(12));

function statsSnapshot(a: Aggregates, metric: string, filter: SeriesFilter): unknown {
  const s = a.stats(metric, filter);
  if (s === undefined) return undefined;
  if (s.type === 'counter') return { ...s, count: round(s.count), rate: round(s.rate) };
  if (s.type !== 'trend') return s;
  return {
    count: s.count,
    sum: round(s.sum),
    min: s.min,
    max: s.max,
    percentiles: [0, 50, 90, 95, 99, 100].map((p) => s.percentile(p)),
  };
}

/** Every answer of the query API, as plain data. */
function snapshot(a: Aggregates): unknown {
  const metrics = a.metrics().map((m) => ({
    ...m,
    all: statsSnapshot(a, m.name, {}),
    byEndpoint: a.endpoints(m.name).map((endpoint) => ({
      endpoint,
      all: statsSnapshot(a, m.name, { endpoint }),
      byClass: STATUS_CLASSES.flatMap((status) =>
        [null, true, false].map((expectedResponse) => ({
          status,
          expectedResponse,
          stats: statsSnapshot(a, m.name, { endpoint, status, expectedResponse }),
        })),
      ).filter((x) => x.stats !== undefined),
    })),
  }));
  return {
    samples: a.sampleCount,
    first: a.firstSample,
    last: a.lastSample,
    metrics,
    perSecond: a.perSecond(),
    perSecondByEndpoint: a.endpoints('http_reqs').map((endpoint) => a.perSecond({ endpoint })),
  };
}

describe.each(['basic', 'escapes'])('the %s fixture against k6’s own summary of the same run', (name) => {
  const agg = aggregateK6Json(fixtureText(name));
  const summary = fixtureSummary(name).metrics;

  it('every count is k6’s exactly; avg to 1e-9; med and p(50/90/95/99) within 1%', () => {
    const check = compareWithK6Summary(agg, { metrics: summary }, { percentileTolerancePct: 1 });
    expect(check.mismatches).toEqual([]);
    expect(check.compared).toEqual(
      expect.arrayContaining([
        'http_reqs count',
        'http_req_failed passes',
        'http_req_failed fails',
        'checks passes',
        'checks fails',
        'iterations count',
        'http_req_duration count',
        'http_req_duration p(99)',
        'http_req_duration{expected_response:true} p(95)',
      ]),
    );
    expect(agg.input.invalid).toBe(0);
  });

  it('the same counts through the typed helpers', () => {
    expect(agg.counter('http_reqs')?.count).toBe(summary['http_reqs']!['count']);
    expect(agg.rate('http_req_failed')).toMatchObject({
      passes: summary['http_req_failed']!['passes'],
      fails: summary['http_req_failed']!['fails'],
    });
    expect(agg.rate('checks')).toMatchObject({
      passes: summary['checks']!['passes'],
      fails: summary['checks']!['fails'],
    });
    expect(agg.counter('iterations')?.count).toBe(summary['iterations']!['count']);
    expect(agg.trend('http_req_duration')?.count).toBe(summary['http_req_duration']!['count']);
    expect(agg.counter('http_req_duration')).toBeUndefined();
  });

  it('the per-second series adds up to the totals', () => {
    const rows = agg.perSecond();
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + f(r), 0);
    expect(rows.map((r) => r.offset)).toEqual(rows.map((_, i) => i));
    expect(sum((r) => r.requests)).toBe(agg.counter('http_reqs')!.count);
    expect(sum((r) => r.failed)).toBe(agg.rate('http_req_failed')!.passes);
    expect(sum((r) => r.iterations)).toBe(agg.counter('iterations')!.count);
    expect(sum((r) => r.duration?.count ?? 0)).toBe(agg.trend('http_req_duration')!.count);
    expect(Math.max(...rows.map((r) => r.maxVus ?? 0))).toBe(agg.gauge('vus')!.max);
    for (const r of rows) {
      if (r.duration === null) continue;
      expect(r.duration.p50).toBeLessThanOrEqual(r.duration.p95);
      expect(r.duration.p95).toBeLessThanOrEqual(r.duration.p99);
      expect(r.duration.p99).toBeLessThanOrEqual(r.duration.max);
    }
    const byEndpoint = agg.endpoints('http_reqs').map((endpoint) => agg.perSecond({ endpoint }));
    for (const [i, r] of rows.entries()) {
      expect(byEndpoint.reduce((n, e) => n + e[i]!.requests, 0)).toBe(r.requests);
      expect(byEndpoint.reduce((n, e) => n + e[i]!.failed, 0)).toBe(r.failed);
    }
  });

  it('merging the aggregates of two parts equals ingesting the whole', () => {
    const text = fixtureText(name);
    const lines = text.split('\n');
    for (const cut of [1, 40, Math.floor(lines.length / 2), lines.length - 3]) {
      const a = aggregateK6Json(lines.slice(0, cut).join('\n') + '\n');
      const b = aggregateK6Json(lines.slice(cut).join('\n'));
      const merged = mergeAggregates(a, b);
      expect(snapshot(merged)).toEqual(snapshot(agg));
      expect(merged.input.lines).toBe(agg.input.lines);
    }
  });

  it('survives a JSON round trip', () => {
    const json = JSON.parse(JSON.stringify(agg)) as unknown;
    const back = parseAggregatesJson(json);
    if (!back.ok) throw new Error(back.issues.join('\n'));
    expect(snapshot(back.aggregates)).toEqual(snapshot(agg));
    expect(back.aggregates.toJSON()).toEqual(agg.toJSON());
  });
});

describe('the basic fixture, by endpoint and status class', () => {
  const agg = aggregateK6Json(fixtureText('basic'));

  it('lists metrics with their k6 types', () => {
    const types = Object.fromEntries(agg.metrics().map((m) => [m.name, [m.type, m.contains]]));
    expect(types).toMatchObject({
      http_reqs: ['counter', 'default'],
      http_req_duration: ['trend', 'time'],
      http_req_failed: ['rate', 'default'],
      order_latency: ['trend', 'time'],
      order_conflicts: ['rate', 'default'],
      items_seen: ['counter', 'default'],
      queue_depth: ['gauge', 'default'],
      data_sent: ['counter', 'data'],
    });
  });

  it('an expected 409 is a 4xx but not a failure', () => {
    const conflicts = agg.counter('http_reqs', { endpoint: 'create-order', status: '4xx' })!.count;
    expect(conflicts).toBe(agg.rate('order_conflicts')!.passes);
    expect(agg.rate('http_req_failed', { endpoint: 'create-order' })!.passes).toBe(0);
    expect(agg.counter('http_reqs', { endpoint: 'create-order', expectedResponse: false })).toBeUndefined();
  });

  it('unexpected 404s and 500s fail; a closed port has no status class', () => {
    expect(agg.rate('http_req_failed', { endpoint: 'item', status: '4xx' })).toMatchObject({ fails: 0 });
    const flaky = agg.endpoints('http_reqs').find((e) => e?.endsWith('/api/flaky'))!;
    expect(agg.rate('http_req_failed', { endpoint: flaky, status: '5xx' })).toMatchObject({
      fails: 0,
      rate: 1,
    });
    expect(
      agg.counter('http_reqs', { endpoint: 'closed-port', status: 'none', expectedResponse: false })!.count,
    ).toBe(agg.counter('http_reqs', { endpoint: 'closed-port' })!.count);
    const failed = agg.rate('http_req_failed')!.passes;
    const byTag = agg.counter('http_reqs', { expectedResponse: false })!.count;
    expect(failed).toBe(byTag);
  });

  it('non-HTTP metrics have no endpoint and no status class', () => {
    expect(agg.endpoints('iterations')).toEqual([null]);
    expect(agg.counter('iterations', { endpoint: null, status: 'none', expectedResponse: null })!.count).toBe(
      agg.counter('iterations')!.count,
    );
    expect(agg.stats('no_such_metric')).toBeUndefined();
  });

  it('counter rates divide by the span of the samples', () => {
    expect(agg.durationSeconds).toBeGreaterThan(2.5);
    expect(agg.durationSeconds).toBeLessThan(4.5);
    expect(agg.counter('http_reqs')!.rate).toBeCloseTo(
      agg.counter('http_reqs')!.count / agg.durationSeconds,
      9,
    );
  });
});

describe('Aggregates on small inputs', () => {
  const point = (metric: string, time: string, value: number, tags: Record<string, string> | null = {}) =>
    JSON.stringify({ metric, type: 'Point', data: { time, value, tags } });
  const declare = (name: string, type: string) =>
    JSON.stringify({ type: 'Metric', data: { name, type, contains: 'default' }, metric: name });

  it('a gauge’s last value is the last in file order, across endpoints', () => {
    const a = aggregateK6Json(
      [
        declare('g', 'gauge'),
        point('g', '2026-01-01T00:00:02Z', 5, { name: 'x' }),
        point('g', '2026-01-01T00:00:01Z', -1, { name: 'y' }),
      ].join('\n'),
    );
    expect(a.gauge('g')).toMatchObject({ last: -1, min: -1, max: 5 });
    expect(a.gauge('g', { endpoint: 'x' })).toMatchObject({ last: 5, min: 5, max: 5 });
  });

  it('metrics with samples but no declaration keep distributions and read as trends', () => {
    const a = aggregateK6Json(
      [point('t', '2026-01-01T00:00:00Z', 1), point('t', '2026-01-01T00:00:00Z', 3)].join('\n'),
    );
    expect(a.metrics()).toEqual([{ name: 't', type: null, contains: null, samples: 2 }]);
    expect(a.trend('t')).toMatchObject({ count: 2, avg: 2, min: 1, max: 3 });
  });

  it('late samples for a compacted second are still counted', () => {
    const lines = [declare('http_req_duration', 'trend'), declare('http_reqs', 'counter')];
    for (let s = 0; s < 30; s++) {
      const t = `2026-01-01T00:00:${String(s).padStart(2, '0')}Z`;
      lines.push(
        point('http_reqs', t, 1, { name: 'a' }),
        point('http_req_duration', t, s + 1, { name: 'a' }),
      );
    }
    lines.push(point('http_req_duration', '2026-01-01T00:00:01Z', 100, { name: 'a' }));
    const a = aggregateK6Json(lines.join('\n'), { liveSeconds: 2 });
    const rows = a.perSecond();
    expect(rows).toHaveLength(30);
    expect(rows[1]!.duration).toMatchObject({ count: 2, min: 2, max: 100 });
    expect(rows[29]!.duration).toMatchObject({ count: 1, min: 30, max: 30 });
    expect(snapshot(a)).toEqual(snapshot(aggregateK6Json(lines.join('\n'), { liveSeconds: 1000 })));
  });

  it('an empty input has no metrics and no seconds', () => {
    const a = aggregateK6Json('');
    expect([a.metrics(), a.perSecond(), a.firstSample, a.durationSeconds]).toEqual([[], [], null, 0]);
    expect(new Aggregates().sampleCount).toBe(0);
  });

  it('rejects JSON that is not an aggregates document, saying where', () => {
    expect(parseAggregatesJson({ format: 'nope' })).toMatchObject({ ok: false });
    const bad = parseAggregatesJson({ ...aggregateK6Json('').toJSON(), points: -1 });
    expect(bad.ok === false && bad.issues[0]).toMatch(/^points: /);
  });
});
