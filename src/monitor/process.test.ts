import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRssBytes, pidsFromSs } from './process.js';

describe('pidsFromSs', () => {
  it('reads the pid of a real `ss -Hltnp` line', () => {
    const line = readFileSync(new URL('../../test/fixtures/monitor/ss-listen.txt', import.meta.url), 'utf8');
    expect(pidsFromSs(line)).toEqual([Number(/pid=(\d+)/.exec(line)?.[1])]);
  });

  it('lists every process sharing a socket, and is not fooled by a name', () => {
    const out =
      'LISTEN 0 511 *:8080 *:* users:(("nginx",pid=12,fd=6),("nginx",pid=11,fd=6),("x\\",pid=99,fd=1",pid=13,fd=6))\n';
    expect(pidsFromSs(out)).toEqual([11, 12, 13]);
    expect(pidsFromSs('')).toEqual([]);
  });
});

describe('parseRssBytes', () => {
  it('reads VmRSS in bytes', () => {
    expect(parseRssBytes('Name:\tnode\nVmRSS:\t   81234 kB\nThreads:\t11\n')).toBe(81234 * 1024);
    expect(parseRssBytes('Name:\tkthreadd\n')).toBeUndefined();
  });

  it('reads this test’s own /proc status', () => {
    if (process.platform !== 'linux') return;
    const rss = parseRssBytes(readFileSync('/proc/self/status', 'utf8'));
    expect(rss).toBeGreaterThan(process.memoryUsage().rss * 0.5);
    expect(rss).toBeLessThan(process.memoryUsage().rss * 2);
  });
});
