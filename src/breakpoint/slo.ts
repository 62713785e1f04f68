// The service level a breaking-point search holds the target to: `--slo "p95<500ms,errors<1%"`. Parsing and
// judging one load level's numbers against it. Pure.

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

export type SloCriterion =
  | {
      kind: 'latency';
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
    };

export interface Slo {
  criteria: SloCriterion[];
  text: string;
}

export type SloParse = { ok: true; slo: Slo } | { ok: false; errors: string[] };

const EXAMPLE = 'e.g. --slo "p95<500ms,errors<1%"';
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

function parseItem(item: string): SloCriterion | string {
  const m = item.match(ITEM_RE);
  if (!m)
    return `"${item}" is not <metric><limit>: write p95<500ms, avg<200ms, errors<1% or p95{name:reserve}<300ms`;
  const name = (m[1] ?? '').toLowerCase();
  const endpoint = m[3];
  const op = m[4] ?? '';
  const value = (m[5] ?? '').trim();
  const scope = endpoint === undefined ? {} : { endpoint };
  if (op !== '<' && op !== '<=') return `"${item}": a service level is an upper limit, write it with < or <=`;
  const inclusive = op === '<=';
  if (ERROR_NAMES.has(name)) {
    const share = parseShare(value);
    if (typeof share !== 'number')
      return `"${item}": ${value} is ${share.error}${share.error.startsWith('ambiguous') ? '' : '; write the error limit as a percentage (1%) or a share (0.01)'}`;
    return { kind: 'errors', limit: share, inclusive, ...scope, text: item };
  }
  const stat = STAT_ALIASES[name];
  if (stat === undefined) {
    if (/^p\(?(99|\d{1,2}(\.\d+)?)\)?$/.test(name))
      return `"${item}": k6's live data has avg, med (p50), p90, p95 and max, not ${name}; use p95 or p90`;
    return `"${item}": unknown metric ${name}; use avg, med, p90, p95, max or errors`;
  }
  const limitMs = parseLatencyMs(value);
  if (limitMs === undefined) return `"${item}": ${value} is not a duration; write 500ms or 0.5s`;
  if (limitMs <= 0) return `"${item}": the limit must be above 0`;
  return { kind: 'latency', stat, limitMs, inclusive, ...scope, text: item };
}

function criterionKey(c: SloCriterion): string {
  return `${c.kind === 'latency' ? c.stat : 'errors'}{${c.endpoint ?? ''}}`;
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

/** One load level's numbers, overall and per endpoint (k6 sub-metrics of the level's requests). */
export interface LevelNumbers {
  requests: number;
  /** Failed share of the level's requests (k6's http_req_failed); undefined without requests. */
  errorRate?: number;
  /** http_req_duration statistics in ms, by k6 key: avg, med, p(90), p(95), max. */
  latency: Record<string, number>;
  endpoints: Record<string, { errorRate?: number; latency: Record<string, number> }>;
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

export function minRequests(slo: Slo): number {
  let min = MIN_LEVEL_REQUESTS;
  for (const c of slo.criteria)
    if (c.kind === 'errors' && c.limit > 0) min = Math.max(min, Math.ceil(1 / c.limit));
  return min;
}

function observe(
  c: SloCriterion,
  n: { errorRate?: number; latency: Record<string, number> },
): number | undefined {
  return c.kind === 'errors' ? n.errorRate : n.latency[K6_STAT[c.stat]];
}

function breaks(c: SloCriterion, value: number): boolean {
  const limit = c.kind === 'errors' ? c.limit : c.limitMs;
  return c.inclusive ? value > limit : value >= limit;
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
            .sort((a, b) => b.observed - a.observed);
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
    if (observed !== undefined && (worst === undefined || observed > worst.observed))
      worst = { name, observed };
  }
  return worst;
}
