// compileRequest / compileUrl are buildRequest / buildUrl prepared at init for speed: they must give exactly
// what the reference functions give, for any step and any state of the variables.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpStep, Ref, Value } from './model.js';
import type { EvalContext } from './values.js';
import { buildRequest, buildUrl, compileRequest, compileUrl } from './values.js';

const lit = (v: unknown): Value => ({ k: 'lit', v });
const tpl = (...parts: Array<string | Ref>): Value => ({
  k: 'tpl',
  parts: parts.map((p) => (typeof p === 'string' ? { lit: p } : { ref: p })),
});
const v = (name: string): Ref => ({ ns: 'vars', name });

function context(vars: Record<string, unknown>): EvalContext {
  return {
    vars,
    env: (name) => ({ REGION: 'eu/west' })[name],
    secret: () => 's3cr3t',
    data: () => undefined,
    vu: () => 3,
    iter: () => 4,
    iterInTest: () => 11,
    scenario: () => 'browse',
    now: () => 1_700_000_000_000,
    random: () => 0.5,
  };
}

function step(over: Partial<HttpStep>): HttpStep {
  return {
    kind: 'http',
    name: 's',
    method: 'POST',
    url: lit('/items'),
    query: [],
    headers: [],
    checks: [],
    extract: [],
    record: [],
    tags: {},
    stopOnFailure: false,
    needsBody: false,
    ...over,
  };
}

const BASE = 'http://api.test';
const VAR_NAMES = ['id', 'token', 'q'];
const text = fc.constantFrom('', 'a b', 'x&y=z', '?', '#frag', 'é/ü', '__proto__', '/p');
const ref: fc.Arbitrary<Ref> = fc.oneof(
  fc.constantFrom(...VAR_NAMES).map(v),
  fc.constant<Ref>({ ns: 'vu' }),
  fc.constant<Ref>({ ns: 'env', name: 'REGION' }),
  fc.constant<Ref>({ ns: 'secrets', name: 'KEY' }),
);
const value: fc.Arbitrary<Value> = fc.oneof(
  text.map(lit),
  fc.constantFrom(7, true, null).map(lit),
  fc.array(fc.oneof(text, ref), { minLength: 1, maxLength: 3 }).map((parts) => tpl(...parts)),
);
const url: fc.Arbitrary<Value> = fc.oneof(
  fc
    .constantFrom('/items', '/items?x=1', '/items?', '/s#top', '', 'rel/path', 'https://other.test/x')
    .map(lit),
  fc.array(fc.oneof(text, ref), { minLength: 0, maxLength: 3 }).map((rest) => tpl('/items/', ...rest)),
  fc.array(fc.oneof(text, ref), { minLength: 1, maxLength: 3 }).map((parts) => tpl(...parts)),
);
const headerName = fc.constantFrom('Authorization', 'authorization', 'X-A', 'Content-Type', '__proto__');
const layer = fc.array(fc.tuple(headerName, value), { maxLength: 3 });
const body: fc.Arbitrary<HttpStep['body']> = fc.oneof(
  fc.constant(undefined),
  value.map((value) => ({ type: 'json' as const, value })),
  value.map((value) => ({ type: 'raw' as const, value })),
  fc
    .array(fc.tuple(fc.constantFrom('a', 'b'), value), { maxLength: 2 })
    .map((fields) => ({ type: 'form' as const, fields })),
);
const vars = fc.dictionary(fc.constantFrom(...VAR_NAMES), fc.constantFrom<unknown>(1, 'x y', '', false));

describe('compiled requests', () => {
  it('give what buildRequest gives, or undefined where it refuses', () => {
    fc.assert(
      fc.property(
        url,
        fc.array(fc.tuple(fc.constantFrom('q', 'a b', 'é'), value), { maxLength: 3 }),
        layer,
        layer,
        layer,
        body,
        vars,
        (u, query, planHeaders, flowHeaders, headers, b, vs) => {
          const s = step({ url: u, query, headers, ...(b === undefined ? {} : { body: b }) });
          const shared = { baseUrl: BASE, planHeaders, flowHeaders };
          const ctx = context(vs);
          const want = buildRequest(s, shared, ctx);
          const got = compileRequest(s, shared)(ctx);
          if (!want.ok) expect(got).toBeUndefined();
          else expect(got).toEqual(want.request);
          const compiledUrl = compileUrl(s, BASE);
          if (compiledUrl !== undefined && want.ok) expect(compiledUrl(ctx)).toBe(buildUrl(s, BASE, ctx));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('prepare the fixed text once: a literal URL with a templated query, a templated path', () => {
    const ctx = context({ id: 'a/b', q: 'x&y' });
    const query = compileUrl(
      step({
        url: lit('/s#top'),
        query: [
          ['q', tpl(v('q'))],
          ['n', lit(1)],
        ],
      }),
      BASE,
    );
    expect(query?.(ctx)).toBe('http://api.test/s?q=x%26y&n=1#top');
    const path = compileUrl(step({ url: tpl('/items/', v('id'), '/x') }), BASE);
    expect(path?.(ctx)).toBe('http://api.test/items/a/b/x');
    // Its shape depends on the value: left to buildUrl.
    expect(compileUrl(step({ url: tpl(v('id')) }), BASE)).toBeUndefined();
    expect(compileUrl(step({ url: tpl('/i/', v('id')), query: [['q', lit(1)]] }), BASE)).toBeUndefined();
  });

  it('send a header only once its variables are set, the highest layer winning', () => {
    const s = step({ headers: [['authorization', tpl('Bearer ', v('token'))]] });
    const build = compileRequest(s, {
      baseUrl: BASE,
      planHeaders: [['Authorization', lit('Basic x')]],
      flowHeaders: [],
    });
    expect(build(context({}))?.headers).toEqual({ Authorization: 'Basic x' });
    expect(build(context({ token: 't' }))?.headers).toEqual({ authorization: 'Bearer t' });
  });
});
