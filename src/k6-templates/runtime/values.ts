// The pure half of the k6 runtime: templates, JSON paths, matchers, conditions, extraction, request building
// and the CSV parser. It imports nothing from k6, so vitest runs it under Node while the runtime tsconfig
// still checks it against k6's ES2017. Clock, randomness and the k6 execution context arrive through
// `EvalContext`, so every function here is a function of its arguments.
import type {
  Condition,
  Extractor,
  Matcher,
  MetricDef,
  MetricRecord,
  Part,
  PathSegment,
  Ref,
  Value,
} from './model.js';

/** Everything a `Value` may refer to, injected so the evaluator stays pure. */
export interface EvalContext {
  readonly vars: Readonly<Record<string, unknown>>;
  env(name: string): string | undefined;
  /** Throws when the secret is not set: a request must never go out with an empty credential. */
  secret(name: string): string;
  data(set: string, column: string): unknown;
  vu(): number;
  iter(): number;
  iterInTest(): number;
  scenario(): string;
  now(): number;
  /** Uniform in [0, 1), like Math.random. */
  random(): number;
}

// ---------------------------------------------------------------- objects

const hasOwnProperty = Object.prototype.hasOwnProperty;

export function hasOwn(obj: object, key: string): boolean {
  return hasOwnProperty.call(obj, key);
}

/** Reads an own property only: plan names such as "constructor" must not reach Object.prototype. */
export function getOwn(obj: Readonly<Record<string, unknown>>, key: string): unknown {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

/** Defines rather than assigns, so a key such as "__proto__" becomes data instead of a prototype. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------- templates

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

export function randomInt(min: number, max: number, random: () => number): number {
  const lo = Math.ceil(Math.min(min, max));
  const hi = Math.floor(Math.max(min, max));
  return lo + Math.floor(random() * (hi - lo + 1));
}

export function randomString(length: number, random: () => number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC.charAt(Math.floor(random() * ALPHANUMERIC.length));
  return out;
}

/** An RFC 4122 version 4 UUID; k6 has no crypto.randomUUID without an extension, and load ids need no CSPRNG. */
export function randomUuid(random: () => number): string {
  let out = '';
  for (let i = 0; i < 32; i++) {
    let nibble = Math.floor(random() * 16);
    if (i === 12) nibble = 4;
    if (i === 16) nibble = 8 | (nibble & 3);
    out += HEX.charAt(nibble);
    if (i === 7 || i === 11 || i === 15 || i === 19) out += '-';
  }
  return out;
}

export function resolveRef(ref: Ref, ctx: EvalContext): unknown {
  switch (ref.ns) {
    case 'vars':
      return getOwn(ctx.vars, ref.name);
    case 'env':
      return ctx.env(ref.name);
    case 'secrets':
      return ctx.secret(ref.name);
    case 'data':
      return ctx.data(ref.set, ref.column);
    case 'vu':
      return ctx.vu();
    case 'iter':
      return ctx.iter();
    case 'iterInTest':
      return ctx.iterInTest();
    case 'scenario':
      return ctx.scenario();
    case 'now':
      return ctx.now();
    case 'randomInt':
      return randomInt(ref.min, ref.max, ctx.random);
    case 'randomUuid':
      return randomUuid(ctx.random);
    case 'randomString':
      return randomString(ref.length, ctx.random);
  }
}

/** How a value reads inside a string: nothing for undefined and null, JSON for containers. */
export function toText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}

function renderParts(parts: Part[], ctx: EvalContext): unknown {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined && 'ref' in only) return resolveRef(only.ref, ctx);
  let out = '';
  for (const part of parts) out += 'lit' in part ? part.lit : toText(resolveRef(part.ref, ctx));
  return out;
}

export function evaluate(value: Value, ctx: EvalContext): unknown {
  switch (value.k) {
    case 'lit':
      return value.v;
    case 'tpl':
      return renderParts(value.parts, ctx);
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [key, member] of value.entries) setOwn(out, key, evaluate(member, ctx));
      return out;
    }
    case 'arr':
      return value.items.map((item) => evaluate(item, ctx));
  }
}

/** The `${vars.X}` names in these values, each once. */
export function varNames(values: Value[]): string[] {
  const out: string[] = [];
  const walk = (v: Value): void => {
    if (v.k === 'tpl') {
      for (const part of v.parts)
        if ('ref' in part && part.ref.ns === 'vars' && out.indexOf(part.ref.name) < 0)
          out.push(part.ref.name);
    } else if (v.k === 'obj') for (const [, member] of v.entries) walk(member);
    else if (v.k === 'arr') for (const item of v.items) walk(item);
  };
  for (const v of values) walk(v);
  return out;
}

/** Names of `${vars.X}` references in these values that have no value yet, each once. */
export function missingVars(values: Value[], vars: Readonly<Record<string, unknown>>): string[] {
  return varNames(values).filter((name) => getOwn(vars, name) === undefined);
}

// ---------------------------------------------------------------- JSON paths

/** Every node the path reaches; `all` fans out over array items (or object values) and flattens. */
export function selectPath(root: unknown, path: PathSegment[]): unknown[] {
  let nodes: unknown[] = [root];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if ('all' in segment) {
        if (Array.isArray(node)) for (const item of node) next.push(item);
        else if (isRecord(node)) for (const key of Object.keys(node)) next.push(node[key]);
      } else if ('index' in segment) {
        if (!Array.isArray(node)) continue;
        const i = segment.index < 0 ? node.length + segment.index : segment.index;
        if (i >= 0 && i < node.length) next.push(node[i]);
      } else if (isRecord(node) && hasOwn(node, segment.key)) {
        next.push(node[segment.key]);
      }
    }
    nodes = next;
  }
  return nodes;
}

export function hasWildcard(path: PathSegment[]): boolean {
  return path.some((segment) => 'all' in segment);
}

/** A path without `[*]` names one value (undefined when absent); with `[*]`, the list of matches. */
export function readPath(root: unknown, path: PathSegment[]): unknown {
  const nodes = selectPath(root, path);
  return hasWildcard(path) ? nodes : nodes[0];
}

// ---------------------------------------------------------------- responses

/** The parts of a k6 Response the runtime reads; k6's own Response satisfies it. */
export interface ResponseLike {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** A string with `responseType: 'text'`, null when k6 discarded it. */
  body: unknown;
  cookies: Readonly<Record<string, ReadonlyArray<{ value: string }>>>;
  timings: { duration: number; waiting: number };
}

const UNPARSED = {};

/** A response with the lookups checks and extractors share; the body is parsed as JSON at most once. */
export class ResponseView {
  private parsed: unknown = UNPARSED;

  constructor(readonly res: ResponseLike) {}

  get status(): number {
    return this.res.status;
  }

  text(): string {
    return typeof this.res.body === 'string' ? this.res.body : '';
  }

  json(): unknown {
    if (this.parsed === UNPARSED) {
      try {
        this.parsed = JSON.parse(this.text()) as unknown;
      } catch {
        this.parsed = undefined;
      }
    }
    return this.parsed;
  }

  /** HTTP header names are case-insensitive; k6 canonicalises them, plans may not. */
  header(name: string): string | undefined {
    const wanted = name.toLowerCase();
    for (const key of Object.keys(this.res.headers)) {
      if (key.toLowerCase() === wanted) return this.res.headers[key];
    }
    return undefined;
  }

  cookie(name: string): string | undefined {
    const jar = hasOwn(this.res.cookies, name) ? this.res.cookies[name] : undefined;
    return jar?.[0]?.value;
  }

  timing(which: 'duration' | 'waiting'): number {
    return this.res.timings[which];
  }
}

// ---------------------------------------------------------------- comparisons

function asFiniteNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Numbers when both sides read as finite numbers ("5" == 5), otherwise their text. */
export function looseEquals(a: unknown, b: unknown): boolean {
  const x = asFiniteNumber(a);
  const y = asFiniteNumber(b);
  if (x !== undefined && y !== undefined) return x === y;
  return toText(a) === toText(b);
}

/**
 * Truthiness for plan conditions. Beyond JavaScript's, the strings "false" and "0" and an empty list are
 * false: environment variables are always strings, and `pick: all` yields a list.
 */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'number') return v !== 0 && !isNaN(v);
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    return t !== '' && t !== 'false' && t !== '0';
  }
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

export function evaluateCondition(condition: Condition, ctx: EvalContext): boolean {
  if (condition.op === 'truthy') return truthy(evaluate(condition.value, ctx)) !== condition.negate;
  const left = evaluate(condition.left, ctx);
  const right = evaluate(condition.right, ctx);
  switch (condition.op) {
    case '==':
      return looseEquals(left, right);
    case '!=':
      return !looseEquals(left, right);
  }
  const x = asFiniteNumber(left);
  const y = asFiniteNumber(right);
  if (x === undefined || y === undefined) return false;
  switch (condition.op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

/**
 * equals / notEquals / exists against the values a matcher found. With `[*]` several values are found:
 * equals holds when any of them is equal, notEquals when none is. Without equals or exists, the value must
 * exist.
 */
function compareFound(found: unknown[], m: Matcher, ctx: EvalContext): boolean {
  const exists = found.length > 0;
  if (m.exists !== undefined ? m.exists !== exists : m.equals === undefined && !exists) return false;
  if (m.equals !== undefined) {
    const expected = evaluate(m.equals, ctx);
    if (!found.some((v) => looseEquals(v, expected))) return false;
  }
  if (m.notEquals !== undefined) {
    const unwanted = evaluate(m.notEquals, ctx);
    if (found.some((v) => looseEquals(v, unwanted))) return false;
  }
  return true;
}

/** All the matcher's conditions hold. equals/notEquals/exists apply to `json` when given, else to `header`. */
export function matchResponse(m: Matcher, res: ResponseView, ctx: EvalContext): boolean {
  if (m.status !== undefined && m.status.indexOf(res.status) < 0) return false;
  if (m.durationBelowMs !== undefined && !(res.timing('duration') < m.durationBelowMs)) return false;
  if (m.bodyContains !== undefined && res.text().indexOf(m.bodyContains) < 0) return false;
  if (m.json !== undefined) {
    const found = selectPath(res.json(), m.json).filter((v) => v !== undefined);
    if (!compareFound(found, m, ctx)) return false;
  }
  if (m.header !== undefined) {
    const value = res.header(m.header);
    if (m.json !== undefined) return value !== undefined;
    if (!compareFound(value === undefined ? [] : [value], m, ctx)) return false;
  }
  return true;
}

/** k6's default for "not a failed request" when a step sets no `expect`. */
export function isExpectedStatus(expect: number[] | undefined, status: number): boolean {
  return expect !== undefined ? expect.indexOf(status) >= 0 : status >= 200 && status < 400;
}

// ---------------------------------------------------------------- extraction

const regexCache: Record<string, RegExp> = {};

function compileRegex(source: string): RegExp {
  let re = getOwn(regexCache, source) as RegExp | undefined;
  if (re === undefined) {
    re = new RegExp(source);
    setOwn(regexCache, source, re);
  }
  return re;
}

export function extract(ex: Extractor, res: ResponseView, random: () => number): unknown {
  if ('json' in ex) {
    const nodes = selectPath(res.json(), ex.json);
    if (!hasWildcard(ex.json)) return nodes[0];
    switch (ex.pick) {
      case 'first':
        return nodes[0];
      case 'last':
        return nodes[nodes.length - 1];
      case 'random':
        return nodes.length > 0 ? nodes[Math.floor(random() * nodes.length)] : undefined;
      case 'all':
        return nodes;
    }
  }
  if ('header' in ex) return res.header(ex.header);
  if ('cookie' in ex) return res.cookie(ex.cookie);
  const match = compileRegex(ex.regex).exec(res.text());
  if (match === null) return undefined;
  // The model makes `group` required; a plan JSON written without it still gets the documented default.
  const group = typeof ex.group === 'number' ? ex.group : match.length > 1 ? 1 : 0;
  return match[group];
}

// ---------------------------------------------------------------- metrics

export function toFiniteNumber(v: unknown): number | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return asFiniteNumber(v);
}

function recordValue(
  value: NonNullable<MetricRecord['value']>,
  res: ResponseView,
  ctx: EvalContext,
): unknown {
  switch (value.k) {
    case 'timing':
      return res.timing(value.timing);
    case 'status':
      return res.status;
    default:
      return evaluate(value, ctx);
  }
}

/**
 * The sample a record adds for this response, or undefined for none.
 * - rate: with `when`, whether it matched (value ignored); without, the truthiness of `value` (true if absent);
 * - counter, trend, gauge: only when `when` matched (or is absent); `value`, 1 if absent; a value that is not
 *   a finite number adds nothing rather than a NaN that would poison the metric.
 */
export function recordSample(
  rec: MetricRecord,
  type: MetricDef['type'],
  res: ResponseView,
  ctx: EvalContext,
): number | boolean | undefined {
  const matched = rec.when === undefined || matchResponse(rec.when, res, ctx);
  if (type === 'rate') {
    if (rec.when !== undefined) return matched;
    return rec.value === undefined ? true : truthy(recordValue(rec.value, res, ctx));
  }
  if (!matched) return undefined;
  return rec.value === undefined ? 1 : toFiniteNumber(recordValue(rec.value, res, ctx));
}
