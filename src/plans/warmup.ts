// The warm-up `run --targets` gives each target before its measured rounds (docs/compare.md#warm-up): the
// plan's own load, cut to its first few seconds. The same flows and the same VUs or rate the measured run
// starts with, so it warms what that run will use (JIT compilation, caches, connection pools, the demo's
// code) and never puts more load on a target than the plan does. Pure.
import { formatDuration, parseDuration } from './duration.js';
import type { Plan, Scenario } from './schema.js';

type Stage = { duration: string; target: number };

/** A duration k6 reads exactly: whole seconds as "12s", anything else in milliseconds. */
function durationText(ms: number): string {
  return ms % 1000 === 0 ? formatDuration(ms) : `${Math.round(ms)}ms`;
}

const msOf = (text: string | undefined, fallback: number): number =>
  text === undefined ? fallback : (parseDuration(text) ?? fallback);

/** The stages that fit in `ms`, the one cut short ending where k6's linear ramp would be at that moment. */
export function truncateStages(stages: readonly Stage[], start: number, ms: number): Stage[] {
  const out: Stage[] = [];
  let left = ms;
  let from = start;
  for (const stage of stages) {
    if (left <= 0) break;
    const length = msOf(stage.duration, 0);
    if (length <= left) {
      out.push(stage);
      left -= length;
    } else {
      const target = Math.round(from + ((stage.target - from) * left) / length);
      out.push({ duration: durationText(left), target });
      left = 0;
    }
    from = stage.target;
  }
  return out;
}

/** One scenario's first `ms` of load, or undefined when it starts later than that. */
function warmupScenario(s: Scenario, ms: number): Scenario | undefined {
  const left = ms - msOf(s.startTime, 0);
  if (left < 1000) return undefined;
  // A warm-up's numbers are discarded: an iteration still running at its end need not finish.
  const common = { gracefulStop: '0s' };
  switch (s.executor) {
    case 'constant-vus':
    case 'constant-arrival-rate':
      return { ...s, ...common, duration: durationText(Math.min(left, msOf(s.duration, left))) };
    case 'shared-iterations':
    case 'per-vu-iterations':
      return { ...s, ...common, maxDuration: durationText(Math.min(left, msOf(s.maxDuration, 600_000))) };
    case 'ramping-vus':
      return {
        ...s,
        ...common,
        gracefulRampDown: '0s',
        stages: truncateStages(s.stages, s.startVUs ?? 1, left),
      };
    case 'ramping-arrival-rate':
      return { ...s, ...common, stages: truncateStages(s.stages, s.startRate ?? 0, left) };
  }
}

/**
 * The plan as a warm-up of `ms`: each scenario cut to the load of its first `ms` (one that starts later is
 * left out), without thresholds or invariants, which judge a measured run, not a warm-up.
 */
export function warmupPlan(plan: Plan, ms: number): Plan {
  const scenarios: Record<string, Scenario> = {};
  for (const [name, s] of Object.entries(plan.scenarios)) {
    const cut = warmupScenario(s, ms);
    if (cut) scenarios[name] = cut;
  }
  const { thresholds: _thresholds, invariants: _invariants, ...rest } = plan;
  return { ...rest, scenarios };
}
