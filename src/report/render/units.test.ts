import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatDate,
  formatGrouped,
  formatMs,
  formatPercent,
  formatRate,
} from './units.js';

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

  it('group thousands exactly as toLocaleString does, without loading ICU', () => {
    const values = [0, 7, 999, 1000, -1000, 12345.678, 999999.996, 1234567, -98765432.1, 1e15, 0.005];
    for (let k = 0; k < 200; k++) values.push((Math.random() - 0.5) * 10 ** (k % 12));
    for (const v of values) {
      for (const digits of [0, 1, 2]) {
        const expected = v.toLocaleString('en-US', {
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        });
        expect(formatGrouped(v, digits), `${v} with ${digits} digits`).toBe(expected);
      }
    }
    // Where they differ, on purpose: minus zero (a rounded -0.4) is shown as 0, not "-0".
    expect([formatGrouped(Number.NaN, 0), formatCount(-0.4), formatGrouped(-0, 1)]).toEqual([
      'NaN',
      '0',
      '0.0',
    ]);
  });

  it('are a leaf: they import nothing', () => {
    const source = readFileSync(new URL('./units.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*(import|export .* from)\b/m);
  });
});
