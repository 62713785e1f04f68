// The k6 runtime's request building: URLs, query strings, headers and bodies from a step and the variables,
// and the per-step builders prepared at init (compileRequest/compileUrl). Pure, like values.ts.
import type { Body, Part, RequestParts, Value } from './model.js';
import {
  evaluate,
  getOwn,
  hasOwn,
  missingVars,
  resolveRef,
  setOwn,
  toText,
  varNames,
  type EvalContext,
} from './values.js';

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
  step: RequestParts,
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
  step: RequestParts,
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
export function buildUrl(step: RequestParts, baseUrl: string, ctx: EvalContext): string {
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
export function compileUrl(step: RequestParts, baseUrl: string): ((ctx: EvalContext) => string) | undefined {
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
export function buildBody(step: RequestParts, ctx: EvalContext): BuiltRequest['body'] {
  if (step.body?.type === 'json') return JSON.stringify(evaluate(step.body.value, ctx)) ?? 'null';
  if (step.body?.type === 'form') {
    const fields: Record<string, string> = {};
    for (const [k, v] of step.body.fields) setOwn(fields, k, toText(evaluate(v, ctx)));
    return fields;
  }
  if (step.body?.type === 'raw') return toText(evaluate(step.body.value, ctx));
  return null;
}
