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
    ['reversed range', '${random.int(5,1)}', '"${random.int(5,1)}": MIN 5 is above MAX 1'],
    [
      'random.int with one argument',
      '${random.int(5)}',
      '"${random.int(5)}": random.int takes two whole numbers MIN,MAX (up to 15 digits each)',
    ],
    [
      'random.int with decimals',
      '${random.int(1.5, 3)}',
      '"${random.int(1.5, 3)}": random.int takes two whole numbers MIN,MAX (up to 15 digits each)',
    ],
    [
      'random.string too long',
      '${random.string(10000)}',
      '"${random.string(10000)}": random.string takes one whole number N, the length (0 to 9999)',
    ],
    ['random.uuid called', '${random.uuid()}', '"${random.uuid()}": random.uuid takes no arguments'],
    ['no such random function', '${random.float(1,2)}', '"${random.float(1,2)}": there is no random.float'],
    ['vu called', '${vu()}', '"${vu()}": `vu` takes no arguments or fields'],
    [
      'a bad variable name',
      '${vars.my-var}',
      '"${vars.my-var}": `my-var` is not a vars name: letters, digits and "_", not starting with a digit',
    ],
    ['vars without a name', '${vars}', '"${vars}": vars needs a name'],
    ['data without a column', '${data.users}', '"${data.users}": a data reference names a set and a column'],
    ['empty', '${ }', 'empty reference "${ }"'],
  ])('%s', (_t, text, message) => {
    const result = parseTemplate(text);
    expect(result.ok ? '' : result.message).toBe(message);
  });

  it('suggests the namespace a misspelt reference meant', () => {
    const result = parseTemplate('${var.token}');
    expect(result.ok ? '' : result.hint).toMatch(/^did you mean `vars`\?/);
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
