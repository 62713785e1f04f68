import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ServerRecord } from '../monitor/model.js';
import type { Plan } from '../plans/schema.js';
import type { RunSummary } from '../report/model/summary.js';
import { breakpointSchema } from '../store/schemas/files.js';
import { planBreakpointSearch, startWatch, summarizeBreakpoint } from './search.js';
import { parseSlo, type Slo } from './slo.js';
import type { WatchState } from './watch.js';

const SLO = (parseSlo('p95<250ms') as { ok: true; slo: Slo }).slo;
const PLAN: Plan = {
  name: 'shop',
  targets: { local: { demo: true } },
  scenarios: {
    browse: {
      executor: 'constant-arrival-rate',
      rate: 50,
      duration: '1m',
      preAllocatedVUs: 10,
      flow: 'browse',
    },
  },
  flows: { browse: { steps: [{ name: 'list', path: '/items' }] } },
};
// A summary recorded from a real run (test/fixtures/report): its outcome and generator check are what matter.
const SUMMARY = JSON.parse(
  readFileSync(new URL('../../test/fixtures/report/seat-race-smoke/summary.json', import.meta.url), 'utf8'),
) as RunSummary;

const search = planBreakpointSearch(PLAN, { model: 'open', steps: 3, stepMs: 4000, max: 300 }, SLO, 3);
const n = (p95: number) => ({ requests: 400, errorRate: 0, latency: { 'p(95)': p95 }, endpoints: {} });
// Levels seen at t 1–4, 5–8, 9–11; the third broke.
const WATCH: WatchState = {
  ...startWatch(search),
  current: 2,
  live: [n(50), n(60), n(900)],
  seen: [
    { firstS: 1, lastS: 4 },
    { firstS: 5, lastS: 8 },
    { firstS: 9, lastS: 11 },
  ],
  decision: {
    kind: 'broke',
    level: 2,
    atS: 11,
    first: [{ criterion: SLO.criteria[0]!, observed: 900, endpoints: [] }],
    by: 'window',
  },
};
const RUN = {
  summary: { ...SUMMARY, outcome: { kind: 'passed' as const } },
  k6Summary: undefined,
  series: [],
  stoppedBecause: 'the SLO broke',
};
const SERVER: ServerRecord = {
  target: 'local',
  intervalMs: 1000,
  sources: [
    {
      id: 'node',
      kind: 'node-exporter',
      address: 'http://h:9100/metrics',
      local: false,
      samples: 11,
      errors: [],
    },
  ],
  series: [
    {
      id: 'cpu',
      source: 'node',
      label: 'CPU',
      unit: 'percent',
      points: [30, 30, 30, 30, 70, 92, 94, 80, 99, 99, 99].map((v, i): [number, number] => [i + 1, v]),
    },
  ],
};

describe('summarizeBreakpoint with the server side', () => {
  it('adds which resource ran out first to the result and breakpoint.json', () => {
    const { result, doc } = summarizeBreakpoint(search, WATCH, { ...RUN, server: SERVER });
    expect(result.verdict.kind).toBe('found');
    expect(result.server?.levels.map((l) => l.cpuMax)).toEqual([30, 94, 99]);
    expect(result.server?.summary).toBe(
      'server: CPU reached 94 % at level 2; p95 broke at level 3 [limits: CPU 90 %, memory 90 %]',
    );
    expect(breakpointSchema.parse(doc).server?.reached).toEqual([
      { resource: 'cpu', level: 2, observed: 94, limit: 90 },
    ]);
  });

  it('leaves it out without server.json', () => {
    const { result, doc } = summarizeBreakpoint(search, WATCH, RUN);
    expect(result.server).toBeUndefined();
    expect('server' in doc).toBe(false);
    expect(breakpointSchema.safeParse(doc).success).toBe(true);
  });
});
