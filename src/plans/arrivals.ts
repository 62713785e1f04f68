// An arrival-rate scenario with `arrivals:` (docs/plans.md, "Poisson and gamma arrivals"): its rates as a
// schedule, its default seed, the k6 scenario it becomes and the rules a schema cannot check. Pure.
//
// k6 has no Poisson executor, so the scenario runs as shared-iterations: as many iterations as k6's own
// executor would start for the same rates, handed out in order to a pool of VUs, each of which waits for its
// iteration's precomputed arrival time (runtime/arrivals.ts, entry.ts). An arrival that finds every VU busy
// is not started late: it is dropped and counted in dropped_iterations, as k6's arrival-rate executors do.
import { arrivalCount } from '../k6-templates/runtime/arrivals.js';
import type { ArrivalProcess, RateSegment } from '../k6-templates/runtime/model.js';
import { usageError } from '../errors.js';
import type { Finding } from './diagnostics.js';
import { formatDuration, parseDuration } from './duration.js';
import { DEFAULT_ARRIVAL_SEED, type Arrivals } from './schema-arrivals.js';
import type { Plan, Scenario } from './schema.js';

type RateScenario = Extract<Scenario, { executor: 'constant-arrival-rate' | 'ramping-arrival-rate' }>;
export type ArrivalScenario = RateScenario & { arrivals: Arrivals };

/** The most arrivals one scenario may draw: each is a number every k6 process keeps in a SharedArray. */
export const MAX_ARRIVALS = 1_000_000;

export function hasArrivals(s: Scenario): s is ArrivalScenario {
  return (s.executor === 'constant-arrival-rate' || s.executor === 'ramping-arrival-rate') && !!s.arrivals;
}

/** The scenario's rates as k6 runs them: per ms, linear within each stage (ramping-arrival-rate). */
export function rateSegments(s: RateScenario): RateSegment[] {
  const unit = parseDuration(s.timeUnit ?? '1s') ?? 1000;
  if (s.executor === 'constant-arrival-rate') {
    const rate = s.rate / unit;
    return [{ ms: parseDuration(s.duration) ?? 0, from: rate, to: rate }];
  }
  let from = (s.startRate ?? 0) / unit;
  return s.stages.map((st) => {
    const to = st.target / unit;
    const segment = { ms: parseDuration(st.duration) ?? 0, from, to };
    from = to;
    return segment;
  });
}

export function scheduleMs(s: RateScenario): number {
  return rateSegments(s).reduce((sum, seg) => sum + seg.ms, 0);
}

/** What the k6 runtime draws the times from: the defaults filled in (resolve.ts records them). */
export function arrivalProcess(s: ArrivalScenario): ArrivalProcess {
  const segments = rateSegments(s);
  return {
    segments,
    burstiness: s.arrivals.burstiness ?? 1,
    seed: s.arrivals.seed ?? DEFAULT_ARRIVAL_SEED,
    count: arrivalCount(segments),
  };
}

/** The plan with every `arrivals:` complete (burstiness and seed), so plan.resolved.json says what ran. */
export function withArrivalDefaults(plan: Plan): Plan {
  if (!Object.values(plan.scenarios).some(hasArrivals)) return plan;
  const scenarios = Object.fromEntries(
    Object.entries(plan.scenarios).map(([name, s]) => [
      name,
      hasArrivals(s)
        ? {
            ...s,
            arrivals: {
              ...s.arrivals,
              burstiness: s.arrivals.burstiness ?? 1,
              seed: s.arrivals.seed ?? DEFAULT_ARRIVAL_SEED,
            },
          }
        : s,
    ]),
  );
  return { ...plan, scenarios };
}

/**
 * The k6 scenario: shared-iterations over the arrivals, with the VUs the plan allows, all started at once (a
 * shared-iterations pool cannot grow). `env` is compile.ts's to add; `exec` a generated script does not use.
 */
export function arrivalK6Scenario(s: ArrivalScenario): Record<string, unknown> {
  const count = arrivalProcess(s).count;
  const out: Record<string, unknown> = {
    executor: 'shared-iterations',
    // k6 refuses fewer iterations than VUs; a VU more than the arrivals would never run one.
    vus: Math.max(1, Math.min(Math.max(s.maxVUs ?? 0, s.preAllocatedVUs), count)),
    iterations: Math.max(1, count),
    maxDuration: formatMs(scheduleMs(s)),
  };
  for (const key of ['startTime', 'gracefulStop', 'tags'] as const)
    if (s[key] !== undefined) out[key] = s[key];
  return out;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? formatDuration(ms) : `${ms}ms`;
}

/** What k6 and loadctl need of a scenario with `arrivals:`, each at the field to change. */
export function checkArrivals(plan: Plan, out: Finding[]): void {
  for (const [name, s] of Object.entries(plan.scenarios)) {
    if (!hasArrivals(s)) continue;
    const at = ['scenarios', name, 'arrivals'];
    if (plan.script !== undefined)
      out.push({
        severity: 'error',
        path: at,
        atKey: true,
        message: "arrivals are timed by loadctl's flows; a `script:` plan runs the script's own functions",
        hint: 'write the load as a flow, or time the iterations in the script',
      });
    if (
      plan.runners !== undefined &&
      plan.runners !== 1 &&
      !(Array.isArray(plan.runners) && plan.runners.length === 1)
    )
      out.push({
        severity: 'error',
        path: at,
        atKey: true,
        message:
          'arrivals run on one k6 process for now: each k6 of `runners` would need its share of the times',
        hint: 'drop `runners`, or `arrivals` for an evenly spaced rate',
      });
    const count = arrivalCount(rateSegments(s));
    const rateField = s.executor === 'constant-arrival-rate' ? 'rate' : 'stages';
    if (count > MAX_ARRIVALS)
      out.push({
        severity: 'error',
        path: ['scenarios', name, rateField],
        message: `${count} arrivals are more than one scenario may draw (1,000,000)`,
        hint: 'lower the rate or shorten the scenario',
      });
    else if (count === 0)
      out.push({
        severity: 'error',
        path: ['scenarios', name, rateField],
        message: 'the rates start no arrival: every rate is 0',
        hint: 'give a rate above 0',
      });
    if (scheduleMs(s) < 1000)
      out.push({
        severity: 'error',
        path: ['scenarios', name, 'stages'],
        message: `the stages last ${scheduleMs(s)}ms; arrivals run as k6 shared-iterations, whose maxDuration is at least 1s`,
        hint: 'make the stages last 1s or more',
      });
  }
}

/** `run --runners/--runner` on a plan with arrivals: refused as the plan's own `runners` is (checkArrivals). */
export function refuseArrivalRunners(plan: Plan, runners: number): void {
  if (runners <= 1) return;
  const timed = Object.keys(plan.scenarios).filter((name) => hasArrivals(plan.scenarios[name]!));
  if (timed.length > 0)
    throw usageError(
      `${runners} runners: scenario ${timed.join(', ')} has arrivals, which run on one k6 process for now`,
      'run it without --runners/--runner, or drop `arrivals` for an evenly spaced rate',
    );
}
