// The pure half of the k6 runtime: templates, JSON paths, matchers, conditions, extraction, request building
// and the CSV parser. It imports nothing from k6, so vitest runs it under Node while the runtime tsconfig
// still checks it against k6's ES2017. Clock, randomness and the k6 execution context arrive through
// `EvalContext`, so every function here is a function of its arguments.
import type {
  Body,
  Condition,
  Extractor,
  HttpStep,
  Matcher,
  MetricDef,
  MetricRecord,
  Part,
  PathSegment,
  Ref,
  ScriptPlan,
  Step,
  Think,
  Value,
} from './model.js';
import { SCRIPT_PLAN_VERSION } from './model.js';

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

// ---------------------------------------------------------------- requests

const ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export function resolveBaseUrl(override: string | undefined, planBaseUrl: string): string {
  const base = override !== undefined && override !== '' ? override : planBaseUrl;
  return base.replace(/\/+$/, '');
}

/** `baseUrl` has no trailing slash (see resolveBaseUrl). */
export function joinUrl(baseUrl: string, pathOrUrl: string): string {
  // The common case first: a path. It cannot be an absolute URL, so the pattern need not run per request.
  if (pathOrUrl.charAt(0) === '/') return baseUrl + pathOrUrl;
  if (ABSOLUTE_URL.test(pathOrUrl)) return pathOrUrl;
  if (pathOrUrl === '') return baseUrl;
  return baseUrl + (pathOrUrl.charAt(0) === '/' || pathOrUrl.charAt(0) === '?' ? '' : '/') + pathOrUrl;
}

/** Where a query goes into `url`: before any `#fragment`, after `?` or `&` as the URL already needs. */
function queryPlace(url: string): { head: string; hash: string } {
  const hashAt = url.indexOf('#');
  const head = hashAt < 0 ? url : url.slice(0, hashAt);
  const last = head.charAt(head.length - 1);
  const sep = head.indexOf('?') < 0 ? '?' : last === '?' || last === '&' ? '' : '&';
  return { head: head + sep, hash: hashAt < 0 ? '' : url.slice(hashAt) };
}

export function appendQuery(url: string, query: Array<[string, string]>): string {
  if (query.length === 0) return url;
  const { head, hash } = queryPlace(url);
  const encoded = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return head + encoded + hash;
}

/** Later layers win; names compare case-insensitively and the winner's spelling is kept. */
export function mergeHeaders(layers: Array<Array<[string, string]>>): Record<string, string> {
  const byLower: Record<string, [string, string]> = {};
  const order: string[] = [];
  for (const layer of layers) {
    for (const [name, value] of layer) {
      const lower = name.toLowerCase();
      if (!hasOwn(byLower, lower)) order.push(lower);
      setOwn(byLower, lower, [name, value]);
    }
  }
  const out: Record<string, string> = {};
  for (const lower of order) {
    const entry = byLower[lower];
    if (entry !== undefined) setOwn(out, entry[0], entry[1]);
  }
  return out;
}

export function hasHeader(headers: Readonly<Record<string, string>>, name: string): boolean {
  const wanted = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === wanted);
}

export interface BuiltRequest {
  method: string;
  url: string;
  /** A string, or an object k6 sends form-encoded. */
  body: string | Record<string, string> | null;
  headers: Record<string, string>;
}

export type BuildResult = { ok: true; request: BuiltRequest } | { ok: false; missingVars: string[] };

function bodyValues(body: Body | undefined): Value[] {
  if (body === undefined) return [];
  return body.type === 'form' ? body.fields.map(([, v]) => v) : [body.value];
}

/**
 * A header whose template names a variable that is not set yet is left out rather than sent half-empty,
 * so a flow-wide `Authorization: Bearer ${vars.token}` does not block the login step that sets the token.
 */
function evaluateHeaders(headers: Array<[string, Value]>, ctx: EvalContext): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of headers) {
    if (missingVars([value], ctx.vars).length === 0) out.push([name, toText(evaluate(value, ctx))]);
  }
  return out;
}

/**
 * The request an HTTP step sends. A URL, query or body that names an unset variable would hit the wrong
 * endpoint or send an empty id, so the step is not sent at all: the caller ends the iteration.
 */
export function buildRequest(
  step: HttpStep,
  shared: { baseUrl: string; planHeaders: Array<[string, Value]>; flowHeaders: Array<[string, Value]> },
  ctx: EvalContext,
): BuildResult {
  const missing = missingVars(
    [step.url, ...step.query.map(([, v]) => v), ...bodyValues(step.body)],
    ctx.vars,
  );
  if (missing.length > 0) return { ok: false, missingVars: missing };

  const headers = mergeHeaders([
    evaluateHeaders(shared.planHeaders, ctx),
    evaluateHeaders(shared.flowHeaders, ctx),
    evaluateHeaders(step.headers, ctx),
  ]);
  if (step.body?.type === 'json' && !hasHeader(headers, 'content-type')) {
    setOwn(headers, 'Content-Type', 'application/json');
  }
  return {
    ok: true,
    request: {
      method: step.method,
      url: buildUrl(step, shared.baseUrl, ctx),
      body: buildBody(step, ctx),
      headers,
    },
  };
}

function allSet(names: string[], vars: Readonly<Record<string, unknown>>): boolean {
  for (let i = 0; i < names.length; i++) if (getOwn(vars, names[i] as string) === undefined) return false;
  return true;
}

interface HeaderCandidate {
  name: string;
  value: Value;
  text: (ctx: EvalContext) => string;
  vars: string[];
  /** Plain assignment is safe for every name but `__proto__` on a fresh object, and cheaper than setOwn. */
  plain: boolean;
}

/**
 * buildRequest for one step, prepared at init. k6 runs JavaScript in an interpreter, where every array,
 * spread and merge per request costs throughput, so what does not depend on the iteration is decided once:
 * the variables the URL, query and body need, which header may win each name (the first of them, from the
 * step's layer down, whose variables are set: evaluateHeaders and mergeHeaders' rule), and the URL's fixed
 * text (compileUrl). Gives what buildRequest gives, or undefined where buildRequest refuses (tested).
 */
export function compileRequest(
  step: HttpStep,
  shared: { baseUrl: string; planHeaders: Array<[string, Value]>; flowHeaders: Array<[string, Value]> },
): (ctx: EvalContext) => BuiltRequest | undefined {
  const needed = varNames([step.url, ...step.query.map(([, v]) => v), ...bodyValues(step.body)]);
  const byLower: Record<string, HeaderCandidate[]> = {};
  const lowers: string[] = [];
  // Highest layer first, and within a layer the later entry first: the order in which they win.
  for (const layer of [step.headers, shared.flowHeaders, shared.planHeaders]) {
    for (let i = layer.length - 1; i >= 0; i--) {
      const [name, value] = layer[i] as [string, Value];
      const lower = name.toLowerCase();
      if (!hasOwn(byLower, lower)) {
        setOwn(byLower, lower, []);
        lowers.push(lower);
      }
      (getOwn(byLower, lower) as HeaderCandidate[]).push({
        name,
        value,
        text: compileText(value),
        vars: varNames([value]),
        plain: name !== '__proto__',
      });
    }
  }
  if (step.body?.type === 'json') {
    // Sent only when no Content-Type of the plan's is.
    if (!hasOwn(byLower, 'content-type')) {
      setOwn(byLower, 'content-type', []);
      lowers.push('content-type');
    }
    (getOwn(byLower, 'content-type') as HeaderCandidate[]).push({
      name: 'Content-Type',
      value: { k: 'lit', v: 'application/json' },
      text: () => 'application/json',
      vars: [],
      plain: true,
    });
  }
  const candidates = lowers.map((lower) => getOwn(byLower, lower) as HeaderCandidate[]);
  const buildHeaders = (ctx: EvalContext): Record<string, string> => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < candidates.length; i++) {
      const list = candidates[i] as HeaderCandidate[];
      for (let j = 0; j < list.length; j++) {
        const c = list[j] as HeaderCandidate;
        if (!allSet(c.vars, ctx.vars)) continue;
        const text = c.text(ctx);
        if (c.plain) headers[c.name] = text;
        else setOwn(headers, c.name, text);
        break;
      }
    }
    return headers;
  };
  // Literal headers are the same for every request: one object serves them all (k6 reads it during the
  // call), and the first candidate of each name wins, since a literal needs no variable.
  let staticHeaders: Record<string, string> | undefined = {};
  for (const list of candidates) {
    const c = list[0];
    if (c?.value.k !== 'lit' || list.some((other) => other.value.k !== 'lit')) {
      staticHeaders = undefined;
      break;
    }
    setOwn(staticHeaders, c.name, toText(c.value.v));
  }
  const url = compileUrl(step, shared.baseUrl);
  const baseUrl = shared.baseUrl;
  return (ctx) => {
    if (!allSet(needed, ctx.vars)) return undefined;
    const headers = staticHeaders ?? buildHeaders(ctx);
    return {
      method: step.method,
      url: url === undefined ? buildUrl(step, baseUrl, ctx) : url(ctx),
      body: buildBody(step, ctx),
      headers,
    };
  };
}

/** The step's URL: its path (or absolute URL) joined to the base, with its query. */
export function buildUrl(step: HttpStep, baseUrl: string, ctx: EvalContext): string {
  const url = joinUrl(baseUrl, toText(evaluate(step.url, ctx)));
  if (step.query.length === 0) return url;
  const query: Array<[string, string]> = [];
  for (let i = 0; i < step.query.length; i++) {
    const pair = step.query[i] as [string, Value];
    query.push([pair[0], toText(evaluate(pair[1], ctx))]);
  }
  return appendQuery(url, query);
}

/** toText(evaluate(value, ctx)), with the dispatch on the value's shape done once. */
export function compileText(value: Value): (ctx: EvalContext) => string {
  if (value.k === 'lit') {
    const text = toText(value.v);
    return () => text;
  }
  if (value.k === 'tpl' && value.parts.length === 1) {
    const only = value.parts[0] as Part;
    if ('ref' in only) {
      const ref = only.ref;
      return (ctx) => toText(resolveRef(ref, ctx));
    }
  }
  return (ctx) => toText(evaluate(value, ctx));
}

/**
 * buildUrl for one step, prepared at init: the text that does not depend on the iteration is joined and
 * encoded once, so a request costs one concatenation per templated value. Returns undefined when the URL's
 * shape depends on a templated value (a templated path with a query, or one that may not start with `/`);
 * buildUrl then does the general work per request. Always gives what buildUrl gives (tested).
 */
export function compileUrl(step: HttpStep, baseUrl: string): ((ctx: EvalContext) => string) | undefined {
  // statics[0] + dyn[0](ctx) + statics[1] + … + statics[n]
  const statics: string[] = [];
  const dyn: Array<(ctx: EvalContext) => string> = [];
  let text = '';
  const push = (f: (ctx: EvalContext) => string): void => {
    statics.push(text);
    dyn.push(f);
    text = '';
  };
  if (step.url.k === 'lit') {
    const url = joinUrl(baseUrl, toText(step.url.v));
    if (step.query.length === 0) return () => url;
    // appendQuery's work, once.
    const { head, hash } = queryPlace(url);
    text = head;
    for (let i = 0; i < step.query.length; i++) {
      const [key, value] = step.query[i] as [string, Value];
      text += `${i > 0 ? '&' : ''}${encodeURIComponent(key)}=`;
      if (value.k === 'lit') text += encodeURIComponent(toText(value.v));
      else {
        const valueText = compileText(value);
        push((ctx) => encodeURIComponent(valueText(ctx)));
      }
    }
    text += hash;
  } else if (step.url.k === 'tpl' && step.query.length === 0) {
    const first = step.url.parts[0];
    // A path that starts with `/` is appended to the base URL whatever its references hold.
    if (first === undefined || !('lit' in first) || first.lit.charAt(0) !== '/') return undefined;
    text = baseUrl;
    for (const part of step.url.parts) {
      if ('lit' in part) text += part.lit;
      else {
        const ref = part.ref;
        push((ctx) => toText(resolveRef(ref, ctx)));
      }
    }
  } else return undefined;
  statics.push(text);
  const n = dyn.length;
  if (n === 0) {
    const url = statics[0] as string;
    return () => url;
  }
  return (ctx) => {
    let out = statics[0] as string;
    for (let i = 0; i < n; i++)
      out += (dyn[i] as (c: EvalContext) => string)(ctx) + (statics[i + 1] as string);
    return out;
  };
}

/** The step's body: JSON text, form fields (k6 form-encodes an object) or raw text; null without one. */
export function buildBody(step: HttpStep, ctx: EvalContext): BuiltRequest['body'] {
  if (step.body?.type === 'json') return JSON.stringify(evaluate(step.body.value, ctx)) ?? 'null';
  if (step.body?.type === 'form') {
    const fields: Record<string, string> = {};
    for (const [k, v] of step.body.fields) setOwn(fields, k, toText(evaluate(v, ctx)));
    return fields;
  }
  if (step.body?.type === 'raw') return toText(evaluate(step.body.value, ctx));
  return null;
}

// ---------------------------------------------------------------- pacing, data, plan

export function thinkSeconds(think: Think, random: () => number): number {
  return think.min + (think.max - think.min) * random();
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Which row of a data set this iteration uses; -1 for an empty set. */
export function pickRowIndex(
  mode: 'unique' | 'sequential' | 'random',
  rows: number,
  at: { vu: number; iterInTest: number; random: () => number },
): number {
  if (rows <= 0) return -1;
  switch (mode) {
    case 'unique':
      return mod(at.vu - 1, rows);
    case 'sequential':
      return mod(at.iterInTest, rows);
    case 'random':
      return Math.floor(at.random() * rows);
  }
}

/**
 * The flow a scenario runs. `k6 run --vus/--duration/--iterations` replaces the plan's scenarios with one
 * named "default"; when every scenario runs the same flow, that one still has an unambiguous answer.
 */
export function resolveFlowName(
  plan: Pick<ScriptPlan, 'scenarioFlows'>,
  scenario: string,
): string | undefined {
  const mapped = getOwn(plan.scenarioFlows, scenario);
  if (typeof mapped === 'string') return mapped;
  const names: string[] = [];
  for (const key of Object.keys(plan.scenarioFlows)) {
    const name = plan.scenarioFlows[key];
    if (name !== undefined && names.indexOf(name) < 0) names.push(name);
  }
  return names.length === 1 ? names[0] : undefined;
}

export function forEachStep(steps: Step[], visit: (step: Step) => void): void {
  for (const step of steps) {
    visit(step);
    if (step.kind === 'group') forEachStep(step.steps, visit);
    else if (step.kind === 'if') {
      forEachStep(step.then, visit);
      forEachStep(step.else, visit);
    }
  }
}

export function planFlows(plan: ScriptPlan): Array<[string, { steps: Step[] }]> {
  const flows: Array<[string, { steps: Step[] }]> = Object.keys(plan.flows).map((name) => {
    const flow = plan.flows[name];
    return [`flows.${name}`, { steps: flow === undefined ? [] : flow.steps }];
  });
  if (plan.setup !== undefined) flows.push(['setup', plan.setup]);
  if (plan.teardown !== undefined) flows.push(['teardown', plan.teardown]);
  return flows;
}

/** Problems that would otherwise surface as a TypeError in every iteration; all of them, at once. */
export function validateScriptPlan(plan: ScriptPlan): string[] {
  const problems: string[] = [];
  if (plan.version !== SCRIPT_PLAN_VERSION) {
    problems.push(
      `script plan version ${String(plan.version)} is not ${SCRIPT_PLAN_VERSION}: re-render the script`,
    );
    return problems;
  }
  for (const scenario of Object.keys(plan.scenarioFlows)) {
    const flow = plan.scenarioFlows[scenario];
    if (flow === undefined || !hasOwn(plan.flows, flow)) {
      problems.push(`scenario "${scenario}" runs flow "${String(flow)}", which the script does not contain`);
    }
  }
  for (const [where, flow] of planFlows(plan)) {
    forEachStep(flow.steps, (step) => {
      if (step.kind !== 'http') return;
      for (const rec of step.record) {
        if (!hasOwn(plan.metrics, rec.metric)) {
          problems.push(`${where}: step "${step.name}" records into undeclared metric "${rec.metric}"`);
        }
      }
      for (const [, ex] of step.extract) {
        if ('regex' in ex) {
          try {
            new RegExp(ex.regex);
          } catch {
            problems.push(`${where}: step "${step.name}" has an invalid regex /${ex.regex}/`);
          }
        }
      }
    });
  }
  return problems;
}

// ---------------------------------------------------------------- CSV

/**
 * RFC 4180: fields may be quoted, a quoted field may hold the delimiter, line breaks and "" for a quote;
 * CRLF, LF and CR end records. A byte order mark is dropped and blank lines are skipped.
 */
export function parseCsv(text: string, delimiter = ',', source = 'CSV'): string[][] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(
      `${source}: the delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`,
    );
  }
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 1;
  let i = 0;
  const endRow = (): void => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  while (i < src.length) {
    const c = src.charAt(i);
    if (quoted) {
      if (c === '"') {
        if (src.charAt(i + 1) === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src.charAt(i + 1) === '\n') i++;
      line++;
      endRow();
    } else {
      field += c;
    }
    i++;
  }
  if (quoted) throw new Error(`${source}: the quoted field opened on line ${quoteLine} is never closed`);
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** Rows as objects keyed by the header row; a short row reads '' for its missing columns. */
export function parseCsvRecords(
  text: string,
  delimiter = ',',
  source = 'CSV',
): Array<Record<string, string>> {
  const rows = parseCsv(text, delimiter, source);
  const header = (rows[0] ?? []).map((name) => name.trim());
  const records: Array<Record<string, string>> = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r] ?? [];
    const record: Record<string, string> = {};
    header.forEach((name, c) => setOwn(record, name, row[c] ?? ''));
    records.push(record);
  }
  return records;
}
