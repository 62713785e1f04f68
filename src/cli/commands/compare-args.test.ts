import { describe, expect, it } from 'vitest';
import { parseMinEffect } from './compare.js';
import { DEFAULT_WARMUP, parseRounds, parseTargetList } from './run-targets.js';
import { parseWarmup } from './warmup.js';

describe('compare and run --targets arguments', () => {
  it('reads --min-effect as percent and/or points', () => {
    expect(parseMinEffect('3%')).toEqual({ relative: 0.03, points: 0.001 });
    expect(parseMinEffect('10%,0.5pp')).toEqual({ relative: 0.1, points: 0.005 });
    expect(parseMinEffect('0.2pp')).toEqual({ relative: 0.05, points: 0.002 });
    expect(parseMinEffect('3 ms')).toBeUndefined();
  });

  it('reads --targets and --rounds, refusing what cannot be a comparison', () => {
    expect(parseTargetList('x86, graviton ,')).toEqual(['x86', 'graviton']);
    expect(() => parseTargetList('x86')).toThrow(/two or more/);
    expect(() => parseTargetList('x86,x86')).toThrow(/x86 twice/);
    expect(parseRounds(undefined)).toBe(1);
    expect(parseRounds('3')).toBe(3);
    for (const bad of ['0', '2.5', 'x', '51']) expect(() => parseRounds(bad)).toThrow(/--rounds/);
  });

  it('reads --warmup: 10 s by default, 0 for none, at least a second otherwise', () => {
    expect(parseWarmup(undefined, DEFAULT_WARMUP)).toBe(10_000);
    expect(parseWarmup('30s', DEFAULT_WARMUP)).toBe(30_000);
    expect(parseWarmup('0', '10s')).toBe(0);
    expect(parseWarmup('0s', '10s')).toBe(0);
    for (const bad of ['500ms', 'x', '-1s']) expect(() => parseWarmup(bad, '10s')).toThrow(/--warmup/);
  });
});
