// The load a breaking-point search applies: a staircase of levels on one scenario's flow, each held for a step,
// as arrival rates (open model, ramping-arrival-rate) or VUs (closed model, ramping-vus). Every level is one
// time batch of the run (src/report/batches.ts), so k6 keeps exact statistics of each level's requests as
// sub-metrics, live in its REST API and in its end-of-test data. Pure.
import { formatDuration, parseDuration } from '../plans/duration.js';
import { isHttpStep } from '../plans/rules.js';
import type { Flow, Plan, Scenario, Step, ThinkTime } from '../plans/schema.js';
import { BATCH_TAG, type BatchLayout } from '../report/model/k6-submetrics.js';
import type { Slo } from './slo.js';

export type LoadModel = 'open' | 'closed';

export interface RampChoices {
  model: LoadModel;
  /** --scenario; default: the plan's first scenario. */
  scenario?: string;
  /** --max-rate (open) or --max-vus (closed): the top level. */
  max?: number;
  /** --start: the first level (default max ÷ steps). */
  start?: number;
  /** --steps: how many levels. */
  steps: number;
  /** --step: how long each level holds. */
  stepMs: number;
  /** Open model only: --max-vus, the VUs k6 may use to keep the rates. */
  vus?: number;
}

export interface Level {
  index: number;
  /** Iterations per second (open model) or VUs (closed model). */
  target: number;
  /** From the start of the scenario. */
  startMs: number;
  endMs: number;
}

export interface Ramp {
  model: LoadModel;
  scenario: string;
  flow: string;
  unit: 'iterations/s' | 'VUs';
  stepMs: number;
  levels: Level[];
  /** Open model: the VU pool k6 keeps the rates with. */
  preAllocatedVUs?: number;
  maxVUs?: number;
}

export type RampPlanning =
  { ok: true; ramp: Ramp } | { ok: false; errors: Array<{ message: string; hint?: string }> };

export const DEFAULT_STEPS = 10;
export const DEFAULT_STEP_MS = 10_000;
export const MIN_STEP_MS = 2000;
export const MAX_STEPS = 50;
/** Without --max-rate/--max-vus the search goes up to this multiple of what the scenario plans. */
export const DEFAULT_HEADROOM = 2;
/** A request's share of an iteration when sizing the VU pool: twice the latency limit, or this without one. */
const DEFAULT_REQUEST_BUDGET_S = 1;
const MIN_POOL = 10;
const MAX_COUNT = 1_000_000;

/** The most a scenario asks for: its peak arrival rate per second, or its peak VUs. */
export function scenarioPeak(s: Scenario): { rate?: number; vus: number } {
  switch (s.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
    case 'constant-vus':
      return { vus: s.vus ?? 1 };
    case 'ramping-vus':
      return { vus: Math.max(s.startVUs ?? 1, ...s.stages.map((st) => st.target)) };
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate': {
      const unitS = (parseDuration(s.timeUnit ?? '1s') ?? 1000) / 1000;
      const peak =
        s.executor === 'constant-arrival-rate'
          ? s.rate
          : Math.max(s.startRate ?? 0, ...s.stages.map((st) => st.target));
      return { rate: peak / unitS, vus: Math.max(s.maxVUs ?? 0, s.preAllocatedVUs) };
    }
  }
}

function thinkMaxS(think: ThinkTime | undefined): number {
  if (think === undefined) return 0;
  return (parseDuration(typeof think === 'string' ? think : think.max) ?? 0) / 1000;
}

/** Requests and the longest pauses of one iteration (the longer branch of a condition). */
export function iterationShape(flow: Pick<Flow, 'steps' | 'think'>): { requests: number; pauseS: number } {
  const walk = (steps: readonly Step[]): { requests: number; pauseS: number } =>
    steps.reduce(
      (acc, step) => {
        if (isHttpStep(step))
          return { requests: acc.requests + 1, pauseS: acc.pauseS + thinkMaxS(step.think) };
        if ('sleep' in step) return { ...acc, pauseS: acc.pauseS + thinkMaxS(step.sleep) };
        if ('group' in step) {
          const inner = walk(step.steps);
          return { requests: acc.requests + inner.requests, pauseS: acc.pauseS + inner.pauseS };
        }
        if ('if' in step) {
          const a = walk(step.steps);
          const b = walk(step.else ?? []);
          return {
            requests: acc.requests + Math.max(a.requests, b.requests),
            pauseS: acc.pauseS + Math.max(a.pauseS, b.pauseS),
          };
        }
        return acc;
      },
      { requests: 0, pauseS: 0 },
    );
  const inner = walk(flow.steps);
  return { requests: inner.requests, pauseS: inner.pauseS + thinkMaxS(flow.think) };
}

/** Evenly spaced whole levels from start to max (duplicates dropped when the range is narrow). */
export function spaceLevels(start: number, max: number, steps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const v = Math.round(steps === 1 ? max : start + ((max - start) * i) / (steps - 1));
    if (v >= 1 && !out.includes(v)) out.push(v);
  }
  return out;
}

type Problems = Array<{ message: string; hint?: string }>;

/** The top level: given, or the scenario's own load with headroom. */
function topLevel(
  name: string,
  scenario: Scenario,
  choices: RampChoices,
  errors: Problems,
): number | undefined {
  if (choices.max !== undefined) return choices.max;
  const peak = scenarioPeak(scenario);
  const open = choices.model === 'open';
  if (open && peak.rate !== undefined) return Math.ceil(peak.rate * DEFAULT_HEADROOM);
  if (!open) return Math.ceil(peak.vus * DEFAULT_HEADROOM);
  errors.push({
    message: `--max-rate is needed: scenario ${name} runs ${scenario.executor}, which has no arrival rate to start from`,
    hint: 'give the highest rate to try (iterations per second), e.g. --max-rate 500, or ramp VUs with --closed',
  });
  return undefined;
}

function countErrors(choices: RampChoices, max: number | undefined, open: boolean): Problems {
  const errors: Problems = [];
  if (max !== undefined && (!Number.isInteger(max) || max < 2 || max > MAX_COUNT))
    errors.push({
      message: `${open ? '--max-rate' : '--max-vus'} ${max} is not a whole number from 2 to ${MAX_COUNT}`,
    });
  if (
    choices.start !== undefined &&
    (!Number.isInteger(choices.start) || choices.start < 1 || (max !== undefined && choices.start >= max))
  )
    errors.push({
      message: `--start ${choices.start} must be a whole number from 1 to below the top level (${max ?? '?'})`,
    });
  if (
    choices.vus !== undefined &&
    (!Number.isInteger(choices.vus) || choices.vus < 1 || choices.vus > MAX_COUNT)
  )
    errors.push({ message: `--max-vus ${choices.vus} is not a whole number from 1 to ${MAX_COUNT}` });
  return errors;
}

/**
 * Little's law: VUs busy = rate × iteration time. The pool covers the top rate at twice the latency limit,
 * so it runs out only once the target is already too slow, not while it still meets the SLO.
 */
function poolSize(flow: Pick<Flow, 'steps' | 'think'>, slo: Slo, choices: RampChoices, max: number): number {
  const shape = iterationShape(flow);
  // Limits that bound a whole request (or, for ttft, its start); tpot and inter-token gaps bound no request.
  const latencyLimits = slo.criteria.flatMap((c) =>
    c.kind === 'latency' && (c.metric === undefined || c.metric === 'ttft' || c.metric === 'e2e_latency')
      ? [c.limitMs / 1000]
      : [],
  );
  const perRequestS = latencyLimits.length > 0 ? 2 * Math.max(...latencyLimits) : DEFAULT_REQUEST_BUDGET_S;
  const iterationS = Math.max(1, shape.requests) * perRequestS + shape.pauseS;
  return choices.vus ?? Math.min(MAX_COUNT, Math.max(MIN_POOL, Math.ceil(max * iterationS)));
}

/** The breaking-point ramp for a plan, or every reason it cannot be built. */
export function planRamp(plan: Plan, choices: RampChoices, slo: Slo): RampPlanning {
  const errors: Problems = [];
  const names = Object.keys(plan.scenarios);
  if (plan.script !== undefined)
    errors.push({
      message: 'breakpoint ramps a flow of the plan; a plan with `script:` has none',
      hint: 'write the requests as a flow, or ramp the script with its own stages',
    });
  if (!Number.isInteger(choices.steps) || choices.steps < 2 || choices.steps > MAX_STEPS)
    errors.push({ message: `--steps ${choices.steps} is not a whole number from 2 to ${MAX_STEPS}` });
  if (!(choices.stepMs >= MIN_STEP_MS))
    errors.push({
      message: `--step ${formatDuration(choices.stepMs)} is too short to judge a level`,
      hint: `give each level at least ${formatDuration(MIN_STEP_MS)} (10s or more on a real system)`,
    });
  const scenarioName = choices.scenario ?? names[0];
  const scenario = scenarioName === undefined ? undefined : plan.scenarios[scenarioName];
  if (scenarioName === undefined || scenario === undefined) {
    errors.push({
      message: `the plan has no scenario ${JSON.stringify(scenarioName ?? '')}`,
      hint: `scenarios: ${names.join(', ')}`,
    });
    return { ok: false, errors };
  }
  const flowName = scenario.flow;
  const flow = flowName === undefined ? undefined : plan.flows?.[flowName];
  if (plan.script === undefined && (flowName === undefined || flow === undefined))
    errors.push({ message: `scenario ${scenarioName} has no flow to ramp` });

  const open = choices.model === 'open';
  const max = topLevel(scenarioName, scenario, choices, errors);
  errors.push(...countErrors(choices, max, open));
  if (errors.length > 0 || max === undefined || flowName === undefined || flow === undefined)
    return { ok: false, errors };

  const start = choices.start ?? Math.max(1, Math.round(max / choices.steps));
  const targets = spaceLevels(start, max, choices.steps);
  const levels = targets.map((target, index) => ({
    index,
    target,
    startMs: index * choices.stepMs,
    endMs: (index + 1) * choices.stepMs,
  }));
  const ramp: Ramp = {
    model: choices.model,
    scenario: scenarioName,
    flow: flowName,
    unit: open ? 'iterations/s' : 'VUs',
    stepMs: choices.stepMs,
    levels,
  };
  if (open) {
    const pool = poolSize(flow, slo, choices, max);
    // All allocated up front: k6 drops an iteration for every VU it starts mid-run, which the generator
    // check would count against the run.
    ramp.preAllocatedVUs = pool;
    ramp.maxVUs = pool;
  }
  return { ok: true, ramp };
}

/** The time batches that make each level's statistics: one batch per level. */
export function rampBatches(ramp: Ramp): BatchLayout {
  return { ms: ramp.stepMs, count: ramp.levels.length };
}

function stages(ramp: Ramp): Array<{ duration: string; target: number }> {
  // A level starts with a jump (a 0s stage), then holds for the step.
  return ramp.levels.flatMap((l, i) => [
    ...(i === 0 ? [] : [{ duration: '0s', target: l.target }]),
    { duration: `${ramp.stepMs}ms`, target: l.target },
  ]);
}

/** Per-level request counts (k6's REST API gives a Rate metric only as a share). */
export function levelSubmetrics(ramp: Ramp): Record<string, never[]> {
  return Object.fromEntries(ramp.levels.map((l) => [`http_reqs{${BATCH_TAG}:${l.index}}`, [] as never[]]));
}

/**
 * The plan as the search runs it: only the chosen scenario, turned into the staircase, starting at once; the
 * plan's thresholds give way to the SLO (judged by loadctl per level), everything else stays.
 */
export function rampPlan(plan: Plan, ramp: Ramp): Plan {
  const original = plan.scenarios[ramp.scenario];
  const common = {
    flow: ramp.flow,
    ...(original?.gracefulStop !== undefined ? { gracefulStop: original.gracefulStop } : {}),
    ...(original?.tags !== undefined ? { tags: original.tags } : {}),
    ...(original?.env !== undefined ? { env: original.env } : {}),
  };
  const first = ramp.levels[0]?.target ?? 1;
  const scenario: Scenario =
    ramp.model === 'open'
      ? {
          executor: 'ramping-arrival-rate',
          ...common,
          startRate: first,
          timeUnit: '1s',
          stages: stages(ramp),
          preAllocatedVUs: ramp.preAllocatedVUs ?? MIN_POOL,
          maxVUs: ramp.maxVUs ?? MIN_POOL,
        }
      : { executor: 'ramping-vus', ...common, startVUs: first, stages: stages(ramp), gracefulRampDown: '0s' };
  return { ...plan, scenarios: { [ramp.scenario]: scenario }, thresholds: levelSubmetrics(ramp) };
}
