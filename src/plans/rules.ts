// Rules a schema cannot express: references between parts of the plan, and legal-but-suspicious plans.
import { parseRunnerSpec, RUNNER_SPEC_HELP } from './runners.js';
import { didYouMean, type Finding, type PlanPath } from './diagnostics.js';
import { checkGoodputThresholds } from './stream-rules.js';
import { parseDuration } from './duration.js';
import {
  checkMatcher,
  checkRef,
  checkRefs,
  checkSteps,
  checkThinkTime,
  collectSetVars,
} from './rules-steps.js';
import { collectRefs, findTemplateErrors } from './templates.js';
import { selectorTag } from './threshold-schema.js';
import { checkOutputs } from './outputs.js';
import { checkArrivals } from './arrivals.js';
import { allFlows, endpointName, isHttpStep, sendEndpointName, streamStepNames, walkSteps } from './walk.js';
import {
  THRESHOLD_EXPRESSION,
  THRESHOLD_KEY,
  type Flow,
  type Plan,
  type Scenario,
  type Step,
  type ThinkTime,
} from './schema.js';

// Where they always lived, for the modules that import them from here.
export { allFlows, endpointName, isHttpStep, sendEndpointName, streamStepNames, walkSteps } from './walk.js';

import { BUILTIN_METRICS, type MetricType } from '../k6/metrics.js';

export { BUILTIN_METRICS };

/** What k6/x/loadctl-sse (k6ext/sse) records for every step with `stream:`, tagged like its HTTP metrics. */
export const STREAM_METRICS: Readonly<Record<string, MetricType>> = {
  ttft: 'trend',
  ttfb_headers: 'trend',
  inter_token_latency: 'trend',
  stream_tokens: 'trend',
  tokens_per_second: 'trend',
  stream_completed: 'rate',
  // The LLM serving figures of docs/llm.md; goodput only from steps with `stream.slo`.
  tpot: 'trend',
  e2e_latency: 'trend',
  output_tokens: 'counter',
  input_tokens: 'counter',
  output_tokens_per_second: 'trend',
  goodput: 'rate',
};

// Which threshold aggregations k6 accepts for each metric type.
const AGGREGATIONS: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  rate: /^rate$/,
  gauge: /^value$/,
  trend: /^(avg|min|max|med|p\(.*\))$/,
};

const HTTP_METRIC = /^http_req_/;

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

function stepNames(plan: Plan): Set<string> {
  const names = new Set<string>();
  for (const { flow } of allFlows(plan))
    walkSteps(flow.steps, [], (step) => {
      if (!isHttpStep(step)) return;
      names.add(endpointName(step));
      const send = sendEndpointName(step);
      if (send !== undefined) names.add(send);
    });
  return names;
}

/** k6 reads a selector as `key:value` pairs split by ","; an empty pair or one without a value it refuses. */
function checkSelector(key: string, selector: string, out: Finding[]): void {
  for (const pair of selector.slice(1, -1).split(',')) {
    const colon = pair.indexOf(':');
    const tag = colon < 0 ? '' : pair.slice(0, colon).trim();
    const value = colon < 0 ? '' : pair.slice(colon + 1).trim();
    if (tag !== '' && value !== '') continue;
    out.push({
      severity: 'error',
      path: ['thresholds', key],
      atKey: true,
      message:
        pair.trim() === ''
          ? `the tag selector ${selector} has an empty entry (a stray ",")`
          : colon < 0
            ? `the tag selector entry ${JSON.stringify(pair.trim())} has no value`
            : `the tag selector entry ${JSON.stringify(pair.trim())} needs both a tag and a value`,
      hint: 'write {tag:value} or {tag:value,tag:value}, e.g. {name:reserve,status:409}',
    });
  }
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
    if (selector !== undefined) checkSelector(key, selector, out);
    const type: MetricType | undefined = custom[metric]?.type ?? produced[metric];
    if (!type) {
      // k6 refuses a threshold on a metric the script never registers (exit 104): an error, not a warning.
      if (generated) {
        const guess = didYouMean(metric, [...Object.keys(produced), ...Object.keys(custom)]);
        out.push({
          severity: 'error',
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
      } else {
        out.push({
          severity: 'warning',
          path: ['thresholds', key],
          atKey: true,
          message: `\`${metric}\` is not a k6 built-in metric: the script must create it, or k6 refuses the run`,
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
      if (typeof t !== 'string' && t.window !== undefined) checkWindow(key, selector, i, t.window, out);
    });
    const nameTag = selectorTag(selector, 'name');
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

/** A threshold over a window is judged from loadctl's metric stream, which keeps a period of at least 1 s and the name and scenario tags. */
function checkWindow(
  key: string,
  selector: string | undefined,
  i: number,
  window: string,
  out: Finding[],
): void {
  const ms = parseDuration(window);
  if (ms !== undefined && ms < 1000)
    out.push({
      severity: 'error',
      path: ['thresholds', key, i, 'window'],
      message: `a window of ${window} is shorter than the metric stream's period (1s)`,
      hint: 'use 1s or more, e.g. window: 30s',
    });
  const tags = [...(selector ?? '').matchAll(/[{,]\s*([^:,}]+?)\s*:/g)].map((m) => m[1] ?? '');
  const other = tags.filter((tag) => tag !== 'name' && tag !== 'scenario');
  if (other.length > 0)
    out.push({
      severity: 'error',
      path: ['thresholds', key],
      atKey: true,
      message: `a threshold over a window can select on name and scenario only, not on ${other.join(', ')}`,
      hint: "loadctl's metric stream keeps those tags (docs/stream.md); drop the others or the window",
    });
}

/** The start of the warning for a flow no scenario runs. */
export const UNUSED_FLOW = 'no scenario runs the flow';

function checkScenarios(plan: Plan, out: Finding[]): void {
  const flows = plan.flows ?? {};
  const generated = plan.script === undefined;
  const scenarios = Object.entries(plan.scenarios);
  if (scenarios.length === 0 && generated) {
    out.push({ severity: 'error', path: ['scenarios'], message: 'a plan needs at least one scenario' });
  }
  for (const [name, s] of scenarios) {
    checkScenarioFlow(plan, s, ['scenarios', name], out);
    checkScenarioVUs(plan, s, ['scenarios', name], out);
  }
  if (generated) {
    const used = new Set(scenarios.map(([, s]) => s.flow));
    for (const name of Object.keys(flows)) {
      if (!used.has(name))
        out.push({
          severity: 'warning',
          path: ['flows', name],
          atKey: true,
          message: `${UNUSED_FLOW} \`${name}\``,
        });
    }
  }
}

/** A generated plan's scenario names one of its flows; a script's scenario names a function. */
function checkScenarioFlow(plan: Plan, s: Scenario, at: PlanPath, out: Finding[]): void {
  const flows = plan.flows ?? {};
  if (plan.script === undefined) {
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
}

/** What k6 refuses in a scenario's counts: fewer shared iterations than VUs, a ramp that never has a VU. */
function checkScenarioCounts(s: Scenario, at: PlanPath, out: Finding[]): void {
  if (s.executor === 'shared-iterations' && (s.iterations ?? 1) < (s.vus ?? 1)) {
    out.push({
      severity: 'error',
      path: [...at, s.iterations !== undefined ? 'iterations' : 'vus'],
      message: `${s.iterations ?? 1} shared iteration${(s.iterations ?? 1) === 1 ? '' : 's'}${s.iterations === undefined ? ' (the default)' : ''} cannot keep ${s.vus ?? 1} VUs busy: k6 needs iterations ≥ vus`,
      hint: 'raise iterations or lower vus (per-vu-iterations runs `iterations` on every VU)',
    });
  }
  // k6's default startVUs is 1.
  if (s.executor === 'ramping-vus' && (s.startVUs ?? 1) === 0 && s.stages.every((st) => st.target === 0)) {
    out.push({
      severity: 'error',
      path: [...at, 'stages'],
      message: 'the ramp never has a VU: startVUs and every stage target are 0',
      hint: 'give startVUs or a stage a target above 0',
    });
  }
}

/** An arrival-rate scenario has the VUs its rate and think times need. */
function checkScenarioVUs(plan: Plan, s: Scenario, at: PlanPath, out: Finding[]): void {
  const flows = plan.flows ?? {};
  checkScenarioCounts(s, at, out);
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

function checkRunners(plan: Plan, out: Finding[]): void {
  if (plan.runners === undefined) return;
  if (plan.script !== undefined)
    out.push({
      severity: 'error',
      path: ['runners'],
      atKey: true,
      message:
        "a `script:` plan runs on one k6: its thresholds are the script's, judged by each k6 on its share",
      hint: 'write the load as flows to split it over runners',
    });
  if (typeof plan.runners === 'number') return;
  for (const [i, text] of plan.runners.entries()) {
    const parsed = parseRunnerSpec(text);
    if (!parsed.ok)
      out.push({
        severity: 'error',
        path: ['runners', i],
        message: parsed.problem,
        hint: `use ${RUNNER_SPEC_HELP}`,
      });
  }
}

/** All rule findings for a plan that passed the schema. */
export function checkPlanRules(plan: Plan): Finding[] {
  const out: Finding[] = [];
  checkTargets(plan, out);
  checkScenarios(plan, out);
  checkThresholds(plan, out);
  checkGoodputThresholds(plan, out);
  checkRunners(plan, out);
  checkArrivals(plan, out);
  out.push(...checkOutputs(plan.outputs, plan.secrets ?? []).findings);
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
