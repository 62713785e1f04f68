import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { compareRuns, type CompareRun, type CompareSideInput } from '../compare/compare.js';
import { judgeGate, parseFailOn } from '../compare/gate.js';
import type { RunSummary } from '../model/summary.js';
import { renderCompareJUnit } from './compare-junit.js';

// Recorded runs of plans/graviton-vs-x86.yaml --profile smoke: x86 and a graviton instance 15 ms slower.
const X86 = '20261122T043604Z-11f905';
const GRAVITON = '20261122T043613Z-e700a2';

function fixture(id: string): CompareRun {
  const dir = new URL(`../../../test/fixtures/stored-runs/compare/${id}/`, import.meta.url);
  return { summary: JSON.parse(readFileSync(new URL('summary.json', dir), 'utf8')) as RunSummary };
}
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const side = (label: string, ...runs: CompareRun[]): CompareSideInput => ({ label, runs });

type Case = {
  name: string;
  classname: string;
  failure?: { message: string; type: string; '#text': string };
  error?: { message: string; type: string };
  skipped?: { message: string };
  'system-out'?: string;
};
type Suite = {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: Case[];
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});
function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml) as { testsuites: { tests: string; failures: string; testsuite: Suite[] } };
  expect(doc.testsuites.testsuite).toHaveLength(1);
  return { root: doc.testsuites, suite: doc.testsuites.testsuite[0] as Suite };
}

describe('comparison JUnit XML', () => {
  const c = compareRuns([side('x86', fixture(X86)), side('graviton', fixture(GRAVITON))]);
  const rules = parseFailOn('p95>+10%,error_rate>+5pp,p95{name:nope}>+5%');
  const gate = rules.ok ? judgeGate(c, rules.rules) : [];

  it('has one case per rule and side, per threshold and side, and per side’s runs', () => {
    const { root, suite } = parse(renderCompareJUnit(c, { gate }));
    expect(suite.name).toBe('compare');
    // 3 rules × 1 side, 2 thresholds × 2 sides, 2 sides.
    expect(suite.testcase.map((t) => t.name)).toEqual([
      'p95>+10% · graviton',
      'error_rate>+5pp · graviton',
      'p95{name:nope}>+5% · graviton',
      'http_req_duration p(95)<2000 · x86',
      'http_req_duration p(95)<2000 · graviton',
      'http_req_failed rate<0.01 · x86',
      'http_req_failed rate<0.01 · graviton',
      'runs · x86',
      'runs · graviton',
    ]);
    expect([root.tests, root.failures, suite.failures, suite.errors, suite.skipped]).toEqual([
      '9',
      '1',
      '1',
      '0',
      '1',
    ]);
  });

  it('fails the regression with the observed change against the limit', () => {
    const { suite } = parse(renderCompareJUnit(c, { gate }));
    const [p95, errors, nope] = suite.testcase;
    expect(p95?.classname).toBe('loadctl.graviton-vs-x86.compare.gate');
    expect(p95?.failure?.type).toBe('regression');
    expect(p95?.failure?.message).toBe('p95 +1,570% against x86, limit > +10%: significant');
    expect(p95?.failure?.['#text']).toContain('baseline x86: 1.04ms\ngraviton: 17.4ms\n');
    expect(p95?.failure?.['#text']).toMatch(/95% CI: \+[\d,]+% … \+[\d,]+%\nnoise from 9 paired batches/);
    // A passed rule says what it saw; an unjudged one is skipped with the reason.
    expect(errors?.failure).toBeUndefined();
    expect(errors?.['system-out']).toContain('change: ±0.00pp (same), limit > +5pp');
    expect(nope?.skipped?.message).toBe('not judged: no p95 of endpoint nope on both sides');
  });

  it('errs on a rule whose limit is under what the data can detect: neither passed nor failed', () => {
    const tight = parseFailOn('error_rate>+0.5pp');
    const g = tight.ok ? judgeGate(c, tight.rules) : [];
    const [errors] = parse(renderCompareJUnit(c, { gate: g })).suite.testcase;
    expect(errors?.error?.type).toBe('inconclusive');
    expect(errors?.error?.message).toMatch(
      /^error_rate>\+0\.5pp cannot be judged with this much data: detectable change is ±1\.\dpp$/,
    );
    expect(errors?.failure).toBeUndefined();
  });

  it('fails a threshold a side broke, and errs on a run that could not be judged', () => {
    const broken = clone(fixture(GRAVITON));
    broken.summary.thresholds[0]!.ok = false;
    broken.summary.outcome = { kind: 'interrupted' } as RunSummary['outcome'];
    const doc = parse(renderCompareJUnit(compareRuns([side('x86', fixture(X86)), side('graviton', broken)])));
    const byName = new Map(doc.suite.testcase.map((t) => [t.name, t]));
    expect(byName.get('http_req_duration p(95)<2000 · graviton')?.failure?.message).toBe(
      'observed 17.4ms, threshold p(95)<2000',
    );
    expect(byName.get('http_req_duration p(95)<2000 · x86')?.failure).toBeUndefined();
    expect(byName.get('runs · graviton')?.error?.message).toBe(`${broken.summary.runId}: interrupted`);
    expect([doc.suite.failures, doc.suite.errors]).toEqual(['1', '1']);
  });

  it('never has tests="0": without rules and thresholds the sides’ runs are cases', () => {
    const bare = [fixture(X86), fixture(GRAVITON)].map((r) => {
      const x = clone(r);
      x.summary.thresholds = [];
      return x;
    });
    const { root } = parse(renderCompareJUnit(compareRuns([side('a', bare[0]!), side('b', bare[1]!)])));
    expect(root.tests).toBe('2');
  });

  it('keeps hostile names as text', () => {
    const a = clone(fixture(X86));
    a.summary.plan = '<plan & "x">';
    const hostile = compareRuns([side('<a>\u0001', a), side('"b"&', fixture(GRAVITON))]);
    const r = parseFailOn('p95>+10%');
    const xml = renderCompareJUnit(hostile, { gate: r.ok ? judgeGate(hostile, r.rules) : [] });
    const { suite } = parse(xml);
    expect(suite.testcase[0]?.name).toBe('p95>+10% · "b"&');
    expect(suite.testcase[0]?.classname).toBe('loadctl.<plan & "x">, graviton-vs-x86.compare.gate');
    expect(suite.testcase.map((t) => t.name)).toContain('runs · <a>\uFFFD');
  });
});
