import { describe, expect, it } from 'vitest';
import type { MonitorSource, ServerRecord, ServerSeries } from '../monitor/model.js';
import { breakpointSchema } from '../store/schemas/files.js';
import { describeServerAtLevels } from './render-server.js';
import { judgeServerAtLevels, levelWindows, SERVER_LIMITS, type LevelWindow } from './server.js';
import type { Verdict } from './verdict.js';

const GiB = 1024 ** 3;

const source = (over: Partial<MonitorSource>): MonitorSource => ({
  id: 'node',
  kind: 'node-exporter',
  address: 'http://10.0.0.5:9100/metrics',
  local: false,
  cores: 4,
  memoryBytes: 8 * GiB,
  samples: 20,
  errors: [],
  ...over,
});

const series = (id: string, src: string, points: [number, number][]): ServerSeries => ({
  id,
  source: src,
  label: id,
  unit: id.toLowerCase().includes('memory') ? 'bytes' : 'percent',
  points,
});

/** One point a second: `values[i]` at t = i + 1. */
const perSecond = (values: number[]): [number, number][] => values.map((v, i) => [i + 1, v]);

// Three levels of 4 s: seconds 1–4, 5–8, 9–12.
const WINDOWS: LevelWindow[] = [
  { level: 1, fromS: 0, toS: 4 },
  { level: 2, fromS: 4, toS: 8 },
  { level: 3, fromS: 8, toS: 12 },
];

const record = (over: Partial<ServerRecord>): ServerRecord => ({
  target: 'staging',
  intervalMs: 1000,
  sources: [source({})],
  series: [],
  ...over,
});

const found = (broke: number, criterion = 'p95<250ms'): Verdict => ({
  kind: 'found',
  held: broke > 1 ? { level: broke - 1, target: 100, rps: 100 } : null,
  broke: { level: broke, target: 150, rps: 140 },
  first: [{ criterion, kind: 'latency', observed: 400, limit: 250, endpoints: [] }],
  by: 'window',
});

describe('levelWindows', () => {
  it('starts after the straddling first sample, or at it for a one-sample level; falls back to the ramp', () => {
    const ramp = {
      levels: [
        { index: 0, target: 10, startMs: 0, endMs: 4000 },
        { index: 1, target: 20, startMs: 4000, endMs: 8000 },
        { index: 2, target: 30, startMs: 8000, endMs: 12000 },
      ],
    };
    expect(
      levelWindows(
        [
          { level: 1, firstS: 1, lastS: 4 },
          { level: 2, firstS: 5, lastS: 5 },
          { level: 3, firstS: null, lastS: null },
        ],
        ramp,
      ),
    ).toEqual([
      { level: 1, fromS: 1, toS: 4 },
      { level: 2, fromS: 4, toS: 5 },
      { level: 3, fromS: 8, toS: 12 },
    ]);
  });
});

describe('judgeServerAtLevels', () => {
  it('is undefined without server.json or without CPU and memory series', () => {
    expect(judgeServerAtLevels(WINDOWS, undefined)).toBeUndefined();
    expect(
      judgeServerAtLevels(WINDOWS, record({ series: [series('load1', 'node', perSecond([1, 2]))] })),
    ).toBeUndefined();
  });

  it('takes the highest host CPU and memory share of each level and the first level at a limit', () => {
    const cpu = perSecond([20, 30, 31, 29, 60, 80, 95, 70, 99, 99, 99, 99]);
    const memory = perSecond([2, 2, 2, 2, 3, 3, 3, 3, 4, 7.5, 7.3, 7].map((g) => g * GiB));
    const s = judgeServerAtLevels(
      WINDOWS,
      record({ series: [series('cpu', 'node', cpu), series('memory', 'node', memory)] }),
    );
    expect(s?.cpu).toBe('host');
    expect(s?.memory).toBe('host');
    expect(s?.limits).toEqual(SERVER_LIMITS);
    expect(s?.levels.map((l) => l.cpuMax)).toEqual([31, 95, 99]);
    expect(s?.levels.map((l) => l.memoryMaxPercent)).toEqual([25, 37.5, 93.75]);
    expect(s?.reached).toEqual([
      { resource: 'cpu', level: 2, observed: 95, limit: 90 },
      { resource: 'memory', level: 3, observed: 93.75, limit: 90 },
    ]);
  });

  it('takes the busiest host of several, and honours other limits', () => {
    const s = judgeServerAtLevels(
      WINDOWS,
      record({
        sources: [source({}), source({ id: 'node-2' })],
        series: [
          series('cpu', 'node', perSecond([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10])),
          series('cpu', 'node-2', perSecond([10, 10, 10, 10, 10, 10, 75, 10, 10, 10, 10, 10])),
        ],
      }),
      { cpuPercent: 70, memoryPercent: 90 },
    );
    expect(s?.levels.map((l) => l.cpuMax)).toEqual([10, 75, 10]);
    expect(s?.memory).toBeNull();
    expect(s?.reached).toEqual([{ resource: 'cpu', level: 2, observed: 75, limit: 70 }]);
  });

  it('falls back to the process: CPU where 100 is one core, RSS over the machine’s memory', () => {
    const s = judgeServerAtLevels(
      WINDOWS,
      record({
        sources: [
          source({ id: 'process', kind: 'process', address: 'pid 42', local: true, memoryBytes: 4 * GiB }),
        ],
        series: [
          series('processCpu', 'process', perSecond([40, 40, 40, 40, 88, 92, 97, 96, 130, 140, 150, 150])),
          series('processMemory', 'process', perSecond(Array<number>(12).fill(GiB))),
        ],
      }),
    );
    expect(s?.cpu).toBe('process');
    expect(s?.memory).toBe('process');
    expect(s?.onThisMachine).toBe(true);
    expect(s?.levels.map((l) => l.cpuMax)).toEqual([40, 97, 150]);
    expect(s?.levels.map((l) => l.memoryMaxPercent)).toEqual([25, 25, 25]);
    expect(s?.reached).toEqual([{ resource: 'cpu', level: 2, observed: 97, limit: 90 }]);
  });

  it('leaves memory unknown when the source has no total', () => {
    const s = judgeServerAtLevels(
      WINDOWS,
      record({
        sources: [source({ memoryBytes: undefined })],
        series: [series('memory', 'node', perSecond([GiB, GiB]))],
      }),
    );
    expect(s?.memory).toBeNull();
    expect(s?.levels.map((l) => l.memoryMaxPercent)).toEqual([null, null, null]);
  });
});

describe('describeServerAtLevels', () => {
  const hostCpu = (values: number[]) =>
    judgeServerAtLevels(WINDOWS, record({ series: [series('cpu', 'node', perSecond(values))] }))!;

  it('says which resource ran out first, and where the SLO broke', () => {
    const s = hostCpu([20, 20, 20, 20, 95, 95, 95, 95, 99, 99, 99, 99]);
    expect(describeServerAtLevels(s, found(3))).toBe(
      'server: CPU reached 95 % at level 2; p95 broke at level 3 [limits: CPU 90 %, memory 90 %]',
    );
    expect(describeServerAtLevels(s, found(2, 'errors{name:pay}<1%'))).toBe(
      'server: CPU reached 95 % at level 2, where errors broke [limits: CPU 90 %, memory 90 %]',
    );
  });

  it('says when the SLO broke before any resource ran out', () => {
    const s = hostCpu([20, 20, 20, 20, 40, 40, 40, 40, 62, 62, 62, 62]);
    expect(describeServerAtLevels(s, found(3))).toBe(
      'server: p95 broke at level 3 before the server ran out of CPU or memory (CPU at most 62 %): look for a limit elsewhere (a pool, a lock, a downstream service) [limits: CPU 90 %, memory 90 %]',
    );
    expect(describeServerAtLevels(s, { kind: 'not-found', held: null })).toBe(
      'server: no resource reached its limit (CPU at most 62 %) [limits: CPU 90 %, memory 90 %]',
    );
  });

  it('says a resource ran out while the SLO held; a local host’s CPU includes the generator’s', () => {
    const s = judgeServerAtLevels(
      WINDOWS,
      record({
        sources: [source({ id: 'process', kind: 'process', address: 'pid 7', local: true })],
        series: [series('processCpu', 'process', perSecond([50, 50, 50, 50, 60, 60, 60, 60, 93, 93]))],
      }),
    )!;
    expect(describeServerAtLevels(s, { kind: 'not-found', held: null })).toBe(
      'server: process CPU reached 93 % of one core at level 3 while the SLO held [limits: CPU 90 %, memory 90 %]',
    );
    const local = judgeServerAtLevels(
      WINDOWS,
      record({
        sources: [source({ local: true })],
        series: [
          series('cpu', 'node', perSecond([50, 50, 50, 50, 89.6, 60, 60, 60, 60])),
          series('memory', 'node', perSecond([0.02 * GiB])),
        ],
      }),
    )!;
    // At most 89 %, not a rounded 90 % that would read as the limit; a small share keeps its decimal.
    expect(describeServerAtLevels(local, { kind: 'not-found', held: null })).toBe(
      'server: no resource reached its limit (CPU at most 89 %, memory at most 0.2 %) (on this machine: the load generator’s share counts too) [limits: CPU 90 %, memory 90 %]',
    );
  });

  it('fits breakpoint.json', () => {
    const s = hostCpu([20, 20, 20, 20, 95, 95, 95, 95, 99, 99, 99, 99]);
    const server = { ...s, summary: describeServerAtLevels(s, found(3)) };
    expect(breakpointSchema.shape.server.safeParse(server).success).toBe(true);
  });
});
