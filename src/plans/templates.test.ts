import { describe, expect, it } from 'vitest';
import { compileValue, parseCondition, parseTemplate } from './templates.js';

describe('parseTemplate', () => {
  it.each([
    ['plain', 'hello', [{ lit: 'hello' }]],
    ['one reference', '${vars.token}', [{ ref: { ns: 'vars', name: 'token' } }]],
    [
      'mixed',
      'Bearer ${vars.token}!',
      [{ lit: 'Bearer ' }, { ref: { ns: 'vars', name: 'token' } }, { lit: '!' }],
    ],
    ['escaped', 'cost $${price}', [{ lit: 'cost ${price}' }]],
    ['random int', '${ random.int(1, 10) }', [{ ref: { ns: 'randomInt', min: 1, max: 10 } }]],
    ['data column', '${data.users.e-mail}', [{ ref: { ns: 'data', set: 'users', column: 'e-mail' } }]],
  ])('%s', (_t, text, parts) => {
    expect(parseTemplate(text)).toEqual({ ok: true, parts });
  });

  it.each([
    ['unclosed', 'x ${vars.a', 'unclosed "${" in "x ${vars.a"'],
    ['unknown namespace', '${foo.bar}', 'unknown reference "${foo.bar}"'],
    ['code is not a reference', '${process.exit(1)}', 'unknown reference "${process.exit(1)}"'],
    ['reversed range', '${random.int(5,1)}', 'unknown reference "${random.int(5,1)}"'],
  ])('%s', (_t, text, message) => {
    const result = parseTemplate(text);
    expect(result.ok ? '' : result.message).toBe(message);
  });
});

describe('compileValue', () => {
  it('keeps subtrees without references literal', () => {
    expect(compileValue({ a: 1, b: ['x', { c: true }] })).toEqual({
      k: 'lit',
      v: { a: 1, b: ['x', { c: true }] },
    });
  });
  it('compiles only the templated members', () => {
    expect(compileValue({ a: 1, b: '${vu}' })).toEqual({
      k: 'obj',
      entries: [
        ['a', { k: 'lit', v: 1 }],
        ['b', { k: 'tpl', parts: [{ ref: { ns: 'vu' } }] }],
      ],
    });
  });
});

describe('parseCondition', () => {
  it.each([
    [
      '${vars.balance} < 5000',
      {
        op: '<',
        left: { k: 'tpl', parts: [{ ref: { ns: 'vars', name: 'balance' } }] },
        right: { k: 'lit', v: 5000 },
      },
    ],
    [
      "${vars.code} == 'C001'",
      {
        op: '==',
        left: { k: 'tpl', parts: [{ ref: { ns: 'vars', name: 'code' } }] },
        right: { k: 'lit', v: 'C001' },
      },
    ],
    [
      '!${vars.token}',
      { op: 'truthy', value: { k: 'tpl', parts: [{ ref: { ns: 'vars', name: 'token' } }] }, negate: true },
    ],
    [
      '${vars.a} >= ${vars.b}',
      {
        op: '>=',
        left: { k: 'tpl', parts: [{ ref: { ns: 'vars', name: 'a' } }] },
        right: { k: 'tpl', parts: [{ ref: { ns: 'vars', name: 'b' } }] },
      },
    ],
  ])('%s', (text, condition) => {
    expect(parseCondition(text)).toEqual({ ok: true, condition });
  });

  it.each([
    ['balance is low', 'cannot read the condition "balance is low"'],
    ['${vars.a} = 1', 'cannot read the condition "${vars.a} = 1"'],
    ['vars.a == 1', 'the condition "vars.a == 1" compares two constants'],
  ])('refuses %s', (text, message) => {
    const parsed = parseCondition(text);
    expect(parsed.ok ? '' : parsed.message).toBe(message);
  });
});
