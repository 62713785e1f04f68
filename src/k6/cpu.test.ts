import { describe, expect, it } from 'vitest';
import { cpuCores, parseProcStatTicks } from './cpu.js';

// Real /proc/<pid>/stat layout (Linux 6.x): utime and stime are fields 14 and 15.
const tail = '0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 9 0 12345 1000000 500 18446744073709551615';

describe('parseProcStatTicks', () => {
  it.each<[string, string, number | undefined]>([
    ['a plain comm', `4242 (k6) S 1 4242 4242 ${tail}`, 325],
    ['a comm with spaces', `4242 (my k6 run) R 1 4242 4242 ${tail}`, 325],
    ['a comm with parentheses', `4242 (k6 (x)) ) S 1 4242 4242 ${tail}`, 325],
    ['a comm that looks like fields', `4242 (1 2 3 4 5 6 7 8 9 10 11 12) S 1 4242 4242 ${tail}`, 325],
    ['a trailing newline', `4242 (k6) S 1 4242 4242 ${tail}\n`, 325],
    ['an empty file (process gone)', '', undefined],
    ['no comm', `4242 k6 S 1 4242 4242 ${tail}`, undefined],
    ['a truncated line', '4242 (k6) S 1 4242 4242 0 -1 4194560 1234', undefined],
    ['non-numeric times', `4242 (k6) S 1 4242 4242 0 -1 4194560 1234 0 0 0 x y 0`, undefined],
  ])('%s', (_name, line, ticks) => {
    expect(parseProcStatTicks(line)).toBe(ticks);
  });
});

describe('cpuCores', () => {
  it.each<[string, [number, number], [number, number], number | undefined]>([
    ['one core for a second', [1000, 0], [1100, 1000], 1],
    ['two cores for half a second', [0, 0], [100, 500], 2],
    ['idle', [50, 0], [50, 1000], 0],
    ['no time passed', [0, 1000], [10, 1000], undefined],
    ['ticks went backwards (pid reused)', [500, 0], [10, 1000], undefined],
  ])('%s', (_name, [t0, at0], [t1, at1], cores) => {
    expect(cpuCores({ ticks: t0, atMs: at0 }, { ticks: t1, atMs: at1 }, 100)).toBe(cores);
  });
});
