// The in-run guard: did the load generator deliver the plan? A fold over what loadctl observes while k6 runs
// (live snapshots, k6's CPU use, k6's log lines) and k6's end-of-test data, judged into a verdict. A
// saturated generator measures itself, not the target, so its numbers must not be read as the target's. Pure.
import type { K6Summary } from '../../k6/summary.js';
import type { LiveSnapshot } from '../../k6/live.js';
import type { Plan } from '../../plans/schema.js';
import { droppedIterationsKey, selectorSafe } from './k6-submetrics.js';

/**
 * k6 drops an iteration each time an arrival-rate scenario has no free VU, including once per VU it starts
 * beyond preAllocatedVUs while it scales up: a handful is k6 working as designed, not a generator that
 * cannot keep up. More than this many, and more than DROPPED_SHARE of the iterations due, is.
 */
export const DROPPED_MIN_COUNT = 5;
/** Share of the iterations due (started + dropped) that may be dropped before the plan counts as undelivered. */
export const DROPPED_SHARE = 0.01;
/**
 * Seconds in a row (one live snapshot a second) that every VU of the arrival-rate scenarios must be busy.
 * A full pool for a moment is a pool used well; full for seconds on end leaves no headroom for the rate.
 */
export const VUS_AT_MAX_SECONDS = 5;
/**
 * k6 spreads over every core (Go), so its CPU is judged against the host's cores: at 90% of them for
 * CPU_SUSTAINED_SECONDS in a row, the latencies it measures include its own queueing.
 */
export const CPU_BUSY_SHARE = 0.9;
export const CPU_SUSTAINED_SECONDS = 5;
/** One request that failed for want of a socket or a local port is an error of the generator, not the target. */
export const SOCKET_ERRORS_MIN = 1;

const SOCKET_ERROR_RE = /too many open files|cannot assign requested address/i;

export type GuardReasonKind = 'dropped-iterations' | 'vus-at-max' | 'cpu' | 'socket-errors';

export interface GuardReason {
  kind: GuardReasonKind;
  /** What was observed, in one line. */
  detail: string;
  /** What to change so the generator can deliver the plan. */
  fix: string;
}

export interface GuardVerdict {
  /** True when the load generator could not deliver the plan: the run's numbers are not the target's. */
  saturated: boolean;
  /** Every rule that fired, with what was observed and what to change. */
  reasons: GuardReason[];
}

export const NOT_SATURATED: GuardVerdict = { saturated: false, reasons: [] };

/** What the guard needs to know about the plan and the host. */
export interface GuardPlan {
  /**
   * Arrival-rate scenarios and the most VUs k6 may use for each; `timed` when `arrivals:` runs it as
   * shared-iterations, whose VUs all count as active from start to end, busy or waiting for their time.
   */
  arrival: Array<{ name: string; preAllocatedVUs: number; maxVUs: number; timed?: true }>;
  /**
   * Every scenario is arrival-rate: only then are k6's run-wide live totals (vus, dropped_iterations)
   * theirs alone. Iteration-based executors also count dropped iterations (an expired maxDuration).
   */
  onlyArrival: boolean;
  /** CPU cores of the host k6 runs on; undefined when unknown (the CPU rule then does not fire). */
  cores: number | undefined;
}

export type GuardObservation =
  /** A live snapshot of k6's REST API, about once a second. */
  | { kind: 'snapshot'; snap: Pick<LiveSnapshot, 'vus' | 'iterations' | 'droppedIterations'> }
  /** Cores k6 kept busy over the last second (CPU seconds per second); undefined where it cannot be told. */
  | { kind: 'cpu'; cores: number | undefined }
  /** One line of k6's log. */
  | { kind: 'log'; line: string }
  /** k6's end-of-test data: run totals and dropped iterations per arrival-rate scenario, when k6 gave them. */
  | { kind: 'end'; iterations: number; droppedIterations: number; droppedByScenario: Record<string, number> };

export interface GuardState {
  plan: GuardPlan;
  live: { iterations: number; dropped: number } | undefined;
  end: Extract<GuardObservation, { kind: 'end' }> | undefined;
  vusStreak: number;
  vusLongest: number;
  cpuStreak: number;
  cpuStreakPeak: number;
  cpuLongest: number;
  /** The most cores k6 used within its longest busy stretch. */
  cpuLongestPeak: number;
  socketErrors: number;
  socketExample: string | undefined;
}

export function guardPlan(plan: Plan, cores: number | undefined): GuardPlan {
  const arrival: GuardPlan['arrival'] = [];
  for (const [name, s] of Object.entries(plan.scenarios)) {
    if (s.executor !== 'constant-arrival-rate' && s.executor !== 'ramping-arrival-rate') continue;
    // k6's maxVUs defaults to preAllocatedVUs.
    arrival.push({
      name,
      preAllocatedVUs: s.preAllocatedVUs,
      maxVUs: Math.max(s.maxVUs ?? 0, s.preAllocatedVUs),
      ...(s.arrivals !== undefined ? { timed: true as const } : {}),
    });
  }
  return {
    arrival,
    onlyArrival: arrival.length > 0 && arrival.length === Object.keys(plan.scenarios).length,
    cores: cores !== undefined && cores > 0 ? cores : undefined,
  };
}

/** k6's end-of-test data as the guard's last observation. */
export function guardEndObservation(
  plan: GuardPlan,
  k6: K6Summary,
): Extract<GuardObservation, { kind: 'end' }> {
  const count = (key: string) => k6.metrics[key]?.values['count'] ?? 0;
  const droppedByScenario: Record<string, number> = {};
  for (const { name } of plan.arrival) {
    // A scenario that dropped nothing has no sub-metric samples; k6 may leave it out.
    if (selectorSafe(name)) droppedByScenario[name] = count(droppedIterationsKey(name));
  }
  return {
    kind: 'end',
    iterations: count('iterations'),
    droppedIterations: count('dropped_iterations'),
    droppedByScenario,
  };
}

export function initialGuardState(plan: GuardPlan): GuardState {
  return {
    plan,
    live: undefined,
    end: undefined,
    vusStreak: 0,
    vusLongest: 0,
    cpuStreak: 0,
    cpuStreakPeak: 0,
    cpuLongest: 0,
    cpuLongestPeak: 0,
    socketErrors: 0,
    socketExample: undefined,
  };
}

function vusLimit(plan: GuardPlan): number | undefined {
  // With other scenarios running, the live vus gauge is not the arrival-rate scenarios' alone.
  if (!plan.onlyArrival) return undefined;
  // A timed pool's live vus is always full: only its dropped arrivals tell a pool too small.
  if (plan.arrival.some((s) => s.timed)) return undefined;
  return plan.arrival.reduce((sum, s) => sum + s.maxVUs, 0);
}

export function foldGuard(state: GuardState, obs: GuardObservation): GuardState {
  switch (obs.kind) {
    case 'snapshot': {
      const limit = vusLimit(state.plan);
      const vusStreak = limit !== undefined && limit > 0 && obs.snap.vus >= limit ? state.vusStreak + 1 : 0;
      return {
        ...state,
        live: { iterations: obs.snap.iterations, dropped: obs.snap.droppedIterations },
        vusStreak,
        vusLongest: Math.max(state.vusLongest, vusStreak),
      };
    }
    case 'cpu': {
      const cores = state.plan.cores;
      const busy = obs.cores !== undefined && cores !== undefined && obs.cores >= CPU_BUSY_SHARE * cores;
      const cpuStreak = busy ? state.cpuStreak + 1 : 0;
      const cpuStreakPeak = busy ? Math.max(state.cpuStreakPeak, obs.cores ?? 0) : 0;
      const longest = cpuStreak >= state.cpuLongest && cpuStreak > 0;
      return {
        ...state,
        cpuStreak,
        cpuStreakPeak,
        cpuLongest: longest ? cpuStreak : state.cpuLongest,
        cpuLongestPeak: longest ? cpuStreakPeak : state.cpuLongestPeak,
      };
    }
    case 'log': {
      const m = obs.line.match(SOCKET_ERROR_RE);
      if (!m) return state;
      return {
        ...state,
        socketErrors: state.socketErrors + 1,
        socketExample: state.socketExample ?? m[0].toLowerCase(),
      };
    }
    case 'end':
      return { ...state, end: obs };
  }
}

const list = (names: readonly string[]) => names.join(', ');

function droppedReasons(state: GuardState): GuardReason[] {
  const { plan } = state;
  if (plan.arrival.length === 0) return [];
  // k6's end-of-test data is complete and per scenario; the last live snapshot stands in when k6 gave none.
  let perScenario: Array<{ names: string[]; dropped: number; maxVUs: number[] }>;
  let iterations: number;
  const end = state.end;
  if (end && Object.keys(end.droppedByScenario).length > 0) {
    iterations = end.iterations;
    perScenario = plan.arrival
      .filter((s) => (end.droppedByScenario[s.name] ?? 0) > 0)
      .map((s) => ({ names: [s.name], dropped: end.droppedByScenario[s.name] ?? 0, maxVUs: [s.maxVUs] }));
  } else {
    const totals = end
      ? { iterations: end.iterations, dropped: end.droppedIterations }
      : state.live && { iterations: state.live.iterations, dropped: state.live.dropped };
    if (!totals || !plan.onlyArrival || totals.dropped === 0) return [];
    iterations = totals.iterations;
    perScenario = [
      {
        names: plan.arrival.map((s) => s.name),
        dropped: totals.dropped,
        maxVUs: plan.arrival.map((s) => s.maxVUs),
      },
    ];
  }
  const dropped = perScenario.reduce((sum, s) => sum + s.dropped, 0);
  // A timed scenario's dropped arrival also ran an (empty) iteration: it is in `iterations` already.
  const timed = new Set(plan.arrival.filter((s) => s.timed).map((s) => s.name));
  const counted = perScenario
    .filter((s) => s.names.every((name) => timed.has(name)))
    .reduce((sum, s) => sum + s.dropped, 0);
  const due = iterations + dropped - counted;
  if (dropped <= Math.max(DROPPED_MIN_COUNT, DROPPED_SHARE * due)) return [];
  return perScenario.map((s) => {
    const one = s.names.length === 1;
    const share = due > 0 ? ` (${((s.dropped / due) * 100).toFixed(0)}% of the ${due} due)` : '';
    return {
      kind: 'dropped-iterations',
      detail: `k6 dropped ${s.dropped} iterations${share} of ${one ? 'scenario' : 'scenarios'} ${list(s.names)}: no VU was free to start them`,
      fix: `raise preAllocatedVUs/maxVUs of ${one ? 'scenario' : 'scenarios'} ${list(s.names)} (${one ? 'it' : 'they'} needed more than ${list(s.maxVUs.map(String))})`,
    };
  });
}

/** The verdict so far (call it after every observation for a live warning, and once at the end). */
export function judgeGuard(state: GuardState): GuardVerdict {
  const reasons: GuardReason[] = [...droppedReasons(state)];
  if (state.vusLongest >= VUS_AT_MAX_SECONDS) {
    const { arrival } = state.plan;
    const one = arrival.length === 1;
    reasons.push({
      kind: 'vus-at-max',
      detail: `every VU of ${one ? 'scenario' : 'scenarios'} ${list(arrival.map((s) => s.name))} was busy for ${state.vusLongest} s in a row`,
      fix: `raise maxVUs of ${one ? 'scenario' : 'scenarios'} ${list(arrival.map((s) => s.name))} (${one ? 'it' : 'they'} needed more than ${list(arrival.map((s) => String(s.maxVUs)))})`,
    });
  }
  if (state.cpuLongest >= CPU_SUSTAINED_SECONDS && state.plan.cores !== undefined) {
    reasons.push({
      kind: 'cpu',
      detail: `k6 used ${state.cpuLongestPeak.toFixed(2)} of ${state.plan.cores} cores (≥ ${CPU_BUSY_SHARE * 100}%) for ${state.cpuLongest} s in a row`,
      fix: 'the generator ran out of CPU: run k6 on more cores or more machines (k6 execution segments), or lower the rate',
    });
  }
  if (state.socketErrors >= SOCKET_ERRORS_MIN) {
    reasons.push({
      kind: 'socket-errors',
      detail: `${state.socketErrors} k6 log ${state.socketErrors === 1 ? 'line reports' : 'lines report'} the generator out of sockets or ports ("${state.socketExample ?? ''}")`,
      fix: 'raise `ulimit -n` / widen `net.ipv4.ip_local_port_range`, see `loadctl doctor`',
    });
  }
  return { saturated: reasons.length > 0, reasons };
}

/** The whole fold at once: plan facts and observations in order → verdict. */
export function evaluateGuard(plan: GuardPlan, observations: readonly GuardObservation[]): GuardVerdict {
  return judgeGuard(observations.reduce(foldGuard, initialGuardState(plan)));
}
