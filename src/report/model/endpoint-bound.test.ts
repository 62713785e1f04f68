import { describe, expect, it } from 'vitest';
import { boundEndpoints, leftOutNotes, MAX_MEASURED_ENDPOINTS } from './endpoint-bound.js';

const named = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `e${i}` }));

describe('boundEndpoints', () => {
  it('keeps every endpoint up to the bound', () => {
    const all = named(MAX_MEASURED_ENDPOINTS);
    expect(boundEndpoints(all, new Set())).toEqual({ measured: all, leftOut: [] });
  });

  it('past the bound keeps the first ones in the plan’s order and lists the rest', () => {
    const all = named(MAX_MEASURED_ENDPOINTS + 3);
    const { measured, leftOut } = boundEndpoints(all, new Set());
    expect(measured).toEqual(all.slice(0, MAX_MEASURED_ENDPOINTS));
    expect(leftOut).toEqual(all.slice(MAX_MEASURED_ENDPOINTS).map((e) => e.name));
  });

  it('gives the endpoints the thresholds name a row first, and keeps the plan’s order', () => {
    const { measured, leftOut } = boundEndpoints(named(5), new Set(['e4', 'e3']), 3);
    expect(measured.map((e) => e.name)).toEqual(['e0', 'e3', 'e4']);
    expect(leftOut).toEqual(['e1', 'e2']);
  });

  it('grows linearly: a plan of 5,000 endpoints keeps exactly the bound', () => {
    const { measured, leftOut } = boundEndpoints(named(5000), new Set());
    expect(measured).toHaveLength(MAX_MEASURED_ENDPOINTS);
    expect(leftOut).toHaveLength(5000 - MAX_MEASURED_ENDPOINTS);
  });
});

describe('leftOutNotes', () => {
  it('says nothing when every endpoint has its row', () => {
    expect(leftOutNotes([])).toEqual([]);
  });

  it('names the bound, the count left out, a few of them and what to do', () => {
    const [note, ...rest] = leftOutNotes(['a', 'b', 'c', 'd', 'e'], 10);
    expect(rest).toEqual([]);
    expect(note).toContain('the plan has 15 endpoints');
    expect(note).toContain('at most 10');
    expect(note).toContain('5 count in the totals only: "a", "b", "c", … (2 more)');
    expect(note).toContain('Name an endpoint in a threshold');
  });
});
