import { describe, expect, it } from 'vitest';
import type { Ramp } from './ramp.js';
import { describeVerdict, renderBreakpoint, renderLevelNote } from './render.js';
import { parseSlo, type Slo } from './slo.js';
import type { BreakpointResult, LevelResult } from './verdict.js';

const SLO = (parseSlo('p95<250ms,errors<1%') as { ok: true; slo: Slo }).slo;
const RAMP: Ramp = {
  model: 'open',
  scenario: 'browse',
  flow: 'browse',
  unit: 'iterations/s',
  stepMs: 4000,
  levels: [120, 160, 200, 240].map((target, index) => ({ index, target, startMs: 0, endMs: 0 })),
};

const level = (over: Partial<LevelResult>): LevelResult => ({
  level: 1,
  target: 120,
  status: 'held',
  requests: 480,
  rps: 120,
  errorRate: 0,
  latency: { 'p(95)': 51.9 },
  endpoints: {},
  breaches: [],
  firstS: 1,
  lastS: 4,
  ...over,
});

const broke = {
  criterion: 'p95<250ms',
  kind: 'latency' as const,
  observed: 704.6,
  limit: 250,
  endpoints: [{ name: 'dates', observed: 704.6 }],
};

const RESULT: BreakpointResult = {
  levels: [
    level({}),
    level({ level: 2, target: 160, requests: 640, rps: 160, latency: { 'p(95)': 51 } }),
    level({ level: 3, target: 200, requests: 800, rps: 200, latency: { 'p(95)': 72.9 } }),
    level({
      level: 4,
      target: 240,
      requests: 773,
      rps: 193.25,
      latency: { 'p(95)': 704.6 },
      status: 'broken',
      breaches: [broke],
    }),
  ],
  verdict: {
    kind: 'found',
    held: { level: 3, target: 200, rps: 200 },
    broke: { level: 4, target: 240, rps: 193.25 },
    first: [broke],
    by: 'window',
  },
};

describe('renderBreakpoint', () => {
  it('prints the levels, the verdict and where the run is', () => {
    const text = renderBreakpoint({ plan: 'capacity', target: 'local', slo: SLO, ramp: RAMP }, RESULT, {
      color: false,
      runDir: 'results/capacity.breakpoint/20261122T050153Z-95cc03',
    });
    const lines = text.split('\n').map((l) => l.trimEnd());
    expect(lines[4]).toMatch(/^─+$/);
    expect(lines.filter((_, i) => i !== 4)).toEqual([
      'capacity against local: breaking point of scenario browse (open model, arrival rate)',
      'SLO p95<250ms, errors<1% · 4 levels of 4s, 120/s → 240/s',
      '',
      ' level    load   req/s   requests   errors       p95   verdict',
      '     1   120/s     120        480    0.00%    51.9ms   held',
      '     2   160/s     160        640    0.00%    51.0ms   held',
      '     3   200/s     200        800    0.00%    72.9ms   held',
      '     4   240/s     193        773    0.00%   704.6ms   ✗ p95 704.6ms, limit 250.0ms (dates 704.6ms)',
      '',
      '✓ breaking point: held level 3, 200/s (200 req/s); broke at level 4, 240/s (193 req/s)',
      'broke first: latency — p95 704.6ms, limit 250.0ms (dates 704.6ms)',
      'results: results/capacity.breakpoint/20261122T050153Z-95cc03 (breakpoint.json, series.json, summary.json)',
      '',
    ]);
  });
});

describe('renderBreakpoint with the server side', () => {
  it('prints which resource ran out first below the verdict', () => {
    const summary =
      'server: CPU reached 95 % at level 3; p95 broke at level 4 [limits: CPU 90 %, memory 90 %]';
    const server = {
      cpu: 'host' as const,
      memory: null,
      onThisMachine: false,
      limits: { cpuPercent: 90, memoryPercent: 90 },
      levels: [],
      reached: [],
      summary,
    };
    const lines = renderBreakpoint(
      { plan: 'capacity', target: 'local', slo: SLO, ramp: RAMP },
      { ...RESULT, server },
      { color: false },
    ).split('\n');
    const verdict = lines.findIndex((l) => l.startsWith('broke first:'));
    expect(lines[verdict + 1]).toBe(summary);
  });
});

describe('describeVerdict', () => {
  it('says what to do when there is no breaking point to report', () => {
    expect(describeVerdict({ kind: 'not-found', held: { level: 4, target: 240, rps: 239 } }, RAMP)).toEqual([
      'no breaking point up to the top level: held level 4, 240/s (239 req/s)',
      'raise --max-rate/--max-vus (or --steps) to search further',
    ]);
    expect(
      describeVerdict(
        {
          kind: 'generator-saturated',
          held: null,
          at: { level: 1, target: 20, rps: null },
          reasons: [{ kind: 'dropped-iterations', detail: 'k6 dropped 40 iterations', fix: 'raise maxVUs' }],
        },
        { unit: 'VUs' },
      ),
    ).toEqual([
      "generator saturated at level 1, 20 VUs — that is the load generator's limit, not the target's; no level held",
      '  k6 dropped 40 iterations\n      fix: raise maxVUs',
    ]);
    expect(describeVerdict({ kind: 'incomplete', held: null, reason: 'k6 failed: x' }, RAMP)).toEqual([
      'no verdict: k6 failed: x; no level held',
    ]);
  });

  it('names latency and errors together when they broke in the same sample, and the worst endpoint', () => {
    const errors = {
      criterion: 'errors<1%',
      kind: 'errors' as const,
      observed: 0.02,
      limit: 0.01,
      endpoints: [],
      worst: { name: 'pay', observed: 0.009 },
    };
    const lines = describeVerdict(
      {
        kind: 'found',
        held: null,
        broke: { level: 1, target: 120, rps: 118 },
        first: [broke, errors],
        by: 'final',
      },
      RAMP,
    );
    expect(lines[1]).toBe(
      'broke first, together: latency and errors — p95 704.6ms, limit 250.0ms (dates 704.6ms); errors 2.00%, limit 1.00% (worst: pay 0.90%)',
    );
  });
});

describe('renderLevelNote', () => {
  it('shows the level running and its own numbers', () => {
    expect(
      renderLevelNote(
        RAMP,
        2,
        { requests: 10, errorRate: 0.001, latency: { 'p(95)': 80 }, endpoints: {} },
        SLO,
      ),
    ).toBe(' · level 3/4 200/s · level p95 80.0ms · level errors 0.10%');
  });
});

describe('renderBreakpoint with hostile names', () => {
  it('shows control characters from the plan visibly and adds no line', () => {
    const evil = 'x\u001b[2J\u001b]0;pwned\u0007\u202Ey\r\nz';
    const breach = { ...broke, endpoints: [{ name: `dates${evil}`, observed: 704.6 }] };
    const result: BreakpointResult = {
      ...RESULT,
      levels: RESULT.levels.map((l) => (l.breaches.length ? { ...l, breaches: [breach] } : l)),
      verdict: { ...RESULT.verdict, first: [breach] } as BreakpointResult['verdict'],
    };
    const header = (tail: string) => ({
      plan: `capacity${tail}`,
      target: `local${tail}`,
      slo: SLO,
      ramp: { ...RAMP, scenario: `browse${tail}` },
    });
    const text = renderBreakpoint(header(evil), result, { color: false, runDir: `results/c${evil}` });
    expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E]/); // eslint-disable-line no-control-regex
    expect(text).toContain('capacityx␛[2J␛]0;pwned␇\\u{202e}y␍␊z against localx␛[2J');
    expect(text).toContain('datesx␛[2J');
    const benign = renderBreakpoint(header(' ok'), RESULT, { color: false, runDir: 'results/c' });
    expect(text.split('\n')).toHaveLength(benign.split('\n').length);
  });
});

describe('renderBreakpoint on streaming numbers', () => {
  it('shows the SLO’s streaming trend and goodput, and a goodput breach as a share', () => {
    const slo = (parseSlo('ttft_p95<2s,goodput>95%') as { ok: true; slo: Slo }).slo;
    const goodput = {
      criterion: 'goodput>95%',
      kind: 'goodput' as const,
      observed: 0.8,
      limit: 0.95,
      endpoints: [{ name: 'chat', observed: 0.8 }],
    };
    const result: BreakpointResult = {
      levels: [
        level({ stream: { ttft: { 'p(95)': 310 } }, goodput: 1 }),
        level({
          level: 2,
          target: 160,
          status: 'broken',
          stream: { ttft: { 'p(95)': 1200 } },
          goodput: 0.8,
          breaches: [goodput],
        }),
      ],
      verdict: {
        kind: 'found',
        held: { level: 1, target: 120, rps: 120 },
        broke: { level: 2, target: 160, rps: 120 },
        first: [goodput],
        by: 'window',
      },
    };
    const lines = renderBreakpoint({ plan: 'llm', target: 'local', slo, ramp: RAMP }, result, {
      color: false,
    })
      .split('\n')
      .map((l) => l.trimEnd());
    expect(lines.slice(3, 4).concat(lines.slice(5, 7))).toEqual([
      ' level    load   req/s   requests   errors   ttft p95   goodput   verdict',
      '     1   120/s     120        480    0.00%    310.0ms   100.00%   held',
      '     2   160/s     120        480    0.00%      1.20s    80.00%   ✗ goodput 80.00%, limit 95.00% (chat 80.00%)',
    ]);
    expect(lines).toContain('broke first: goodput — goodput 80.00%, limit 95.00% (chat 80.00%)');
    expect(
      renderLevelNote(
        RAMP,
        1,
        { requests: 40, latency: {}, stream: { ttft: { 'p(95)': 900 } }, goodput: 0.9, endpoints: {} },
        slo,
      ),
    ).toBe(' · level 2/4 160/s · level ttft p95 900.0ms · level goodput 90.00%');
  });
});
