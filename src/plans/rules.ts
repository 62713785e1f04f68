// Rules a schema cannot express: references between parts of the plan, and legal-but-suspicious plans.
import type { Ref } from '../k6-templates/runtime/model.js';
import { didYouMean, type Finding, type PlanPath } from './diagnostics.js';
import { parseDuration } from './duration.js';
import { parseJsonPath } from './json-path.js';
import { collectRefs, findTemplateErrors, parseCondition } from './templates.js';
import {
  THRESHOLD_EXPRESSION,
  THRESHOLD_KEY,
  type Flow,
  type Plan,
  type Scenario,
  type Step,
  type ThinkTime,
} from './schema.js';

type MetricType = 'counter' | 'rate' | 'trend' | 'gauge';

/** k6's built-in metrics, and loadctl's own. */
export const BUILTIN_METRICS: Readonly<Record<string, MetricType>> = {
  http_reqs: 'counter',
  http_req_failed: 'rate',
  http_req_duration: 'trend',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_waiting: 'trend',
  http_req_receiving: 'trend',
  iteration_duration: 'trend',
  group_duration: 'trend',
  iterations: 'counter',
  dropped_iterations: 'counter',
  data_sent: 'counter',
  data_received: 'counter',
  checks: 'rate',
  vus: 'gauge',
  vus_max: 'gauge',
  loadctl_flow_aborted: 'counter',
};

/** What k6/x/loadctl-sse (k6ext/sse) records for every step with `stream:`, tagged like its HTTP metrics. */
export const STREAM_METRICS: Readonly<Record<string, MetricType>> = {
  ttft: 'trend',
  ttfb_headers: 'trend',
  inter_token_latency: 'trend',
  stream_tokens: 'trend',
  tokens_per_second: 'trend',
  stream_completed: 'rate',
};

// Which threshold aggregations k6 accepts for each metric type.
const AGGREGATIONS: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  rate: /^rate$/,
  gauge: /^value$/,
  trend: /^(avg|min|max|med|p\(.*\))$/,
};

const HTTP_METRIC = /^http_req_/;

export function isHttpStep(step: Step): step is Extract<Step, { path: string }> {
  return 'path' in step;
}

/** Visits every step, with its plan path. */
export function walkSteps(
  steps: readonly Step[],
  path: PlanPath,
  visit: (step: Step, path: PlanPath) => void,
): void {
  steps.forEach((step, i) => {
    const here = [...path, i];
    visit(step, here);
    if ('group' in step) walkSteps(step.steps, [...here, 'steps'], visit);
    if ('if' in step) {
      walkSteps(step.steps, [...here, 'steps'], visit);
      if (step.else) walkSteps(step.else, [...here, 'else'], visit);
    }
  });
}

/** Every flow with its path, including setup and teardown. */
export function allFlows(
  plan: Plan,
): Array<{ flow: Pick<Flow, 'steps' | 'headers'> & { think?: ThinkTime }; path: PlanPath }> {
  const out: Array<{ flow: Pick<Flow, 'steps' | 'headers'> & { think?: ThinkTime }; path: PlanPath }> = [];
  for (const [name, flow] of Object.entries(plan.flows ?? {})) out.push({ flow, path: ['flows', name] });
  if (plan.setup) out.push({ flow: plan.setup, path: ['setup'] });
  if (plan.teardown) out.push({ flow: plan.teardown, path: ['teardown'] });
  return out;
}

/** The endpoint name a step's metrics carry: its `name`, else "METHOD path". */
export function endpointName(step: Extract<Step, { path: string }>): string {
  return step.name ?? `${step.method ?? 'GET'} ${step.path}`;
}

/** The steps that read their response as a stream, in the flows the run uses: they need the streaming k6. */
export function streamStepNames(plan: Plan): string[] {
  const names = new Set<string>();
  const used = Object.values(plan.scenarios).flatMap((s) =>
    s.flow !== undefined && plan.flows?.[s.flow] ? [plan.flows[s.flow]] : [],
  );
  for (const flow of [...used, plan.setup, plan.teardown]) {
    if (flow === undefined) continue;
    walkSteps(flow.steps, [], (step) => {
      if (isHttpStep(step) && step.stream !== undefined && step.stream !== false)
        names.add(endpointName(step));
    });
  }
  return [...names];
}

function thinkMinSeconds(think: ThinkTime | undefined): number {
  if (think === undefined) return 0;
  const text = typeof think === 'string' ? think : think.min;
  return (parseDuration(text) ?? 0) / 1000;
}

/** A lower bound on one iteration's duration: the pauses it cannot skip. */
export function minIterationSeconds(flow: Flow): number {
  let total = thinkMinSeconds(flow.think);
  const sum = (steps: readonly Step[]): number =>
    steps.reduce((acc, step) => {
      if (isHttpStep(step)) return acc + thinkMinSeconds(step.think);
      if ('sleep' in step) return acc + thinkMinSeconds(step.sleep);
      if ('group' in step) return acc + sum(step.steps);
      return acc; // conditional branches may not run
    }, 0);
  total += sum(flow.steps);
  return total;
}

function peakRatePerSecond(s: Scenario): number | undefined {
  if (s.executor !== 'constant-arrival-rate' && s.executor !== 'ramping-arrival-rate') return undefined;
  const unitSeconds = (parseDuration(s.timeUnit ?? '1s') ?? 1000) / 1000;
  const peak =
    s.executor === 'constant-arrival-rate'
      ? s.rate
      : Math.max(s.startRate ?? 0, ...s.stages.map((st) => st.target));
  return peak / unitSeconds;
}

function checkThinkTime(think: ThinkTime | undefined, path: PlanPath, out: Finding[]): void {
  if (think === undefined || typeof think === 'string') return;
  const min = parseDuration(think.min) ?? 0;
  const max = parseDuration(think.max) ?? 0;
  if (min > max)
    out.push({
      severity: 'error',
      path,
      message: `think time min (${think.min}) is above max (${think.max})`,
    });
}

function checkRefs(
  plan: Plan,
  value: unknown,
  path: PlanPath,
  setVars: ReadonlySet<string>,
  out: Finding[],
): void {
  for (const err of findTemplateErrors(value)) {
    out.push({
      severity: 'error',
      path: [...path, ...err.path],
      message: err.message,
      ...(err.hint ? { hint: err.hint } : {}),
    });
  }
  for (const { ref, path: rel } of collectRefs(value)) checkRef(plan, ref, [...path, ...rel], setVars, out);
}

function checkRef(plan: Plan, ref: Ref, path: PlanPath, setVars: ReadonlySet<string>, out: Finding[]): void {
  const secrets = plan.secrets ?? [];
  if (ref.ns === 'secrets' && !secrets.includes(ref.name)) {
    out.push({
      severity: 'error',
      path,
      message: `secret \`${ref.name}\` is not declared`,
      hint: `add it to \`secrets:\` so loadctl reads it from the environment and keeps it out of every file`,
    });
  }
  if (ref.ns === 'data' && !(plan.data && ref.set in plan.data)) {
    const guess = didYouMean(ref.set, Object.keys(plan.data ?? {}));
    out.push({
      severity: 'error',
      path,
      message: `data set \`${ref.set}\` is not declared under \`data\``,
      ...(guess ? { hint: `did you mean \`${guess}\`?` } : {}),
    });
  }
  if (ref.ns === 'vars' && !setVars.has(ref.name)) {
    const guess = didYouMean(ref.name, setVars);
    out.push({
      severity: 'warning',
      path,
      message: `nothing sets \`vars.${ref.name}\` (no extract, set or setup step)`,
      ...(guess ? { hint: `did you mean \`vars.${guess}\`?` } : {}),
    });
  }
  if (ref.ns === 'env' && !(plan.env && ref.name in plan.env) && !(plan.secrets ?? []).includes(ref.name)) {
    out.push({
      severity: 'warning',
      path,
      message: `\`env.${ref.name}\` has no default under \`env\``,
      hint: 'it will be empty unless the environment sets it',
    });
  }
}

function collectSetVars(plan: Plan): Set<string> {
  const vars = new Set<string>();
  for (const { flow } of allFlows(plan)) {
    walkSteps(flow.steps, [], (step) => {
      if (isHttpStep(step)) for (const name of Object.keys(step.extract ?? {})) vars.add(name);
      if ('set' in step) for (const name of Object.keys(step.set)) vars.add(name);
    });
  }
  return vars;
}

function checkSteps(
  plan: Plan,
  steps: readonly Step[],
  path: PlanPath,
  setVars: ReadonlySet<string>,
  out: Finding[],
): void {
  const metrics = plan.metrics ?? {};
  walkSteps(steps, path, (step, at) => {
    if ('if' in step) {
      const parsed = parseCondition(step.if);
      if (!parsed.ok)
        out.push({
          severity: 'error',
          path: [...at, 'if'],
          message: parsed.message,
          ...(parsed.hint ? { hint: parsed.hint } : {}),
        });
      else checkRefs(plan, step.if, [...at, 'if'], setVars, out);
    }
    if ('sleep' in step) checkThinkTime(step.sleep, [...at, 'sleep'], out);
    if ('set' in step) checkRefs(plan, step.set, [...at, 'set'], setVars, out);
    if (!isHttpStep(step)) return;
    checkThinkTime(step.think, [...at, 'think'], out);
    const bodies = ['json', 'form', 'body'].filter(
      (k) => k in step && (step as Record<string, unknown>)[k] !== undefined,
    );
    if (bodies.length > 1) {
      out.push({
        severity: 'error',
        path: [...at, bodies[1] ?? 'body'],
        message: `a request has one body; this step sets ${bodies.join(' and ')}`,
      });
    }
    if (bodies.length > 0 && (step.method ?? 'GET') === 'GET') {
      out.push({
        severity: 'warning',
        path: [...at, 'method'],
        message: 'a GET request with a body',
        hint: 'set `method: POST` (or PUT/PATCH)',
      });
    }
    checkRefs(
      plan,
      {
        path: step.path,
        query: step.query,
        headers: step.headers,
        json: step.json,
        form: step.form,
        body: step.body,
      },
      at,
      setVars,
      out,
    );
    if (typeof step.stream === 'object' && step.stream.token !== undefined) {
      const tokenPath = [...at, 'stream', 'token'];
      const parsed = parseJsonPath(step.stream.token);
      if (!parsed.ok) out.push({ severity: 'error', path: tokenPath, message: parsed.message });
      else if (parsed.segments.some((segment) => 'all' in segment))
        out.push({
          severity: 'error',
          path: tokenPath,
          message: 'a token path names one value per event; `[*]` is not allowed here',
          hint: 'e.g. "$.choices[0].delta.content"',
        });
    }
    (step.checks ?? []).forEach((c, i) => {
      checkMatcher(c, [...at, 'checks', i], out);
      checkRefs(plan, { equals: c.equals, notEquals: c.notEquals }, [...at, 'checks', i], setVars, out);
    });
    for (const [name, extractor] of Object.entries(step.extract ?? {})) {
      if ('json' in extractor) checkJsonPath(extractor.json, [...at, 'extract', name, 'json'], out);
      if ('regex' in extractor) {
        try {
          new RegExp(extractor.regex);
        } catch (err) {
          out.push({
            severity: 'error',
            path: [...at, 'extract', name, 'regex'],
            message: `invalid regular expression: ${(err as Error).message}`,
          });
        }
      }
    }
    (step.record ?? []).forEach((r, i) => {
      const here = [...at, 'record', i];
      const def = metrics[r.metric];
      if (!def) {
        const guess = didYouMean(r.metric, Object.keys(metrics));
        out.push({
          severity: 'error',
          path: [...here, 'metric'],
          message: `metric \`${r.metric}\` is not declared under \`metrics\``,
          hint: guess
            ? `did you mean \`${guess}\`?`
            : 'declare it with its type: counter, rate, trend or gauge',
        });
      } else if ((def.type === 'trend' || def.type === 'gauge') && r.value === undefined) {
        out.push({
          severity: 'error',
          path: here,
          message: `a ${def.type} needs a \`value\` (a number, duration, waiting, status or "\${...}")`,
        });
      }
      if (r.when) checkMatcher(r.when, [...here, 'when'], out);
      if (typeof r.value === 'string' && !['duration', 'waiting', 'status'].includes(r.value))
        checkRefs(plan, r.value, [...here, 'value'], setVars, out);
    });
  });
}

function checkJsonPath(text: string, path: PlanPath, out: Finding[]): void {
  const parsed = parseJsonPath(text);
  if (!parsed.ok) out.push({ severity: 'error', path, message: parsed.message });
}

function checkMatcher(
  m: {
    status?: unknown;
    json?: string;
    header?: string;
    bodyContains?: string;
    durationBelow?: string;
    equals?: unknown;
    notEquals?: unknown;
    exists?: boolean;
  },
  path: PlanPath,
  out: Finding[],
): void {
  const subjects = (['status', 'json', 'header', 'bodyContains', 'durationBelow'] as const).filter(
    (k) => m[k] !== undefined,
  );
  if (subjects.length !== 1) {
    out.push({
      severity: 'error',
      path,
      message:
        subjects.length === 0
          ? 'a check needs one of: status, json, header, bodyContains, durationBelow'
          : `a check tests one thing; this one sets ${subjects.join(' and ')}`,
      hint: 'split it into several checks',
    });
  }
  const hasComparison = m.equals !== undefined || m.notEquals !== undefined || m.exists !== undefined;
  if (hasComparison && m.json === undefined && m.header === undefined) {
    out.push({ severity: 'error', path, message: 'equals, notEquals and exists go with json or header' });
  }
  if (m.json !== undefined) checkJsonPath(m.json, [...path, 'json'], out);
}

function stepNames(plan: Plan): Set<string> {
  const names = new Set<string>();
  for (const { flow } of allFlows(plan))
    walkSteps(flow.steps, [], (step) => isHttpStep(step) && names.add(endpointName(step)));
  return names;
}

function checkThresholds(plan: Plan, out: Finding[]): void {
  const custom = plan.metrics ?? {};
  const names = stepNames(plan);
  const generated = plan.script === undefined;
  const streams = generated ? streamStepNames(plan) : [];
  const produced = streams.length > 0 ? { ...BUILTIN_METRICS, ...STREAM_METRICS } : BUILTIN_METRICS;
  for (const [key, list] of Object.entries(plan.thresholds ?? {})) {
    const m = key.match(THRESHOLD_KEY);
    const metric = m?.[1] ?? key;
    const selector = m?.[2];
    const type: MetricType | undefined = custom[metric]?.type ?? produced[metric];
    if (!type) {
      if (generated) {
        const guess = didYouMean(metric, [...Object.keys(produced), ...Object.keys(custom)]);
        out.push({
          severity: 'warning',
          path: ['thresholds', key],
          atKey: true,
          message: `no part of the plan produces the metric \`${metric}\``,
          hint:
            STREAM_METRICS[metric] !== undefined
              ? 'only steps with `stream:` record it; add `stream: true` to the streaming request'
              : guess
                ? `did you mean \`${guess}\`?`
                : 'declare custom metrics under `metrics` and feed them with `record`',
        });
      }
      continue;
    }
    list.forEach((t, i) => {
      const expr = typeof t === 'string' ? t : t.threshold;
      const agg = expr.match(THRESHOLD_EXPRESSION)?.[1] ?? '';
      if (!AGGREGATIONS[type].test(agg)) {
        out.push({
          severity: 'error',
          path: ['thresholds', key, i],
          message: `\`${agg}\` does not apply to \`${metric}\`, a ${type}`,
          hint: {
            counter: 'use count or rate',
            rate: 'use rate',
            gauge: 'use value',
            trend: 'use avg, min, max, med or p(N)',
          }[type],
        });
      }
    });
    const nameTag = selector?.match(/[{,]\s*name\s*:\s*([^,}]+)/)?.[1]?.trim();
    if (generated && nameTag !== undefined && metric === 'checks') {
      // The runtime does not tag checks with their request's name (see interpreter.ts): k6's own behaviour.
      out.push({
        severity: 'warning',
        path: ['thresholds', key],
        atKey: true,
        message: "check samples do not carry the request's `name` tag, so this threshold sees no samples",
        hint: `select checks by their name, e.g. \`checks{check:${nameTag}: status is 200}\``,
      });
    }
    const perStep = HTTP_METRIC.test(metric) || STREAM_METRICS[metric] !== undefined;
    if (generated && nameTag !== undefined && perStep && !names.has(nameTag)) {
      const guess = didYouMean(nameTag, names);
      out.push({
        severity: 'warning',
        path: ['thresholds', key],
        atKey: true,
        message: `no request step is named \`${nameTag}\`, so this threshold sees no samples`,
        ...(guess ? { hint: `did you mean \`${guess}\`?` } : {}),
      });
    }
  }
}

function checkScenarios(plan: Plan, out: Finding[]): void {
  const flows = plan.flows ?? {};
  const generated = plan.script === undefined;
  const scenarios = Object.entries(plan.scenarios);
  if (scenarios.length === 0 && generated) {
    out.push({ severity: 'error', path: ['scenarios'], message: 'a plan needs at least one scenario' });
  }
  for (const [name, s] of scenarios) {
    const at = ['scenarios', name];
    if (generated) {
      if (s.flow === undefined) {
        const only = Object.keys(flows);
        out.push({
          severity: 'error',
          path: at,
          message: 'the scenario does not say which flow it runs',
          hint: only.length
            ? `add \`flow: ${only[0]}\``
            : 'add a flow under `flows` and name it here with `flow:`',
        });
      } else if (!(s.flow in flows)) {
        const guess = didYouMean(s.flow, Object.keys(flows));
        out.push({
          severity: 'error',
          path: [...at, 'flow'],
          message: `there is no flow \`${s.flow}\``,
          hint: guess ? `did you mean \`${guess}\`?` : `flows: ${Object.keys(flows).join(', ') || 'none'}`,
        });
      }
      if (s.exec !== undefined)
        out.push({
          severity: 'error',
          path: [...at, 'exec'],
          message: '`exec` names a function of a `script`; generated plans use `flow`',
        });
    } else if (s.flow !== undefined) {
      out.push({
        severity: 'error',
        path: [...at, 'flow'],
        message: 'a plan with `script` runs the script’s functions',
        hint: 'use `exec: functionName` instead of `flow`',
      });
    }
    if (
      (s.executor === 'constant-arrival-rate' || s.executor === 'ramping-arrival-rate') &&
      s.maxVUs !== undefined &&
      s.maxVUs < s.preAllocatedVUs
    ) {
      out.push({
        severity: 'error',
        path: [...at, 'maxVUs'],
        message: `maxVUs (${s.maxVUs}) is below preAllocatedVUs (${s.preAllocatedVUs})`,
      });
    }
    const rate = peakRatePerSecond(s);
    const flow = s.flow ? flows[s.flow] : undefined;
    if (
      rate !== undefined &&
      flow &&
      (s.executor === 'constant-arrival-rate' || s.executor === 'ramping-arrival-rate')
    ) {
      const iteration = minIterationSeconds(flow);
      const needed = Math.ceil(rate * iteration);
      const available = Math.max(s.maxVUs ?? 0, s.preAllocatedVUs);
      if (iteration > 0 && needed > available) {
        out.push({
          severity: 'warning',
          path: [...at, s.maxVUs !== undefined ? 'maxVUs' : 'preAllocatedVUs'],
          message: `${available} VUs cannot sustain ${rate}/s: each iteration pauses at least ${iteration}s, which needs ${needed} VUs`,
          hint: `raise preAllocatedVUs/maxVUs to ${needed} or more, or shorten the think time; otherwise k6 drops iterations`,
        });
      }
    }
  }
  if (generated) {
    const used = new Set(scenarios.map(([, s]) => s.flow));
    for (const name of Object.keys(flows)) {
      if (!used.has(name))
        out.push({
          severity: 'warning',
          path: ['flows', name],
          atKey: true,
          message: `no scenario runs the flow \`${name}\``,
        });
    }
  }
}

function checkTargets(plan: Plan, out: Finding[]): void {
  const names = Object.keys(plan.targets);
  if (names.length === 0)
    out.push({
      severity: 'error',
      path: ['targets'],
      message: 'a plan needs at least one target',
      hint: 'e.g. `local: { demo: true }` or `api: { url: https://… }`',
    });
  for (const [name, t] of Object.entries(plan.targets)) {
    const kinds = [t.url !== undefined && 'url', t.demo !== undefined && 'demo'].filter(Boolean);
    if (kinds.length !== 1) {
      out.push({
        severity: 'error',
        path: ['targets', name],
        message:
          kinds.length === 0
            ? 'a target needs `url` or `demo`'
            : 'a target has either `url` or `demo`, not both',
      });
    }
  }
  if (plan.defaultTarget !== undefined && !names.includes(plan.defaultTarget)) {
    const guess = didYouMean(plan.defaultTarget, names);
    out.push({
      severity: 'error',
      path: ['defaultTarget'],
      message: `there is no target \`${plan.defaultTarget}\``,
      hint: guess ? `did you mean \`${guess}\`?` : `targets: ${names.join(', ')}`,
    });
  }
  if (plan.defaultTarget === undefined && names.length > 1) {
    out.push({
      severity: 'warning',
      path: ['targets'],
      atKey: true,
      message: 'several targets and no `defaultTarget`',
      hint: `runs will need --target (one of ${names.join(', ')})`,
    });
  }
}

/** All rule findings for a plan that passed the schema. */
export function checkPlanRules(plan: Plan): Finding[] {
  const out: Finding[] = [];
  checkTargets(plan, out);
  checkScenarios(plan, out);
  checkThresholds(plan, out);
  if (plan.script !== undefined && plan.flows !== undefined) {
    out.push({
      severity: 'warning',
      path: ['flows'],
      atKey: true,
      message: 'flows are ignored: this plan runs its `script`',
    });
  }
  if (plan.script === undefined && streamStepNames(plan).length > 0) {
    for (const [name, def] of Object.entries(plan.metrics ?? {})) {
      const type = STREAM_METRICS[name];
      if (type !== undefined && def.type !== type)
        out.push({
          severity: 'error',
          path: ['metrics', name],
          atKey: true,
          message: `\`${name}\` is a ${type} every stream step records; k6 cannot have it as a ${def.type} too`,
          hint: 'give this metric another name',
        });
    }
  }
  const setVars = collectSetVars(plan);
  for (const { flow, path } of allFlows(plan)) {
    checkSteps(plan, flow.steps, [...path, 'steps'], setVars, out);
    checkRefs(plan, flow.headers ?? {}, [...path, 'headers'], setVars, out);
    checkThinkTime(flow.think, [...path, 'think'], out);
  }
  for (const [name, t] of Object.entries(plan.targets))
    checkRefs(plan, t.headers ?? {}, ['targets', name, 'headers'], setVars, out);
  checkRefs(plan, plan.http?.headers ?? {}, ['http', 'headers'], setVars, out);
  (plan.invariants ?? []).forEach((inv, i) => {
    inv.expect.forEach((c, j) => checkMatcher(c, ['invariants', i, 'expect', j], out));
    const at = ['invariants', i];
    const value = {
      path: inv.path,
      headers: inv.headers,
      expect: inv.expect.map((c) => ({ equals: c.equals, notEquals: c.notEquals })),
    };
    for (const err of findTemplateErrors(value)) {
      out.push({
        severity: 'error',
        path: [...at, ...err.path],
        message: err.message,
        ...(err.hint ? { hint: err.hint } : {}),
      });
    }
    for (const { ref, path } of collectRefs(value)) {
      if (ref.ns === 'secrets') checkRef(plan, ref, [...at, ...path], setVars, out);
      else if (ref.ns !== 'env') {
        out.push({
          severity: 'error',
          path: [...at, ...path],
          message: `invariants run after the load, outside k6: only \${env.NAME} and \${secrets.NAME} are available there, not ${ref.ns}`,
          hint: 'use ${env.NAME}, ${secrets.NAME} or a literal value',
        });
      }
    }
  });
  return out;
}
