// What a plan asks of the load generator, computed from the plan alone (pure). The checks compare these
// needs with what the host offers.
import { parseDuration } from '../plans/duration.js';
import { peakVUs, plannedDuration } from '../plans/resolve.js';
import { isHttpStep, streamStepNames } from '../plans/rules.js';
import { monitorSources, type SourceSpec } from '../monitor/sources.js';
import type { Plan, Scenario, Step } from '../plans/schema.js';

export interface PlanNeeds {
  peakVUs: number;
  /** Iterations started per second by arrival-rate scenarios at their peak; undefined without any. */
  peakArrivalRate?: number;
  durationMs: number;
  /** false when iteration-based scenarios may end before durationMs. */
  durationExact: boolean;
  /** Most HTTP requests one iteration can send; undefined for a `script:` plan (loadctl cannot see it). */
  requestsPerIteration?: number;
  /** Requests over the whole run (upper bound); undefined when VU-based scenarios make it unknowable. */
  expectedRequests?: number;
  /** Peak requests per second (upper bound); undefined when it depends on the target's response time. */
  peakRequestsPerSecond?: number;
  /** `http.keepAlive` (default true): off means one new connection per request. */
  keepAlive: boolean;
  /** Raw samples kept (`--samples`): they dominate the disk a run needs. */
  samples: boolean;
  /** A demo target runs on this machine, with its own listen backlog. */
  localServer: boolean;
  /** Steps that read their response as a stream: k6 needs loadctl's streaming extension. */
  streamSteps?: string[];
}

/** Bytes `--samples` keeps per request (k6's JSON lines, compressed) and a run's files otherwise. */
export const SAMPLE_BYTES_PER_REQUEST = 300;
export const RUN_FILES_BYTES = 20e6;

/** The HTTP requests of the longest path through the steps: both branches of an `if` cannot run. */
export function countRequests(steps: readonly Step[]): number {
  let n = 0;
  for (const step of steps) {
    if (isHttpStep(step)) n += 1;
    else if ('group' in step) n += countRequests(step.steps);
    else if ('if' in step) n += Math.max(countRequests(step.steps), countRequests(step.else ?? []));
  }
  return n;
}

function perSecond(rate: number, timeUnit: string | undefined): number {
  const unitMs = timeUnit === undefined ? 1000 : (parseDuration(timeUnit) ?? 1000);
  return unitMs > 0 ? (rate * 1000) / unitMs : rate;
}

function ms(d: string | undefined): number {
  return d === undefined ? 0 : (parseDuration(d) ?? 0);
}

/** Iterations a scenario runs and its peak iterations per second, where the plan alone tells. */
function scenarioLoad(s: Scenario): { iterations?: number; peakRate?: number } {
  switch (s.executor) {
    case 'per-vu-iterations':
      return { iterations: (s.vus ?? 1) * (s.iterations ?? 1) };
    case 'shared-iterations':
      return { iterations: s.iterations ?? 1 };
    case 'constant-arrival-rate': {
      const rate = perSecond(s.rate, s.timeUnit);
      return { iterations: (rate * ms(s.duration)) / 1000, peakRate: rate };
    }
    case 'ramping-arrival-rate': {
      // k6 ramps linearly between stage targets: each stage runs at the mean of its two ends.
      let from = perSecond(s.startRate ?? 0, s.timeUnit);
      let iterations = 0;
      let peak = from;
      for (const st of s.stages) {
        const to = perSecond(st.target, s.timeUnit);
        iterations += (((from + to) / 2) * ms(st.duration)) / 1000;
        peak = Math.max(peak, to);
        from = to;
      }
      return { iterations, peakRate: peak };
    }
    case 'constant-vus':
    case 'ramping-vus':
      // Iterations per second depend on how fast the target answers.
      return {};
  }
}

export function computeNeeds(
  plan: Plan,
  opts: { samples?: boolean; target?: string | undefined } = {},
): PlanNeeds {
  const duration = plannedDuration(plan);
  let expected: number | undefined = 0;
  let peakIterations: number | undefined = 0;
  let peakRps: number | undefined = 0;
  let perIterationMax: number | undefined = 0;
  for (const s of Object.values(plan.scenarios)) {
    const flow = s.flow === undefined ? undefined : plan.flows?.[s.flow];
    const perIteration = plan.script === undefined && flow ? countRequests(flow.steps) : undefined;
    const load = scenarioLoad(s);
    perIterationMax =
      perIteration === undefined || perIterationMax === undefined
        ? undefined
        : Math.max(perIterationMax, perIteration);
    expected =
      expected === undefined || perIteration === undefined || load.iterations === undefined
        ? undefined
        : expected + Math.ceil(load.iterations) * perIteration;
    if (load.peakRate !== undefined && peakIterations !== undefined) peakIterations += load.peakRate;
    // Scenarios may overlap: adding their peaks is the safe side.
    peakRps =
      peakRps === undefined || perIteration === undefined || load.peakRate === undefined
        ? undefined
        : peakRps + load.peakRate * perIteration;
  }
  const hasArrivalRate = Object.values(plan.scenarios).some((s) => s.executor.endsWith('arrival-rate'));
  const streams = plan.script === undefined ? streamStepNames(plan) : [];
  return {
    peakVUs: peakVUs(plan),
    ...(hasArrivalRate && peakIterations !== undefined ? { peakArrivalRate: peakIterations } : {}),
    durationMs: duration.ms,
    durationExact: duration.exact,
    ...(perIterationMax !== undefined ? { requestsPerIteration: perIterationMax } : {}),
    ...(expected !== undefined ? { expectedRequests: expected } : {}),
    ...(peakRps !== undefined ? { peakRequestsPerSecond: peakRps } : {}),
    keepAlive: plan.http?.keepAlive !== false,
    samples: opts.samples === true,
    localServer: selectTargets(plan, opts.target).some((t) => t.url === undefined),
    ...(streams.length > 0 ? { streamSteps: streams } : {}),
  };
}

export interface TargetToProbe {
  name: string;
  /** undefined for a demo target: `loadctl run` starts it. */
  url?: string;
  healthPath?: string;
}

/** The targets doctor looks at: the one chosen with --target, else every target of the plan. */
export function selectTargets(plan: Plan, only: string | undefined): TargetToProbe[] {
  return Object.entries(plan.targets)
    .filter(([name]) => only === undefined || name === only)
    .map(([name, t]) => ({
      name,
      ...(t.demo === undefined && t.url !== undefined ? { url: t.url } : {}),
      ...(t.healthPath !== undefined ? { healthPath: t.healthPath } : {}),
    }));
}

/** A target and the sources its run would read (src/monitor/sources.ts). */
export interface MonitorToProbe {
  target: string;
  sources: SourceSpec[];
}

/**
 * The monitored targets doctor looks at (the one chosen, else every one). A demo target's own process is
 * loadctl's, started with the run: nothing to check before it; a `monitor:` it has is checked like any.
 */
export function selectMonitors(plan: Plan, only: string | undefined): MonitorToProbe[] {
  return Object.entries(plan.targets)
    .filter(([name]) => only === undefined || name === only)
    .flatMap(([target, t]) => {
      const sources = monitorSources(t.monitor, undefined);
      return sources.length > 0 ? [{ target, sources }] : [];
    });
}

/** Disk a run of this plan writes: raw samples dominate when kept. */
export function expectedResultsBytes(needs: PlanNeeds | undefined): number | undefined {
  if (!needs?.samples) return RUN_FILES_BYTES;
  return needs.expectedRequests === undefined
    ? undefined
    : RUN_FILES_BYTES + needs.expectedRequests * SAMPLE_BYTES_PER_REQUEST;
}
