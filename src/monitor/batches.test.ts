import { describe, expect, it } from 'vitest';
import { summarizeServerBatches } from './batches.js';
import { cpuKindOf, cpuPerKiloRps, requestsPerCpuSecond, serverEfficiency } from './efficiency.js';
import { hostRecord, nodeSource, processSource, series } from './server.fixture.js';
import { summarizeServer } from './stats.js';

describe('summarizeServerBatches', () => {
  it('puts each reading in the batch whose interval ends at or after it, the rest in the last', () => {
    // Points at t = 1…6 s; batches of 2 s: (0,2], (2,4], (4,…].
    const b = summarizeServerBatches(hostRecord([10, 20, 30, 50, 60, 70]), { ms: 2000, count: 3 });
    expect(b.cpu).toEqual([15, 40, 65]);
    // 4 cores, 1 s a reading: share × 4 × 1.
    expect(b.cpuSeconds.map((x) => (x === null ? null : Number(x.toFixed(6))))).toEqual([1.2, 3.2, 5.2]);
  });

  it('leaves a batch no reading fell in null', () => {
    const b = summarizeServerBatches(hostRecord([10, 20]), { ms: 1000, count: 4 });
    expect(b.cpu).toEqual([10, 20, null, null]);
    expect(b.cpuSeconds[2]).toBeNull();
  });

  it('uses the process when no host is monitored (100 = one core)', () => {
    const record = {
      target: 'demo',
      intervalMs: 1000,
      sources: [processSource()],
      series: [series('processCpu', [50, 150], 'process')],
    };
    const b = summarizeServerBatches(record, { ms: 1000, count: 2 });
    expect(b.cpu).toEqual([50, 150]);
    expect(b.cpuSeconds).toEqual([0.5, 1.5]);
  });

  it('sums the CPU-seconds of several hosts and averages their CPU', () => {
    const record = {
      target: 'api',
      intervalMs: 1000,
      sources: [nodeSource(), nodeSource({ id: 'node-2', cores: 2 })],
      series: [series('cpu', [50, 50]), series('cpu', [100, 0], 'node-2')],
    };
    const b = summarizeServerBatches(record, { ms: 2000, count: 1 });
    expect(b.cpu).toEqual([50]);
    // node: 0.5 × 4 × 2 s = 4; node-2: 1 × 2 × 1 s = 2.
    expect(b.cpuSeconds).toEqual([6]);
  });

  it('agrees with the whole run: the batches’ CPU-seconds add up to summarizeServer’s', () => {
    const record = hostRecord([12, 40, 33, 71, 18, 64, 90]);
    const whole = summarizeServer(record, { ms: 3000, count: 3 });
    const sum = (whole.batches?.cpuSeconds ?? []).reduce<number>((a, b) => a + (b ?? 0), 0);
    expect(sum).toBeCloseTo(whole.cpuSeconds ?? NaN, 9);
    expect(whole.sources).toEqual(record.sources);
  });
});

describe('the efficiency figures', () => {
  it('divides requests by CPU-seconds and CPU % by thousands of req/s', () => {
    expect(requestsPerCpuSecond(12_000, 4)).toBe(3000);
    expect(cpuPerKiloRps(64, 1600)).toBe(40);
  });

  it('has none without CPU-seconds, requests or load', () => {
    expect(requestsPerCpuSecond(100, 0)).toBeUndefined();
    expect(requestsPerCpuSecond(0, 3)).toBeUndefined();
    expect(requestsPerCpuSecond(100, undefined)).toBeUndefined();
    expect(cpuPerKiloRps(50, 0)).toBeUndefined();
    expect(cpuPerKiloRps(undefined, 10)).toBeUndefined();
  });

  it('reads a whole run from its summary', () => {
    const server = summarizeServer(hostRecord([40, 60]));
    // 2 s at 40 % and 60 % of 4 cores: 4 CPU-seconds.
    expect(serverEfficiency(server, { requests: 2000, rps: 1000 })).toEqual({
      requestsPerCpuSecond: 500,
      cpuPerKiloRps: 50,
    });
    expect(serverEfficiency(undefined, { requests: 2000, rps: 1000 })).toEqual({});
    expect(cpuKindOf(server)).toBe('host');
    expect(cpuKindOf(undefined)).toBeUndefined();
  });
});
