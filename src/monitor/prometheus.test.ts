import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { instantQueryUrl, parseQueryAnswer, queryRangeUrl } from './prometheus.js';

// Answers of Debian's Prometheus 2.42 (query_range over a node_exporter it scraped, and a syntax error).
const answer = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/monitor/${name}`, import.meta.url), 'utf8'));

describe('queryRangeUrl', () => {
  it('asks for the range in seconds with the query encoded', () => {
    const url = new URL(
      queryRangeUrl('http://p:9090/', 'sum(rate(x{a="b"}[1m]))', 1_700_000_000_000, 1_700_000_060_500, 1),
    );
    expect(url.pathname).toBe('/api/v1/query_range');
    expect(url.searchParams.get('query')).toBe('sum(rate(x{a="b"}[1m]))');
    expect(url.searchParams.get('start')).toBe('1700000000.000');
    expect(url.searchParams.get('end')).toBe('1700000060.500');
    expect(url.searchParams.get('step')).toBe('1');
    expect(instantQueryUrl('http://p:9090', 'up')).toBe('http://p:9090/api/v1/query?query=up');
  });
});

describe('parseQueryAnswer', () => {
  it('reads a real range answer: one series, a value a second', () => {
    const r = parseQueryAnswer(answer('query-range.json'));
    if ('error' in r) throw new Error(r.error);
    expect(r).toHaveLength(1);
    expect(r[0]?.labels).toBe('{}');
    const ts = r[0]?.values.map(([t]) => t) ?? [];
    expect(ts.length).toBeGreaterThan(2);
    expect(ts.slice(1).map((t, i) => t - (ts[i] ?? 0))).toEqual(ts.slice(1).map(() => 1));
    for (const [, v] of r[0]?.values ?? []) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('keeps the labels of each series', () => {
    const r = parseQueryAnswer(answer('query-range-labels.json'));
    if ('error' in r) throw new Error(r.error);
    expect(r[0]?.labels).toContain('__name__="node_load1"');
  });

  it('gives Prometheus’s own error for a bad query', () => {
    expect(parseQueryAnswer(answer('query-error.json'))).toEqual({
      error: expect.stringContaining('parse error'),
    });
    expect(parseQueryAnswer('<html>')).toHaveProperty('error');
    expect(parseQueryAnswer({ status: 'success', data: {} })).toHaveProperty('error');
  });

  it('reads an instant vector and a scalar', () => {
    const vector = {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: { job: 'a' }, value: [5, '2'] }] },
    };
    expect(parseQueryAnswer(vector)).toEqual([{ labels: '{job="a"}', values: [[5, 2]] }]);
    expect(parseQueryAnswer({ status: 'success', data: { resultType: 'scalar', result: [7, '3'] } })).toEqual(
      [{ labels: '{}', values: [[7, 3]] }],
    );
  });
});
