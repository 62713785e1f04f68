// Walks a ScriptPlan flow inside k6. The decisions (templates, matchers, request building) live in values.ts;
// this file wires them to k6's http, check, group, sleep and metrics.
import http from 'k6/http';
import type { Params } from 'k6/http';
import { check, group, sleep } from 'k6';
import type { Checkers } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import type { Metric } from 'k6/metrics';
import type { StreamParams, StreamResponse } from 'k6/x/loadctl-sse';
import type { Flow, HttpStep, MetricDef, ScriptPlan, Step, Think, Value } from './model.js';
import {
  answerOf,
  loadStreamModule,
  planHasStreams,
  sendParams,
  streamParams,
  textRequest,
  type StreamModule,
} from './stream.js';
import type { EvalContext } from './values.js';
import {
  ResponseView,
  evaluate,
  evaluateCondition,
  extract,
  getOwn,
  hasOwn,
  isExpectedStatus,
  matchResponse,
  recordSample,
  setOwn,
} from './values.js';
import { buildRequest, compileRequest, resolveBaseUrl, type BuiltRequest } from './requests.js';
import { forEachStep, planFlows, thinkSeconds, type Row } from './plan-data.js';
import { pickRow, type LoadedDataSet } from './data-sets.js';

// The bundle is CommonJS, where every use of a default import is a getter call through esbuild's interop;
// on the per-request path that costs a few percent of throughput (measured), so take the module once.
const k6http = http;
// Likewise for k6/execution, which templates such as ${vu} read on every request, and for check.
const k6exec = exec;
const k6check = check;
// Checks get k6's own tags (check, group, scenario) and no `name`: extra tags on a check cost a trivial
// request ~4% of its throughput (measured, k6 v1.8.1), and a check's name already begins with its step's.

// @types/k6 does not export the callback's interface.
type ExpectedStatusesCallback = NonNullable<Params['responseCallback']>;

export type Vars = Record<string, unknown>;
export type Phase = 'setup' | 'iteration' | 'teardown';

export type { LoadedDataSet };

/** What must exist before the first iteration: k6 only allows metrics (and data) in the init context. */
export interface Runtime {
  plan: ScriptPlan;
  baseUrl: string;
  metrics: Record<string, { type: MetricDef['type']; metric: Metric }>;
  data: Record<string, LoadedDataSet>;
  expected: Map<HttpStep, ExpectedStatusesCallback>;
  aborted: Counter;
  /** The context iterations evaluate templates in, created once per VU (set by iterationContext). */
  current: { ctx: EvalContext | undefined };
  hasData: boolean;
  /** k6/x/loadctl-sse, loaded only when a step streams. */
  stream: StreamModule | undefined;
}

/**
 * An HTTP step with everything that does not depend on the iteration computed at init. k6 runs JavaScript
 * in an interpreter, where every object and closure per request costs throughput, so a step without
 * references sends a request built once, with params and check functions built once.
 */
interface PreparedHttp {
  /** The whole request, when nothing in it is templated. */
  request: BuiltRequest | undefined;
  /** params for http.request; its headers are filled per request unless the request is static. */
  params: Params;
  checkers: Checkers<ResponseView> | undefined;
  /** Every check tests the status only: they run on k6's response itself, no view is built. */
  rawChecks: boolean;
  /** For templated requests: builds one (compileRequest); undefined when a variable it needs is not set. */
  build: ((ctx: EvalContext) => BuiltRequest | undefined) | undefined;
  /** The response view (parsed body, header lookups) is needed: something reads more than the status. */
  needsView: boolean;
  /** For steps with `stream:`: the extension's params; headers are filled per request. */
  stream: StreamParams | undefined;
  /** For steps with `send:`: builds the question's request (undefined when a variable it needs is not set). */
  send: ((ctx: EvalContext) => BuiltRequest | undefined) | undefined;
}

type PreparedStep = HttpStep & { loadctlPrepared?: PreparedHttp };

function isLiteral(values: Value[]): boolean {
  for (const v of values) if (v.k !== 'lit') return false;
  return true;
}

function prepareHttp(rt: Runtime, flow: Flow, step: HttpStep): PreparedHttp {
  const parts: Value[] = [step.url, ...step.query.map(([, v]) => v)];
  if (step.body !== undefined)
    parts.push(...(step.body.type === 'form' ? step.body.fields.map(([, v]) => v) : [step.body.value]));
  for (const layer of [rt.plan.headers, flow.headers, step.headers]) for (const [, v] of layer) parts.push(v);
  const shared = { baseUrl: rt.baseUrl, planHeaders: rt.plan.headers, flowHeaders: flow.headers };
  let request: BuiltRequest | undefined;
  if (isLiteral(parts)) {
    const built = buildRequest(step, shared, STATIC_CONTEXT);
    if (built.ok) request = built.request;
  }
  const params: Params = {
    tags: { name: step.name, ...step.tags },
    // Discarding unread bodies saves the load generator memory and CPU.
    responseType: step.needsBody ? 'text' : 'none',
  };
  if (request !== undefined) params.headers = request.headers;
  if (step.timeout !== undefined) params.timeout = step.timeout;
  const callback = rt.expected.get(step);
  if (callback !== undefined) params.responseCallback = callback;
  let checkers: Checkers<ResponseView> | undefined;
  const isStatusOnly = (m: HttpStep['checks'][number]['matcher']) =>
    m.status !== undefined && Object.keys(m).length === 1;
  const rawChecks = step.checks.length > 0 && step.checks.every((c) => isStatusOnly(c.matcher));
  if (rawChecks) {
    const raw: Checkers<{ status: number }> = {};
    for (const c of step.checks) {
      const statuses = c.matcher.status ?? [];
      const only = statuses.length === 1 ? statuses[0] : undefined;
      setOwn(
        raw,
        c.name,
        only === undefined
          ? (r: { status: number }) => statuses.indexOf(r.status) >= 0
          : (r: { status: number }) => r.status === only,
      );
    }
    checkers = raw as unknown as Checkers<ResponseView>;
  } else if (step.checks.length > 0) {
    const current = rt.current;
    checkers = {};
    for (const c of step.checks) {
      const matcher = c.matcher;
      setOwn(checkers, c.name, (r: ResponseView) => matchResponse(matcher, r, current.ctx ?? STATIC_CONTEXT));
    }
  }
  return {
    request,
    params,
    checkers,
    rawChecks,
    build: request === undefined ? compileRequest(step, shared) : undefined,
    needsView: (step.checks.length > 0 && !rawChecks) || step.extract.length > 0 || step.record.length > 0,
    stream: streamParams(step),
    send: step.send === undefined ? undefined : compileRequest(step.send, shared),
  };
}

// For literal values only: nothing in them refers to the context.
const STATIC_CONTEXT: EvalContext = {
  vars: {},
  env: () => undefined,
  secret: () => '',
  data: () => undefined,
  vu: () => 0,
  iter: () => 0,
  iterInTest: () => 0,
  scenario: () => '',
  now: () => 0,
  random: Math.random,
};

function createMetric(name: string, def: MetricDef): Metric {
  switch (def.type) {
    case 'counter':
      return new Counter(name);
    case 'rate':
      return new Rate(name);
    case 'trend':
      return new Trend(name, def.time);
    case 'gauge':
      return new Gauge(name, def.time);
  }
}

/** Call in the init context only. */
export function createRuntime(plan: ScriptPlan, data: Record<string, LoadedDataSet>): Runtime {
  const metrics: Runtime['metrics'] = {};
  for (const name of Object.keys(plan.metrics)) {
    const def = plan.metrics[name];
    if (def !== undefined) setOwn(metrics, name, { type: def.type, metric: createMetric(name, def) });
  }
  // k6 recommends building expectedStatuses callbacks once, not per request; steps are stable objects of
  // this VU's parsed plan, so they key the cache.
  const expected = new Map<HttpStep, ExpectedStatusesCallback>();
  for (const [, flow] of planFlows(plan)) {
    forEachStep(flow.steps, (step) => {
      if (step.kind === 'http' && step.expect !== undefined && !expected.has(step)) {
        expected.set(step, http.expectedStatuses(...step.expect));
      }
    });
  }
  const base: Runtime = {
    plan,
    baseUrl: resolveBaseUrl(__ENV.LOADCTL_BASE_URL, plan.baseUrl),
    metrics,
    data,
    expected,
    aborted: new Counter('loadctl_flow_aborted'),
    current: { ctx: undefined },
    hasData: Object.keys(data).length > 0,
    stream: planHasStreams(plan) ? loadStreamModule() : undefined,
  };
  const flows: Flow[] = Object.keys(plan.flows).map((name) => getOwn(plan.flows, name) as Flow);
  if (plan.setup !== undefined) flows.push(plan.setup);
  if (plan.teardown !== undefined) flows.push(plan.teardown);
  for (const flow of flows) {
    forEachStep(flow.steps, (step) => {
      // This VU's own parsed copy of the plan carries each step's preparation: a property read per request.
      if (step.kind === 'http' && (step as PreparedStep).loadctlPrepared === undefined) {
        (step as PreparedStep).loadctlPrepared = prepareHttp(base, flow, step);
      }
    });
  }
  for (const flow of flows) {
    const fast = fastSteps(flow);
    if (fast !== undefined) (flow as FastFlow).loadctlFast = fast;
  }
  return base;
}

/**
 * A step that needs nothing from the iteration: a request built at init, checks on the status only, nothing
 * extracted or recorded, no stop, no pause. A flow made only of such steps runs without the interpreter's
 * general path (the common shape of a plain load test, and the one where per-request cost shows most).
 */
interface FastStep {
  request: BuiltRequest;
  params: Params;
  checkers: Checkers<ResponseView> | undefined;
}
type FastFlow = Flow & { loadctlFast?: FastStep[] };

function fastSteps(flow: Flow): FastStep[] | undefined {
  if (flow.think !== undefined) return undefined;
  const out: FastStep[] = [];
  for (const step of flow.steps) {
    if (step.kind !== 'http') return undefined;
    const prep = (step as PreparedStep).loadctlPrepared;
    if (prep === undefined || prep.request === undefined || prep.stream !== undefined) return undefined;
    if (step.checks.length > 0 && !prep.rawChecks) return undefined;
    if (step.extract.length > 0 || step.record.length > 0 || step.stopOnFailure || step.think !== undefined)
      return undefined;
    out.push({
      request: prep.request,
      params: prep.params,
      checkers: prep.checkers,
    });
  }
  return out;
}

/** Runs the flow if it is all fast steps (see FastStep); false when it needs the general path. */
export function runFastFlow(flow: Flow): boolean {
  const steps = (flow as FastFlow).loadctlFast;
  if (steps === undefined) return false;
  const n = steps.length;
  let i = 0;
  for (; i < n; i++) {
    const s = steps[i] as FastStep;
    const raw = k6http.request(s.request.method, s.request.url, s.request.body, s.params);
    if (s.checkers !== undefined) k6check(raw, s.checkers as unknown as Checkers<typeof raw>);
  }
  return true;
}

/**
 * A streaming step's request through k6/x/loadctl-sse: k6/http's metrics plus the stream's own. With `send:`,
 * the question goes once the stream is open and the step sees its answer (answerOf); undefined when the
 * question names a variable that is not set (the iteration ends, as for the step's own request).
 */
function sendStream(
  it: Iteration,
  step: HttpStep,
  prep: PreparedHttp,
  request: BuiltRequest,
): StreamResponse | undefined {
  const params = prep.stream as StreamParams;
  const text = textRequest(request);
  params.headers = text.headers;
  const question = prep.send?.(it.ctx);
  if (prep.send !== undefined && question === undefined) return undefined;
  if (question !== undefined) params.send = sendParams(step, question);
  // createRuntime loads the module whenever a step streams.
  const res = (it.rt.stream as StreamModule).request(request.method, request.url, text.body, params);
  return question === undefined ? res : answerOf(res);
}

export function missingSecrets(plan: ScriptPlan): string[] {
  return plan.secrets.filter((name) => !__ENV[name]);
}

export function secretMessage(names: string[]): string {
  const list = names.map((n) => `"${n}"`).join(', ');
  return names.length === 1
    ? `loadctl: secret ${list} is not set: export that environment variable before running`
    : `loadctl: secrets ${list} are not set: export these environment variables before running`;
}

interface Iteration {
  rt: Runtime;
  flow: Flow;
  vars: Vars;
  ctx: EvalContext;
}

function createContext(
  rt: Runtime,
  vars: Vars,
  phase: Phase,
): { ctx: EvalContext; newIteration: () => void } {
  // exec.scenario throws outside a scenario (setup, teardown), so those phases never touch it.
  const inScenario = phase === 'iteration';
  const iterInTest = (): number => (inScenario ? k6exec.scenario.iterationInTest : 0);
  let rows: Record<string, Row | null> = {};
  let rowsUsed = false;
  const row = (set: string): Row | null => {
    if (!hasOwn(rows, set)) {
      rowsUsed = true;
      // One row per data set per iteration, so ${data.users.name} and ${data.users.password} agree.
      const ds = getOwn(rt.data, set) as LoadedDataSet | undefined;
      const at = { vu: k6exec.vu.idInTest, iterInTest: iterInTest() };
      setOwn(rows, set, ds === undefined ? null : pickRow(ds, at));
    }
    return rows[set] ?? null;
  };
  const ctx: EvalContext = {
    vars,
    env: (name) => __ENV[name] ?? (getOwn(rt.plan.env, name) as string | undefined),
    secret: (name) => {
      const value = __ENV[name];
      if (!value) throw new Error(secretMessage([name]));
      return value;
    },
    data: (set, column) => {
      const r = row(set);
      return r === null ? undefined : getOwn(r, column);
    },
    vu: () => k6exec.vu.idInTest,
    iter: () => k6exec.vu.iterationInScenario,
    iterInTest,
    scenario: () => (inScenario ? k6exec.scenario.name : phase),
    now: () => Date.now(),
    random: Math.random,
  };
  return {
    ctx,
    newIteration: () => {
      if (rowsUsed) {
        rows = {};
        rowsUsed = false;
      }
    },
  };
}

function pause(think: Think | undefined): void {
  if (think === undefined) return;
  const seconds = thinkSeconds(think, Math.random);
  if (seconds > 0) sleep(seconds);
}

/** Runs a flow's steps and its closing think time; returns the variables as the flow left them. */
// A VU keeps its variables across iterations, so the context and the iteration record are built once per
// VU (keyed by its variables object) and reused; only the data rows are new each iteration.
interface VuState {
  vars: Vars;
  it: Iteration;
  newIteration: () => void;
}
let vuState: VuState | undefined;

/** One iteration of a VU: runFlow's 'iteration' phase without the phase dispatch (the per-request path). */
export function runIteration(rt: Runtime, flow: Flow, vars: Vars): void {
  let state = vuState;
  if (state === undefined || state.vars !== vars) {
    const made = createContext(rt, vars, 'iteration');
    state = vuState = { vars, it: { rt, flow, vars, ctx: made.ctx }, newIteration: made.newIteration };
  }
  if (rt.hasData) state.newIteration();
  const it = state.it;
  it.flow = flow;
  runSteps(it, flow.steps);
  // Also after a stopped iteration: a failing login must not turn its VU into a tight loop.
  if (flow.think !== undefined) pause(flow.think);
}

/** Runs setup's or teardown's flow (iterations go through runIteration); returns the variables it left. */
export function runFlow(rt: Runtime, flow: Flow, vars: Vars, phase: Exclude<Phase, 'iteration'>): Vars {
  const it: Iteration = { rt, flow, vars, ctx: createContext(rt, vars, phase).ctx };
  runSteps(it, flow.steps);
  if (flow.think !== undefined) pause(flow.think);
  return vars;
}

/** false: the iteration ends here. */
function runSteps(it: Iteration, steps: Step[]): boolean {
  // Indexed loops on the per-request path: for-of allocates an iterator, and a `let` loop variable gets a
  // fresh scope per turn, both of which k6's interpreter feels.
  const n = steps.length;
  let i = 0;
  for (; i < n; i++) {
    const step = steps[i] as Step;
    if (!(step.kind === 'http' ? runHttp(it, step) : runStep(it, step))) return false;
  }
  return true;
}

function runStep(it: Iteration, step: Step): boolean {
  if (step.kind === 'http') return runHttp(it, step);
  switch (step.kind) {
    case 'group':
      return group(step.name, () => runSteps(it, step.steps));
    case 'if':
      return runSteps(it, evaluateCondition(step.condition, it.ctx) ? step.then : step.else);
    case 'sleep':
      pause(step.think);
      return true;
    case 'set':
      for (const [name, value] of step.values) setOwn(it.vars, name, evaluate(value, it.ctx));
      return true;
  }
}

function runHttp(it: Iteration, step: HttpStep): boolean {
  const rt = it.rt;
  const ctx = it.ctx;
  // createRuntime prepares every step of every flow; a step it did not see is prepared once, here.
  const prep = ((step as PreparedStep).loadctlPrepared ??= prepareHttp(rt, it.flow, step));
  const params = prep.params;
  let request = prep.request;
  if (request === undefined) {
    request = (prep.build as NonNullable<PreparedHttp['build']>)(ctx);
    if (request === undefined) {
      // An earlier step did not yield what this one needs (its own checks already say why): stop quietly.
      rt.aborted.add(1, { name: step.name, reason: 'missing_var' });
      return false;
    }
    // params are read by k6 during the call only, so one object per step serves every request.
    params.headers = request.headers;
  }
  const raw =
    prep.stream === undefined
      ? k6http.request(request.method, request.url, request.body, params)
      : sendStream(it, step, prep, request);
  if (raw === undefined) {
    rt.aborted.add(1, { name: step.name, reason: 'missing_var' });
    return false;
  }
  const res = prep.needsView ? new ResponseView(raw) : undefined;

  let passed = true;
  if (prep.checkers !== undefined) {
    rt.current.ctx = ctx;
    passed =
      res === undefined
        ? k6check(raw, prep.checkers as unknown as Checkers<typeof raw>)
        : k6check(res, prep.checkers);
  }
  if (res !== undefined) {
    for (let i = 0; i < step.extract.length; i++) {
      const pair = step.extract[i] as HttpStep['extract'][number];
      setOwn(it.vars, pair[0], extract(pair[1], res, Math.random));
    }
    for (let i = 0; i < step.record.length; i++) {
      const rec = step.record[i] as HttpStep['record'][number];
      const target = getOwn(rt.metrics, rec.metric) as Runtime['metrics'][string] | undefined;
      if (target === undefined) continue;
      const sample = recordSample(rec, target.type, res, ctx);
      if (sample !== undefined) target.metric.add(sample, { name: step.name });
    }
  }
  // With `send:`, the status is the question's (answerOf).
  const expected = step.send === undefined ? step.expect : step.send.expect;
  if (step.stopOnFailure && (!passed || !isExpectedStatus(expected, raw.status))) return false;
  if (step.think !== undefined) pause(step.think);
  return true;
}
