import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpStep, Matcher, PathSegment, Ref, ScriptPlan, Value } from './model.js';
import type { EvalContext, ResponseLike } from './values.js';
import {
  ResponseView,
  evaluate,
  evaluateCondition,
  extract,
  looseEquals,
  matchResponse,
  missingVars,
  randomInt,
  randomUuid,
  readPath,
  recordSample,
  selectPath,
  toText,
  truthy,
} from './values.js';
import {
  appendQuery,
  buildRequest,
  buildUrl,
  compileRequest,
  compileUrl,
  joinUrl,
  mergeHeaders,
  resolveBaseUrl,
} from './requests.js';
import {
  parseCsv,
  parseCsvRecords,
  pickRowIndex,
  resolveFlowName,
  thinkSeconds,
  validateScriptPlan,
} from './plan-data.js';

const lit = (v: unknown): Value => ({ k: 'lit', v });
const tpl = (...parts: Array<string | Ref>): Value => ({
  k: 'tpl',
  parts: parts.map((p) => (typeof p === 'string' ? { lit: p } : { ref: p })),
});
const vars = (name: string): Ref => ({ ns: 'vars', name });

/** A fixed random sequence, repeated. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

function context(over: Partial<EvalContext> = {}): EvalContext {
  return {
    vars: {},
    env: (name) => ({ REGION: 'eu' })[name],
    secret: (name) => {
      if (name === 'API_KEY') return 'k-1';
      throw new Error(`secret ${name} not set`);
    },
    data: (set, column) => (set === 'users' ? { name: 'ann', id: '7' }[column] : undefined),
    vu: () => 3,
    iter: () => 4,
    iterInTest: () => 11,
    scenario: () => 'browse',
    now: () => 1_700_000_000_000,
    random: sequence(0.5),
    ...over,
  };
}

const step = (over: Partial<HttpStep>): HttpStep => ({
  kind: 'http',
  name: 'reserve',
  method: 'POST',
  url: lit('/reserve'),
  query: [],
  headers: [],
  checks: [],
  extract: [],
  record: [],
  tags: {},
  stopOnFailure: false,
  needsBody: false,
  ...over,
});

function response(over: Partial<ResponseLike> = {}): ResponseView {
  return new ResponseView({
    status: 200,
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'r-9' },
    body: JSON.stringify({ token: 't-1', count: 2, empty: null, items: [{ id: 1 }, { id: 2 }, { id: 3 }] }),
    cookies: { SID: [{ value: 's-1' }] },
    timings: { duration: 120, waiting: 100 },
    ...over,
  });
}

describe('evaluate', () => {
  it('keeps a template of one reference as the raw value', () => {
    const ctx = context({ vars: { n: 5, list: [1, 2] } });
    expect(evaluate(tpl(vars('n')), ctx)).toBe(5);
    expect(evaluate(tpl(vars('list')), ctx)).toEqual([1, 2]);
    expect(evaluate(tpl({ ns: 'vu' }), ctx)).toBe(3);
  });

  it('concatenates parts as text, undefined and null as nothing', () => {
    const ctx = context({ vars: { n: 5, nil: null, o: { a: 1 } } });
    expect(
      evaluate(tpl('n=', vars('n'), ' missing=', vars('nope'), ' nil=', vars('nil'), ' o=', vars('o')), ctx),
    ).toBe('n=5 missing= nil= o={"a":1}');
  });

  it('resolves every namespace', () => {
    const ctx = context();
    expect(evaluate(tpl({ ns: 'env', name: 'REGION' }), ctx)).toBe('eu');
    expect(evaluate(tpl({ ns: 'secrets', name: 'API_KEY' }), ctx)).toBe('k-1');
    expect(evaluate(tpl({ ns: 'data', set: 'users', column: 'name' }), ctx)).toBe('ann');
    expect(evaluate(tpl({ ns: 'iter' }, '/', { ns: 'iterInTest' }, '/', { ns: 'scenario' }), ctx)).toBe(
      '4/11/browse',
    );
    expect(evaluate(tpl({ ns: 'now' }), ctx)).toBe(1_700_000_000_000);
    expect(evaluate(tpl({ ns: 'randomInt', min: 1, max: 10 }), ctx)).toBe(6);
    expect(evaluate(tpl({ ns: 'randomString', length: 4 }), ctx)).toMatch(/^[a-z0-9]{4}$/);
    expect(evaluate(tpl({ ns: 'randomUuid' }), ctx)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('lets a missing secret throw, naming it', () => {
    expect(() => evaluate(tpl({ ns: 'secrets', name: 'OTHER' }), context())).toThrow('secret OTHER not set');
  });

  it('builds containers, with "__proto__" as an ordinary key', () => {
    const value: Value = {
      k: 'obj',
      entries: [
        ['id', tpl(vars('id'))],
        ['tags', { k: 'arr', items: [lit('a'), tpl('x-', vars('id'))] }],
        ['__proto__', lit({ polluted: true })],
      ],
    };
    const out = evaluate(value, context({ vars: { id: 7 } }));
    expect(JSON.stringify(out)).toBe('{"id":7,"tags":["a","x-7"],"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not read variables from Object.prototype', () => {
    expect(evaluate(tpl(vars('constructor')), context())).toBeUndefined();
    expect(missingVars([tpl(vars('constructor'))], {})).toEqual(['constructor']);
  });

  it('lists missing variables once each, inside containers too', () => {
    const value: Value = {
      k: 'obj',
      entries: [
        ['a', tpl(vars('x'), vars('y'))],
        ['b', { k: 'arr', items: [tpl(vars('x'))] }],
      ],
    };
    expect(missingVars([value, tpl(vars('z'))], { y: 0 })).toEqual(['x', 'z']);
  });

  it('generates inclusive random integers and v4 UUIDs', () => {
    expect(randomInt(1, 3, () => 0)).toBe(1);
    expect(randomInt(1, 3, () => 0.9999)).toBe(3);
    expect(randomUuid(() => 0)).toBe('00000000-0000-4000-8000-000000000000');
    expect(randomUuid(() => 0.99999)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('renders text for every kind of value', () => {
    expect([undefined, null, 'a', 1.5, false, [1], { a: 'b' }].map(toText)).toEqual([
      '',
      '',
      'a',
      '1.5',
      'false',
      '[1]',
      '{"a":"b"}',
    ]);
  });
});

describe('JSON paths', () => {
  const doc = {
    items: [{ id: 1, tags: ['a'] }, { id: 2, tags: ['b', 'c'] }, { name: 'no id' }],
    meta: { n: 0 },
  };

  it('follows keys and indexes, negative from the end', () => {
    expect(readPath(doc, [{ key: 'items' }, { index: 1 }, { key: 'id' }])).toBe(2);
    expect(readPath(doc, [{ key: 'items' }, { index: -1 }, { key: 'name' }])).toBe('no id');
    expect(readPath(doc, [{ key: 'meta' }, { key: 'n' }])).toBe(0);
    expect(readPath(doc, [])).toBe(doc);
  });

  it('yields undefined for a path that does not exist', () => {
    expect(readPath(doc, [{ key: 'items' }, { index: 9 }])).toBeUndefined();
    expect(readPath(doc, [{ key: 'meta' }, { index: 0 }])).toBeUndefined();
    expect(readPath('text', [{ key: 'length' }])).toBeUndefined();
    expect(readPath(doc, [{ key: 'toString' }])).toBeUndefined();
  });

  it('maps [*] over arrays and object values and flattens', () => {
    expect(readPath(doc, [{ key: 'items' }, { all: true }, { key: 'id' }])).toEqual([1, 2]);
    expect(selectPath(doc, [{ key: 'items' }, { all: true }, { key: 'tags' }, { all: true }])).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(readPath({ a: { x: 1 }, b: { x: 2 } }, [{ all: true }, { key: 'x' }])).toEqual([1, 2]);
    expect(readPath(doc, [{ key: 'nope' }, { all: true }])).toEqual([]);
  });
});

describe('matchResponse', () => {
  const ctx = context({ vars: { expected: '2' } });
  const match = (m: Matcher, res = response()): boolean => matchResponse(m, res, ctx);

  it('matches a status list', () => {
    expect(match({ status: [200, 201] })).toBe(true);
    expect(match({ status: [201] })).toBe(false);
  });

  it('requires a JSON path to exist unless told otherwise', () => {
    expect(match({ json: [{ key: 'token' }] })).toBe(true);
    expect(match({ json: [{ key: 'empty' }] })).toBe(true);
    expect(match({ json: [{ key: 'nope' }] })).toBe(false);
    expect(match({ json: [{ key: 'nope' }], exists: false })).toBe(true);
    expect(match({ json: [{ key: 'token' }], exists: false })).toBe(false);
    expect(match({ json: [{ key: 'token' }] }, response({ body: 'not json' }))).toBe(false);
  });

  it('compares JSON values loosely, with templated expectations', () => {
    expect(match({ json: [{ key: 'count' }], equals: lit('2') })).toBe(true);
    expect(match({ json: [{ key: 'count' }], equals: tpl(vars('expected')) })).toBe(true);
    expect(match({ json: [{ key: 'count' }], notEquals: lit(2) })).toBe(false);
    expect(match({ json: [{ key: 'count' }], notEquals: lit(3) })).toBe(true);
    expect(match({ json: [{ key: 'nope' }], notEquals: lit(3) })).toBe(false);
    expect(match({ json: [{ key: 'nope' }], equals: lit(3) })).toBe(false);
  });

  it('reads [*] as "any item" for equals and "no item" for notEquals', () => {
    const ids: PathSegment[] = [{ key: 'items' }, { all: true }, { key: 'id' }];
    expect(match({ json: ids, equals: lit(3) })).toBe(true);
    expect(match({ json: ids, equals: lit(4) })).toBe(false);
    expect(match({ json: ids, notEquals: lit(4) })).toBe(true);
    expect(match({ json: ids, notEquals: lit(1) })).toBe(false);
    expect(match({ json: [{ key: 'items' }, { index: 5 }, { all: true }] })).toBe(false);
  });

  it('matches headers case-insensitively', () => {
    expect(match({ header: 'x-request-id' })).toBe(true);
    expect(match({ header: 'X-REQUEST-ID', equals: lit('r-9') })).toBe(true);
    expect(match({ header: 'x-request-id', equals: lit('r-8') })).toBe(false);
    expect(match({ header: 'x-missing' })).toBe(false);
    expect(match({ header: 'x-missing', exists: false })).toBe(true);
  });

  it('checks the body text and the duration', () => {
    expect(match({ bodyContains: '"t-1"' })).toBe(true);
    expect(match({ bodyContains: 'zzz' })).toBe(false);
    expect(match({ bodyContains: '' }, response({ body: null }))).toBe(true);
    expect(match({ durationBelowMs: 121 })).toBe(true);
    expect(match({ durationBelowMs: 120 })).toBe(false);
  });

  it('requires every condition', () => {
    expect(match({ status: [200], json: [{ key: 'count' }], equals: lit(2), bodyContains: 'items' })).toBe(
      true,
    );
    expect(match({ status: [200], json: [{ key: 'count' }], equals: lit(2), bodyContains: 'zzz' })).toBe(
      false,
    );
  });
});

describe('extract', () => {
  const res = response();
  const ids: PathSegment[] = [{ key: 'items' }, { all: true }, { key: 'id' }];

  it('picks from JSON matches', () => {
    expect(extract({ json: [{ key: 'token' }], pick: 'first' }, res, Math.random)).toBe('t-1');
    expect(extract({ json: ids, pick: 'first' }, res, Math.random)).toBe(1);
    expect(extract({ json: ids, pick: 'last' }, res, Math.random)).toBe(3);
    expect(extract({ json: ids, pick: 'random' }, res, () => 0.5)).toBe(2);
    expect(extract({ json: ids, pick: 'all' }, res, Math.random)).toEqual([1, 2, 3]);
    expect(
      extract({ json: [{ key: 'nope' }, { all: true }], pick: 'random' }, res, Math.random),
    ).toBeUndefined();
  });

  it('takes a path without [*] as is, whatever the pick', () => {
    expect(extract({ json: [{ key: 'items' }], pick: 'last' }, res, Math.random)).toHaveLength(3);
  });

  it('reads headers, cookies and regex groups', () => {
    expect(extract({ header: 'x-request-id' }, res, Math.random)).toBe('r-9');
    expect(extract({ cookie: 'SID' }, res, Math.random)).toBe('s-1');
    expect(extract({ cookie: 'sid' }, res, Math.random)).toBeUndefined();
    expect(extract({ cookie: 'constructor' }, res, Math.random)).toBeUndefined();
    expect(extract({ regex: '"token":"t-(\\d+)"', group: 1 }, res, Math.random)).toBe('1');
    expect(extract({ regex: '"token":"t-(\\d+)"', group: 0 }, res, Math.random)).toBe('"token":"t-1"');
    expect(extract({ regex: 'zzz(\\d)', group: 1 }, res, Math.random)).toBeUndefined();
  });

  it('defaults a regex group to the first capture, or the whole match without one', () => {
    const noGroup = JSON.parse('{"regex":"t-\\\\d+"}') as { regex: string; group: number };
    const withGroup = JSON.parse('{"regex":"t-(\\\\d+)"}') as { regex: string; group: number };
    expect(extract(noGroup, res, Math.random)).toBe('t-1');
    expect(extract(withGroup, res, Math.random)).toBe('1');
  });
});

describe('conditions', () => {
  const ctx = context({ vars: { n: '10', s: 'abc', f: 'false', zero: 0, list: [] } });

  it('compares numbers as numbers and everything else as text', () => {
    expect(looseEquals('10', 10)).toBe(true);
    expect(looseEquals('1e1', 10)).toBe(true);
    expect(looseEquals('abc', 'abc')).toBe(true);
    expect(looseEquals('', 0)).toBe(false);
    expect(looseEquals(true, 'true')).toBe(true);
    expect(looseEquals(undefined, '')).toBe(true);
    expect(evaluateCondition({ op: '==', left: tpl(vars('n')), right: lit(10) }, ctx)).toBe(true);
    expect(evaluateCondition({ op: '!=', left: tpl(vars('s')), right: lit('abd') }, ctx)).toBe(true);
  });

  it('orders numerically and is false when a side is not a number', () => {
    expect(evaluateCondition({ op: '<', left: tpl(vars('n')), right: lit(9) }, ctx)).toBe(false);
    expect(evaluateCondition({ op: '>', left: tpl(vars('n')), right: lit('9') }, ctx)).toBe(true);
    expect(evaluateCondition({ op: '>=', left: tpl(vars('n')), right: lit(10) }, ctx)).toBe(true);
    expect(evaluateCondition({ op: '<=', left: tpl(vars('n')), right: lit(10) }, ctx)).toBe(true);
    expect(evaluateCondition({ op: '<', left: tpl(vars('s')), right: lit(10) }, ctx)).toBe(false);
    expect(evaluateCondition({ op: '>=', left: tpl(vars('s')), right: lit(10) }, ctx)).toBe(false);
    expect(evaluateCondition({ op: '>', left: tpl(vars('missing')), right: lit(-1) }, ctx)).toBe(false);
  });

  it('reads "false", "0", empty text and empty lists as false', () => {
    expect(['false', 'FALSE', ' 0 ', '', 0, null, undefined, false, [], NaN].map(truthy)).toEqual(
      Array(10).fill(false),
    );
    expect(['true', 'no', 'x', 1, -1, true, [0], {}].map(truthy)).toEqual(Array(8).fill(true));
    expect(evaluateCondition({ op: 'truthy', value: tpl(vars('f')), negate: false }, ctx)).toBe(false);
    expect(evaluateCondition({ op: 'truthy', value: tpl(vars('zero')), negate: true }, ctx)).toBe(true);
    expect(evaluateCondition({ op: 'truthy', value: tpl(vars('list')), negate: true }, ctx)).toBe(true);
    expect(evaluateCondition({ op: 'truthy', value: tpl(vars('s')), negate: false }, ctx)).toBe(true);
  });
});

describe('recordSample', () => {
  const ctx = context({ vars: { qty: '3', bad: 'x' } });
  const res = response({ status: 201 });

  it('counts 1 by default and a value when given, only when matched', () => {
    expect(recordSample({ metric: 'm' }, 'counter', res, ctx)).toBe(1);
    expect(recordSample({ metric: 'm', value: tpl(vars('qty')) }, 'counter', res, ctx)).toBe(3);
    expect(recordSample({ metric: 'm', when: { status: [409] } }, 'counter', res, ctx)).toBeUndefined();
  });

  it('adds whether `when` matched to a rate, always', () => {
    expect(recordSample({ metric: 'm', when: { status: [201] } }, 'rate', res, ctx)).toBe(true);
    expect(recordSample({ metric: 'm', when: { status: [409] } }, 'rate', res, ctx)).toBe(false);
    expect(recordSample({ metric: 'm' }, 'rate', res, ctx)).toBe(true);
    expect(recordSample({ metric: 'm', value: tpl(vars('bad')) }, 'rate', res, ctx)).toBe(true);
    expect(recordSample({ metric: 'm', value: lit('false') }, 'rate', res, ctx)).toBe(false);
  });

  it('adds timings, the status and numbers to trends and gauges, skipping non-numbers', () => {
    expect(recordSample({ metric: 'm', value: { k: 'timing', timing: 'duration' } }, 'trend', res, ctx)).toBe(
      120,
    );
    expect(recordSample({ metric: 'm', value: { k: 'timing', timing: 'waiting' } }, 'trend', res, ctx)).toBe(
      100,
    );
    expect(recordSample({ metric: 'm', value: { k: 'status' } }, 'gauge', res, ctx)).toBe(201);
    expect(recordSample({ metric: 'm', value: lit(2.5) }, 'gauge', res, ctx)).toBe(2.5);
    expect(recordSample({ metric: 'm', value: tpl(vars('bad')) }, 'trend', res, ctx)).toBeUndefined();
  });
});

describe('requests', () => {
  it('joins paths to the base URL and leaves absolute URLs alone', () => {
    const base = resolveBaseUrl(undefined, 'http://api.test/v1//');
    expect(base).toBe('http://api.test/v1');
    expect(resolveBaseUrl('http://127.0.0.1:8080/', 'http://api.test')).toBe('http://127.0.0.1:8080');
    expect(resolveBaseUrl('', 'http://api.test')).toBe('http://api.test');
    expect(joinUrl(base, '/users')).toBe('http://api.test/v1/users');
    expect(joinUrl(base, 'users')).toBe('http://api.test/v1/users');
    expect(joinUrl(base, '?q=1')).toBe('http://api.test/v1?q=1');
    expect(joinUrl(base, '')).toBe('http://api.test/v1');
    expect(joinUrl(base, 'https://other.test/x')).toBe('https://other.test/x');
  });

  it('appends encoded query parameters after any existing ones, before a fragment', () => {
    expect(
      appendQuery('/s', [
        ['q', 'a b&c/é'],
        ['n', '1'],
      ]),
    ).toBe('/s?q=a%20b%26c%2F%C3%A9&n=1');
    expect(appendQuery('/s?x=1', [['y', '2']])).toBe('/s?x=1&y=2');
    expect(appendQuery('/s?', [['y', '2']])).toBe('/s?y=2');
    expect(appendQuery('/s#top', [['y', '2']])).toBe('/s?y=2#top');
    expect(appendQuery('/s', [])).toBe('/s');
  });

  it('merges headers case-insensitively, later layers winning with their spelling', () => {
    expect(
      mergeHeaders([
        [
          ['Accept', 'text/plain'],
          ['X-A', '1'],
        ],
        [['accept', 'application/json']],
        [['X-B', '2']],
      ]),
    ).toEqual({ accept: 'application/json', 'X-A': '1', 'X-B': '2' });
  });

  const shared = {
    baseUrl: 'http://api.test',
    planHeaders: [['User-Agent', lit('loadctl')]] as Array<[string, Value]>,
    flowHeaders: [['Authorization', tpl('Bearer ', vars('token'))]] as Array<[string, Value]>,
  };

  it('builds a JSON request from the three header layers', () => {
    const built = buildRequest(
      step({
        url: tpl('/items/', vars('id')),
        query: [['vu', tpl({ ns: 'vu' })]],
        headers: [['user-agent', lit('step')]],
        body: { type: 'json', value: { k: 'obj', entries: [['id', tpl(vars('id'))]] } },
      }),
      shared,
      context({ vars: { id: 7, token: 't' } }),
    );
    expect(built).toEqual({
      ok: true,
      request: {
        method: 'POST',
        url: 'http://api.test/items/7?vu=3',
        body: '{"id":7}',
        headers: { 'user-agent': 'step', Authorization: 'Bearer t', 'Content-Type': 'application/json' },
      },
    });
  });

  it('keeps a Content-Type the plan set, and sends form and raw bodies', () => {
    const ctx = context({ vars: { token: 't' } });
    const json = buildRequest(
      step({
        headers: [['content-type', lit('application/vnd.x+json')]],
        body: { type: 'json', value: lit([1]) },
      }),
      shared,
      ctx,
    );
    expect(json.ok && json.request.headers).toEqual({
      'User-Agent': 'loadctl',
      Authorization: 'Bearer t',
      'content-type': 'application/vnd.x+json',
    });
    const form = buildRequest(
      step({
        body: {
          type: 'form',
          fields: [
            ['n', lit(1)],
            ['u', tpl({ ns: 'vu' })],
          ],
        },
      }),
      shared,
      ctx,
    );
    expect(form.ok && form.request.body).toEqual({ n: '1', u: '3' });
    const raw = buildRequest(step({ body: { type: 'raw', value: tpl('vu=', { ns: 'vu' }) } }), shared, ctx);
    expect(raw.ok && raw.request.body).toBe('vu=3');
  });

  it('leaves out a header whose variable is not set yet', () => {
    const built = buildRequest(step({}), shared, context());
    expect(built.ok && built.request.headers).toEqual({ 'User-Agent': 'loadctl' });
  });

  it('refuses a URL, query or body that names an unset variable', () => {
    const ctx = context({ vars: { set: 1 } });
    expect(buildRequest(step({ url: tpl('/items/', vars('id')) }), shared, ctx)).toEqual({
      ok: false,
      missingVars: ['id'],
    });
    expect(buildRequest(step({ query: [['q', tpl(vars('q'))]] }), shared, ctx)).toEqual({
      ok: false,
      missingVars: ['q'],
    });
    expect(
      buildRequest(
        step({
          body: {
            type: 'form',
            fields: [
              ['a', tpl(vars('set'))],
              ['b', tpl(vars('b'))],
            ],
          },
        }),
        shared,
        ctx,
      ),
    ).toEqual({ ok: false, missingVars: ['b'] });
  });
});

describe('pacing, data rows and plans', () => {
  it('spreads think time between min and max', () => {
    expect(thinkSeconds({ min: 1, max: 3 }, () => 0.5)).toBe(2);
    expect(thinkSeconds({ min: 2, max: 2 }, Math.random)).toBe(2);
  });

  it('picks rows per VU, per iteration or at random', () => {
    const at = { vu: 1, iterInTest: 0, random: () => 0.99 };
    expect([1, 2, 3, 4].map((vu) => pickRowIndex('unique', 3, { ...at, vu }))).toEqual([0, 1, 2, 0]);
    expect(pickRowIndex('unique', 3, { ...at, vu: 0 })).toBe(2);
    expect([0, 1, 5].map((iterInTest) => pickRowIndex('sequential', 3, { ...at, iterInTest }))).toEqual([
      0, 1, 2,
    ]);
    expect(pickRowIndex('random', 3, at)).toBe(2);
    expect(pickRowIndex('random', 0, at)).toBe(-1);
  });

  it('finds the flow of a scenario, and of k6 "default" when only one flow runs', () => {
    expect(resolveFlowName({ scenarioFlows: { a: 'buy', b: 'buy' } }, 'b')).toBe('buy');
    expect(resolveFlowName({ scenarioFlows: { a: 'buy', b: 'buy' } }, 'default')).toBe('buy');
    expect(resolveFlowName({ scenarioFlows: { a: 'buy', b: 'browse' } }, 'default')).toBeUndefined();
    expect(resolveFlowName({ scenarioFlows: { a: 'buy', b: 'browse' } }, 'toString')).toBeUndefined();
  });

  it('reports every inconsistency of a script plan', () => {
    const plan: ScriptPlan = {
      version: 1,
      planName: 'p',
      targetName: 't',
      baseUrl: 'http://x.test',
      options: {},
      headers: [],
      env: {},
      secrets: [],
      scenarioFlows: { a: 'buy', b: 'gone' },
      flows: {
        buy: {
          headers: [],
          steps: [
            {
              kind: 'group',
              name: 'g',
              steps: [
                {
                  kind: 'http',
                  name: 'login',
                  method: 'GET',
                  url: lit('/'),
                  query: [],
                  headers: [],
                  checks: [],
                  extract: [['x', { regex: '(', group: 1 }]],
                  record: [{ metric: 'undeclared' }, { metric: 'ok' }],
                  tags: {},
                  stopOnFailure: false,
                  needsBody: true,
                },
              ],
            },
          ],
        },
      },
      metrics: { ok: { type: 'counter', time: false } },
      data: {},
    };
    expect(validateScriptPlan(plan)).toEqual([
      'scenario "b" runs flow "gone", which the script does not contain',
      'flows.buy: step "login" records into undeclared metric "undeclared"',
      'flows.buy: step "login" has an invalid regex /(/',
    ]);
    expect(validateScriptPlan({ ...plan, version: 2 } as unknown as ScriptPlan)).toEqual([
      'script plan version 2 is not 1: re-render the script',
    ]);
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, line breaks and doubled quotes', () => {
    expect(parseCsv('a,b,c\n"x, y","say ""hi""","two\nlines"\n')).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
    ]);
  });

  it('accepts CRLF, CR and a missing final newline, and skips blank lines', () => {
    expect(parseCsv('a,b\r\n1,2\r\n\r\n3,4\r5,6')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('keeps empty fields and drops a byte order mark', () => {
    expect(parseCsv('\uFEFFa,b,c\n,,\n"",x,\n')).toEqual([
      ['a', 'b', 'c'],
      ['', '', ''],
      ['', 'x', ''],
    ]);
  });

  it('uses the data set delimiter', () => {
    expect(parseCsv('a;b\n"1;2";3', ';')).toEqual([
      ['a', 'b'],
      ['1;2', '3'],
    ]);
    expect(parseCsv('a\tb\n1,2\t3', '\t')).toEqual([
      ['a', 'b'],
      ['1,2', '3'],
    ]);
  });

  it('rejects an unterminated quote and a bad delimiter', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(
      'the quoted field opened on line 2 is never closed',
    );
    expect(() => parseCsv('a', '"')).toThrow('CSV: the delimiter');
    expect(() => parseCsv('a', ';;')).toThrow('CSV: the delimiter');
  });

  it('turns rows into records named by the header row', () => {
    expect(parseCsvRecords('name, email ,__proto__\nann,a@x.test,p\nbob\n')).toEqual([
      JSON.parse('{"name":"ann","email":"a@x.test","__proto__":"p"}'),
      JSON.parse('{"name":"bob","email":"","__proto__":""}'),
    ]);
    expect(parseCsvRecords('')).toEqual([]);
    expect(parseCsvRecords('only,header\n')).toEqual([]);
  });
});

const BASE = 'http://api.test';
const VAR_NAMES = ['id', 'token', 'q'];
const text = fc.constantFrom('', 'a b', 'x&y=z', '?', '#frag', 'é/ü', '__proto__', '/p');
const ref: fc.Arbitrary<Ref> = fc.oneof(
  fc.constantFrom(...VAR_NAMES).map(vars),
  fc.constant<Ref>({ ns: 'vu' }),
  fc.constant<Ref>({ ns: 'env', name: 'REGION' }),
  fc.constant<Ref>({ ns: 'secrets', name: 'API_KEY' }),
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
const varState = fc.dictionary(fc.constantFrom(...VAR_NAMES), fc.constantFrom<unknown>(1, 'x y', '', false));

// compileRequest / compileUrl are buildRequest / buildUrl prepared at init for speed: they must give exactly
// what the reference functions give, for any step and any state of the variables.
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
        varState,
        (u, query, planHeaders, flowHeaders, headers, b, vs) => {
          const s = step({ url: u, query, headers, ...(b === undefined ? {} : { body: b }) });
          const shared = { baseUrl: BASE, planHeaders, flowHeaders };
          const ctx = context({ vars: vs });
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
    const ctx = context({ vars: { id: 'a/b', q: 'x&y' } });
    const query = compileUrl(
      step({
        url: lit('/s#top'),
        query: [
          ['q', tpl(vars('q'))],
          ['n', lit(1)],
        ],
      }),
      BASE,
    );
    expect(query?.(ctx)).toBe('http://api.test/s?q=x%26y&n=1#top');
    const path = compileUrl(step({ url: tpl('/items/', vars('id'), '/x') }), BASE);
    expect(path?.(ctx)).toBe('http://api.test/items/a/b/x');
    // Its shape depends on the value: left to buildUrl.
    expect(compileUrl(step({ url: tpl(vars('id')) }), BASE)).toBeUndefined();
    expect(compileUrl(step({ url: tpl('/i/', vars('id')), query: [['q', lit(1)]] }), BASE)).toBeUndefined();
  });

  it('send a header only once its variables are set, the highest layer winning', () => {
    const s = step({ headers: [['authorization', tpl('Bearer ', vars('token'))]] });
    const build = compileRequest(s, {
      baseUrl: BASE,
      planHeaders: [['Authorization', lit('Basic x')]],
      flowHeaders: [],
    });
    expect(build(context())?.headers).toEqual({ Authorization: 'Basic x' });
    expect(build(context({ vars: { token: 't' } }))?.headers).toEqual({ authorization: 'Bearer t' });
  });
});
