import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BatchStats } from '../model/batches.js';
import { compareRuns, type CompareRun, type CompareSideInput } from './compare.js';
import { judgeGate, parseFailOn } from './gate.js';
import {
  formatDelta,
  headlines,
  renderCompareMarkdown,
  renderCompareTable,
} from '../render/compare-table.js';
import { pairedTest, tCritical95 } from './stats.js';
import type { RunSummary } from '../model/summary.js';

// Summaries recorded from real runs of plans/graviton-vs-x86.yaml --profile smoke: x86 (baseline) and a
// graviton demo instance given 15 ms per request, then two runs of x86 alone (an A/A pair).
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/stored-runs/compare');
const X86 = '20261122T043604Z-11f905';
const GRAVITON = '20261122T043613Z-e700a2';

function fixture(id: string): CompareRun {
  const read = (f: string) => JSON.parse(readFileSync(join(FIXTURES, id, f), 'utf8')) as unknown;
  const meta = read('meta.json') as {
    k6: { version: string };
    host: NonNullable<CompareRun['facts']>['host'];
  };
  return {
    summary: read('summary.json') as RunSummary,
    facts: { k6Version: meta.k6.version, host: meta.host },
  };
}

const side = (label: string, ...ids: string[]): CompareSideInput => ({ label, runs: ids.map(fixture) });

describe('stats', () => {
  it('has Student t critical values that fall towards 1.96', () => {
    expect(tCritical95(1)).toBeCloseTo(12.706, 3);
    expect(tCritical95(9)).toBeCloseTo(2.262, 3);
    expect(tCritical95(60)).toBeCloseTo(2.0, 2);
    expect(tCritical95(10_000)).toBeCloseTo(1.96, 2);
    expect(tCritical95(0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('needs three pairs and widens with spread', () => {
    expect(pairedTest([1, 2])).toBeUndefined();
    const tight = pairedTest([1, 1.1, 0.9, 1]);
    const loose = pairedTest([1, 3, -1, 1]);
    expect(tight?.mean).toBeCloseTo(1);
    expect(loose?.mean).toBeCloseTo(1);
    expect(tight?.halfWidth).toBeLessThan(1);
    expect(loose?.halfWidth).toBeGreaterThan(1);
  });
});

describe('compareRuns on recorded runs', () => {
  const c = compareRuns([side('x86', X86), side('graviton', GRAVITON)]);

  it('names the slow instance worse, significantly, overall and per endpoint', () => {
    const p95 = c.overall.find((r) => r.key === 'p(95)');
    expect(p95?.cells[1]?.verdict).toBe('worse');
    expect(p95?.cells[1]?.delta).toBeGreaterThan(5);
    expect(p95?.cells[1]?.basis).toEqual({ kind: 'batches', pairs: 9 });
    for (const name of ['dates', 'seats']) {
      const rows = c.endpoints.find((e) => e.name === name)?.rows ?? [];
      for (const key of ['med', 'p(95)'])
        expect(rows.find((r) => r.key === key)?.cells[1]?.verdict, `${name} ${key}`).toBe('worse');
    }
    // No errors on either side: no difference to call.
    expect(c.overall.find((r) => r.key === 'error_rate')?.cells[1]?.verdict).toBe('same');
  });

  it('keeps the exact whole-run values of each run', () => {
    const x86 = fixture(X86).summary;
    expect(c.overall.find((r) => r.key === 'requests')?.cells[0]?.value).toBe(x86.totals.requests);
    expect(c.overall.find((r) => r.key === 'p(95)')?.cells[0]?.value).toBe(x86.latency['p(95)']);
    expect(c.sides.map((s) => s.facts.k6Version)).toEqual(['v1.8.1', 'v1.8.1']);
  });

  it('turns around when the slow side is the baseline', () => {
    const turned = compareRuns([side('x86', X86), side('graviton', GRAVITON)], { baseline: 1 });
    expect(turned.overall.find((r) => r.key === 'p(95)')?.cells[0]?.verdict).toBe('better');
  });

  it('does not judge runs without batches and rounds, but for shares, which their counts judge', () => {
    const strip = (r: CompareRun): CompareRun => {
      const { batches: _b, ...summary } = r.summary;
      return { summary };
    };
    const bare = compareRuns([
      { label: 'a', runs: [strip(fixture(X86))] },
      { label: 'b', runs: [strip(fixture(GRAVITON))] },
    ]);
    const shares = new Set(['error_rate', 'checks']);
    const judged = bare.overall.filter((r) => r.judged);
    expect(judged.filter((r) => !shares.has(r.key)).every((r) => r.cells[1]?.verdict === 'unknown')).toBe(
      true,
    );
    // 0 errors of 271 against 0 of 251: a test for proportions on the counts, with what it could have found.
    const errors = bare.overall.find((r) => r.key === 'error_rate')?.cells[1];
    expect(errors).toMatchObject({ verdict: 'same', basis: { kind: 'requests', pairs: 522 } });
    expect(errors?.detectable).toBeGreaterThan(0.01);
    // max is shown with its change and never judged, with or without a noise estimate.
    expect(bare.overall.find((r) => r.key === 'max')).toMatchObject({ judged: false });
    expect(bare.overall.find((r) => r.key === 'max')?.cells[1]?.verdict).toBeUndefined();
    expect(headlines(bare)[0]).toMatch(/^b vs a: /);
    expect(bare.method.noise).toBe('none');
    expect(bare.notes.join(' ')).toMatch(/not judged/);
  });
});

function synthetic(p95: number, round: number, batchP95: number[]): CompareRun {
  const base = fixture(X86).summary;
  const batch = (v: number): BatchStats => ({ requests: 100, failed: 0, duration: { 'p(95)': v } });
  return {
    summary: {
      ...base,
      runId: `r${round}-${p95}`,
      latency: { ...base.latency, 'p(95)': p95 },
      batches: { ms: 1000, overall: batchP95.map(batch), endpoints: {}, checks: batchP95.map(() => 1) },
    },
  };
}

describe('compareRuns on constructed runs', () => {
  it('pairs rounds once there are three, so between-run drift counts as noise', () => {
    // Inside every run side b is 10% slower in every batch, but across rounds it swings both ways.
    const a = [100, 100, 100].map((v, i) => synthetic(v, i, [100, 100, 100, 100]));
    const b = [130, 80, 125].map((v, i) => synthetic(v, i, [110, 110, 110, 110]));
    const c = compareRuns([
      { label: 'a', runs: a },
      { label: 'b', runs: b },
    ]);
    const cell = c.overall.find((r) => r.key === 'p(95)')?.cells[1];
    expect(cell?.basis).toEqual({ kind: 'rounds', pairs: 3 });
    expect(cell?.verdict).toBe('same');
    expect(c.method.noise).toBe('rounds');
  });

  it('calls a steady difference inside the runs, and not one under the minimum effect', () => {
    const a = [synthetic(100, 0, [100, 101, 99, 100, 100])];
    const b = [synthetic(104, 0, [104, 105, 103, 104, 104])];
    const sides = [
      { label: 'a', runs: a },
      { label: 'b', runs: b },
    ];
    expect(compareRuns(sides).overall.find((r) => r.key === 'p(95)')?.cells[1]?.verdict).toBe('same');
    const strict = compareRuns(sides, { minEffect: { relative: 0.01, points: 0.001 } });
    expect(strict.overall.find((r) => r.key === 'p(95)')?.cells[1]?.verdict).toBe('worse');
  });
});

describe('false alarms over the whole table', () => {
  it('does not call one number that is significant at 95 % alone among five tested ones', () => {
    const ln = (d: number) => 100 * Math.exp(d);
    const a = [synthetic(100, 0, [100, 100, 100, 100, 100])];
    const b = [synthetic(108, 0, [0.02, 0.12, 0.05, 0.15, 0.04].map(ln))];
    const c = compareRuns([
      { label: 'a', runs: a },
      { label: 'b', runs: b },
    ]);
    const cell = c.overall.find((r) => r.key === 'p(95)')?.cells[1];
    // 95 % alone would call it: its interval excludes zero and +8 % is over the minimum effect.
    expect(cell?.p).toBeGreaterThan(0.01);
    expect(cell?.p).toBeLessThan(0.05);
    expect(cell?.ci?.[0]).toBeGreaterThan(0);
    expect(cell?.verdict).toBe('same');
    expect(c.method.falseAlarms).toMatchObject({ method: 'benjamini-hochberg', q: 0.05 });
    expect(c.method.falseAlarms.tested).toBeGreaterThanOrEqual(5);
  });
});

describe('regression gate', () => {
  const c = compareRuns([side('x86', X86), side('graviton', GRAVITON)]);

  it('parses rules and reports every bad one', () => {
    const ok = parseFailOn('p95>+10%, error_rate>+0.5pp,rps<-5%,p99{name:dates}>+20%');
    expect(ok.ok && ok.rules.map((r) => [r.metric, r.op, r.limit, r.endpoint])).toEqual([
      ['p(95)', '>', 0.1, undefined],
      ['error_rate', '>', 0.005, undefined],
      ['rps', '<', -0.05, undefined],
      ['p(99)', '>', 0.2, 'dates'],
    ]);
    const bad = parseFailOn('p95>10ms,latency>+5%,error_rate>+1%');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems).toHaveLength(3);
    const max = parseFailOn('max>+10%');
    expect(!max.ok && max.problems[0]).toMatch(/max is reported but never judged.*gate on p99/);
  });

  it('fails the slow side as a regression and passes it as a baseline', () => {
    const rules = parseFailOn('p95>+10%,error_rate>+0.5pp,p95{name:seats}>+10%');
    if (!rules.ok) throw new Error('rules');
    const gate = judgeGate(c, rules.rules);
    // About 260 requests a side cannot show +0.5 pp of errors: the rule says so instead of passing.
    expect(gate.map((g) => g.status)).toEqual(['failed', 'inconclusive', 'failed']);
    expect(gate[1]?.reason).toMatch(/^cannot be judged with this much data: detectable change is ±1\.\dpp$/);
    const turned = compareRuns([side('x86', X86), side('graviton', GRAVITON)], { baseline: 1 });
    expect(judgeGate(turned, rules.rules).map((g) => g.status)).toEqual(['passed', 'inconclusive', 'passed']);
  });

  it('leaves a rule it cannot judge unjudged, not passed', () => {
    const rules = parseFailOn('p95{name:nope}>+10%');
    if (!rules.ok) throw new Error('rules');
    expect(judgeGate(c, rules.rules)[0]?.status).toBe('unjudged');
  });
});

describe('rendering', () => {
  const c = compareRuns([side('x86', X86), side('graviton', GRAVITON)]);
  const rules = parseFailOn('p95>+10%,error_rate>+0.5pp');
  const gate = rules.ok ? judgeGate(c, rules.rules) : [];

  it('formats changes in percent and points', () => {
    expect(formatDelta('relative', 0.1234)).toBe('+12.3%');
    expect(formatDelta('relative', -0.05)).toBe('−5.00%');
    expect(formatDelta('relative', 15.7)).toBe('+1,570%');
    expect(formatDelta('points', 0.005)).toBe('+0.50pp');
  });

  it('prints the same table every time (golden, no colour)', async () => {
    await expect(renderCompareTable(c, { color: false, gate })).toMatchFileSnapshot(
      '__golden__/compare-table.txt',
    );
  });

  it('writes the same Markdown every time (golden)', async () => {
    await expect(renderCompareMarkdown(c, { gate })).toMatchFileSnapshot('__golden__/compare.md');
  });

  it('escapes Markdown in names', () => {
    const hostile = compareRuns([side('a|b', X86), side('<b>*x*</b>', GRAVITON)]);
    const md = renderCompareMarkdown(hostile);
    expect(md).toContain('a\\|b');
    expect(md).toContain('\\<b\\>\\*x\\*\\</b\\>');
  });
});

describe('a run that started cold', () => {
  it('gets a note naming its side and run, with the first batch against the rest', () => {
    const cold = fixture(GRAVITON);
    cold.summary = { ...cold.summary, coldStart: { batchMs: 1100, firstP95: 41.25, restP95: 8.04 } };
    const notes = compareRuns([side('x86', X86), { label: 'graviton', runs: [cold] }]).notes;
    expect(notes).toContain(
      `graviton: run ${GRAVITON} started cold (first 1.1 s: p95 41.3 ms against 8.0 ms after); its side pays for that, not for the target: warm up first (run --targets --warmup)`,
    );
    expect(compareRuns([side('x86', X86), side('graviton', GRAVITON)]).notes.join('\n')).not.toContain(
      'cold',
    );
  });
});

describe('a percentile with too few requests above it', () => {
  it('is not judged, says how many requests a run it needs, and a gate rule on it says so', () => {
    const c = compareRuns([side('x86', X86), side('graviton', GRAVITON)]);
    // 251 requests: 2 above the p99, where 5 are needed; 12 above the p95.
    const p99 = c.overall.find((r) => r.key === 'p(99)')?.cells[1];
    expect(p99).toMatchObject({ verdict: 'unknown', tail: 2, needs: 500 });
    expect(p99?.p).toBeUndefined();
    expect(c.overall.find((r) => r.key === 'p(95)')?.cells[1]?.verdict).toBe('worse');
    const rules = parseFailOn('p99>+10%');
    const [g] = rules.ok ? judgeGate(c, rules.rules) : [];
    expect(g).toMatchObject({
      status: 'unjudged',
      reason: 'not enough data: 2 requests above the p99 of a run; it needs about 500 requests a run',
    });
  });
});

describe('goodput', () => {
  const withGoodput = (id: string, good: number, requests: number): CompareRun => {
    const run = fixture(id);
    const slos = [{ step: 'chat', slo: { ttft: '2s' } }];
    const goodput = { good, requests, share: good / requests, perSecond: good / 10, slos };
    return {
      ...run,
      summary: { ...run.summary, llm: { completed: requests, completedPerSecond: 1, goodput } },
    };
  };

  it('is a share judged on its counts, like errors: a large drop is worse, in points', () => {
    const c = compareRuns([
      { label: 'a', runs: [withGoodput(X86, 190, 200)] },
      { label: 'b', runs: [withGoodput(GRAVITON, 100, 200)] },
    ]);
    const row = c.overall.find((r) => r.key === 'goodput');
    expect(row).toMatchObject({ unit: 'fraction', delta: 'points', judged: true });
    expect(row?.cells[1]).toMatchObject({ verdict: 'worse', basis: { kind: 'requests', pairs: 400 } });
    // Not a second time among the custom metrics.
    expect(c.custom.some((r) => r.key.startsWith('goodput'))).toBe(false);
    expect(parseFailOn('goodput<-5pp')).toMatchObject({ ok: true });
  });

  it('has no row when no run had an SLO', () => {
    const c = compareRuns([side('x86', X86), side('graviton', GRAVITON)]);
    expect(c.overall.some((r) => r.key === 'goodput')).toBe(false);
  });
});
