import { describe, expect, it } from 'vitest';
import type { DemoStats } from '../demo/server.js';
import type { SeriesPoint } from '../k6/live.js';
import { initialGuardState } from '../report/model/guard.js';
import type { ExecutedRun } from './execute.js';
import { finishRun, renderRunFiles, summarizeNotes } from './finish.js';
import { prepareRun, startMeta } from './prepare.js';
import { choices, FACTS, SHOP } from './spec.fixture.js';

const spec = prepareRun(choices(), FACTS);
const POINT: SeriesPoint = {
  t: 1,
  vus: 2,
  rps: 10,
  errorsPerSecond: 0,
  errorRate: 0,
  iterationsPerSecond: 5,
  droppedIterations: 0,
};

function executed(more: Partial<ExecutedRun> = {}, exitCode = 0): ExecutedRun {
  return {
    baseUrl: 'http://api.test',
    meta: startMeta(spec, 'http://api.test', new Date('2026-12-02T10:00:01Z')),
    k6: {
      result: { kind: 'exited', file: '/bin/k6', exitCode, stdout: '', stderr: '', durationMs: 2000 },
      interrupted: false,
      errorLines: [],
      startedAt: new Date('2026-12-02T10:00:01Z'),
      endedAt: new Date('2026-12-02T10:00:03Z'),
    },
    series: [POINT],
    last: undefined,
    guard: initialGuardState(spec.guard),
    stoppedBecause: undefined,
    // k6's end-of-test data: without it (and without requests) a run is no data.
    k6Summary: { metrics: {} },
    k6SummaryProblem: undefined,
    demoStats: undefined,
    samples: undefined,
    frames: undefined,
    invariants: [],
    release: () => {},
    ...more,
  };
}

describe('finishRun', () => {
  it('a run k6 ended by itself with 0 passed; its series is the live one', () => {
    const done = finishRun(spec, executed());
    expect(done.outcome).toEqual({ kind: 'passed' });
    expect(done.exitCode).toBe(0);
    expect(done.summary).toMatchObject({
      runId: spec.runId,
      plan: 'shop',
      target: { name: 'api', url: 'http://api.test' },
    });
    expect(done.series).toEqual({
      schema: 'loadctl.series/v1',
      source: 'k6-rest-api',
      intervalMs: 1000,
      points: [POINT],
    });
  });

  it('a run the observer stopped through the REST API (k6 exits 103) ended where it was meant to', () => {
    const done = finishRun(spec, executed({ stoppedBecause: 'the SLO broke' }, 103));
    expect(done.outcome.kind).toBe('passed');
    expect(done.summary.k6ExitCode).toBe(103);
    expect(done.summary.notes[0]).toBe('loadctl stopped k6 early: the SLO broke');
  });

  it('the same exit without a stop is a k6 error (exit 4)', () => {
    const done = finishRun(spec, executed({}, 103));
    expect(done.outcome.kind).toBe('k6-error');
    expect(done.exitCode).toBe(4);
  });

  it('a failed invariant fails the run (exit 6); Ctrl-C wins over everything (exit 130)', () => {
    const failed = executed({ invariants: [{ name: 'no double booking', ok: false, detail: 'x' }] });
    expect(finishRun(spec, failed)).toMatchObject({
      outcome: { kind: 'invariants-failed', failed: ['no double booking'] },
      exitCode: 6,
    });
    const interrupted = executed();
    interrupted.k6.interrupted = true;
    expect(finishRun(spec, interrupted).exitCode).toBe(130);
  });
});

describe('summarizeNotes', () => {
  it('says what the reader must know, in the order it happened', () => {
    expect(
      summarizeNotes(
        executed({
          stoppedBecause: 'saturated',
          k6SummaryProblem: 'k6-summary.json is not JSON',
          samples: { unreadable: 'unexpected end of file' },
          invariants: undefined,
        }),
      ),
    ).toEqual([
      'loadctl stopped k6 early: saturated',
      'k6-summary.json is not JSON',
      'the raw samples could not be read to the end (unexpected end of file): series.json comes from the live data',
      'invariants were not checked: the run did not finish',
    ]);
  });
});

describe('renderRunFiles', () => {
  it('writes demo-stats, summary, series, then meta with its end filled in', () => {
    const run = executed({ demoStats: { requests: { 'GET /health': 3 } } as unknown as DemoStats });
    const files = renderRunFiles(spec, run, finishRun(spec, run));
    expect(Object.keys(files)).toEqual(['demoStats', 'summary', 'series', 'meta']);
    expect(JSON.parse(files.demoStats ?? '')).toEqual({
      schema: 'loadctl.demo-stats/v1',
      requests: { 'GET /health': 3 },
    });
    expect(JSON.parse(files.meta ?? '')).toMatchObject({
      startedAt: '2026-12-02T10:00:01.000Z',
      endedAt: '2026-12-02T10:00:03.000Z',
      k6ExitCode: 0,
      exitCode: 0,
      outcome: 'passed',
    });
  });

  it("breakpoint's document comes before meta, and its exit code is meta's", () => {
    const run = executed();
    const breakpoint = { schema: 'loadctl.breakpoint/v1' } as NonNullable<
      Parameters<typeof renderRunFiles>[3]
    >['breakpoint'];
    const files = renderRunFiles(spec, run, finishRun(spec, run), { exitCode: 5, breakpoint });
    expect(Object.keys(files)).toEqual(['summary', 'series', 'breakpoint', 'meta']);
    expect(JSON.parse(files.meta ?? '')).toMatchObject({ exitCode: 5, outcome: 'passed' });
  });

  it('redacts the secrets from every file, in the forms an invariant or k6 gave them', () => {
    const secret = 'p/a+s=s&w"o é x';
    const secretSpec = prepareRun(choices({ ...SHOP, secrets: ['TOKEN'] }), {
      ...FACTS,
      env: { TOKEN: secret },
    });
    const run = executed({
      invariants: [
        { name: 'seat', ok: false, detail: `GET /seats?key=${encodeURIComponent(secret)} answered 500` },
      ],
      k6SummaryProblem: `k6's summary: ${JSON.stringify({ token: secret })}`,
    });
    const files = renderRunFiles(secretSpec, run, finishRun(secretSpec, run));
    const all = Object.values(files).join('\n');
    expect(all).toContain('GET /seats?key=[redacted] answered 500');
    expect(all).not.toContain(encodeURIComponent(secret));
    expect(all).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(all).not.toContain('é');
  });
});

describe('finishRun: a k6 that ran nothing', () => {
  it('no end-of-test summary and no requests: k6 failed (exit 4), not passed', () => {
    const done = finishRun(spec, executed({ k6Summary: undefined }));
    expect(done.outcome).toMatchObject({ kind: 'k6-error', k6ExitCode: 0 });
    expect(done.exitCode).toBe(4);
    expect(done.summary.outcome).toEqual(done.outcome);
  });

  it('live requests without the summary (k6 stopped before writing it) are data', () => {
    const last = {
      elapsedMs: 2000,
      vus: 2,
      vusMax: 2,
      requests: 20,
      failed: 0,
      iterations: 10,
      droppedIterations: 0,
      latency: {},
    };
    expect(finishRun(spec, executed({ k6Summary: undefined, last })).exitCode).toBe(0);
  });
});
