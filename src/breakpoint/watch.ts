// Watching a breaking-point run: a fold over k6's live REST samples (about one a second) that decides when to
// stop. Each level's numbers are k6's own statistics of that level's requests (sub-metrics of the level tag),
// not differences of cumulative trends: k6's REST API gives percentiles only since the start, and a p95 cannot
// be subtracted. Pure.
import type { GuardReason, GuardVerdict } from '../report/model/guard.js';
import { BATCH_TAG, selectorSafe } from '../report/model/k6-submetrics.js';
import {
  GOODPUT_METRIC,
  judgeLevel,
  judgeable,
  STREAM_TRENDS,
  type Breach,
  type LevelNumbers,
  type ScopeNumbers,
  type Slo,
  type StreamTrend,
} from './slo.js';

/** Seconds in a row a level must break the SLO before the search stops (`--window`). */
export const DEFAULT_WINDOW = 3;

/** A metric's values by its k6 name (`http_req_duration{lc_batch:3}`); undefined when k6 has none. */
export type MetricValues = (key: string) => Readonly<Record<string, number | null | undefined>> | undefined;

function clean(
  values: Readonly<Record<string, number | null | undefined>> | undefined,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values ?? {}))
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** The streaming metrics the SLO reads, and the endpoints (stream steps) that emit them. */
export interface StreamReading {
  metrics: readonly string[];
  endpoints: readonly string[];
}

const NO_STREAMS: StreamReading = { metrics: [], endpoints: [] };

/** The k6 selectors of one level's streaming sub-metrics: overall and per stream step. */
export function streamSelectors(reading: StreamReading, level: number): string[] {
  const tag = `${BATCH_TAG}:${level}`;
  return [tag, ...reading.endpoints.filter(selectorSafe).map((name) => `name:${name},${tag}`)];
}

/** The k6 key that counts one stream step's requests at a level: how many of its streams ended. */
export const streamCountKey = (name: string, level: number): string =>
  `http_reqs{name:${name},${BATCH_TAG}:${level}}`;

/**
 * The streaming numbers of one scope. k6 shows a trend without samples as zeros and a rate without samples as
 * 0: a trend whose max is 0 had none (a time from a stream is never 0 ms), and goodput comes with the count of
 * streams that ended (k6 counts a request, and records its stream's numbers, as it ends), so that a level
 * whose streams are still running is not taken for one where none met its SLO.
 */
function streamNumbers(
  values: MetricValues,
  reading: StreamReading,
  selector: string,
  streams: number,
): Pick<ScopeNumbers, 'stream' | 'goodput' | 'streams'> {
  const stream: Partial<Record<StreamTrend, Record<string, number>>> = {};
  for (const metric of STREAM_TRENDS) {
    if (!reading.metrics.includes(metric)) continue;
    const stats = clean(values(`${metric}{${selector}}`));
    if ((stats['max'] ?? 0) > 0) stream[metric] = stats;
  }
  const goodput =
    reading.metrics.includes(GOODPUT_METRIC) && streams > 0
      ? clean(values(`${GOODPUT_METRIC}{${selector}}`))['rate']
      : undefined;
  return {
    streams,
    ...(Object.keys(stream).length > 0 ? { stream } : {}),
    ...(goodput !== undefined ? { goodput } : {}),
  };
}

/** Streams that ended at a level: one stream step's, or all of them. */
function streamCount(values: MetricValues, reading: StreamReading, level: number, only?: string): number {
  const names = only === undefined ? reading.endpoints.filter(selectorSafe) : [only];
  return names.reduce((sum, name) => sum + (clean(values(streamCountKey(name, level)))['count'] ?? 0), 0);
}

/** One level's numbers from k6's sub-metrics (live REST samples or the end-of-test data alike). */
export function levelNumbers(
  values: MetricValues,
  level: number,
  endpoints: readonly string[],
  reading: StreamReading = NO_STREAMS,
): LevelNumbers {
  const tag = `${BATCH_TAG}:${level}`;
  const requests = clean(values(`http_reqs{${tag}}`))['count'] ?? 0;
  const failed = clean(values(`http_req_failed{${tag}}`))['rate'];
  const out: LevelNumbers = {
    requests,
    ...(requests > 0 && failed !== undefined ? { errorRate: failed } : {}),
    latency: requests > 0 ? clean(values(`http_req_duration{${tag}}`)) : {},
    ...(requests > 0 && reading.metrics.length > 0
      ? streamNumbers(values, reading, tag, streamCount(values, reading, level))
      : {}),
    endpoints: {},
  };
  for (const name of endpoints) {
    const duration = clean(values(`http_req_duration{name:${name},${tag}}`));
    if (Object.keys(duration).length === 0) continue;
    const rate = clean(values(`http_req_failed{name:${name},${tag}}`))['rate'];
    out.endpoints[name] = {
      latency: duration,
      ...(rate !== undefined ? { errorRate: rate } : {}),
      ...(reading.endpoints.includes(name)
        ? streamNumbers(values, reading, `name:${name},${tag}`, streamCount(values, reading, level, name))
        : {}),
    };
  }
  return out;
}

export interface WatchConfig {
  slo: Slo;
  levels: number;
  endpoints: readonly string[];
  /** Polls in a row (about seconds) a level must break the SLO. */
  window: number;
  /** The streaming metrics the SLO reads; none without a streaming criterion. */
  streams?: StreamReading;
}

/** Why the search stopped early. */
export type WatchDecision =
  | {
      kind: 'broke';
      level: number;
      /** Series time (s since k6 started) of the poll that decided. */
      atS: number;
      /** What broke in the first poll of the streak: what broke first. */
      first: Breach[];
      /**
       * window: broken `window` polls in a row; level-end: the level's whole step broke it (found when the next
       * level began); pool: the VU pool ran out while this level's latency already broke the SLO.
       */
      by: 'window' | 'level-end' | 'pool';
      generator?: GuardReason[];
    }
  | { kind: 'saturated'; level: number; atS: number; reasons: GuardReason[] };

export interface WatchState {
  config: WatchConfig;
  /** Highest level with requests so far; -1 before the first. */
  current: number;
  streak: number;
  streakFirst: Breach[];
  /** The latest live numbers of every level seen. */
  live: LevelNumbers[];
  /** Series time of the first and last poll in which each level was the current one. */
  seen: Array<{ firstS: number; lastS: number }>;
  decision: WatchDecision | undefined;
}

export function initialWatch(config: WatchConfig): WatchState {
  return { config, current: -1, streak: 0, streakFirst: [], live: [], seen: [], decision: undefined };
}

export interface WatchTick {
  /** Series time of the poll (seconds since k6 started). */
  t: number;
  values: MetricValues;
  /** The in-run generator check's verdict so far. */
  generator: GuardVerdict;
}

const POOL_REASONS = new Set(['dropped-iterations', 'vus-at-max']);

export function foldWatch(state: WatchState, tick: WatchTick): WatchState {
  if (state.decision !== undefined) return state;
  const { config } = state;
  const live = Array.from({ length: config.levels }, (_, i) =>
    levelNumbers(tick.values, i, config.endpoints, config.streams),
  );
  let current = state.current;
  for (let i = config.levels - 1; i > current; i--) {
    if ((live[i]?.requests ?? 0) > 0) {
      current = i;
      break;
    }
  }
  const seen = [...state.seen];
  if (current >= 0) {
    const prev = seen[current];
    seen[current] = { firstS: prev?.firstS ?? tick.t, lastS: tick.t };
  }
  const next: WatchState = { ...state, current, live, seen };
  const judged = (i: number): Breach[] => {
    const n = live[i];
    return n !== undefined && judgeable(config.slo, n) ? judgeLevel(config.slo, n) : [];
  };

  // Levels that just ended are judged on their whole step.
  for (let i = Math.max(0, state.current); i < current; i++) {
    const breaches = judged(i);
    if (breaches.length > 0)
      return {
        ...next,
        decision: { kind: 'broke', level: i, atS: tick.t, first: breaches, by: 'level-end' },
      };
  }
  const breaches = current >= 0 ? judged(current) : [];
  const streak =
    current !== state.current ? (breaches.length > 0 ? 1 : 0) : breaches.length > 0 ? state.streak + 1 : 0;
  const streakFirst = streak === 1 ? breaches : streak === 0 ? [] : state.streakFirst;
  const watched: WatchState = { ...next, streak, streakFirst };

  if (tick.generator.saturated && current >= 0) {
    const poolOnly = tick.generator.reasons.every((r) => POOL_REASONS.has(r.kind));
    const slow = breaches.some((b) => b.criterion.kind === 'latency');
    // Little's law: a pool sized for the SLO's latency runs out when the target got slower than that. That is
    // the target breaking; a pool that runs out while the target is fast, or a busy CPU, is the generator.
    if (poolOnly && slow)
      return {
        ...watched,
        decision: {
          kind: 'broke',
          level: current,
          atS: tick.t,
          first: streakFirst.length > 0 ? streakFirst : breaches,
          by: 'pool',
          generator: tick.generator.reasons,
        },
      };
    return {
      ...watched,
      decision: { kind: 'saturated', level: current, atS: tick.t, reasons: tick.generator.reasons },
    };
  }
  if (streak >= config.window)
    return {
      ...watched,
      decision: { kind: 'broke', level: current, atS: tick.t, first: streakFirst, by: 'window' },
    };
  return watched;
}
