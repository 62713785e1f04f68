// summary.json (`loadctl.summary/v1`): the zod schema of RunSummary (src/report/model/summary.ts). A
// type-level test (schemas.test.ts) fails when the two disagree; keys follow summarizeRun's order.
import { z } from 'zod';
import { SUMMARY_SCHEMA } from '../../report/model/summary.js';
import { serverSummarySchema } from './server.js';

const stats = z.record(z.string(), z.number());

export const guardReasonSchema = z.object({
  kind: z.enum(['dropped-iterations', 'vus-at-max', 'cpu', 'socket-errors']),
  detail: z.string(),
  fix: z.string(),
});

const outcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('passed') }),
  z.object({ kind: z.literal('thresholds-failed'), failed: z.array(z.string()), aborted: z.boolean() }),
  z.object({ kind: z.literal('interrupted'), partial: z.literal(true) }),
  z.object({
    kind: z.literal('k6-error'),
    // Absent in the file when k6 was killed by a signal; the model keeps the key (number | undefined).
    k6ExitCode: z
      .number()
      .optional()
      .transform((v) => v),
    reason: z.string(),
    detail: z.string().optional(),
  }),
  z.object({ kind: z.literal('invariants-failed'), failed: z.array(z.string()) }),
  z.object({ kind: z.literal('generator-saturated'), reasons: z.array(guardReasonSchema) }),
]);

const endpointSchema = z.object({
  name: z.string(),
  requests: z.number(),
  rps: z.number(),
  failed: z.number(),
  errorRate: z.number(),
  duration: stats,
  statuses: stats,
  statusClasses: stats.optional(),
});

const thresholdSchema = z.object({
  metric: z.string(),
  expression: z.string(),
  ok: z.boolean(),
  observed: z.number().optional(),
  noData: z.literal(true).optional(),
  window: z.string().optional(),
  stat: z.string(),
  abortOnFail: z.boolean(),
});

const checkSchema = z.object({ name: z.string(), group: z.string(), passes: z.number(), fails: z.number() });

const metricSchema = z.object({
  type: z.enum(['counter', 'gauge', 'rate', 'trend']),
  contains: z.string(),
  values: stats,
});

const totalsSchema = z.object({
  requests: z.number(),
  rps: z.number(),
  failed: z.number(),
  errorRate: z.number(),
  iterations: z.number(),
  droppedIterations: z.number(),
  vusMax: z.number(),
  dataSentBytes: z.number(),
  dataReceivedBytes: z.number(),
  checksPassed: z.number(),
  checksFailed: z.number(),
});

const batchStatsSchema = z.object({ requests: z.number(), failed: z.number(), duration: stats });

const batchesSchema = z.object({
  ms: z.number(),
  overall: z.array(batchStatsSchema),
  endpoints: z.record(z.string(), z.array(batchStatsSchema)),
  checks: z.array(z.number().nullable()),
});

const tagEndpointSchema = z.object({
  name: z.string(),
  requests: z.number(),
  rps: z.number(),
  failed: z.number(),
  errorRate: z.number(),
  duration: stats,
});

const tagGroupSchema = z.object({
  value: z.string(),
  requests: z.number(),
  rps: z.number(),
  failed: z.number(),
  errorRate: z.number(),
  duration: stats,
  checksPassed: z.number(),
  checksFailed: z.number(),
  endpoints: z.array(tagEndpointSchema),
  batches: batchesSchema.optional(),
});

const byTagSchema = z.object({
  tags: z.array(z.object({ key: z.string(), groups: z.array(tagGroupSchema) })),
  leftOut: z.array(z.object({ key: z.string(), why: z.string() })),
});

export const runnerRowSchema = z.object({
  id: z.string(),
  where: z.string(),
  segment: z.string(),
  exit: z.string(),
  problem: z.string().nullable(),
  requests: z.number(),
  failed: z.number(),
  iterations: z.number(),
  p95: z.number().nullable(),
});

export const comparisonRefSchema = z.object({
  id: z.string(),
  round: z.number(),
  rounds: z.number(),
  targets: z.array(z.string()),
});

const tokenTotalsSchema = z.object({
  total: z.number(),
  perSecond: z.number(),
  bySource: z.object({ usage: z.number(), tokenizer: z.number(), events: z.number() }).partial(),
});

/** The LLM serving figures of a run with `stream:` steps (docs/llm.md); newer runs only. */
const llmSchema = z.object({
  ttft: stats.optional(),
  tpot: stats.optional(),
  itl: stats.optional(),
  e2e: stats.optional(),
  outputTokensPerSecond: stats.optional(),
  outputTokens: tokenTotalsSchema.optional(),
  inputTokens: tokenTotalsSchema.optional(),
  completed: z.number(),
  completedPerSecond: z.number(),
  goodput: z
    .object({
      good: z.number(),
      requests: z.number(),
      share: z.number(),
      perSecond: z.number(),
      slos: z.array(
        z.object({
          step: z.string(),
          slo: z.object({ ttft: z.string(), tpot: z.string(), e2e: z.string() }).partial(),
        }),
      ),
    })
    .optional(),
});

export const summarySchema = z.object({
  schema: z.literal(SUMMARY_SCHEMA),
  runId: z.string(),
  plan: z.string(),
  profile: z.string().optional(),
  target: z.object({ name: z.string(), url: z.string() }),
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: z.number(),
  outcome: outcomeSchema,
  k6ExitCode: z.number().optional(),
  totals: totalsSchema,
  latency: stats,
  endpoints: z.array(endpointSchema),
  thresholds: z.array(thresholdSchema),
  checks: z.array(checkSchema),
  metrics: z.record(z.string(), metricSchema),
  invariants: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
  generator: z.object({ saturated: z.boolean(), reasons: z.array(guardReasonSchema) }),
  notes: z.array(z.string()),
  batches: batchesSchema.optional(),
  coldStart: z.object({ batchMs: z.number(), firstP95: z.number(), restP95: z.number() }).optional(),
  comparison: comparisonRefSchema.optional(),
  /** The runners the load was split over (docs/distributed.md), each with its own share of the totals. */
  runners: z.array(runnerRowSchema).optional(),
  /** A runner failed and the others went on (`--keep-going`): the load was not all the plan's. */
  partial: z.boolean().optional(),
  /** The target's server side (plan `monitor:`, the built-in demo). */
  server: serverSummarySchema.optional(),
  /** Each value of the plan's tags as a group of its own (`compare <run> --by tag:KEY`); newer runs only. */
  byTag: byTagSchema.optional(),
  llm: llmSchema.optional(),
});

export type StoredSummary = z.output<typeof summarySchema>;
