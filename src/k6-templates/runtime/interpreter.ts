// Walks a ScriptPlan flow inside k6. The decisions (templates, matchers, request building) live in values.ts;
// this file wires them to k6's http, check, group, sleep and metrics.
import http from 'k6/http';
import type { Params } from 'k6/http';
import { check, group, sleep } from 'k6';
import type { Checkers } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import type { Metric } from 'k6/metrics';
import type { DataSet, Flow, HttpStep, MetricDef, ScriptPlan, Step, Think } from './model.js';
import type { EvalContext } from './values.js';
import {
  ResponseView,
  buildRequest,
  evaluate,
  evaluateCondition,
  extract,
  forEachStep,
  getOwn,
  hasOwn,
  isExpectedStatus,
  matchResponse,
  pickRowIndex,
  planFlows,
  recordSample,
  resolveBaseUrl,
  setOwn,
  thinkSeconds,
} from './values.js';

// @types/k6 does not export the callback's interface.
type ExpectedStatusesCallback = NonNullable<Params['responseCallback']>;

export type Vars = Record<string, unknown>;
export type Phase = 'setup' | 'iteration' | 'teardown';

export interface LoadedDataSet {
  mode: DataSet['mode'];
  rows: ReadonlyArray<Readonly<Record<string, string>>>;
}

/** What must exist before the first iteration: k6 only allows metrics (and data) in the init context. */
export interface Runtime {
  plan: ScriptPlan;
  baseUrl: string;
  metrics: Record<string, { type: MetricDef['type']; metric: Metric }>;
  data: Record<string, LoadedDataSet>;
  expected: Map<HttpStep, ExpectedStatusesCallback>;
  aborted: Counter;
}

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
  return {
    plan,
    baseUrl: resolveBaseUrl(__ENV.LOADCTL_BASE_URL, plan.baseUrl),
    metrics,
    data,
    expected,
    aborted: new Counter('loadctl_flow_aborted'),
  };
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

function createContext(rt: Runtime, vars: Vars, phase: Phase): EvalContext {
  // exec.scenario throws outside a scenario (setup, teardown), so those phases never touch it.
  const inScenario = phase === 'iteration';
  const iterInTest = (): number => (inScenario ? exec.scenario.iterationInTest : 0);
  const rows: Record<string, Readonly<Record<string, string>> | null> = {};
  const row = (set: string): Readonly<Record<string, string>> | null => {
    if (!hasOwn(rows, set)) {
      // One row per data set per iteration, so ${data.users.name} and ${data.users.password} agree.
      const ds = getOwn(rt.data, set) as LoadedDataSet | undefined;
      const at = { vu: exec.vu.idInTest, iterInTest: iterInTest(), random: Math.random };
      const index = ds === undefined ? -1 : pickRowIndex(ds.mode, ds.rows.length, at);
      setOwn(rows, set, ds?.rows[index] ?? null);
    }
    return rows[set] ?? null;
  };
  return {
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
    vu: () => exec.vu.idInTest,
    iter: () => exec.vu.iterationInScenario,
    iterInTest,
    scenario: () => (inScenario ? exec.scenario.name : phase),
    now: () => Date.now(),
    random: Math.random,
  };
}

function pause(think: Think | undefined): void {
  if (think === undefined) return;
  const seconds = thinkSeconds(think, Math.random);
  if (seconds > 0) sleep(seconds);
}

/** Runs a flow's steps and its closing think time; returns the variables as the flow left them. */
export function runFlow(rt: Runtime, flow: Flow, vars: Vars, phase: Phase): Vars {
  const it: Iteration = { rt, flow, vars, ctx: createContext(rt, vars, phase) };
  runSteps(it, flow.steps);
  // Also after a stopped iteration: a failing login must not turn its VU into a tight loop.
  pause(flow.think);
  return vars;
}

/** false: the iteration ends here. */
function runSteps(it: Iteration, steps: Step[]): boolean {
  for (const step of steps) {
    if (!runStep(it, step)) return false;
  }
  return true;
}

function runStep(it: Iteration, step: Step): boolean {
  switch (step.kind) {
    case 'http':
      return runHttp(it, step);
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
  const { rt, ctx } = it;
  const built = buildRequest(
    step,
    { baseUrl: rt.baseUrl, planHeaders: rt.plan.headers, flowHeaders: it.flow.headers },
    ctx,
  );
  if (!built.ok) {
    // An earlier step did not yield what this one needs (its own checks already say why): stop quietly.
    rt.aborted.add(1, { name: step.name, reason: 'missing_var' });
    return false;
  }
  const { method, url, body, headers } = built.request;
  const params: Params = {
    headers,
    tags: { name: step.name, ...step.tags },
    // Discarding unread bodies saves the load generator memory and CPU.
    responseType: step.needsBody ? 'text' : 'none',
  };
  if (step.timeout !== undefined) params.timeout = step.timeout;
  const callback = rt.expected.get(step);
  if (callback !== undefined) params.responseCallback = callback;

  const res = new ResponseView(http.request(method, url, body, params));

  let passed = true;
  if (step.checks.length > 0) {
    const checkers: Checkers<ResponseView> = {};
    for (const c of step.checks)
      setOwn(checkers, c.name, (r: ResponseView) => matchResponse(c.matcher, r, ctx));
    passed = check(res, checkers, { name: step.name });
  }
  for (const [name, ex] of step.extract) setOwn(it.vars, name, extract(ex, res, Math.random));
  for (const rec of step.record) {
    const target = getOwn(rt.metrics, rec.metric) as Runtime['metrics'][string] | undefined;
    if (target === undefined) continue;
    const sample = recordSample(rec, target.type, res, ctx);
    if (sample !== undefined) target.metric.add(sample, { name: step.name });
  }
  if (step.stopOnFailure && (!passed || !isExpectedStatus(step.expect, res.status))) return false;
  pause(step.think);
  return true;
}
