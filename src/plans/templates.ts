// "${...}" references in plan values, parsed here (Node side) into data the k6 runtime looks up.
// The grammar is deliberately tiny: references, not expressions. Nothing is ever evaluated as code.
import type { Condition, Operator, Part, Ref, Value } from '../k6-templates/runtime/model.js';
import { didYouMean } from './diagnostics.js';

export type TemplateResult = { ok: true; parts: Part[] } | { ok: false; message: string; hint?: string };

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const REF_PATTERNS: Array<[RegExp, (m: RegExpMatchArray) => Ref]> = [
  [new RegExp(`^vars\\.(${NAME})$`), (m) => ({ ns: 'vars', name: m[1] ?? '' })],
  [new RegExp(`^env\\.(${NAME})$`), (m) => ({ ns: 'env', name: m[1] ?? '' })],
  [new RegExp(`^secrets\\.(${NAME})$`), (m) => ({ ns: 'secrets', name: m[1] ?? '' })],
  [
    new RegExp(`^data\\.(${NAME})\\.([^\\s.}][^\\s}]*)$`),
    (m) => ({ ns: 'data', set: m[1] ?? '', column: m[2] ?? '' }),
  ],
  [/^vu$/, () => ({ ns: 'vu' })],
  [/^iter$/, () => ({ ns: 'iter' })],
  [/^iterInTest$/, () => ({ ns: 'iterInTest' })],
  [/^scenario$/, () => ({ ns: 'scenario' })],
  [/^now$/, () => ({ ns: 'now' })],
  [/^random\.uuid$/, () => ({ ns: 'randomUuid' })],
  [
    /^random\.int\(\s*(-?\d{1,15})\s*,\s*(-?\d{1,15})\s*\)$/,
    (m) => ({ ns: 'randomInt', min: Number(m[1]), max: Number(m[2]) }),
  ],
  [/^random\.string\(\s*(\d{1,4})\s*\)$/, (m) => ({ ns: 'randomString', length: Number(m[1]) })],
];

export const REFERENCE_HELP =
  'references are vars.NAME, env.NAME, secrets.NAME, data.SET.COLUMN, vu, iter, iterInTest, scenario, now, ' +
  'random.int(MIN,MAX), random.uuid, random.string(N); write $${ for a literal ${';

const IDENT_RE = new RegExp(`^${NAME}$`);
const NO_ARGS = ['vu', 'iter', 'iterInTest', 'scenario', 'now'];
const RANDOM_FUNCTIONS = ['int', 'uuid', 'string'];

/** Comma-separated arguments of `name(…)`, trimmed, or undefined when the text is not a call. */
function callArgs(text: string, name: string): string[] | undefined {
  const m = text.match(/^([A-Za-z_.]+)\s*\((.*)\)$/s);
  if (!m || m[1] !== name) return undefined;
  const inside = (m[2] ?? '').trim();
  return inside === '' ? [] : inside.split(',').map((a) => a.trim());
}

/** What is wrong with a random.* reference, or undefined when it names no random function. */
function explainRandom(text: string, shown: string): { message: string; hint?: string } | undefined {
  const fn = text.match(/^random\.([A-Za-z_]\w*)/)?.[1];
  if (fn === undefined) return undefined;
  if (fn === 'int') {
    const args = callArgs(text, 'random.int');
    const whole = (a: string) => /^-?\d{1,15}$/.test(a);
    if (args?.length === 2 && args.every(whole) && Number(args[0]) > Number(args[1]))
      return {
        message: `${shown}: MIN ${args[0]} is above MAX ${args[1]}`,
        hint: `write random.int(${args[1]},${args[0]})`,
      };
    return {
      message: `${shown}: random.int takes two whole numbers MIN,MAX (up to 15 digits each)`,
      hint: 'e.g. ${random.int(1,100)}',
    };
  }
  if (fn === 'string')
    return {
      message: `${shown}: random.string takes one whole number N, the length (0 to 9999)`,
      hint: 'e.g. ${random.string(12)}',
    };
  if (fn === 'uuid')
    return { message: `${shown}: random.uuid takes no arguments`, hint: 'write ${random.uuid}' };
  const guess = didYouMean(fn, RANDOM_FUNCTIONS);
  return {
    message: `${shown}: there is no random.${fn}`,
    hint: guess ? `did you mean random.${guess}?` : 'random.int(MIN,MAX), random.uuid, random.string(N)',
  };
}

/** The mistake in a reference parseRef did not take, named as precisely as the text allows. */
export function explainBadRef(inner: string): { message: string; hint?: string } {
  const text = inner.trim();
  const shown = `"\${${inner}}"`;
  if (text === '') return { message: `empty reference ${shown}`, hint: REFERENCE_HELP };
  const random = explainRandom(text, shown);
  if (random) return random;
  const head = text.match(/^([A-Za-z_]\w*)/)?.[1] ?? '';
  if (NO_ARGS.includes(head))
    return { message: `${shown}: \`${head}\` takes no arguments or fields`, hint: `write \${${head}}` };
  if (['vars', 'env', 'secrets'].includes(head)) {
    const name = text.slice(head.length + 1);
    if (!text.startsWith(`${head}.`) || name === '')
      return { message: `${shown}: ${head} needs a name`, hint: `write \${${head}.NAME}` };
    if (!IDENT_RE.test(name))
      return {
        message: `${shown}: \`${name}\` is not a ${head} name: letters, digits and "_", not starting with a digit`,
      };
  }
  if (head === 'data') {
    const parts = text.split('.');
    if (parts.length < 3 || parts.slice(1).some((p) => p === ''))
      return {
        message: `${shown}: a data reference names a set and a column`,
        hint: 'write ${data.SET.COLUMN}',
      };
    if (!IDENT_RE.test(parts[1] ?? ''))
      return { message: `${shown}: \`${parts[1]}\` is not a data set name` };
    return { message: `${shown}: a column name has no spaces or "}"` };
  }
  const guess = didYouMean(head, ['vars', 'env', 'secrets', 'data', 'random', ...NO_ARGS]);
  return {
    message: `unknown reference ${shown}`,
    hint: guess && guess !== head ? `did you mean \`${guess}\`? ${REFERENCE_HELP}` : REFERENCE_HELP,
  };
}

export function parseRef(text: string): Ref | undefined {
  const trimmed = text.trim();
  for (const [re, make] of REF_PATTERNS) {
    const m = trimmed.match(re);
    if (m) {
      const ref = make(m);
      if (ref.ns === 'randomInt' && ref.min > ref.max) return undefined;
      return ref;
    }
  }
  return undefined;
}

/** Splits a string into literal and reference parts. "$${" is a literal "${". */
export function parseTemplate(text: string): TemplateResult {
  const parts: Part[] = [];
  let lit = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      lit += '${';
      i += 3;
      continue;
    }
    if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2);
      if (end < 0)
        return { ok: false, message: `unclosed "\${" in ${JSON.stringify(text)}`, hint: 'close it with "}"' };
      const inner = text.slice(i + 2, end);
      const ref = parseRef(inner);
      if (!ref) return { ok: false, ...explainBadRef(inner) };
      if (lit) parts.push({ lit });
      lit = '';
      parts.push({ ref });
      i = end + 1;
      continue;
    }
    lit += text[i];
    i += 1;
  }
  if (lit || parts.length === 0) parts.push({ lit });
  return { ok: true, parts };
}

export function hasReference(text: string): boolean {
  return text.replaceAll('$${', '').includes('${');
}

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly hint: string | undefined,
    readonly path: ReadonlyArray<string | number>,
  ) {
    super(message);
  }
}

/**
 * Any JSON-like value → Value. Subtrees without references stay literal, so the runtime only walks what it
 * must. Throws TemplateError with the relative path of the first bad template; validation reports them all
 * beforehand, so compile sees only valid plans.
 */
export function compileValue(value: unknown, path: ReadonlyArray<string | number> = []): Value {
  if (typeof value === 'string') {
    if (!hasReference(value)) return { k: 'lit', v: value.replaceAll('$${', '${') };
    const result = parseTemplate(value);
    if (!result.ok) throw new TemplateError(result.message, result.hint, path);
    return { k: 'tpl', parts: result.parts };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileValue(item, [...path, i]));
    return items.every((item) => item.k === 'lit')
      ? { k: 'lit', v: items.map((item) => (item as { v: unknown }).v) }
      : { k: 'arr', items };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]): [string, Value] => [
      key,
      compileValue(item, [...path, key]),
    ]);
    if (entries.every(([, item]) => item.k === 'lit')) {
      return {
        k: 'lit',
        v: Object.fromEntries(entries.map(([key, item]) => [key, (item as { v: unknown }).v])),
      };
    }
    return { k: 'obj', entries };
  }
  return { k: 'lit', v: value };
}

/** Every reference in a value, with the relative path of the string it is in. */
export function collectRefs(
  value: unknown,
  path: ReadonlyArray<string | number> = [],
): Array<{ ref: Ref; path: Array<string | number> }> {
  const out: Array<{ ref: Ref; path: Array<string | number> }> = [];
  const walk = (v: unknown, p: Array<string | number>): void => {
    if (typeof v === 'string') {
      if (!hasReference(v)) return;
      const result = parseTemplate(v);
      if (result.ok) for (const part of result.parts) if ('ref' in part) out.push({ ref: part.ref, path: p });
    } else if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...p, i]));
    else if (v !== null && typeof v === 'object')
      for (const [key, item] of Object.entries(v)) walk(item, [...p, key]);
  };
  walk(value, [...path]);
  return out;
}

/** Every malformed template in a value. */
export function findTemplateErrors(
  value: unknown,
  path: ReadonlyArray<string | number> = [],
): Array<{ message: string; hint?: string; path: Array<string | number> }> {
  const out: Array<{ message: string; hint?: string; path: Array<string | number> }> = [];
  const walk = (v: unknown, p: Array<string | number>): void => {
    if (typeof v === 'string') {
      if (!hasReference(v)) return;
      const result = parseTemplate(v);
      if (!result.ok)
        out.push({ message: result.message, ...(result.hint ? { hint: result.hint } : {}), path: p });
    } else if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...p, i]));
    else if (v !== null && typeof v === 'object')
      for (const [key, item] of Object.entries(v)) walk(item, [...p, key]);
  };
  walk(value, [...path]);
  return out;
}

const OPERATORS: Operator[] = ['==', '!=', '<=', '>=', '<', '>'];
const CONDITION_HINT =
  'write "${vars.NAME} OP VALUE" with OP one of == != < <= > >=, or "${vars.NAME}" / "!${vars.NAME}"';

function conditionOperand(text: string): Value {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return { k: 'lit', v: Number(trimmed) };
  if (/^(true|false)$/.test(trimmed)) return { k: 'lit', v: trimmed === 'true' };
  const quoted = trimmed.match(/^(["'])(.*)\1$/);
  return compileValue(quoted ? (quoted[2] ?? '') : trimmed);
}

/**
 * "${vars.balance} < 5000", "${vars.code} == 'C001'", "${vars.token}", "!${vars.token}".
 * The operator is looked for outside "${...}" only.
 */
export function parseCondition(
  text: string,
): { ok: true; condition: Condition } | { ok: false; message: string; hint?: string } {
  const masked = text.replace(/\$\{[^}]*\}/g, (m) => '_'.repeat(m.length));
  for (const op of OPERATORS) {
    const at = masked.indexOf(op);
    if (at < 0) continue;
    const left = text.slice(0, at);
    const right = text.slice(at + op.length);
    if (!left.trim() || !right.trim()) break;
    for (const side of [left, right]) {
      const errors = findTemplateErrors(side.trim());
      if (errors[0])
        return { ok: false, message: errors[0].message, ...(errors[0].hint ? { hint: errors[0].hint } : {}) };
    }
    if (!hasReference(left) && !hasReference(right)) {
      return {
        ok: false,
        message: `the condition ${JSON.stringify(text)} compares two constants`,
        hint: CONDITION_HINT,
      };
    }
    return { ok: true, condition: { op, left: conditionOperand(left), right: conditionOperand(right) } };
  }
  const trimmed = text.trim();
  const negate = trimmed.startsWith('!');
  const operand = negate ? trimmed.slice(1) : trimmed;
  // Without an operator the condition is one reference alone: "${vars.a} = 1" is a typo, not a truth test.
  const single = parseTemplate(operand.trim());
  if (!single.ok || single.parts.length !== 1 || !('ref' in (single.parts[0] ?? { lit: '' }))) {
    return { ok: false, message: `cannot read the condition ${JSON.stringify(text)}`, hint: CONDITION_HINT };
  }
  const errors = findTemplateErrors(operand.trim());
  if (errors[0])
    return { ok: false, message: errors[0].message, ...(errors[0].hint ? { hint: errors[0].hint } : {}) };
  return { ok: true, condition: { op: 'truthy', value: compileValue(operand.trim()), negate } };
}
