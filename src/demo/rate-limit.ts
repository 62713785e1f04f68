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

export interface RateLimiter {
  take(client: string): RateDecision;
  /** New limits apply from the next request; buckets keep their tokens, capped at the new burst. */
  configure(limit: ResolvedRateLimit): void;
  summarize(): RateLimitSummary;
}

interface Bucket extends ClientCounts {
  tokens: number;
  updatedAt: number;
}

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
        bucket = { tokens: limit.burst, updatedAt: at, allowed: 0, limited: 0 };
        buckets.set(client, bucket);
      } else {
        refill(bucket, at);
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
  };
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
