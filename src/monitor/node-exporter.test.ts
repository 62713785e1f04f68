import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { filteredUrl, keptLines, nodeValues, parseNodeMetrics, type NodeReading } from './node-exporter.js';

// Two pages of Debian's node_exporter 1.5.0 on this project's 2-core CI machine, a second apart.
const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/monitor/${name}`, import.meta.url), 'utf8');
const PAGE = fixture('node-exporter-1.5.0.txt');
const LATER = fixture('node-exporter-1.5.0-later.txt');

function reading(text: string): NodeReading {
  const r = parseNodeMetrics(text);
  if ('error' in r) throw new Error(r.error);
  return r;
}

/** The same sums done by hand over the page's lines, without the parser. */
function byHand(text: string) {
  let total = 0;
  let busy = 0;
  for (const m of text.matchAll(/^node_cpu_seconds_total\{cpu="\d+",mode="(\w+)"\} (\S+)$/gm)) {
    total += Number(m[2]);
    if (m[1] !== 'idle' && m[1] !== 'iowait') busy += Number(m[2]);
  }
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return {
    total,
    busy,
    memTotal: gauge('node_memory_MemTotal_bytes'),
    memAvail: gauge('node_memory_MemAvailable_bytes'),
  };
}

describe('parseNodeMetrics', () => {
  it('sums the cores and modes of a real page as a hand count does', () => {
    const r = reading(PAGE);
    const hand = byHand(PAGE);
    expect(r.cores).toBe(2);
    expect(r.cpuTotalS).toBeCloseTo(hand.total, 6);
    expect(r.cpuBusyS).toBeCloseTo(hand.busy, 6);
    expect(r.memTotalBytes).toBe(hand.memTotal);
    expect(r.memAvailableBytes).toBe(hand.memAvail);
    expect(r.sockets).toBeGreaterThan(0);
    expect(r.netRxBytes).toBeGreaterThan(0);
  });

  it('says what is wrong with a page that is not node_exporter’s', () => {
    expect(parseNodeMetrics('# HELP up x\nup 1\n')).toEqual({
      error: expect.stringContaining('node_cpu_seconds_total'),
    });
    expect(parseNodeMetrics('<html>not metrics</html>')).toHaveProperty('error');
  });
});

describe('nodeValues', () => {
  it('gives CPU busy over all cores between two real pages, between 0 and 100', () => {
    const [a, b] = [reading(PAGE), reading(LATER)];
    const v = nodeValues(a, b, 1);
    const expected = (100 * (b.cpuBusyS - a.cpuBusyS)) / (b.cpuTotalS - a.cpuTotalS);
    expect(v.cpu).toBeCloseTo(expected, 9);
    expect(v.cpu).toBeGreaterThanOrEqual(0);
    expect(v.cpu).toBeLessThanOrEqual(100);
    expect(v.memory).toBe((b.memTotalBytes ?? 0) - (b.memAvailableBytes ?? 0));
  });

  it('has no rates for the first page, nor across a counter reset', () => {
    const b = reading(LATER);
    expect(nodeValues(undefined, b, 1)).not.toHaveProperty('cpu');
    const reset = { ...b, cpuTotalS: 10, cpuBusyS: 5, netRxBytes: 1 };
    const v = nodeValues(b, reset, 1);
    expect(v).not.toHaveProperty('cpu');
    expect(v).not.toHaveProperty('netRx');
  });

  it('counts a host fully busy as 100 and idle as 0', () => {
    const base: NodeReading = { cpuTotalS: 100, cpuBusyS: 40, cores: 4 };
    expect(nodeValues(base, { ...base, cpuTotalS: 104, cpuBusyS: 44 }, 1).cpu).toBe(100);
    expect(nodeValues(base, { ...base, cpuTotalS: 104, cpuBusyS: 40 }, 1).cpu).toBe(0);
    expect(nodeValues(base, { ...base, cpuTotalS: 104, cpuBusyS: 42 }, 1).cpu).toBe(50);
  });
});

describe('the page asked for', () => {
  it('asks node_exporter for the collectors read, keeping the URL’s own query', () => {
    const u = new URL(filteredUrl('http://h:9100/metrics?x=1'));
    expect(u.searchParams.get('x')).toBe('1');
    expect(u.searchParams.getAll('collect[]')).toEqual(['cpu', 'meminfo', 'loadavg', 'netdev', 'sockstat']);
  });

  it('keeps only the families read, and reads the same figures from them', () => {
    const kept = keptLines(PAGE);
    expect(kept.length).toBeLessThan(PAGE.length / 2);
    expect(kept).not.toMatch(/^node_load5 /m);
    expect(parseNodeMetrics(kept)).toEqual(parseNodeMetrics(PAGE));
  });
});
