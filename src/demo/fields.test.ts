import { describe, expect, it } from 'vitest';
import {
  parseBearer,
  parseCookie,
  parseFields,
  parseIdField,
  parseQueryParam,
  parseWholeNumber,
} from './fields.js';

describe('field readers', () => {
  it('reads ids given as numbers or digit strings and lists every bad one', () => {
    const issues: string[] = [];
    const fields = parseFields({ a: 3, b: '42', c: -1, d: '4x' }, issues);
    expect([parseIdField(fields, 'a', issues), parseIdField(fields, 'b', issues)]).toEqual([3, 42]);
    parseIdField(fields, 'c', issues);
    parseIdField(fields, 'd', issues);
    parseIdField(fields, 'e', issues);
    expect(issues).toEqual([
      'c: expected a positive whole number',
      'd: expected a positive whole number',
      'e: expected a positive whole number',
    ]);
  });

  it('treats a body that is not an object as a problem', () => {
    const issues: string[] = [];
    expect(parseFields([1], issues)).toEqual({});
    expect(parseFields(undefined, issues)).toEqual({});
    expect(issues).toEqual(['body: expected a JSON object']);
  });

  it('parses whole numbers only', () => {
    expect([1, '7', 1.5, '1e3', '', null, 2 ** 60].map(parseWholeNumber)).toEqual([
      1,
      7,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('request parts', () => {
  it('reads one query parameter', () => {
    expect(parseQueryParam('a=1&scheduleId=2', 'scheduleId')).toBe('2');
    expect(parseQueryParam('q=a+b%20c', 'q')).toBe('a b c');
    expect(parseQueryParam('flag', 'flag')).toBe('');
    expect(parseQueryParam('', 'x')).toBeUndefined();
    expect(parseQueryParam('x=%E0%A4%A', 'x')).toBeUndefined();
  });

  it('reads bearer tokens and cookies', () => {
    expect(parseBearer('Bearer abc')).toBe('abc');
    expect(parseBearer('bearer  abc ')).toBe('abc');
    expect(parseBearer('Basic abc')).toBeUndefined();
    expect(parseBearer('Bearer ')).toBeUndefined();
    expect(parseBearer(undefined)).toBeUndefined();
    expect(parseCookie('a=1; SESSION=xyz; b=2', 'SESSION')).toBe('xyz');
    expect(parseCookie('NOTSESSION=1', 'SESSION')).toBeUndefined();
    expect(parseCookie(undefined, 'SESSION')).toBeUndefined();
  });
});
