// Each reader on good, damaged and foreign input, from the real recorded files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStoredFile, renderIssuePath, renderStoreProblem, type StoreProblem } from './parse.js';
import type { StoredFile } from './schemas/index.js';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, FIXTURES), 'utf8');
const json = (path: string) => JSON.parse(read(path)) as Record<string, unknown>;

const problem = (file: StoredFile, value: unknown): StoreProblem | 'ok' => {
  const parsed = parseStoredFile(file, typeof value === 'string' ? value : JSON.stringify(value));
  return parsed.ok ? 'ok' : parsed.problem;
};

const summary = () => json('report/ticket-rush/summary.json');

describe('parseStoredFile', () => {
  it('gives the file as written, key order and all', () => {
    const text = read('report/ticket-rush/summary.json');
    const parsed = parseStoredFile('summary', text);
    expect(parsed.ok && JSON.stringify(parsed.value)).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('names the first field of summary.json that does not fit', () => {
    const s = summary();
    (s['totals'] as Record<string, unknown>)['requests'] = '12';
    expect(problem('summary', s)).toEqual({
      kind: 'invalid',
      field: 'totals.requests',
      detail: 'expected number, got string "12"',
    });
    const t = summary();
    delete t['runId'];
    expect(problem('summary', t)).toEqual({
      kind: 'invalid',
      field: 'runId',
      detail: 'missing (expected string)',
    });
    const u = summary();
    (u['endpoints'] as Array<Record<string, unknown>>)[1]!['duration'] = { 'p(95)': null };
    expect(problem('summary', u)).toMatchObject({ field: 'endpoints[1].duration["p(95)"]' });
    const v = summary();
    v['outcome'] = { kind: 'exploded' };
    expect(problem('summary', v)).toMatchObject({ field: 'outcome.kind' });
  });

  it('tells a file of another schema or version (foreign) from a damaged one', () => {
    expect(problem('summary', { ...summary(), schema: 'loadctl.summary/v2' })).toEqual({
      kind: 'foreign',
      expected: 'loadctl.summary/v1',
      found: 'it declares "loadctl.summary/v2"',
    });
    expect(problem('summary', json('report/ticket-rush/meta.json'))).toMatchObject({
      kind: 'foreign',
      found: 'it declares "loadctl.meta/v1"',
    });
    expect(problem('summary', [1, 2])).toMatchObject({ kind: 'foreign', found: 'it is an array' });
    expect(problem('meta', { runId: 'x' })).toMatchObject({
      kind: 'foreign',
      found: 'it has no schema field',
    });
    expect(problem('summary', '{"schema": "loadctl.summary/v1",')).toMatchObject({ kind: 'not-json' });
  });

  it('reads series.json and meta.json, good and damaged', () => {
    expect(problem('series', json('report/ticket-rush/series.json'))).toBe('ok');
    const series = json('report/ticket-rush/series.json');
    (series['points'] as Array<Record<string, unknown>>)[3]!['rps'] = 'fast';
    expect(problem('series', series)).toMatchObject({ kind: 'invalid', field: 'points[3].rps' });
    expect(problem('series', { ...series, source: 'guess' })).toMatchObject({ field: 'source' });
    expect(problem('series', { ...series, schema: 'loadctl.series/v0' })).toMatchObject({ kind: 'foreign' });

    // Runs recorded before a field existed, and trimmed files, still read.
    expect(problem('meta', json('stored-runs/compare/20261122T043604Z-11f905/meta.json'))).toBe('ok');
    const meta = json('report/seat-race-smoke/meta.json');
    expect(problem('meta', { ...meta, endedAt: null, exitCode: null, outcome: null })).toBe('ok');
    expect(problem('meta', { ...meta, host: { cores: 'two' } })).toMatchObject({ field: 'host.cores' });
  });

  it('reads plan.resolved.json with or without its version field', () => {
    const plan = json('report/seat-race-smoke/plan.resolved.json');
    expect(problem('plan', plan)).toBe('ok');
    expect(problem('plan', { schema: 'loadctl.plan-resolved/v1', ...plan })).toBe('ok');
    expect(problem('plan', { ...plan, schema: 'loadctl.plan-resolved/v2' })).toMatchObject({
      kind: 'foreign',
    });
    expect(
      problem('plan', { ...plan, plan: { ...(plan['plan'] as object), scenarios: { a: {} } } }),
    ).toMatchObject({ field: 'plan.scenarios.a.executor' });
  });

  it('checks only what loadctl reads of k6’s own summary', () => {
    const k6 = json('stored-runs/k6-summary-batches.json');
    expect(problem('k6Summary', { ...k6, anything: 1 })).toBe('ok');
    expect(problem('k6Summary', { ...k6, metrics: { http_reqs: { type: 'counter' } } })).toMatchObject({
      field: 'metrics.http_reqs.values',
    });
  });

  it('renders a problem with the file path', () => {
    const path = 'results/seat-race/20261122T043249Z-73958e/summary.json';
    expect(
      renderStoreProblem(path, 'summary', {
        kind: 'invalid',
        field: 'totals.requests',
        detail: 'expected number, got string "12"',
      }),
    ).toBe(`${path}: totals.requests: expected number, got string "12"`);
    expect(
      renderStoreProblem(path, 'summary', {
        kind: 'foreign',
        expected: 'loadctl.summary/v1',
        found: 'it declares "loadctl.summary/v2"',
      }),
    ).toBe(`${path} is foreign: not a loadctl.summary/v1 summary.json (it declares "loadctl.summary/v2")`);
    expect(renderIssuePath([])).toBe('(root)');
  });
});
