import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Io } from '../io/io.js';
import { startMonitor } from './sampler.js';

const page = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/monitor/${name}`, import.meta.url), 'utf8');
const PAGES = [page('node-exporter-1.5.0.txt'), page('node-exporter-1.5.0-later.txt')];

/** An Io whose fetch plays node_exporter: `refuseFilter` answers a collect[] URL 400, as an exporter without one of them does. */
function exporterIo(refuseFilter: boolean) {
  const urls: string[] = [];
  let served = 0;
  const io = {
    now: () => new Date(),
    hostFacts: () => ({ cores: 2, memoryBytes: 1 }),
    fetch: (url: string) => {
      urls.push(url);
      if (refuseFilter && url.includes('collect'))
        return Promise.resolve(new Response('no', { status: 400 }));
      const body = PAGES[Math.min(served++, PAGES.length - 1)] ?? '';
      return Promise.resolve(new Response(body));
    },
  } as unknown as Io;
  return { io, urls };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('startMonitor', () => {
  it('asks for the collectors it reads, and rates CPU from the second page on', async () => {
    const { io, urls } = exporterIo(false);
    const m = startMonitor(io, [{ kind: 'node-exporter', id: 'node', url: 'http://h:9100/metrics' }], 20);
    await until(() => urls.length >= 3);
    const [rec] = await m.stop();
    expect(urls.every((u) => u.includes('collect%5B%5D=cpu'))).toBe(true);
    expect(rec?.readings[0]?.values).not.toHaveProperty('cpu');
    expect(rec?.readings[1]?.values.cpu).toBeGreaterThanOrEqual(0);
    expect(rec?.cores).toBe(2);
    expect(rec?.errors.size).toBe(0);
  });

  it('asks for the whole page once an exporter refuses the filter', async () => {
    const { io, urls } = exporterIo(true);
    const m = startMonitor(io, [{ kind: 'node-exporter', id: 'node', url: 'http://h:9100/metrics' }], 20);
    await until(() => urls.length >= 4);
    const [rec] = await m.stop();
    expect(urls.filter((u) => u.includes('collect'))).toHaveLength(1);
    expect(rec?.readings.length).toBeGreaterThanOrEqual(2);
    expect(rec?.errors.size).toBe(0);
  });

  it('counts a failing source’s errors by message and keeps going', async () => {
    let calls = 0;
    const io = {
      now: () => new Date(),
      fetch: () => {
        calls++;
        return Promise.reject(
          Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
        );
      },
    } as unknown as Io;
    const m = startMonitor(io, [{ kind: 'node-exporter', id: 'node', url: 'http://h:9100/metrics' }], 20);
    await until(() => calls >= 3);
    const [rec] = await m.stop();
    expect(rec?.readings).toEqual([]);
    expect([...(rec?.errors.entries() ?? [])]).toEqual([['connection refused', calls]]);
  });
});
