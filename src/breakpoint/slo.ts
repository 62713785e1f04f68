// The service level a breaking-point search holds the target to: `--slo "p95<500ms,errors<1%"`, and on a
// streaming API `--slo "ttft_p95<2s,tpot_p95<50ms,goodput>95%"`. Parsing and judging one load level's numbers
// against it. Pure.

/** Latency statistics k6's REST API reports live for a trend (it has no p99). */
export const LIVE_LATENCY_STATS = ['avg', 'med', 'p90', 'p95', 'max'] as const;
export type LatencyStat = (typeof LIVE_LATENCY_STATS)[number];

/** The k6 trend key of each statistic. */
export const K6_STAT: Readonly<Record<LatencyStat, string>> = {
  avg: 'avg',
  med: 'med',
  p90: 'p(90)',
  p95: 'p(95)',
  max: 'max',
};

/** The streaming trends (k6ext/sse) a criterion may limit, by the prefix written in `--slo`. */
export const STREAM_TRENDS = ['ttft', 'tpot', 'e2e_latency', 'inter_token_latency'] as const;
export type StreamTrend = (typeof STREAM_TRENDS)[number];
const STREAM_PREFIXES: Readonly<Record<string, StreamTrend>> = {
  ttft: 'ttft',
  tpot: 'tpot',
  e2e: 'e2e_latency',
  e2e_latency: 'e2e_latency',
  itl: 'inter_token_latency',
  inter_token_latency: 'inter_token_latency',
};
/** The k6 Rate of streamed requests that completed and met every SLO of their step. */
export const GOODPUT_METRIC = 'goodput';

export type SloCriterion =
  | {
      kind: 'latency';
      /** A streaming trend (`ttft_p95<2s`); absent: http_req_duration (`p95<500ms`). */
      metric?: StreamTrend;
      stat: LatencyStat;
      /** Held while the statistic stays below this (at or below with `<=`). */
      limitMs: number;
      inclusive: boolean;
      /** Only this endpoint's requests (`p95{name:reserve}<300ms`); absent: all requests. */
      endpoint?: string;
      text: string;
    }
  | {
      kind: 'errors';
      /** A share, 0..1. */
      limit: number;
      inclusive: boolean;
      endpoint?: string;
      text: string;
    }
  | {
      /** The `goodput` share: a lower limit, held while the share stays above it (at or above with `>=`). */
      kind: 'goodput';
      limit: number;
      inclusive: boolean;
      endpoint?: string;
      text: string;
    };

export interface Slo {
  criteria: SloCriterion[];
  text: string;
}

export type SloParse = { ok: true; slo: Slo } | { ok: false; errors: string[] };

const EXAMPLE = 'e.g. --slo "p95<500ms,errors<1%"';
const NAMES = 'avg, med, p90, p95, max, errors, ttft_p95, tpot_p95, e2e_p95, itl_p95 or goodput';
const ITEM_RE = /^([a-z_0-9()]+)\s*(\{\s*name\s*:\s*([^{}]+?)\s*\})?\s*(<=|<|>=|>|==|=)\s*(\S.*)$/i;
const STAT_ALIASES: Readonly<Record<string, LatencyStat>> = {
  avg: 'avg',
  mean: 'avg',
  med: 'med',
  median: 'med',
  p50: 'med',
  'p(50)': 'med',
  p90: 'p90',
  'p(90)': 'p90',
  p95: 'p95',
  'p(95)': 'p95',
  max: 'max',
};
const ERROR_NAMES = new Set(['errors', 'error_rate', 'error-rate', 'http_req_failed']);

function parseLatencyMs(value: string): number | undefined {
  const m = value.match(/^(\d+(?:\.\d+)?)\s*(ms|s)?$/);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : n;
}

function parseShare(value: string): number | { error: string } {
  const pct = value.match(/^(\d+(?:\.\d+)?)\s*%$/);
  if (pct) {
    const n = Number(pct[1]) / 100;
    return n > 1 ? { error: 'more than 100%' } : n;
  }
  const m = value.match(/^(\d*\.\d+|\d+)$/);
  if (!m) return { error: 'not a share' };
  const n = Number(m[1]);
  // "errors<1" reads as 1% to some and as 100% to others: ask for the percent sign.
  if (n >= 1) return { error: `ambiguous: write ${n}% or ${n / 100}` };
  return n;
}

function parseStat(name: string, item: string, metric: StreamTrend | undefined): LatencyStat | string {
  const stat = STAT_ALIASES[name];
  if (stat !== undefined) return stat;
  if (/^p\(?(99|\d{1,2}(\.\d+)?)\)?$/.test(name))
    return `"${item}": k6's live data has avg, med (p50), p90, p95 and max, not ${name}; use p95 or p90`;
  if (metric !== undefined)
    return `"${item}": ${name} is not a statistic of ${metric}; use avg, med, p90, p95 or max (e.g. ${metric === 'e2e_latency' ? 'e2e' : metric === 'inter_token_latency' ? 'itl' : metric}_p95)`;
  return `"${item}": unknown metric ${name}; use ${NAMES}`;
}

/** `ttft_p95` → the trend and its statistic; undefined when the name has no streaming prefix. */
function splitStream(name: string): { metric: StreamTrend; stat: string } | undefined {
  for (const [prefix, metric] of Object.entries(STREAM_PREFIXES))
    if (name.startsWith(`${prefix}_`) && !(prefix === 'e2e' && name.startsWith('e2e_latency_')))
      return { metric, stat: name.slice(prefix.length + 1) };
  return undefined;
}

function parseGoodput(
  item: string,
  op: string,
  value: string,
  scope: { endpoint?: string },
): SloCriterion | string {
  if (op !== '>' && op !== '>=')
    return `"${item}": goodput is the share of requests that met their SLO, a lower limit: write goodput>95%`;
  const share = parseShare(value);
  if (typeof share !== 'number')
    return `"${item}": ${value} is ${share.error}${share.error.startsWith('ambiguous') ? '' : '; write the goodput limit as a percentage (95%) or a share (0.95)'}`;
  if (op === '>' && share >= 1) return `"${item}": no share is above 100%; write goodput>=100%`;
  return { kind: 'goodput', limit: share, inclusive: op === '>=', ...scope, text: item };
}

function parseItem(item: string): SloCriterion | string {
  const m = item.match(ITEM_RE);
  if (!m)
    return `"${item}" is not <metric><limit>: write p95<500ms, errors<1%, p95{name:reserve}<300ms, ttft_p95<2s or goodput>95%`;
  const name = (m[1] ?? '').toLowerCase();
  const endpoint = m[3];
  const op = m[4] ?? '';
  const value = (m[5] ?? '').trim();
  const scope = endpoint === undefined ? {} : { endpoint };
  if (name === GOODPUT_METRIC) return parseGoodput(item, op, value, scope);
  if (op !== '<' && op !== '<=') return `"${item}": a service level is an upper limit, write it with < or <=`;
  const inclusive = op === '<=';
  if (ERROR_NAMES.has(name)) {
    const share = parseShare(value);
    if (typeof share !== 'number')
      return `"${item}": ${value} is ${share.error}${share.error.startsWith('ambiguous') ? '' : '; write the error limit as a percentage (1%) or a share (0.01)'}`;
    return { kind: 'errors', limit: share, inclusive, ...scope, text: item };
  }
  const stream = splitStream(name);
  const stat = parseStat(stream?.stat ?? name, item, stream?.metric);
  if (!LIVE_LATENCY_STATS.includes(stat as LatencyStat)) return stat;
  const limitMs = parseLatencyMs(value);
  if (limitMs === undefined) return `"${item}": ${value} is not a duration; write 500ms or 0.5s`;
  if (limitMs <= 0) return `"${item}": the limit must be above 0`;
  const metric = stream ? { metric: stream.metric } : {};
  return { kind: 'latency', ...metric, stat: stat as LatencyStat, limitMs, inclusive, ...scope, text: item };
}

function criterionKey(c: SloCriterion): string {
  const what = c.kind === 'latency' ? `${c.metric === undefined ? '' : `${c.metric} `}${c.stat}` : c.kind;
  return `${what}{${c.endpoint ?? ''}}`;
}

/** The streaming metrics an SLO reads (each needs a stream step in the flow that is ramped). */
export function sloStreamMetrics(slo: Slo): string[] {
  const out = new Set<string>();
  for (const c of slo.criteria) {
    if (c.kind === 'latency' && c.metric !== undefined) out.add(c.metric);
    if (c.kind === 'goodput') out.add(GOODPUT_METRIC);
  }
  return [...out];
}

/** What an item limits, without its limit: `p95{name:pay}<300ms` → `p95{name:pay}`, `goodput>95%` → `goodput`. */
export function itemName(text: string): string {
  return text.replace(/\s*(<=|<|>=|>).*$/, '');
}

/** `--slo` text → criteria; every problem at once. */
export function parseSlo(text: string | undefined): SloParse {
  if (text === undefined || text.trim() === '')
    return { ok: false, errors: [`--slo is required: the service level to hold, ${EXAMPLE}`] };
  const errors: string[] = [];
  const criteria: SloCriterion[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') {
      errors.push(`--slo ${JSON.stringify(text)} has an empty item; ${EXAMPLE}`);
      continue;
    }
    const parsed = parseItem(item);
    if (typeof parsed === 'string') {
      errors.push(parsed);
      continue;
    }
    const key = criterionKey(parsed);
    if (seen.has(key)) {
      errors.push(`"${item}": ${key.replace('{}', '')} is limited twice`);
      continue;
    }
    seen.add(key);
    criteria.push(parsed);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, slo: { criteria, text: criteria.map((c) => c.text).join(',') } };
}

/** A level's numbers over some of its requests: all of them, or one endpoint's. */
export interface ScopeNumbers {
  /** Failed share of the requests (k6's http_req_failed); undefined without requests. */
  errorRate?: number;
  /** http_req_duration statistics in ms, by k6 key: avg, med, p(90), p(95), max. */
  latency: Record<string, number>;
  /** The streaming trends the SLO reads, by metric name, each by k6 key (ms); absent when none has samples. */
  stream?: Partial<Record<StreamTrend, Record<string, number>>>;
  /** The goodput share, when the SLO reads it and streams ended. */
  goodput?: number;
  /** With a streaming criterion: how many streams ended (the requests their numbers are of). */
  streams?: number;
}

/** One load level's numbers, overall and per endpoint (k6 sub-metrics of the level's requests). */
export interface LevelNumbers extends ScopeNumbers {
  requests: number;
  endpoints: Record<string, ScopeNumbers>;
}

export interface Breach {
  criterion: SloCriterion;
  observed: number;
  /** Endpoints that break the criterion's limit on their own (for an all-requests criterion), worst first. */
  endpoints: Array<{ name: string; observed: number }>;
}

/**
 * Below this many requests a level is not judged: one slow request in ten is not a p95, one error in twenty
 * is not 5% either. Error limits need at least 1/limit requests (100 for 1%) so one error cannot break them.
 */
export const MIN_LEVEL_REQUESTS = 20;

/** Likewise for goodput: one stream that missed its SLO cannot take it below the limit by itself (20 for 95%). */
function minStreams(c: Extract<SloCriterion, { kind: 'goodput' }>): number {
  return Math.max(MIN_LEVEL_REQUESTS, c.limit < 1 ? Math.ceil(1 / (1 - c.limit)) : 0);
}

export function minRequests(slo: Slo): number {
  let min = MIN_LEVEL_REQUESTS;
  for (const c of slo.criteria) {
    if (c.kind === 'errors' && c.limit > 0) min = Math.max(min, Math.ceil(1 / c.limit));
    if (c.kind === 'goodput') min = Math.max(min, minStreams(c));
  }
  return min;
}

/**
 * Whether a level has enough to judge: its requests (minRequests) and, with a streaming criterion, as many
 * streams that ended (a flow's other steps end first; a stream's numbers come when it ends).
 */
export function judgeable(slo: Slo, n: LevelNumbers): boolean {
  if (n.requests < minRequests(slo)) return false;
  let streams = 0;
  for (const c of slo.criteria) {
    if (c.kind === 'latency' && c.metric !== undefined) streams = Math.max(streams, MIN_LEVEL_REQUESTS);
    if (c.kind === 'goodput') streams = Math.max(streams, minStreams(c));
  }
  return (n.streams ?? 0) >= streams;
}

function observe(c: SloCriterion, n: ScopeNumbers): number | undefined {
  if (c.kind === 'errors') return n.errorRate;
  // Judged on the streams that ended, not on a level's other requests (a flow's quick steps end first).
  if (c.kind === 'goodput') return (n.streams ?? 0) >= minStreams(c) ? n.goodput : undefined;
  const stats = c.metric === undefined ? n.latency : n.stream?.[c.metric];
  return stats?.[K6_STAT[c.stat]];
}

/** The limit in the criterion's own unit: ms for latency, a share otherwise. */
export function limitOf(c: SloCriterion): number {
  return c.kind === 'latency' ? c.limitMs : c.limit;
}

function breaks(c: SloCriterion, value: number): boolean {
  const limit = limitOf(c);
  // goodput is a lower limit: it breaks by falling.
  if (c.kind === 'goodput') return c.inclusive ? value < limit : value <= limit;
  return c.inclusive ? value > limit : value >= limit;
}

/** Higher is worse: a latency or error share by rising, goodput by falling. */
function badness(c: SloCriterion, value: number): number {
  return c.kind === 'goodput' ? -value : value;
}

/** Which criteria a level's numbers break; empty when it held (or had nothing to judge). */
export function judgeLevel(slo: Slo, n: LevelNumbers): Breach[] {
  const out: Breach[] = [];
  for (const c of slo.criteria) {
    const scoped = c.endpoint === undefined ? n : n.endpoints[c.endpoint];
    const observed = scoped === undefined ? undefined : observe(c, scoped);
    if (observed === undefined || !breaks(c, observed)) continue;
    const endpoints =
      c.endpoint !== undefined
        ? [{ name: c.endpoint, observed }]
        : Object.entries(n.endpoints)
            .map(([name, e]) => ({ name, observed: observe(c, e) }))
            .filter(
              (e): e is { name: string; observed: number } =>
                e.observed !== undefined && breaks(c, e.observed),
            )
            .sort((a, b) => badness(c, b.observed) - badness(c, a.observed));
    out.push({ criterion: c, observed, endpoints });
  }
  return out;
}

/** The endpoint with the highest value of a criterion's statistic (who to look at when none breaks alone). */
export function worstEndpoint(
  c: SloCriterion,
  n: LevelNumbers,
): { name: string; observed: number } | undefined {
  let worst: { name: string; observed: number } | undefined;
  for (const [name, e] of Object.entries(n.endpoints)) {
    const observed = observe(c, e);
    if (observed !== undefined && (worst === undefined || badness(c, observed) > badness(c, worst.observed)))
      worst = { name, observed };
  }
  return worst;
}
