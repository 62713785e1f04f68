import { describe, expect, it } from 'vitest';
import { querySeries, runSeconds, serverRecord } from './record.js';
import type { SourceRecording } from './sampler.js';
import { summarizeServer, headlineCpu, ALL_HOSTS } from './stats.js';

const clock = { startMs: 1_000_000, endMs: 1_010_000 };

function node(id: string, cores: number, cpu: number[]): SourceRecording {
  return {
    spec: { kind: 'node-exporter', id, url: `http://10.0.0.${cores}:9100/metrics` },
    address: `http://10.0.0.${cores}:9100/metrics`,
    local: false,
    cores,
    memoryBytes: 8e9,
    // One reading before k6 started, one a second through the run, one well after.
    readings: [
      { atMs: clock.startMs - 600, values: { memory: 1 } },
      ...cpu.map((v, i) => ({
        atMs: clock.startMs + (i + 1) * 1000 + 40,
        values: { cpu: v, memory: 2e9 + i },
      })),
      { atMs: clock.endMs + 5000, values: { cpu: 99 } },
    ],
    errors: new Map([['connection refused', 2]]),
  };
}

describe('serverRecord', () => {
  it('puts readings on k6’s clock and drops those outside the run', () => {
    const r = serverRecord('x86', 1000, clock, [node('node', 4, [10, 20, 30])], []);
    const cpu = r.series.find((s) => s.id === 'cpu');
    expect(cpu?.points).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    expect(cpu?.label).toBe('CPU');
    expect(r.sources[0]).toMatchObject({ id: 'node', kind: 'node-exporter', cores: 4, samples: 5 });
    expect(r.sources[0]?.errors).toEqual([{ message: 'connection refused', count: 2 }]);
    expect(runSeconds(clock.startMs + 1549, clock)).toBe(1.5);
  });

  it('names a query’s series and places Prometheus’s timestamps on the same clock', () => {
    const s = querySeries(
      'running',
      [
        {
          labels: '{}',
          values: [
            [1001, 3],
            [1002, 4],
          ],
        },
      ],
      clock,
    );
    expect(s).toEqual([
      {
        id: 'query:running',
        source: 'prometheus',
        label: 'running',
        unit: 'number',
        points: [
          [1, 3],
          [2, 4],
        ],
      },
    ]);
    const two = querySeries(
      'conns',
      [
        { labels: '{db="a"}', values: [] },
        { labels: '{db="b"}', values: [] },
      ],
      clock,
    );
    expect(two.map((x) => x.label)).toEqual(['conns {db="a"}', 'conns {db="b"}']);
  });
});

describe('summarizeServer', () => {
  it('gives avg, p95 and max, CPU-seconds from busy share × cores, and a mean over hosts', () => {
    const r = serverRecord(
      'x86',
      1000,
      clock,
      [node('node', 4, [10, 20, 30]), node('node-2', 2, [50, 50, 50])],
      [],
    );
    const s = summarizeServer(r);
    const one = s.stats.find((x) => x.id === 'cpu' && x.source === 'node');
    expect(one).toMatchObject({ avg: 20, max: 30, min: 10, p95: 30, samples: 3 });
    // (0.1 + 0.2 + 0.3) × 4 cores + 0.5 × 3 s × 2 cores
    expect(s.cpuSeconds).toBeCloseTo(2.4 + 3, 9);
    expect(s.cpuSource).toBe('node-exporter');
    expect(headlineCpu(s)).toMatchObject({ source: ALL_HOSTS, avg: 35 });
    expect(s.onThisMachine).toBe(false);
  });

  it('falls back to the process’s CPU, 100 per core', () => {
    const proc: SourceRecording = {
      spec: { kind: 'process', id: 'process', pid: 1, address: 'pid 1', local: true },
      address: 'pid 1',
      local: true,
      readings: [1, 2].map((i) => ({ atMs: clock.startMs + i * 1000, values: { processCpu: 150 } })),
      errors: new Map(),
    };
    const s = summarizeServer(serverRecord('demo', 1000, clock, [proc], []));
    expect(s.cpuSeconds).toBeCloseTo(3, 9);
    expect(s.cpuSource).toBe('process');
    expect(headlineCpu(s)?.id).toBe('processCpu');
    expect(s.onThisMachine).toBe(true);
  });
});
