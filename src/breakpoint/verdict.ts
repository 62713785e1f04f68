// The result of a breaking-point search: every level's numbers and status, and the verdict — the highest level
// that held the SLO, the one where it broke and what broke first, or why there is no breaking point to report.
// What breakpoint.json holds (docs/breakpoint.md). Pure.
import type { GuardReason, GuardVerdict } from '../report/model/guard.js';
import type { Outcome } from '../report/model/outcome.js';
import type { Ramp } from './ramp.js';
import type { ServerAtLevels } from './server.js';
import {
  judgeLevel,
  limitOf,
  judgeable,
  worstEndpoint,
  type Breach,
  type LevelNumbers,
  type ScopeNumbers,
  type Slo,
} from './slo.js';
import { levelNumbers, type MetricValues, type WatchState } from './watch.js';

export const BREAKPOINT_SCHEMA = 'loadctl.breakpoint/v1';

export type LevelStatus =
  /** Its requests met every criterion. */
  | 'held'
  | 'broken'
  /** Fewer requests (or streams that ended) than a judgement needs (see judgeable). */
  | 'too-few-requests'
  /** The generator could not deliver it: its numbers are not the target's. */
  | 'generator';

export interface BreachOut {
  criterion: string;
  kind: 'latency' | 'errors' | 'goodput';
  observed: number;
  limit: number;
  /** Endpoints that break the limit on their own, worst first. */
  endpoints: Array<{ name: string; observed: number }>;
  /** When no endpoint breaks it alone: the one with the highest value. */
  worst?: { name: string; observed: number };
}

export interface LevelResult {
  /** 1-based, as printed. */
  level: number;
  target: number;
  status: LevelStatus;
  requests: number;
  /** Requests per second the level got (its requests over the time it ran). */
  rps: number | null;
  errorRate: number | null;
  /** http_req_duration of the level's requests in ms, k6's keys (avg, med, p(90), p(95), p(99), max, …). */
  latency: Record<string, number>;
  /** The streaming trends the SLO reads (ttft, tpot, …), k6's keys, ms; only with a streaming criterion. */
  stream?: ScopeNumbers['stream'];
  /** The goodput share; only with a goodput criterion and streams that ended. */
  goodput?: number;
  /** With goodput: the streams that ended at the level (goodput's requests). */
  streams?: number;
  endpoints: Record<
    string,
    { errorRate: number | null; latency: Record<string, number> } & Pick<
      ScopeNumbers,
      'stream' | 'goodput' | 'streams'
    >
  >;
  breaches: BreachOut[];
  /** Series time (s since k6 started, as series.json's `t`) of the first and last live sample of the level. */
  firstS: number | null;
  lastS: number | null;
}

export interface LevelRef {
  level: number;
  target: number;
  rps: number | null;
}

export type Verdict =
  | {
      kind: 'found';
      held: LevelRef | null;
      broke: LevelRef;
      /** What broke first; several when they broke in the same sample. */
      first: BreachOut[];
      /** window: broken for `window` s in a row; level-end / final: over the level's whole step; pool: see docs. */
      by: 'window' | 'level-end' | 'pool' | 'final';
      /** The generator check fired too, after (or because of) the target slowing down. */
      generator?: GuardReason[];
    }
  | { kind: 'not-found'; held: LevelRef | null }
  | { kind: 'generator-saturated'; held: LevelRef | null; at: LevelRef; reasons: GuardReason[] }
  | { kind: 'incomplete'; held: LevelRef | null; reason: string };

export interface BreakpointResult {
  verdict: Verdict;
  levels: LevelResult[];
  /** With server.json: the server's CPU and memory per level, and which ran out first (server.ts). */
  server?: ServerAtLevels & { summary: string };
}

export interface VerdictInput {
  slo: Slo;
  ramp: Ramp;
  endpoints: readonly string[];
  watch: WatchState;
  /** k6's end-of-test data (exact per level); undefined when k6 wrote none. */
  final: MetricValues | undefined;
  outcome: Outcome;
  /** The generator check over the whole run, k6's end-of-test data included. */
  generator: GuardVerdict;
  /** The run's per-second series (series.json's points): what the target served while the last level ran. */
  series?: ReadonlyArray<{ t: number; rps: number }>;
}

function breachOut(b: Breach, n: LevelNumbers): BreachOut {
  const worst = b.endpoints.length === 0 ? worstEndpoint(b.criterion, n) : undefined;
  return {
    criterion: b.criterion.text,
    kind: b.criterion.kind,
    observed: b.observed,
    limit: limitOf(b.criterion),
    endpoints: b.endpoints,
    ...(worst ? { worst } : {}),
  };
}

function ref(l: LevelResult): LevelRef {
  return { level: l.level, target: l.target, rps: l.rps };
}

type NumbersOf = (i: number) => LevelNumbers | undefined;
type Seen = WatchState['seen'][number] | undefined;

/**
 * The last level may have been cut short: its rate is the mean of the per-second series while it ran (the
 * first sample that saw it straddles the start, so it is left out).
 */
function levelRps(
  input: VerdictInput,
  i: number,
  reached: number,
  n: LevelNumbers,
  seen: Seen,
): number | null {
  const stepS = input.ramp.stepMs / 1000;
  const during = (input.series ?? []).filter((p) => seen && p.t > seen.firstS && p.t <= seen.lastS);
  if (n.requests === 0) return null;
  if (i < reached || during.length === 0)
    return n.requests / (i < reached ? stepS : Math.min(stepS, seen ? seen.lastS - seen.firstS + 1 : stepS));
  return during.reduce((sum, p) => sum + p.rps, 0) / during.length;
}

function levelStatus(
  input: VerdictInput,
  i: number,
  n: LevelNumbers,
): { status: LevelStatus; breaches: BreachOut[] } {
  const { slo } = input;
  const decision = input.watch.decision;
  if (decision?.kind === 'saturated' && i >= decision.level) return { status: 'generator', breaches: [] };
  if (decision?.kind === 'broke' && i === decision.level) {
    const exact = judgeable(slo, n) ? judgeLevel(slo, n) : [];
    return {
      status: 'broken',
      breaches: (exact.length > 0 ? exact : decision.first).map((b) => breachOut(b, n)),
    };
  }
  if (!judgeable(slo, n)) return { status: 'too-few-requests', breaches: [] };
  const breaches = judgeLevel(slo, n).map((b) => breachOut(b, n));
  return { status: breaches.length > 0 ? 'broken' : 'held', breaches };
}

function streamOf(n: ScopeNumbers): Pick<ScopeNumbers, 'stream' | 'goodput' | 'streams'> {
  return {
    ...(n.stream !== undefined ? { stream: n.stream } : {}),
    ...(n.goodput !== undefined ? { goodput: n.goodput } : {}),
    ...(n.streams !== undefined ? { streams: n.streams } : {}),
  };
}

function judgeLevels(input: VerdictInput, numbersOf: NumbersOf, reached: number): LevelResult[] {
  const levels: LevelResult[] = [];
  for (let i = 0; i <= reached; i++) {
    const l = input.ramp.levels[i];
    const n = numbersOf(i);
    if (l === undefined || n === undefined) continue;
    const seen = input.watch.seen[i];
    const { status, breaches } = levelStatus(input, i, n);
    levels.push({
      level: i + 1,
      target: l.target,
      status,
      requests: n.requests,
      rps: levelRps(input, i, reached, n, seen),
      errorRate: n.errorRate ?? null,
      latency: n.latency,
      ...streamOf(n),
      endpoints: Object.fromEntries(
        Object.entries(n.endpoints).map(([name, e]) => [
          name,
          { errorRate: e.errorRate ?? null, latency: e.latency, ...streamOf(e) },
        ]),
      ),
      breaches,
      firstS: seen?.firstS ?? null,
      lastS: seen?.lastS ?? null,
    });
  }
  return levels;
}

function foundVerdict(
  input: VerdictInput,
  broken: LevelResult,
  numbersOf: NumbersOf,
  held: LevelRef | null,
): Verdict {
  const decision = input.watch.decision;
  const index = broken.level - 1;
  const live = decision?.kind === 'broke' && decision.level === index ? decision : undefined;
  const n = numbersOf(index);
  let first = broken.breaches;
  if (live !== undefined && n !== undefined) {
    // What broke first is what the first breached sample showed; the endpoints come from the fuller data.
    const firstKeys = new Set(live.first.map((b) => b.criterion.text));
    const kept = broken.breaches.filter((b) => firstKeys.has(b.criterion));
    first = kept.length > 0 ? kept : live.first.map((b) => breachOut(b, n));
  }
  const generatorReasons =
    live?.generator ?? (input.generator.saturated ? input.generator.reasons : undefined);
  return {
    kind: 'found',
    held,
    broke: ref(broken),
    first,
    by: live?.by ?? 'final',
    ...(generatorReasons ? { generator: generatorReasons } : {}),
  };
}

/**
 * Why k6 failed. A k6 whose streaming extension predates a metric the SLO reads (tpot, goodput, …) refuses the
 * per-level thresholds on it before any load: that is said in loadctl's words, with the fix.
 */
export function k6FailureReason(
  outcome: Extract<Outcome, { kind: 'k6-error' }>,
  streamMetrics: readonly string[],
): string {
  const missing = outcome.detail?.match(/no metric name "([A-Za-z_0-9]+)[{"]/)?.[1];
  if (missing !== undefined && streamMetrics.includes(missing))
    return (
      `this k6 does not measure ${missing}, which the SLO reads: its streaming extension (k6/x/loadctl-sse) ` +
      'predates it; rebuild k6 with `npm run setup:k6` (`loadctl doctor` shows which k6 runs)'
    );
  return `k6 failed: ${outcome.reason}`;
}

/** The verdict over the judged levels; a saturation marks its level and those past it 'generator'. */
function decideVerdict(
  input: VerdictInput,
  levels: LevelResult[],
  numbersOf: NumbersOf,
  reached: number,
): Verdict {
  const { ramp } = input;
  const decision = input.watch.decision;
  const heldBelow = (index: number): LevelRef | null => {
    const held = levels.filter((l) => l.level - 1 < index && l.status === 'held').at(-1);
    return held ? ref(held) : null;
  };
  const broken = levels.find((l) => l.status === 'broken');
  const saturatedAt =
    decision?.kind === 'saturated'
      ? decision.level
      : input.generator.saturated && reached >= 0
        ? reached
        : undefined;
  const reasons = decision?.kind === 'saturated' ? decision.reasons : input.generator.reasons;

  // A k6 that failed (not the stop loadctl asked for) leaves no verdict to trust.
  if (input.outcome.kind === 'k6-error')
    return {
      kind: 'incomplete',
      held: heldBelow(ramp.levels.length),
      reason: k6FailureReason(input.outcome, input.watch.config.streams?.metrics ?? []),
    };
  // Levels at and past a saturation decided live are already marked 'generator': a broken level is below it.
  if (broken !== undefined && (saturatedAt === undefined || broken.level - 1 <= saturatedAt))
    return foundVerdict(input, broken, numbersOf, heldBelow(broken.level - 1));
  if (saturatedAt !== undefined) {
    for (const l of levels) if (l.level - 1 >= saturatedAt) l.status = 'generator';
    const at = levels[saturatedAt];
    const target = ramp.levels[saturatedAt]?.target ?? 0;
    return {
      kind: 'generator-saturated',
      held: heldBelow(saturatedAt),
      at: at ? ref(at) : { level: saturatedAt + 1, target, rps: null },
      reasons,
    };
  }
  const held = heldBelow(ramp.levels.length);
  if (input.outcome.kind === 'interrupted')
    return { kind: 'incomplete', held, reason: 'the run was interrupted before a level broke' };
  return { kind: 'not-found', held };
}

export function judgeBreakpoint(input: VerdictInput): BreakpointResult {
  const { ramp, watch } = input;
  const numbersOf: NumbersOf = (i) => {
    const final = input.final
      ? levelNumbers(input.final, i, input.endpoints, input.watch.config.streams)
      : undefined;
    return final !== undefined && final.requests > 0 ? final : watch.live[i];
  };
  let reached = -1;
  for (const l of ramp.levels) if ((numbersOf(l.index)?.requests ?? 0) > 0) reached = l.index;
  // Requests tagged with the next level while k6 stopped are not a level that ran.
  if (watch.decision !== undefined) reached = Math.min(reached, watch.decision.level);
  const levels = judgeLevels(input, numbersOf, reached);
  return { levels, verdict: decideVerdict(input, levels, numbersOf, reached) };
}
