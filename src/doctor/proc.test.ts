import { describe, expect, it } from 'vitest';
import { parseOpenFilesLimit, parseProcInt, parseProcRange, parseUlimitOutput } from './proc.js';

describe('parseOpenFilesLimit', () => {
  it('reads /proc/self/limits', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n';
    expect(parseOpenFilesLimit(limits)).toEqual({ soft: 1024, hard: 524288 });
    expect(parseOpenFilesLimit('Max open files  unlimited  unlimited  files')).toEqual({
      soft: Number.MAX_SAFE_INTEGER,
      hard: Number.MAX_SAFE_INTEGER,
    });
    expect(parseOpenFilesLimit('nothing here')).toBeUndefined();
  });
});

describe('parseUlimitOutput', () => {
  it.each([
    ['256\n10240\n', { soft: 256, hard: 10240 }],
    ['256\nunlimited\n', { soft: 256, hard: Number.MAX_SAFE_INTEGER }],
    ['256\n', undefined],
    ['', undefined],
  ] as const)('%j → %o', (text, expected) => {
    expect(parseUlimitOutput(text)).toEqual(expected);
  });
});

describe('/proc/sys values', () => {
  it('reads one number, or two', () => {
    expect(parseProcInt('4096\n')).toBe(4096);
    expect(parseProcInt('-1')).toBeUndefined();
    expect(parseProcInt(undefined)).toBeUndefined();
    expect(parseProcRange('32768\t60999\n')).toEqual({ low: 32768, high: 60999 });
    expect(parseProcRange('32768')).toBeUndefined();
  });
});
