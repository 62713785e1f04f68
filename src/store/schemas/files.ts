// The zod schemas of a run folder's other JSON files (summary.json's is in summary.ts). Each carries its
// version: a `schema` field (plan.resolved.json and demo-stats.json got theirs later, so a file without one
// reads as v1), or samples-aggregates.json's own `format` and `version`. k6-summary.json is k6's: only the
// fields loadctl reads are checked.
import { z } from 'zod';
import { comparisonRefSchema, guardReasonSchema } from './summary.js';

export const META_SCHEMA = 'loadctl.meta/v1';
export const SERIES_SCHEMA = 'loadctl.series/v1';
export const PLAN_RESOLVED_SCHEMA = 'loadctl.plan-resolved/v1';
export const DEMO_STATS_SCHEMA = 'loadctl.demo-stats/v1';
export const BREAKPOINT_SCHEMA = 'loadctl.breakpoint/v1';

const stats = z.record(z.string(), z.number());

/** `run --vus/--duration/--iterations/--stages/--scenario/-e` as given (src/plans/overrides.ts RunOverrides). */
export const overridesSchema = z.object({
  vus: z.number().optional(),
  duration: z.string().optional(),
  iterations: z.number().optional(),
  stages: z.array(z.object({ duration: z.string(), target: z.number() })).optional(),
  scenarios: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
});

// meta.json is written before k6 starts (its end fields null) and again at the end. Every field but
// `schema` is optional on reading: runs recorded by earlier versions, and trimmed fixtures, lack some.
export const metaSchema = z.object({
  schema: z.literal(META_SCHEMA),
  runId: z.string().optional(),
  loadctl: z.string().optional(),
  k6: z.object({ version: z.string().optional(), path: z.string().optional() }).optional(),
  host: z
    .object({
      arch: z.string(),
      platform: z.string(),
      cpuModel: z.string(),
      cores: z.number(),
      kernel: z.string(),
      memoryBytes: z.number(),
      hostname: z.string(),
      node: z.string(),
    })
    .partial()
    .optional(),
  plan: z.object({ name: z.string(), file: z.string(), profile: z.string().nullable() }).partial().optional(),
  target: z
    .object({ name: z.string(), url: z.string(), description: z.string().nullable(), demo: z.boolean() })
    .partial()
    .optional(),
  tags: z.record(z.string(), z.string()).optional(),
  comparison: comparisonRefSchema.nullable().optional(),
  /** The command line's overrides of the plan, when there were any. */
  overrides: overridesSchema.optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().nullable().optional(),
  k6ExitCode: z.number().nullable().optional(),
  exitCode: z.number().nullable().optional(),
  /** The outcome's kind (summary.json has the whole outcome). */
  outcome: z.string().nullable().optional(),
  /** The runners the load was split over: where each ran, its segment, its k6 and how it ended. */
  runners: z
    .array(
      z.object({
        id: z.string(),
        where: z.string(),
        segment: z.string(),
        /** Its share of each scenario: VUs, and iterations where the scenario counts them. */
        share: z
          .record(z.string(), z.object({ vus: z.number(), iterations: z.number().optional() }))
          .optional(),
        restAddress: z.string(),
        k6: z.string(),
        exit: z.string(),
        exitCode: z.number().nullable(),
        problem: z.string().nullable(),
        frames: z.number(),
        final: z.boolean(),
      }),
    )
    .optional(),
  partial: z.boolean().optional(),
  /** When and why loadctl ended every runner's share early. */
  runnersStopped: z.object({ reason: z.string(), at: z.string() }).optional(),
  /** k6's own outputs the run also sent its metrics to: the names of their environment options, no values. */
  outputs: z
    .array(
      z.object({
        type: z.string(),
        url: z.string().optional(),
        file: z.string().optional(),
        env: z.array(z.string()),
      }),
    )
    .optional(),
});
export type StoredMeta = z.output<typeof metaSchema>;

export const seriesPointSchema = z.object({
  t: z.number(),
  vus: z.number(),
  rps: z.number(),
  errorsPerSecond: z.number(),
  errorRate: z.number(),
  iterationsPerSecond: z.number(),
  droppedIterations: z.number(),
  p50: z.number().optional(),
  p95: z.number().optional(),
  p99: z.number().optional(),
});

export const seriesSchema = z.object({
  schema: z.literal(SERIES_SCHEMA),
  /** k6's REST API polled each second (cumulative percentiles), the raw samples (--samples), or loadctl's metric stream. */
  source: z.enum(['k6-rest-api', 'samples', 'frames']),
  intervalMs: z.number(),
  points: z.array(seriesPointSchema),
  /** Per-endpoint points, written with --samples or from the metric stream. */
  endpoints: z.record(z.string(), z.array(seriesPointSchema)).optional(),
});
export type StoredSeries = z.output<typeof seriesSchema>;

/** One scenario of plan.resolved.json, as far as reports describe it. */
const scenarioSchema = z.looseObject({ executor: z.string() });

// The plan itself is the validated plan (src/plans/schema.ts) with secret values redacted; reports read
// only its scenarios, metrics, description and about facts, so only those are checked here.
export const planResolvedSchema = z.object({
  schema: z.literal(PLAN_RESOLVED_SCHEMA).optional(),
  profile: z.string().nullable(),
  target: z.string(),
  /** The command line's overrides, already applied to `plan`. */
  overrides: overridesSchema.optional(),
  plan: z.looseObject({
    name: z.string(),
    description: z.string().optional(),
    about: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    scenarios: z.record(z.string(), scenarioSchema).optional(),
    metrics: z
      .record(z.string(), z.looseObject({ type: z.string().optional(), description: z.string().optional() }))
      .optional(),
  }),
});
export type StoredPlanResolved = z.output<typeof planResolvedSchema>;

// `GET /admin/stats` of the demo service at the end of the load (src/demo/server.ts DemoStats).
export const demoStatsSchema = z.looseObject({
  schema: z.literal(DEMO_STATS_SCHEMA).optional(),
  requests: stats,
  statuses: z.record(z.string(), stats),
  seatsBooked: z.number(),
  doubleBookings: z.number(),
  reservations: z.number(),
  payments: z.number(),
  users: z.number(),
  startedAt: z.string(),
  resetAt: z.string().nullable(),
  knobs: z.looseObject({}),
});
export type StoredDemoStats = z.output<typeof demoStatsSchema>;

const levelRefSchema = z.object({ level: z.number(), target: z.number(), rps: z.number().nullable() });
const breachSchema = z.object({
  criterion: z.string(),
  kind: z.enum(['latency', 'errors', 'goodput']),
  observed: z.number(),
  limit: z.number(),
  endpoints: z.array(z.object({ name: z.string(), observed: z.number() })),
  worst: z.object({ name: z.string(), observed: z.number() }).optional(),
});

// A level's streaming numbers, with a streaming criterion: the trends it reads (ms) and the goodput share.
const streamNumbers = {
  stream: z.record(z.string(), stats).optional(),
  goodput: z.number().optional(),
  streams: z.number().optional(),
};

// breakpoint.json (docs/breakpoint.md): the search's levels and verdict (src/breakpoint/verdict.ts).
export const breakpointSchema = z.object({
  schema: z.literal(BREAKPOINT_SCHEMA),
  runId: z.string(),
  plan: z.string(),
  target: z.object({ name: z.string(), url: z.string() }),
  scenario: z.string(),
  flow: z.string(),
  model: z.enum(['open', 'closed']),
  unit: z.enum(['iterations/s', 'VUs']),
  slo: z.object({
    text: z.string(),
    criteria: z.array(z.looseObject({ kind: z.string(), text: z.string() })),
  }),
  ramp: z.object({
    stepMs: z.number(),
    window: z.number(),
    levels: z.array(z.object({ level: z.number(), target: z.number() })),
    preAllocatedVUs: z.number().optional(),
    maxVUs: z.number().optional(),
  }),
  verdict: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('found'),
      held: levelRefSchema.nullable(),
      broke: levelRefSchema,
      first: z.array(breachSchema),
      by: z.enum(['window', 'level-end', 'pool', 'final']),
      generator: z.array(guardReasonSchema).optional(),
    }),
    z.object({ kind: z.literal('not-found'), held: levelRefSchema.nullable() }),
    z.object({
      kind: z.literal('generator-saturated'),
      held: levelRefSchema.nullable(),
      at: levelRefSchema,
      reasons: z.array(guardReasonSchema),
    }),
    z.object({ kind: z.literal('incomplete'), held: levelRefSchema.nullable(), reason: z.string() }),
  ]),
  levels: z.array(
    z.object({
      level: z.number(),
      target: z.number(),
      status: z.enum(['held', 'broken', 'too-few-requests', 'generator']),
      requests: z.number(),
      rps: z.number().nullable(),
      errorRate: z.number().nullable(),
      latency: stats,
      ...streamNumbers,
      endpoints: z.record(
        z.string(),
        z.object({ errorRate: z.number().nullable(), latency: stats, ...streamNumbers }),
      ),
      breaches: z.array(breachSchema),
      firstS: z.number().nullable(),
      lastS: z.number().nullable(),
    }),
  ),
  /** With server.json (the target's `monitor:`): the server's CPU and memory per level (src/breakpoint/server.ts). */
  server: z
    .object({
      cpu: z.enum(['host', 'process']).nullable(),
      memory: z.enum(['host', 'process']).nullable(),
      onThisMachine: z.boolean(),
      limits: z.object({ cpuPercent: z.number(), memoryPercent: z.number() }),
      levels: z.array(
        z.object({
          level: z.number(),
          cpuMax: z.number().nullable(),
          memoryMaxPercent: z.number().nullable(),
        }),
      ),
      reached: z.array(
        z.object({
          resource: z.enum(['cpu', 'memory']),
          level: z.number(),
          observed: z.number(),
          limit: z.number(),
        }),
      ),
      summary: z.string(),
    })
    .optional(),
  stoppedBecause: z.string().nullable(),
  runOutcome: z.string(),
});
export type StoredBreakpoint = z.output<typeof breakpointSchema>;
