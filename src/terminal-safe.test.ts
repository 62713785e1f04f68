import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeDeep, terminalSafeLines } from './terminal-safe.js';

// Anything a terminal would act on or that would hide text: C0/C1 controls, DEL, bidi and format characters.
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\u2028\u2029\uFEFF]/u;

describe('terminalSafe', () => {
  it('shows C0 controls and DEL as control pictures', () => {
    expect(terminalSafe('a\u001b[2Jb')).toBe('a␛[2Jb');
    expect(terminalSafe('\u001b]0;title\u0007')).toBe('␛]0;title␇');
    expect(terminalSafe('x\u0000y\u007fz')).toBe('x␀y␡z');
    expect(terminalSafe('tab\there\r\nnext')).toBe('tab␉here␍␊next');
    expect(terminalSafe('\u0008\u000b\u000c\u001f')).toBe('␈␋␌␟');
  });

  it('shows C1 controls as their code point (CSI U+009B would start an escape sequence)', () => {
    expect(terminalSafe('a\u009b2Jb\u0085c')).toBe('a\\u{9b}2Jb\\u{85}c');
  });

  it('shows bidi controls, so a name cannot reorder what follows it', () => {
    const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const ch of [...bidi, '\u200e', '\u200f', '\u061c'])
      expect(terminalSafe(`a${ch}b`)).toBe(`a\\u{${ch.codePointAt(0)?.toString(16)}}b`);
    expect(terminalSafe('invoice\u202Efdp.exe')).toBe('invoice\\u{202e}fdp.exe');
  });

  it('shows invisible format characters and line separators', () => {
    expect(terminalSafe('ad\u200bmin\ufeff')).toBe('ad\\u{200b}min\\u{feff}');
    expect(terminalSafe('ad\u200dmin')).toBe('ad\\u{200d}min');
    expect(terminalSafe('a\u2028b\u2029c\u00add')).toBe('a\\u{2028}b\\u{2029}c\\u{ad}d');
  });

  it('keeps ordinary text: Korean, emoji (with joiners, skin tones and flags), accents, symbols', () => {
    for (const text of [
      '예약 API 응답시간',
      '좌석 예약 → 결제 ✓',
      '👩‍💻 dev 🧑🏽‍🚀 🏳️‍🌈 🇰🇷',
      'café naïve — “quoted” ½ ±',
      'GET /seats/{id}?q=a&b=c | 95%',
      '',
    ])
      expect(terminalSafe(text)).toBe(text);
  });

  it('leaves no raw control character and is idempotent', () => {
    const hostile = 'x\u001b[2J\u001b]0;pwn\u0007\u0000\u202e\r\n\u009b\u200b\u2066y';
    const once = terminalSafe(hostile);
    expect(once).not.toMatch(RAW);
    expect(terminalSafe(once)).toBe(once);
  });

  it('terminalSafeLines keeps line breaks but shows CR and the rest', () => {
    expect(terminalSafeLines('one\r\ntwo \u001b[31m\nthree')).toBe('one␍\ntwo ␛[31m\nthree');
  });

  it('terminalSafeDeep reaches every string in plain data, keys too, and leaves other values', () => {
    const at = new Date(0);
    const out = terminalSafeDeep({
      name: 'a\u001bb',
      list: ['\u0007', 1, null, true, { deep: '\u202e' }],
      statuses: { 'x\u0000': 3 },
      at,
    });
    expect(out).toEqual({
      name: 'a␛b',
      list: ['␇', 1, null, true, { deep: '\\u{202e}' }],
      statuses: { 'x␀': 3 },
      at,
    });
    expect(terminalSafeDeep(undefined)).toBeUndefined();
  });
});
