// Walking a plan's flows and steps: shared by the rules, the compiler and the run's preflight.
import type { PlanPath } from './diagnostics.js';
import type { Flow, Plan, Step, ThinkTime } from './schema.js';
import type { StreamSlo } from './schema-stream.js';

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

/** The endpoint name of a stream step's `send:` request: its own `name`, else the step's with "-send". */
export function sendEndpointName(step: Extract<Step, { path: string }>): string | undefined {
  if (step.send === undefined) return undefined;
  return step.send.name ?? `${endpointName(step)}-send`;
}

/** The steps that read their response as a stream, in the flows the run uses: they need the streaming k6. */
export function streamStepNames(plan: Plan): string[] {
  return [...new Set(streamSteps(plan).map(endpointName))];
}

/** Each stream step's objectives (`stream.slo`), by endpoint name: what its goodput was judged by. */
export function streamSlos(plan: Plan): Array<{ step: string; slo: StreamSlo }> {
  const out: Array<{ step: string; slo: StreamSlo }> = [];
  for (const step of streamSteps(plan)) {
    const slo = typeof step.stream === 'object' ? step.stream.slo : undefined;
    if (slo !== undefined && !out.some((o) => o.step === endpointName(step)))
      out.push({ step: endpointName(step), slo });
  }
  return out;
}

function streamSteps(plan: Plan): Array<Extract<Step, { path: string }>> {
  const steps: Array<Extract<Step, { path: string }>> = [];
  const used = Object.values(plan.scenarios).flatMap((s) =>
    s.flow !== undefined && plan.flows?.[s.flow] ? [plan.flows[s.flow]] : [],
  );
  for (const flow of [...used, plan.setup, plan.teardown]) {
    if (flow === undefined) continue;
    walkSteps(flow.steps, [], (step) => {
      if (isHttpStep(step) && step.stream !== undefined && step.stream !== false) steps.push(step);
    });
  }
  return steps;
}
