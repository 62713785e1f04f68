import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseK6Summary } from '../../k6/summary.js';
import { classifyOutcome, parseK6ErrorLine } from './outcome.js';
import { endpointSubmetrics } from './k6-submetrics.js';
import { summarizeRun, summarizeThresholds } from './summary.js';
import { renderSummaryTable } from '../render/table.js';

// Recorded from a real k6 v1.8.1 run: see test/fixtures/k6-summary/README.md.
const fixture = readFileSync(
  new URL('../../../test/fixtures/k6-summary/thresholds-failed.json', import.meta.url),
  'utf8',
);
const parsed = parseK6Summary(fixture);
if (!parsed.ok) throw new Error(parsed.message);
const k6 = parsed.summary;

const spec = {
  'http_req_duration{name:home}': ['p(95)<500'],
  http_req_failed: ['rate<0.5'],
  checks: ['rate>0.9'],
  seat_won: [{ threshold: 'count>1000', abortOnFail: false }],
};

function build() {
  const thresholds = summarizeThresholds(k6, spec);
  const outcome = classifyOutcome({
    k6ExitCode: 99,
    interrupted: false,
    failedThresholds: thresholds.filter((t) => !t.ok).map((t) => `${t.metric}: ${t.expression}`),
    abortedByThreshold: false,
    failedInvariants: [],
  });
  return summarizeRun({
    k6,
    runId: '20261122T000000Z-abcd',
    plan: 'fixture',
    target: { name: 'local', url: 'http://127.0.0.1:1' },
    startedAt: new Date('2026-11-22T00:00:00Z'),
    endedAt: new Date('2026-11-22T00:00:02Z'),
    outcome,
    k6ExitCode: 99,
    endpoints: [
      { name: 'home', statuses: [] },
      { name: 'take', statuses: [201, 409] },
      { name: 'err', statuses: [] },
    ],
    thresholds,
  });
}

describe('summarizeRun on a recorded k6 summary', () => {
  const s = build();

  it('takes its counts from k6', () => {
    expect(s.totals.requests).toBe(2982);
    expect(s.totals.iterations).toBe(994);
    expect(s.metrics['seat_won']?.values['count']).toBe(125);
    expect(s.checks).toEqual([
      { name: 'home is 200', group: '', passes: 994, fails: 0 },
      { name: 'take is 201|409', group: '::buy', passes: 994, fails: 0 },
    ]);
  });

  it('names the failed threshold with its observed value', () => {
    expect(s.outcome).toEqual({
      kind: 'thresholds-failed',
      failed: ['seat_won: count>1000'],
      aborted: false,
    });
    expect(s.thresholds.find((t) => t.metric === 'seat_won')).toMatchObject({
      ok: false,
      observed: 125,
      stat: 'count',
    });
    expect(s.thresholds.find((t) => t.metric === 'http_req_duration{name:home}')?.ok).toBe(true);
  });

  it('has a row only for endpoints k6 computed sub-metrics for', () => {
    // The recorded run asked k6 for http_reqs{name:err} only.
    expect(s.endpoints.map((e) => [e.name, e.requests])).toEqual([['err', 994]]);
  });

  it('prints the same table every time (golden, no colour)', async () => {
    await expect(
      renderSummaryTable(s, { color: false, width: 120, runDir: 'results/fixture/x' }),
    ).toMatchFileSnapshot('__golden__/summary-table.txt');
  });
});

describe('endpointSubmetrics', () => {
  it('asks k6 for per-endpoint and per-expected-status sub-metrics', () => {
    expect(
      Object.keys(
        endpointSubmetrics([
          { name: 'reserve', statuses: [201, 409] },
          { name: 'bad,name', statuses: [] },
        ]),
      ),
    ).toEqual([
      'http_reqs{name:reserve}',
      'http_req_duration{name:reserve}',
      'http_req_failed{name:reserve}',
      'http_reqs{name:reserve,status:201}',
      'http_reqs{name:reserve,status:409}',
    ]);
  });
});

describe('classifyOutcome', () => {
  const base = { interrupted: false, failedThresholds: [], abortedByThreshold: false, failedInvariants: [] };
  it.each([
    [{ ...base, k6ExitCode: 0 }, 'passed'],
    [{ ...base, k6ExitCode: 99, failedThresholds: ['x'] }, 'thresholds-failed'],
    [{ ...base, k6ExitCode: 105 }, 'interrupted'],
    [{ ...base, k6ExitCode: 0, interrupted: true }, 'interrupted'],
    [{ ...base, k6ExitCode: 107 }, 'k6-error'],
    [{ ...base, k6ExitCode: undefined }, 'k6-error'],
    [{ ...base, k6ExitCode: 0, failedInvariants: ['no double bookings'] }, 'invariants-failed'],
  ])('%o → %s', (facts, kind) => {
    expect(classifyOutcome(facts).kind).toBe(kind);
  });

  const saturated = {
    saturated: true,
    reasons: [{ kind: 'cpu' as const, detail: 'k6 used 2.00 of 2 cores', fix: 'more cores' }],
  };
  it.each([
    [{ ...base, k6ExitCode: 0, generator: saturated }, 'generator-saturated'],
    // A saturated generator's thresholds and invariants measured the generator.
    [{ ...base, k6ExitCode: 99, failedThresholds: ['x'], generator: saturated }, 'generator-saturated'],
    [{ ...base, k6ExitCode: 0, failedInvariants: ['i'], generator: saturated }, 'generator-saturated'],
    [{ ...base, k6ExitCode: 107, generator: saturated }, 'k6-error'],
    [{ ...base, k6ExitCode: 105, generator: saturated }, 'interrupted'],
    [{ ...base, k6ExitCode: 0, interrupted: true, generator: saturated }, 'interrupted'],
    [{ ...base, k6ExitCode: 0, generator: { saturated: false, reasons: [] } }, 'passed'],
  ])('precedence: %o → %s', (facts, kind) => {
    expect(classifyOutcome(facts).kind).toBe(kind);
  });

  it('explains a script exception with k6’s own error line', () => {
    const log =
      'time="x" level=info msg="hi"\ntime="x" level=error msg="Uncaught (in promise) TypeError: Cannot read property \\"x\\" of undefined" source=stacktrace\n';
    expect(classifyOutcome({ ...base, k6ExitCode: 107, k6ErrorLine: parseK6ErrorLine(log) })).toEqual({
      kind: 'k6-error',
      k6ExitCode: 107,
      reason: 'the script threw an exception',
      detail: 'Uncaught (in promise) TypeError: Cannot read property "x" of undefined',
    });
  });
});

describe('a saturated generator in the summary', () => {
  const reasons = [
    {
      kind: 'dropped-iterations' as const,
      detail: 'k6 dropped 160 iterations (80% of the 200 due) of scenario load: no VU was free to start them',
      fix: 'raise preAllocatedVUs/maxVUs of scenario load (it needed more than 2)',
    },
  ];
  const generator = { saturated: true, reasons };
  const thresholds = summarizeThresholds(k6, spec);
  const s = summarizeRun({
    k6,
    runId: 'r',
    plan: 'fixture',
    target: { name: 'local', url: 'http://127.0.0.1:1' },
    startedAt: new Date(0),
    endedAt: new Date(2000),
    outcome: classifyOutcome({
      k6ExitCode: 99,
      interrupted: false,
      failedThresholds: thresholds.filter((t) => !t.ok).map((t) => `${t.metric}: ${t.expression}`),
      abortedByThreshold: false,
      failedInvariants: [],
      generator,
    }),
    k6ExitCode: 99,
    endpoints: [],
    thresholds,
    generator,
  });

  it('records the verdict and still lists the failed thresholds', () => {
    expect(s.generator).toEqual(generator);
    expect(s.outcome).toEqual({ kind: 'generator-saturated', reasons });
    expect(s.thresholds.filter((t) => !t.ok).map((t) => t.metric)).toEqual(['seat_won']);
  });

  it('warns before any number and ends with the verdict', () => {
    const text = renderSummaryTable(s, { color: false, width: 120 });
    expect(text).toContain(
      [
        '⚠ generator saturated — results not valid for the target',
        ' ✗ dropped-iterations: k6 dropped 160 iterations (80% of the 200 due) of scenario load: no VU was free to start them',
        '     fix: raise preAllocatedVUs/maxVUs of scenario load (it needed more than 2)',
      ].join('\n'),
    );
    expect(text.indexOf('⚠ generator saturated')).toBeLessThan(text.indexOf('endpoint'));
    expect(text).toMatch(/✗\s+seat_won\s+count>1000/);
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '⚠ generator saturated — results not valid for the target: k6 dropped 160 iterations (80% of the 200 due) of scenario load: no VU was free to start them',
    );
  });

  it('is not saturated when no verdict is given', () => {
    expect(build().generator).toEqual({ saturated: false, reasons: [] });
  });
});

describe('summarizeRun without k6’s end-of-test data', () => {
  it('falls back to the last live snapshot and says so', () => {
    const s = summarizeRun({
      k6: undefined,
      runId: 'r',
      plan: 'p',
      target: { name: 'local', url: 'http://127.0.0.1:1' },
      startedAt: new Date(0),
      endedAt: new Date(5000),
      outcome: { kind: 'interrupted', partial: true },
      k6ExitCode: undefined,
      endpoints: [{ name: 'home', statuses: [] }],
      thresholds: [],
      live: {
        elapsedMs: 4000,
        vus: 3,
        vusMax: 3,
        requests: 400,
        failed: 4,
        iterations: 200,
        droppedIterations: 0,
        latency: { med: 2, p95: 9 },
      },
    });
    expect(s.totals).toMatchObject({
      requests: 400,
      failed: 4,
      errorRate: 0.01,
      iterations: 200,
      vusMax: 3,
      rps: 100,
    });
    expect(s.latency).toEqual({ med: 2, 'p(95)': 9 });
    expect(s.endpoints).toEqual([]);
    expect(s.notes).toEqual([expect.stringContaining('last live snapshot')]);
  });
});

describe('thresholds on a metric with no samples', () => {
  // Recorded from a real k6 v1.8.1 run: see test/fixtures/k6-summary/README.md (no-samples.json).
  const recorded = parseK6Summary(
    readFileSync(new URL('../../../test/fixtures/k6-summary/no-samples.json', import.meta.url), 'utf8'),
  );
  if (!recorded.ok) throw new Error(recorded.message);
  const thresholds = summarizeThresholds(recorded.summary, {
    'http_req_duration{name:home}': ['p(95)<1000'],
    'http_req_duration{name:never}': ['p(95)<100'],
    'http_req_failed{name:never}': ['rate<0.1'],
  });

  it('says "no data" where k6 reports zeros for an endpoint no request ran, and keeps what was measured', () => {
    const of = (metric: string) => thresholds.find((t) => t.metric === metric);
    expect(of('http_req_duration{name:home}')?.noData).toBeUndefined();
    expect(of('http_req_duration{name:home}')?.observed).toBeGreaterThan(0);
    for (const metric of ['http_req_duration{name:never}', 'http_req_failed{name:never}']) {
      expect(of(metric)).toMatchObject({ noData: true, ok: true });
      expect(of(metric)?.observed).toBeUndefined();
    }
    // The threshold k6 carried on its own (http_reqs{name:never} count>=0) counts 0 requests: that is its data.
    expect(of('http_reqs{name:never}')).toMatchObject({ observed: 0 });
    expect(of('http_reqs{name:never}')?.noData).toBeUndefined();
  });

  it('draws neither ✓ nor 0µs for them', () => {
    const table = renderSummaryTable(
      summarizeRun({
        k6: recorded.summary,
        runId: 'r',
        plan: 'fixture',
        target: { name: 'local', url: 'http://127.0.0.1:1' },
        startedAt: new Date(0),
        endedAt: new Date(1000),
        outcome: classifyOutcome({
          k6ExitCode: 0,
          interrupted: false,
          failedThresholds: [],
          abortedByThreshold: false,
          failedInvariants: [],
        }),
        k6ExitCode: 0,
        thresholds,
        endpoints: [],
      }),
      { color: false, width: 120 },
    );
    const never = table.split('\n').filter((l) => l.includes('{name:never}') && !l.includes('http_reqs'));
    expect(never).toHaveLength(2);
    for (const line of never) {
      expect(line).toMatch(/^\s*–\s.*no data\s*$/);
      expect(line).not.toMatch(/✓|0µs|0\.00%/);
    }
  });
});
