// Resolved plan → the k6 options and the ScriptPlan data the k6 runtime interprets. Pure.
import {
  SCRIPT_PLAN_VERSION,
  type Check as CCheck,
  type Extractor as CExtractor,
  type Flow as CFlow,
  type HttpStep as CHttpStep,
  type Matcher as CMatcher,
  type MetricRecord,
  type ScriptOverlay,
  type StreamRead,
  type ScriptPlan,
  type SendRequest,
  type Step as CStep,
  type Think,
  type Value,
} from '../k6-templates/runtime/model.js';
import { arrivalK6Scenario, arrivalProcess, hasArrivals } from './arrivals.js';
import { parseDuration } from './duration.js';
import { parseJsonPath } from './json-path.js';
import { compileDataSet } from './datasets.js';
import { withStreamUsage } from './stream-usage.js';
import type { ResolvedPlan } from './resolve.js';
import { collectRefs, compileValue, parseCondition } from './templates.js';
import { endpointName, isHttpStep, sendEndpointName, walkSteps } from './rules.js';
import {
  THRESHOLD_EXPRESSION,
  type Check,
  type Extractor,
  type Flow,
  type Matcher,
  type Plan,
  type Scenario,
  type Step,
  type StreamSpec,
  type ThinkTime,
} from './schema.js';

export const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];
export const DEFAULT_DEMO_PORT = 8080;

export interface CompileOptions {
  /** The URL the script calls unless LOADCTL_BASE_URL overrides it. */
  baseUrl: string;
  /** Data set name → path as k6's open() sees it. */
  dataFiles?: Record<string, string>;
  summaryExport?: { envVar: string };
  /** Extra (empty) thresholds that make k6 compute sub-metrics, e.g. per endpoint. */
  extraThresholds?: Record<string, unknown[]>;
  /** Tag requests with their time batch: the tag, a batch's length and how many. */
  batches?: { tag: string; ms: number; count: number };
}

/** Where the script points before the run supplies the real URL. */
export function defaultBaseUrl(resolved: ResolvedPlan): string {
  const t = resolved.target;
  if (t.url !== undefined) return t.url;
  const knobs = t.demo === true || t.demo === undefined ? {} : t.demo;
  return `http://${knobs.host ?? '127.0.0.1'}:${knobs.port ?? DEFAULT_DEMO_PORT}`;
}

function seconds(duration: string): number {
  return (parseDuration(duration) ?? 0) / 1000;
}

function compileThink(think: ThinkTime | undefined): Think | undefined {
  if (think === undefined) return undefined;
  if (typeof think === 'string') {
    const s = seconds(think);
    return { min: s, max: s };
  }
  return { min: seconds(think.min), max: seconds(think.max) };
}

function jsonSegments(path: string) {
  const parsed = parseJsonPath(path);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.segments;
}

export function compileMatcher(m: Matcher | Check): CMatcher {
  const out: CMatcher = {};
  if (m.status !== undefined) out.status = Array.isArray(m.status) ? m.status : [m.status];
  if (m.json !== undefined) out.json = jsonSegments(m.json);
  if (m.header !== undefined) out.header = m.header;
  if (m.equals !== undefined) out.equals = compileValue(m.equals);
  if (m.notEquals !== undefined) out.notEquals = compileValue(m.notEquals);
  if (m.exists !== undefined) out.exists = m.exists;
  if (m.bodyContains !== undefined) out.bodyContains = m.bodyContains;
  if (m.durationBelow !== undefined) out.durationBelowMs = parseDuration(m.durationBelow) ?? 0;
  return out;
}

/** A check's default name says what it tests, so k6's check list reads on its own. */
export function describeCheck(endpoint: string, c: Matcher | Check): string {
  const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  let what: string;
  if (c.status !== undefined)
    what = Array.isArray(c.status) ? `status in ${c.status.join('|')}` : `status is ${c.status}`;
  else if (c.bodyContains !== undefined) what = `body contains ${JSON.stringify(c.bodyContains)}`;
  else if (c.durationBelow !== undefined) what = `duration < ${c.durationBelow}`;
  else {
    const subject = c.json ?? `header ${c.header ?? ''}`;
    if (c.equals !== undefined) what = `${subject} == ${show(c.equals)}`;
    else if (c.notEquals !== undefined) what = `${subject} != ${show(c.notEquals)}`;
    else what = c.exists === false ? `${subject} is absent` : `${subject} exists`;
  }
  return `${endpoint}: ${what}`;
}

function compileChecks(endpoint: string, checks: readonly Check[]): CCheck[] {
  const seen = new Map<string, number>();
  return checks.map((c) => {
    const base = c.name ?? describeCheck(endpoint, c);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { name: n === 1 ? base : `${base} #${n}`, matcher: compileMatcher(c) };
  });
}

function compileExtractor(e: Extractor): CExtractor {
  if ('json' in e) return { json: jsonSegments(e.json), pick: e.pick ?? 'first' };
  if ('header' in e) return { header: e.header };
  if ('cookie' in e) return { cookie: e.cookie };
  // Default to the first capture group when the pattern has one, else the whole match.
  const hasGroup = new RegExp(`${e.regex}|`).exec('')!.length > 1;
  return { regex: e.regex, group: e.group ?? (hasGroup ? 1 : 0) };
}

function needsBody(step: Extract<Step, { path: string }>): boolean {
  const matchers: Array<Matcher | Check> = [
    ...(step.checks ?? []),
    ...(step.record ?? []).flatMap((r) => (r.when ? [r.when] : [])),
  ];
  if (matchers.some((m) => m.json !== undefined || m.bodyContains !== undefined)) return true;
  return Object.values(step.extract ?? {}).some((e) => 'json' in e || 'regex' in e);
}

function entries(map: Record<string, unknown> | undefined): Array<[string, Value]> {
  return Object.entries(map ?? {}).map(([k, v]) => [k, compileValue(v)]);
}

/** OpenAI's and most LLM gateways' end marker: `data: [DONE]`. */
export const DEFAULT_STREAM_DONE = '[DONE]';

function compileStream(spec: Exclude<StreamSpec, false>): StreamRead {
  const s = spec === true ? {} : spec;
  const out: StreamRead = { done: s.done ?? DEFAULT_STREAM_DONE, usage: s.usage ?? true };
  if (s.token !== undefined) {
    out.token = jsonSegments(s.token);
    if (out.token.some((segment) => 'all' in segment))
      throw new Error(`stream.token ${s.token}: a token path names one value; [*] is not allowed`);
  }
  if (s.doneEvent !== undefined) out.doneEvent = s.doneEvent;
  if (s.slo !== undefined) out.slo = s.slo;
  return out;
}

function statusList(expect: number | number[] | undefined): number[] | undefined {
  return expect === undefined ? undefined : Array.isArray(expect) ? expect : [expect];
}

function compileSend(plan: Plan, step: Extract<Step, { path: string }>): SendRequest | undefined {
  const send = step.send;
  if (send === undefined) return undefined;
  const out: SendRequest = {
    name: sendEndpointName(step) ?? '',
    method: send.method ?? 'POST',
    url: compileValue(send.path),
    query: entries(send.query),
    headers: entries(send.headers),
  };
  if (send.json !== undefined) out.body = { type: 'json', value: compileValue(send.json) };
  else if (send.form !== undefined) out.body = { type: 'form', fields: entries(send.form) };
  else if (send.body !== undefined) out.body = { type: 'raw', value: compileValue(send.body) };
  const expect = statusList(send.expect);
  if (expect !== undefined) out.expect = expect;
  const timeout = send.timeout ?? step.timeout ?? plan.http?.timeout;
  if (timeout !== undefined) out.timeout = timeout;
  return out;
}

function compileHttpStep(plan: Plan, step: Extract<Step, { path: string }>): CHttpStep {
  const name = endpointName(step);
  const record: MetricRecord[] = (step.record ?? []).map((r) => {
    const out: MetricRecord = { metric: r.metric };
    if (r.when) out.when = compileMatcher(r.when);
    if (r.value === 'duration' || r.value === 'waiting') out.value = { k: 'timing', timing: r.value };
    else if (r.value === 'status') out.value = { k: 'status' };
    else if (r.value !== undefined) out.value = compileValue(r.value);
    return out;
  });
  const out: CHttpStep = {
    kind: 'http',
    name,
    method: step.method ?? 'GET',
    url: compileValue(step.path),
    query: entries(step.query),
    headers: entries(step.headers),
    checks: compileChecks(name, step.checks ?? []),
    extract: Object.entries(step.extract ?? {}).map(([k, e]) => [k, compileExtractor(e)]),
    record,
    tags: step.tags ?? {},
    stopOnFailure: step.stopOnFailure ?? false,
    needsBody: needsBody(step),
  };
  if (step.json !== undefined)
    out.body = { type: 'json', value: compileValue(withStreamUsage(step.json, step.stream)) };
  else if (step.form !== undefined) out.body = { type: 'form', fields: entries(step.form) };
  else if (step.body !== undefined) out.body = { type: 'raw', value: compileValue(step.body) };
  if (step.expect !== undefined) out.expect = Array.isArray(step.expect) ? step.expect : [step.expect];
  const think = compileThink(step.think);
  if (think) out.think = think;
  const timeout = step.timeout ?? plan.http?.timeout;
  if (timeout !== undefined) out.timeout = timeout;
  if (step.stream !== undefined && step.stream !== false) {
    out.stream = compileStream(step.stream);
    const send = compileSend(plan, step);
    if (send !== undefined) out.send = send;
  }
  return out;
}

function compileSteps(plan: Plan, steps: readonly Step[]): CStep[] {
  return steps.map((step): CStep => {
    if (isHttpStep(step)) return compileHttpStep(plan, step);
    if ('group' in step) return { kind: 'group', name: step.group, steps: compileSteps(plan, step.steps) };
    if ('if' in step) {
      const parsed = parseCondition(step.if);
      if (!parsed.ok) throw new Error(parsed.message);
      return {
        kind: 'if',
        condition: parsed.condition,
        then: compileSteps(plan, step.steps),
        else: compileSteps(plan, step.else ?? []),
      };
    }
    if ('sleep' in step) return { kind: 'sleep', think: compileThink(step.sleep) ?? { min: 0, max: 0 } };
    return { kind: 'set', values: entries(step.set) };
  });
}

function compileFlow(plan: Plan, flow: Pick<Flow, 'steps' | 'headers'> & { think?: ThinkTime }): CFlow {
  const out: CFlow = { headers: entries(flow.headers), steps: compileSteps(plan, flow.steps) };
  const think = compileThink(flow.think);
  if (think) out.think = think;
  return out;
}

function stringEnv(env: Record<string, string | number | boolean> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));
}

/** Percentiles the thresholds use must be in summaryTrendStats for the summary to show them. */
export function trendStats(plan: Plan): string[] {
  const stats = [...(plan.summaryTrendStats ?? DEFAULT_TREND_STATS)];
  for (const list of Object.values(plan.thresholds ?? {})) {
    for (const t of list) {
      const agg = (typeof t === 'string' ? t : t.threshold).match(THRESHOLD_EXPRESSION)?.[1];
      if (agg?.startsWith('p(') && !stats.includes(agg)) stats.push(agg);
    }
  }
  return stats;
}

function k6Scenario(s: Scenario, generated: boolean): Record<string, unknown> {
  if (hasArrivals(s)) {
    const out = arrivalK6Scenario(s);
    if (s.env) out.env = stringEnv(s.env);
    return out;
  }
  const { flow: _flow, env, ...rest } = s;
  const out: Record<string, unknown> = { ...rest };
  if (env) out.env = stringEnv(env);
  if (generated) delete out.exec;
  return out;
}

/** The options object the script exports: what `k6 inspect` shows. */
export function toK6Options(
  resolved: ResolvedPlan,
  opts: Pick<CompileOptions, 'extraThresholds'> = {},
): Record<string, unknown> {
  const { plan, target } = resolved;
  const generated = plan.script === undefined;
  const options: Record<string, unknown> = {
    scenarios: Object.fromEntries(
      Object.entries(plan.scenarios).map(([name, s]) => [name, k6Scenario(s, generated)]),
    ),
  };
  const thresholds: Record<string, unknown[]> = { ...(opts.extraThresholds ?? {}) };
  for (const [key, list] of Object.entries(plan.thresholds ?? {})) {
    // A threshold over a window is loadctl's to judge, from its metric stream: k6's see the whole run only.
    const forK6 = list.filter((t) => typeof t === 'string' || t.window === undefined);
    if (forK6.length > 0 || thresholds[key] === undefined) thresholds[key] = forK6;
  }
  if (Object.keys(thresholds).length > 0) options.thresholds = thresholds;
  const tags = { ...(plan.tags ?? {}), ...(target.tags ?? {}) };
  if (Object.keys(tags).length > 0) options.tags = tags;
  options.summaryTrendStats = trendStats(plan);
  const http = plan.http ?? {};
  if (http.keepAlive === false) options.noConnectionReuse = true;
  if (http.insecureSkipTLSVerify !== undefined) options.insecureSkipTLSVerify = http.insecureSkipTLSVerify;
  if (http.userAgent !== undefined) options.userAgent = http.userAgent;
  if (http.maxRedirects !== undefined) options.maxRedirects = http.maxRedirects;
  return options;
}

function usedDataSets(plan: Plan, flows: ReadonlyArray<Pick<Flow, 'steps' | 'headers'>>): Set<string> {
  const used = new Set<string>();
  for (const flow of flows) {
    for (const { ref } of collectRefs(flow.headers ?? {})) if (ref.ns === 'data') used.add(ref.set);
    walkSteps(flow.steps, [], (step) => {
      for (const { ref } of collectRefs(step)) if (ref.ns === 'data') used.add(ref.set);
    });
  }
  for (const t of [
    plan.http?.headers ?? {},
    ...Object.values(plan.targets).map((target) => target.headers ?? {}),
  ]) {
    for (const { ref } of collectRefs(t)) if (ref.ns === 'data') used.add(ref.set);
  }
  return used;
}

export function compileScriptPlan(resolved: ResolvedPlan, opts: CompileOptions): ScriptPlan {
  const { plan, target, targetName } = resolved;
  const scenarioFlows: Record<string, string> = {};
  for (const [name, s] of Object.entries(plan.scenarios))
    if (s.flow !== undefined) scenarioFlows[name] = s.flow;
  const flowNames = [...new Set(Object.values(scenarioFlows))];
  const flows: Record<string, CFlow> = {};
  for (const name of flowNames) {
    const flow = plan.flows?.[name];
    if (flow) flows[name] = compileFlow(plan, flow);
  }
  const lifecycle = [plan.setup, plan.teardown].filter((f) => f !== undefined);
  const dataUsed = usedDataSets(plan, [
    ...flowNames.map((n) => plan.flows?.[n]).filter((f) => f !== undefined),
    ...lifecycle,
  ]);
  const data: ScriptPlan['data'] = {};
  for (const name of dataUsed) {
    const set = plan.data?.[name];
    if (!set) continue;
    data[name] = compileDataSet(set, opts.dataFiles?.[name]);
  }
  const script: ScriptPlan = {
    version: SCRIPT_PLAN_VERSION,
    planName: plan.name,
    targetName,
    baseUrl: opts.baseUrl,
    options: toK6Options(resolved, opts),
    headers: [...entries(plan.http?.headers), ...entries(target.headers)],
    env: stringEnv(plan.env),
    secrets: plan.secrets ?? [],
    scenarioFlows,
    flows,
    metrics: Object.fromEntries(
      Object.entries(plan.metrics ?? {}).map(([name, m]) => [name, { type: m.type, time: m.time ?? false }]),
    ),
    data,
  };
  if (plan.setup) script.setup = compileFlow(plan, plan.setup);
  if (plan.teardown) script.teardown = compileFlow(plan, plan.teardown);
  if (opts.summaryExport) script.summaryExport = opts.summaryExport;
  const arrivals = Object.entries(plan.scenarios).flatMap(([name, s]) =>
    hasArrivals(s) ? [[name, arrivalProcess(s)] as const] : [],
  );
  if (arrivals.length > 0) script.arrivals = Object.fromEntries(arrivals);
  if (opts.batches)
    script.batches = {
      ...opts.batches,
      scenarioOffsets: Object.fromEntries(
        Object.entries(plan.scenarios).map(([name, s]) => [name, parseDuration(s.startTime ?? '0s') ?? 0]),
      ),
    };
  return script;
}

/** Every endpoint the plan's requests carry as `name`, with the statuses its steps expect. */
export function planEndpoints(plan: Plan): Array<{ name: string; statuses: number[] }> {
  const byName = new Map<string, Set<number>>();
  const flows = [
    ...Object.values(plan.scenarios).flatMap((s) =>
      s.flow && plan.flows?.[s.flow] ? [plan.flows[s.flow]] : [],
    ),
    plan.setup,
    plan.teardown,
  ];
  for (const flow of flows) {
    if (!flow) continue;
    walkSteps(flow.steps, [], (step) => {
      if (!isHttpStep(step)) return;
      const add = (name: string, expect: number | number[] | undefined): void => {
        const statuses = byName.get(name) ?? new Set<number>();
        for (const s of statusList(expect) ?? []) statuses.add(s);
        byName.set(name, statuses);
      };
      add(endpointName(step), step.expect);
      const send = sendEndpointName(step);
      if (send !== undefined) add(send, step.send?.expect);
    });
  }
  return [...byName].map(([name, statuses]) => ({ name, statuses: [...statuses].sort((a, b) => a - b) }));
}

/** The names that receive the target URL in an existing script's environment. */
export function baseUrlEnvNames(plan: Plan): string[] {
  const s = plan.script;
  return typeof s === 'object' && s.baseUrlEnv && s.baseUrlEnv.length > 0 ? s.baseUrlEnv : ['BASE_URL'];
}

export function compileScriptOverlay(
  resolved: ResolvedPlan,
  opts: Pick<CompileOptions, 'baseUrl' | 'summaryExport' | 'extraThresholds'>,
): ScriptOverlay {
  return {
    version: SCRIPT_PLAN_VERSION,
    kind: 'user-script',
    planName: resolved.plan.name,
    targetName: resolved.targetName,
    baseUrl: opts.baseUrl,
    options: toK6Options(resolved, opts),
    ...(opts.summaryExport ? { summaryExport: opts.summaryExport } : {}),
  };
}
