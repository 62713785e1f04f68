// The live window (watch.ts) and the verdict built on it (verdict.ts), from k6 metric values of load levels as
// k6's REST API and end-of-test data name them.
import { describe, expect, it } from 'vitest';
import type { GuardVerdict } from '../report/model/guard.js';
import type { Outcome } from '../report/model/outcome.js';
import type { Ramp } from './ramp.js';
import { parseSlo, type Slo } from './slo.js';
import { judgeBreakpoint } from './verdict.js';
import { foldWatch, initialWatch, levelNumbers, type MetricValues, type WatchState } from './watch.js';

interface LevelSpec {
  requests: number;
  p95?: number;
  errorRate?: number;
  endpoints?: Record<string, { p95?: number; errorRate?: number }>;
}

function values(levels: ReadonlyArray<LevelSpec | undefined>): MetricValues {
  const map = new Map<string, Record<string, number>>();
  levels.forEach((l, i) => {
    if (l === undefined) return;
    const tag = `lc_batch:${i}`;
    map.set(`http_reqs{${tag}}`, { count: l.requests, rate: 1 });
    map.set(`http_req_failed{${tag}}`, { rate: l.errorRate ?? 0 });
    map.set(`http_req_duration{${tag}}`, { 'p(95)': l.p95 ?? 10, avg: (l.p95 ?? 10) / 2 });
    for (const [name, e] of Object.entries(l.endpoints ?? {})) {
      map.set(`http_req_duration{name:${name},${tag}}`, { 'p(95)': e.p95 ?? 10 });
      map.set(`http_req_failed{name:${name},${tag}}`, { rate: e.errorRate ?? 0 });
    }
  });
  return (key) => map.get(key);
}

const FINE: GuardVerdict = { saturated: false, reasons: [] };
const DROPPED: GuardVerdict = {
  saturated: true,
  reasons: [{ kind: 'dropped-iterations', detail: 'k6 dropped 40 iterations', fix: 'raise maxVUs' }],
};
const CPU: GuardVerdict = {
  saturated: true,
  reasons: [{ kind: 'cpu', detail: 'k6 used 1.9 of 2 cores', fix: 'more cores' }],
};
const PASSED: Outcome = { kind: 'passed' };

const SLO = (parseSlo('p95<250ms,errors<1%') as { ok: true; slo: Slo }).slo;
const ENDPOINTS = ['list', 'buy'];

const RAMP: Ramp = {
  model: 'open',
  scenario: 'browse',
  flow: 'browse',
  unit: 'iterations/s',
  stepMs: 5000,
  levels: [50, 100, 150, 200].map((target, index) => ({
    index,
    target,
    startMs: index * 5000,
    endMs: (index + 1) * 5000,
  })),
  preAllocatedVUs: 100,
  maxVUs: 100,
};

/** Folds polls one second apart, starting at t = 1. */
function watch(
  polls: ReadonlyArray<{ levels: ReadonlyArray<LevelSpec | undefined>; generator?: GuardVerdict }>,
): WatchState {
  return polls.reduce(
    (state, poll, i) =>
      foldWatch(state, { t: i + 1, values: values(poll.levels), generator: poll.generator ?? FINE }),
    initialWatch({ slo: SLO, levels: RAMP.levels.length, endpoints: ENDPOINTS, window: 3 }),
  );
}

const ok = { requests: 500, p95: 100 };
const slow = { requests: 500, p95: 400, endpoints: { list: { p95: 80 }, buy: { p95: 900 } } };

describe('levelNumbers', () => {
  it('reads one level overall and per endpoint, and nothing for a level without requests', () => {
    const v = values([
      undefined,
      { requests: 40, p95: 120, errorRate: 0.05, endpoints: { list: { p95: 7 } } },
    ]);
    expect(levelNumbers(v, 1, ENDPOINTS)).toEqual({
      requests: 40,
      errorRate: 0.05,
      latency: { 'p(95)': 120, avg: 60 },
      endpoints: { list: { latency: { 'p(95)': 7 }, errorRate: 0 } },
    });
    expect(levelNumbers(v, 0, ENDPOINTS)).toEqual({ requests: 0, latency: {}, endpoints: {} });
  });
});

describe('foldWatch', () => {
  it('stops once a level breaks the SLO for `window` polls in a row, naming what broke first', () => {
    const w = watch([
      { levels: [ok] },
      { levels: [ok, { requests: 30, p95: 300 }] },
      { levels: [ok, { requests: 200, errorRate: 0.02 }] },
      { levels: [ok, { requests: 400, errorRate: 0.02, p95: 300 }] },
      { levels: [ok, slow] },
    ]);
    expect(w.current).toBe(1);
    expect(w.decision).toMatchObject({ kind: 'broke', level: 1, atS: 5, by: 'window' });
    // The poll with 30 requests was too few to judge (errors need 100 for 1%): the streak starts with errors.
    expect(w.decision?.kind === 'broke' && w.decision.first.map((b) => b.criterion.text)).toEqual([
      'errors<1%',
    ]);
    expect(w.seen).toEqual([
      { firstS: 1, lastS: 1 },
      { firstS: 2, lastS: 5 },
    ]);
  });

  it('a poll that holds starts the count again', () => {
    const w = watch([
      { levels: [slow] },
      { levels: [slow] },
      { levels: [ok] },
      { levels: [slow] },
      { levels: [slow] },
    ]);
    expect(w.decision).toBeUndefined();
    expect(w.streak).toBe(2);
  });

  it('judges a level on its whole step when the next one begins', () => {
    const w = watch([{ levels: [ok] }, { levels: [slow] }, { levels: [slow, { requests: 5 }] }]);
    expect(w.decision).toMatchObject({ kind: 'broke', level: 0, atS: 3, by: 'level-end' });
  });

  it('a VU pool that runs out while the latency breaks the SLO is the target breaking', () => {
    const w = watch([{ levels: [ok] }, { levels: [ok, slow], generator: DROPPED }]);
    expect(w.decision).toMatchObject({ kind: 'broke', level: 1, by: 'pool', generator: DROPPED.reasons });
  });

  it('a pool that runs out while the target is fast, or a busy CPU, is the generator', () => {
    expect(watch([{ levels: [ok] }, { levels: [ok, ok], generator: DROPPED }]).decision).toEqual({
      kind: 'saturated',
      level: 1,
      atS: 2,
      reasons: DROPPED.reasons,
    });
    expect(watch([{ levels: [ok, slow], generator: CPU }]).decision).toMatchObject({
      kind: 'saturated',
      level: 1,
    });
  });

  it('does nothing more once it decided', () => {
    const decided = watch([{ levels: [ok], generator: CPU }]);
    expect(foldWatch(decided, { t: 9, values: values([slow, slow]), generator: FINE })).toBe(decided);
  });
});

describe('judgeBreakpoint', () => {
  const judge = (
    w: WatchState,
    final: ReadonlyArray<LevelSpec | undefined> | undefined,
    extra: { outcome?: Outcome; generator?: GuardVerdict } = {},
  ) =>
    judgeBreakpoint({
      slo: SLO,
      ramp: RAMP,
      endpoints: ENDPOINTS,
      watch: w,
      final: final ? values(final) : undefined,
      outcome: extra.outcome ?? PASSED,
      generator: extra.generator ?? FINE,
    });

  it('found: the highest level that held, the one that broke, and what broke first where', () => {
    const w = watch([
      { levels: [ok] },
      { levels: [ok, ok] },
      { levels: [ok, ok, slow] },
      { levels: [ok, ok, slow] },
      { levels: [ok, ok, slow] },
    ]);
    const r = judge(w, [ok, ok, slow, { requests: 2 }]);
    expect(r.levels.map((l) => l.status)).toEqual(['held', 'held', 'broken']);
    expect(r.levels[0]).toMatchObject({ level: 1, target: 50, requests: 500, rps: 100, firstS: 1, lastS: 1 });
    expect(r.verdict).toEqual({
      kind: 'found',
      held: { level: 2, target: 100, rps: 100 },
      broke: { level: 3, target: 150, rps: 500 / 3 },
      first: [
        {
          criterion: 'p95<250ms',
          kind: 'latency',
          observed: 400,
          limit: 250,
          endpoints: [{ name: 'buy', observed: 900 }],
        },
      ],
      by: 'window',
    });
  });

  it('an earlier level that broke over its whole step in the exact end-of-test data is the breaking point', () => {
    const w = watch([
      { levels: [ok] },
      { levels: [ok, slow] },
      { levels: [ok, slow] },
      { levels: [ok, slow] },
    ]);
    const lateErrors = {
      requests: 500,
      p95: 100,
      errorRate: 0.03,
      endpoints: { list: { errorRate: 0.005 }, buy: { errorRate: 0.05 } },
    };
    const r = judge(w, [lateErrors, slow]);
    expect(r.verdict).toMatchObject({ kind: 'found', held: null, broke: { level: 1 }, by: 'final' });
    expect(r.verdict.kind === 'found' && r.verdict.first).toEqual([
      {
        criterion: 'errors<1%',
        kind: 'errors',
        observed: 0.03,
        limit: 0.01,
        endpoints: [{ name: 'buy', observed: 0.05 }],
      },
    ]);
    // No endpoint over the limit on its own: the worst one is named.
    const spread = {
      ...lateErrors,
      errorRate: 0.012,
      endpoints: { list: { errorRate: 0.008 }, buy: { errorRate: 0.009 } },
    };
    const r2 = judge(w, [spread, slow]);
    expect(r2.verdict.kind === 'found' && r2.verdict.first[0]?.worst).toEqual({
      name: 'buy',
      observed: 0.009,
    });
  });

  it('generator saturated: the levels from there on are not the target’s; exit with what held before', () => {
    const w = watch([{ levels: [ok] }, { levels: [ok, ok] }, { levels: [ok, ok, ok], generator: DROPPED }]);
    const r = judge(w, [ok, ok, ok]);
    expect(r.levels.map((l) => l.status)).toEqual(['held', 'held', 'generator']);
    expect(r.verdict).toEqual({
      kind: 'generator-saturated',
      held: { level: 2, target: 100, rps: 100 },
      at: { level: 3, target: 150, rps: 500 / 1 },
      reasons: DROPPED.reasons,
    });
  });

  it('not found: every level held up to the top', () => {
    const w = watch([{ levels: [ok, ok, ok, ok] }]);
    expect(judge(w, [ok, ok, ok, ok]).verdict).toEqual({
      kind: 'not-found',
      held: { level: 4, target: 200, rps: 500 },
    });
  });

  it('saturation seen only in the end-of-test data, with no level broken, is still the generator', () => {
    const w = watch([{ levels: [ok, ok] }]);
    expect(judge(w, [ok, ok], { generator: DROPPED }).verdict).toMatchObject({
      kind: 'generator-saturated',
      held: { level: 1 },
      at: { level: 2 },
    });
  });

  it('incomplete: interrupted or k6 failing before any level broke; k6 data missing falls back to the live numbers', () => {
    const w = watch([{ levels: [ok] }]);
    expect(judge(w, undefined, { outcome: { kind: 'interrupted', partial: true } }).verdict).toEqual({
      kind: 'incomplete',
      held: { level: 1, target: 50, rps: 500 },
      reason: 'the run was interrupted before a level broke',
    });
    expect(
      judge(w, undefined, {
        outcome: { kind: 'k6-error', k6ExitCode: 107, reason: 'the script threw an exception' },
      }).verdict,
    ).toMatchObject({ kind: 'incomplete', reason: 'k6 failed: the script threw an exception' });
  });

  it('k6 failing leaves no verdict even after a level broke; an interruption keeps what was found', () => {
    const w = watch([
      { levels: [ok] },
      { levels: [ok, slow] },
      { levels: [ok, slow] },
      { levels: [ok, slow] },
    ]);
    const failed: Outcome = { kind: 'k6-error', k6ExitCode: 109, reason: 'k6 crashed (a Go panic)' };
    expect(judge(w, undefined, { outcome: failed }).verdict).toEqual({
      kind: 'incomplete',
      held: { level: 1, target: 50, rps: 100 },
      reason: 'k6 failed: k6 crashed (a Go panic)',
    });
    expect(judge(w, undefined, { outcome: { kind: 'interrupted', partial: true } }).verdict.kind).toBe(
      'found',
    );
  });

  it('the rate of the last level, perhaps cut short, is what the series saw while it ran', () => {
    const w = {
      ...watch([{ levels: [ok, ok, ok] }]),
      seen: [
        { firstS: 1, lastS: 5 },
        { firstS: 6, lastS: 10 },
        { firstS: 11, lastS: 14 },
      ],
    };
    const series = [10, 11, 12, 13, 14, 15].map((t) => ({ t, rps: t === 11 ? 60 : t * 10 }));
    const r = judgeBreakpoint({
      slo: SLO,
      ramp: RAMP,
      endpoints: ENDPOINTS,
      watch: w,
      final: values([ok, ok, ok]),
      outcome: PASSED,
      generator: FINE,
      series,
    });
    // Complete levels: their requests over the step; the last: the mean of t = 12, 13, 14.
    expect(r.levels.map((l) => l.rps)).toEqual([100, 100, 130]);
  });

  it('levels with too few requests are neither held nor broken', () => {
    const w = watch([{ levels: [{ requests: 10, p95: 900 }] }]);
    const r = judge(w, [{ requests: 10, p95: 900 }]);
    expect(r.levels[0]?.status).toBe('too-few-requests');
    expect(r.verdict).toEqual({ kind: 'not-found', held: null });
  });
});
