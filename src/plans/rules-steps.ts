// Rules about steps: templates and their references, bodies, checks, extractors and recorded metrics.
import type { Ref } from '../k6-templates/runtime/model.js';
import { didYouMean, type Finding, type PlanPath } from './diagnostics.js';
import { knownColumns } from './datasets.js';
import { parseDuration } from './duration.js';
import { parseJsonPath } from './json-path.js';
import type { Plan, Step, ThinkTime } from './schema.js';
import { collectRefs, findTemplateErrors, parseCondition } from './templates.js';
import { allFlows, isHttpStep, walkSteps } from './walk.js';

type HttpStep = Extract<Step, { path: string }>;

export function checkThinkTime(think: ThinkTime | undefined, path: PlanPath, out: Finding[]): void {
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

export function checkRefs(
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

/** A column the plan itself defines (synthetic sets, `fields`) must exist; a CSV header is read at run time. */
function checkDataColumn(
  plan: Plan,
  ref: Extract<Ref, { ns: 'data' }>,
  path: PlanPath,
  out: Finding[],
): void {
  const set = plan.data && Object.hasOwn(plan.data, ref.set) ? plan.data[ref.set] : undefined;
  const columns = set === undefined ? undefined : knownColumns(set);
  if (columns === undefined || columns.includes(ref.column)) return;
  const guess = didYouMean(ref.column, columns);
  out.push({
    severity: 'error',
    path,
    message: `data set \`${ref.set}\` has no column \`${ref.column}\`; its columns: ${columns.join(', ')}`,
    ...(guess ? { hint: `did you mean \`data.${ref.set}.${guess}\`?` } : {}),
  });
}

export function checkRef(
  plan: Plan,
  ref: Ref,
  path: PlanPath,
  setVars: ReadonlySet<string>,
  out: Finding[],
): void {
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
  if (ref.ns === 'data') checkDataColumn(plan, ref, path, out);
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

export function collectSetVars(plan: Plan): Set<string> {
  const vars = new Set<string>();
  for (const { flow } of allFlows(plan)) {
    walkSteps(flow.steps, [], (step) => {
      if (isHttpStep(step)) for (const name of Object.keys(step.extract ?? {})) vars.add(name);
      if ('set' in step) for (const name of Object.keys(step.set)) vars.add(name);
    });
  }
  return vars;
}

export function checkSteps(
  plan: Plan,
  steps: readonly Step[],
  path: PlanPath,
  setVars: ReadonlySet<string>,
  out: Finding[],
): void {
  walkSteps(steps, path, (step, at) => {
    checkControlStep(plan, step, at, setVars, out);
    if (isHttpStep(step)) checkHttpStep(plan, step, at, setVars, out);
  });
}

function checkControlStep(
  plan: Plan,
  step: Step,
  at: PlanPath,
  setVars: ReadonlySet<string>,
  out: Finding[],
): void {
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
}

/** The bodies a request sets; more than one is an error. */
function checkOneBody(request: object, at: PlanPath, out: Finding[]): string[] {
  const bodies = ['json', 'form', 'body'].filter(
    (k) => k in request && (request as Record<string, unknown>)[k] !== undefined,
  );
  if (bodies.length > 1) {
    out.push({
      severity: 'error',
      path: [...at, bodies[1] ?? 'body'],
      message: `a request has one body; this step sets ${bodies.join(' and ')}`,
    });
  }
  return bodies;
}

/** `send:` asks the question whose reply the step's GET reads as a stream. */
function checkSend(
  plan: Plan,
  step: HttpStep,
  at: PlanPath,
  setVars: ReadonlySet<string>,
  out: Finding[],
): void {
  const send = step.send;
  if (send === undefined) return;
  if (step.stream === undefined || step.stream === false) {
    out.push({
      severity: 'error',
      path: [...at, 'send'],
      atKey: true,
      message: '`send` asks the question whose reply the step reads as a stream; this step has no `stream:`',
      hint: 'add `stream: true` (or `stream: { token: ... }`), or make the request a step of its own',
    });
  }
  if ((step.method ?? 'GET') !== 'GET') {
    out.push({
      severity: 'error',
      path: [...at, 'method'],
      message: `a step with \`send\` opens the event stream with GET, not ${step.method ?? 'GET'}`,
      hint: 'drop `method:` here; the question goes in `send:` (POST by default)',
    });
  }
  const sendAt = [...at, 'send'];
  const bodies = checkOneBody(send, sendAt, out);
  if (bodies.length > 0 && send.method === 'GET') {
    out.push({
      severity: 'warning',
      path: [...sendAt, 'method'],
      message: 'a GET request with a body',
      hint: 'leave `method:` out (POST) or set PUT/PATCH',
    });
  }
  const { path, query, headers, json, form, body } = send;
  checkRefs(plan, { path, query, headers, json, form, body }, sendAt, setVars, out);
}

function checkHttpStep(
  plan: Plan,
  step: HttpStep,
  at: PlanPath,
  setVars: ReadonlySet<string>,
  out: Finding[],
): void {
  checkThinkTime(step.think, [...at, 'think'], out);
  const bodies = checkOneBody(step, at, out);
  if (step.send !== undefined) checkSend(plan, step, at, setVars, out);
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
  checkRecords(plan, step, at, setVars, out);
}

/** `record:` names a declared metric, with a value where its type needs one. */
function checkRecords(
  plan: Plan,
  step: HttpStep,
  at: PlanPath,
  setVars: ReadonlySet<string>,
  out: Finding[],
): void {
  const metrics = plan.metrics ?? {};
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
}

function checkJsonPath(text: string, path: PlanPath, out: Finding[]): void {
  const parsed = parseJsonPath(text);
  if (!parsed.ok) out.push({ severity: 'error', path, message: parsed.message });
}

export function checkMatcher(
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
