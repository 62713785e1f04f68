// A token bucket per client. The clock is injected (milliseconds, monotonic) so tests step time by hand.
import type { ResolvedRateLimit } from './knobs.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface ClientCounts {
  allowed: number;
  limited: number;
}

export interface RateLimitSummary extends ClientCounts {
  clients: Record<string, ClientCounts>;
}

export interface ClientAccuracy {
  allowed: number;
  /**
   * The most the limits let through between the client's first and last request: burst + perSecond × the
   * seconds between them, rounded down.
   */
  allowance: number;
  /** Requests allowed beyond the allowance: 0 for an accurate limiter. */
  overLimit: number;
}

/**
 * Did the limiter hold each client to its configured rate? Judged under the limits in force now, so after a
 * change of limits (`PUT /admin/knobs`) a client served under the old ones may be misjudged.
 */
export interface RateLimitAccuracy {
  perSecond: number;
  burst: number;
  /** Sum over the clients below. */
  overLimit: number;
  clients: Record<string, ClientAccuracy>;
}

export interface RateLimiter {
  take(client: string): RateDecision;
  /** New limits apply from the next request; buckets keep their tokens, capped at the new burst. */
  configure(limit: ResolvedRateLimit): void;
  summarize(): RateLimitSummary;
  summarizeAccuracy(): RateLimitAccuracy;
}

interface Bucket extends ClientCounts {
  tokens: number;
  updatedAt: number;
  /** When the client's first and latest requests came (configure and prune move updatedAt too). */
  firstAt: number;
  lastAt: number;
}

/** Float slack when comparing a count of requests with burst + rate × time. */
const ALLOWANCE_EPSILON = 1e-9;

/**
 * Past this many clients, idle buckets (full again, so forgetting them changes no decision) are dropped; their
 * per-client counts go with them, the totals stay.
 */
const PRUNE_ABOVE = 10_000;

export function createRateLimiter(initial: ResolvedRateLimit, now: () => number): RateLimiter {
  let limit = initial;
  const buckets = new Map<string, Bucket>();
  let allowed = 0;
  let limited = 0;

  function refill(bucket: Bucket, at: number): void {
    const elapsed = Math.max(0, at - bucket.updatedAt);
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (elapsed / 1000) * limit.perSecond);
    bucket.updatedAt = at;
  }

  function prune(at: number): void {
    for (const [client, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.tokens >= limit.burst) buckets.delete(client);
    }
  }

  return {
    take(client) {
      const at = now();
      let bucket = buckets.get(client);
      if (bucket === undefined) {
        if (buckets.size >= PRUNE_ABOVE) prune(at);
        bucket = { tokens: limit.burst, updatedAt: at, firstAt: at, lastAt: at, allowed: 0, limited: 0 };
        buckets.set(client, bucket);
      } else {
        refill(bucket, at);
        bucket.lastAt = at;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        bucket.allowed++;
        allowed++;
        return ALLOWED;
      }
      bucket.limited++;
      limited++;
      return { allowed: false, retryAfterMs: ((1 - bucket.tokens) / limit.perSecond) * 1000 };
    },
    configure(next) {
      const at = now();
      for (const bucket of buckets.values()) refill(bucket, at);
      limit = next;
      for (const bucket of buckets.values()) bucket.tokens = Math.min(bucket.tokens, limit.burst);
    },
    summarize() {
      return {
        allowed,
        limited,
        // Client keys come from a request header: fromEntries keeps "__proto__" an ordinary key.
        clients: Object.fromEntries(
          Array.from(buckets, ([client, b]) => [client, { allowed: b.allowed, limited: b.limited }]),
        ),
      };
    },
    summarizeAccuracy() {
      const judged = Array.from(
        buckets,
        ([client, b]) => [client, judgeClient(b.allowed, b.lastAt - b.firstAt, limit)] as const,
      );
      return {
        perSecond: limit.perSecond,
        burst: limit.burst,
        overLimit: judged.reduce((sum, [, accuracy]) => sum + accuracy.overLimit, 0),
        clients: Object.fromEntries(judged),
      };
    },
  };
}

/**
 * A token bucket that starts full can let through at most burst + perSecond × elapsed requests over any
 * stretch of elapsed time: more than that is a limiter letting traffic through the dam.
 */
export function judgeClient(allowed: number, elapsedMs: number, limit: ResolvedRateLimit): ClientAccuracy {
  const allowance = Math.floor(
    limit.burst + (limit.perSecond * Math.max(0, elapsedMs)) / 1000 + ALLOWANCE_EPSILON,
  );
  return { allowed, allowance, overLimit: Math.max(0, allowed - allowance) };
}

const ALLOWED: RateDecision = { allowed: true };

/** Whole seconds for the Retry-After header: at least 1, since 0 would invite an immediate retry. */
export function renderRetryAfter(retryAfterMs: number): string {
  return String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
}

/** Who a request counts against: an explicit client id, else its bearer token, else its address. */
export function resolveClientKey(
  clientIdHeader: string | string[] | undefined,
  bearer: string | undefined,
  remoteAddress: string | undefined,
): string {
  const clientId = Array.isArray(clientIdHeader) ? clientIdHeader[0] : clientIdHeader;
  if (clientId !== undefined && clientId !== '') return `id:${clientId}`;
  if (bearer !== undefined) return `token:${bearer}`;
  return `ip:${remoteAddress ?? 'unknown'}`;
}
