// The demo service's knobs: defaults, validation and run-time patches. Pure; the schema in src/plans/schema.ts
// stays the one definition of what a knob is, so a plan's `demo:` block and `PUT /admin/knobs` accept the same.
import { isIPv4 } from 'node:net';
import { demoKnobsSchema, type DemoKnobs } from '../plans/schema.js';
import type { ResolvedCapacity } from './capacity.js';

export interface ResolvedRateLimit {
  perSecond: number;
  burst: number;
}

export interface ResolvedChatKnobs {
  ttftMs: number;
  tokenDelayMs: number;
  tokens: number;
  /** Share of streams cut off before their end marker. */
  cutRate: number;
  /** Tokens a cut stream sends first; undefined: half the answer. */
  cutAfterTokens?: number;
}

/** Every knob with its default applied: what the service actually does. */
export interface ResolvedDemoKnobs {
  host: string;
  port: number;
  latencyMs: number;
  jitterMs: number;
  errorRate: number;
  cpuWorkMs: number;
  /** SHA-256 rounds of `GET /` (root-work.ts). */
  rootWork: number;
  schedules: number;
  seatsPerSchedule: number;
  initialPoints: number;
  couponStock: number;
  rateLimit: ResolvedRateLimit | undefined;
  /** The worker pool (capacity.ts); undefined: no limit. */
  capacity: ResolvedCapacity | undefined;
  chat: ResolvedChatKnobs;
  allowDoubleBooking: boolean;
}

export const DEMO_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  schedules: 3,
  seatsPerSchedule: 50,
  initialPoints: 0,
  couponStock: 100,
  rootWork: 2000,
  chat: { ttftMs: 300, tokenDelayMs: 20, tokens: 20 },
} as const;

/**
 * Knobs that shape the business state (how many schedules and seats, starting points, coupon stock). Changing
 * them under live reservations would leave seats that no longer exist, so they take effect at the next reset.
 */
export const STATE_KNOBS = ['schedules', 'seatsPerSchedule', 'initialPoints', 'couponStock'] as const;

export type KnobsCheck = { ok: true; knobs: DemoKnobs } | { ok: false; issues: string[] };

export function resolveDemoKnobs(knobs: DemoKnobs): ResolvedDemoKnobs {
  const rate = knobs.rateLimit;
  return {
    host: knobs.host ?? DEMO_DEFAULTS.host,
    port: knobs.port ?? DEMO_DEFAULTS.port,
    latencyMs: knobs.latencyMs ?? 0,
    jitterMs: knobs.jitterMs ?? 0,
    errorRate: knobs.errorRate ?? 0,
    cpuWorkMs: knobs.cpuWorkMs ?? 0,
    rootWork: knobs.rootWork ?? DEMO_DEFAULTS.rootWork,
    schedules: knobs.schedules ?? DEMO_DEFAULTS.schedules,
    seatsPerSchedule: knobs.seatsPerSchedule ?? DEMO_DEFAULTS.seatsPerSchedule,
    initialPoints: knobs.initialPoints ?? DEMO_DEFAULTS.initialPoints,
    couponStock: knobs.couponStock ?? DEMO_DEFAULTS.couponStock,
    rateLimit:
      rate === undefined
        ? undefined
        : { perSecond: rate.perSecond, burst: rate.burst ?? Math.ceil(rate.perSecond) },
    capacity:
      knobs.capacity === undefined
        ? undefined
        : { maxConcurrent: knobs.capacity.maxConcurrent, queue: knobs.capacity.queue ?? 0 },
    chat: {
      ttftMs: knobs.chat?.ttftMs ?? DEMO_DEFAULTS.chat.ttftMs,
      tokenDelayMs: knobs.chat?.tokenDelayMs ?? DEMO_DEFAULTS.chat.tokenDelayMs,
      tokens: knobs.chat?.tokens ?? DEMO_DEFAULTS.chat.tokens,
      cutRate: knobs.chat?.cutRate ?? 0,
      ...(knobs.chat?.cutAfterTokens !== undefined ? { cutAfterTokens: knobs.chat.cutAfterTokens } : {}),
    },
    allowDoubleBooking: knobs.allowDoubleBooking ?? false,
  };
}

/** One problem with the knobs: the knob's path (`chat.tokens`; `knobs` for the whole) and what is wrong. */
export interface KnobIssue {
  path: string;
  message: string;
}

/** The schema's check plus what a regex cannot say: each octet of the loopback address is at most 255. */
export function checkDemoKnobs(
  input: unknown,
): { ok: true; knobs: DemoKnobs } | { ok: false; issues: KnobIssue[] } {
  const parsed = demoKnobsSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({ path: renderPath(issue.path), message: issue.message })),
    };
  }
  const host = parsed.data.host;
  if (host !== undefined && !isLoopbackIPv4(host)) {
    return {
      ok: false,
      issues: [
        { path: 'host', message: `${host} is not a loopback IPv4 address; use 127.0.0.1 (127.0.0.0/8)` },
      ],
    };
  }
  return { ok: true, knobs: parsed.data };
}

/** checkDemoKnobs with each issue as one line, `path: message`. */
export function validateDemoKnobs(input: unknown): KnobsCheck {
  const checked = checkDemoKnobs(input);
  if (checked.ok) return checked;
  return { ok: false, issues: checked.issues.map((issue) => `${issue.path}: ${issue.message}`) };
}

export function isLoopbackIPv4(host: string): boolean {
  return isIPv4(host) && host.startsWith('127.');
}

/**
 * Validates a run-time patch (the body of `PUT /admin/knobs`). `null` unsets a knob, so `{"rateLimit": null}`
 * turns the limiter off; `chat` merges into the current chat knobs. Host and port may be repeated (so the knobs
 * from `GET /admin/stats` can be sent back) but not changed: the socket is already bound.
 */
export function resolveKnobsPatch(
  current: DemoKnobs,
  patch: unknown,
  listening: { host: string; port: number },
): KnobsCheck {
  if (!isPlainObject(patch)) {
    return { ok: false, issues: ['expected a JSON object of knobs, e.g. {"latencyMs": 50}'] };
  }
  const issues: string[] = [];
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'host' || key === 'port') {
      if (value !== undefined && value !== listening[key]) {
        issues.push(`${key}: cannot change while the service listens on ${listening.host}:${listening.port}`);
      }
    } else if (value === null || value === undefined) delete next[key];
    else if (key === 'chat' && isPlainObject(value)) next[key] = { ...current.chat, ...value };
    else next[key] = value;
  }
  if (issues.length > 0) return { ok: false, issues };
  return validateDemoKnobs(next);
}

/** The state knobs a patch changes: the caller says they apply after `POST /admin/reset`. */
export function listStateKnobChanges(before: DemoKnobs, after: DemoKnobs): string[] {
  return STATE_KNOBS.filter((key) => before[key] !== after[key]);
}

/** Resolved knobs in the plan's shape, for `GET /admin/stats`: defaults shown, the bound port filled in. */
export function renderKnobs(resolved: ResolvedDemoKnobs, port: number): DemoKnobs {
  const { rateLimit, capacity, ...rest } = resolved;
  return {
    ...rest,
    port,
    chat: { ...rest.chat },
    ...(rateLimit === undefined ? {} : { rateLimit: { ...rateLimit } }),
    ...(capacity === undefined ? {} : { capacity: { ...capacity } }),
  };
}

export interface FaultPlan {
  delayMs: number;
  cpuMs: number;
  fail: boolean;
}

/** What the latency, error and CPU knobs do to one request, given two uniform random numbers in [0, 1). */
export function planFaults(knobs: ResolvedDemoKnobs, jitterRoll: number, errorRoll: number): FaultPlan {
  return {
    delayMs: knobs.latencyMs + (knobs.jitterMs > 0 ? jitterRoll * knobs.jitterMs : 0),
    cpuMs: knobs.cpuWorkMs,
    fail: knobs.errorRate > 0 && errorRoll < knobs.errorRate,
  };
}

function renderPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'knobs' : path.map(String).join('.');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
