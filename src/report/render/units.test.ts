import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDate, formatMs, formatPercent, formatRate } from './units.js';

describe('units', () => {
  it('format numbers as every output prints them', () => {
    expect([formatMs(0.25), formatMs(3.254), formatMs(412), formatMs(1520), formatMs(undefined)]).toEqual([
      '250µs',
      '3.25ms',
      '412.0ms',
      '1.52s',
      '–',
    ]);
    expect([formatCount(12345.4), formatRate(12.34), formatRate(250.4)]).toEqual(['12,345', '12.3', '250']);
    expect([formatPercent(0.125), formatPercent(0.00001), formatPercent(0)]).toEqual([
      '12.50%',
      '<0.01%',
      '0.00%',
    ]);
    expect([formatBytes(512), formatBytes(23.5 * 1024 ** 3)]).toEqual(['512 B', '23.5 GiB']);
    expect([formatDate('2026-11-22T04:32:29.784Z'), formatDate('yesterday'), formatDate(null)]).toEqual([
      '2026-11-22 04:32:29 UTC',
      'yesterday',
      '–',
    ]);
  });

  it('are a leaf: they import nothing', () => {
    const source = readFileSync(new URL('./units.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*(import|export .* from)\b/m);
  });
});
