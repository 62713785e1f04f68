// k6's end-of-test data as handleSummary receives it (k6 v0.49 … v1.x keep this shape), read tolerantly.
import { z } from 'zod';

const metricSchema = z.object({
  type: z.enum(['counter', 'gauge', 'rate', 'trend']),
  contains: z.string().optional(),
  values: z.record(z.string(), z.number().nullable()),
  thresholds: z.record(z.string(), z.object({ ok: z.boolean() })).optional(),
});

interface Group {
  name: string;
  path: string;
  checks: Array<{ name: string; path: string; passes: number; fails: number }>;
  groups: Group[];
}
const groupSchema: z.ZodType<Group> = z.lazy(() =>
  z.object({
    name: z.string(),
    path: z.string(),
    checks: z
      .array(z.object({ name: z.string(), path: z.string(), passes: z.number(), fails: z.number() }))
      .default([]),
    groups: z.array(groupSchema).default([]),
  }),
);

export const k6SummarySchema = z.object({
  root_group: groupSchema.optional(),
  state: z.object({ testRunDurationMs: z.number() }).partial().optional(),
  options: z
    .object({ summaryTrendStats: z.array(z.string()).optional() })
    .partial()
    .optional(),
  metrics: z.record(z.string(), metricSchema),
});

export type K6Summary = z.infer<typeof k6SummarySchema>;
export type K6Metric = z.infer<typeof metricSchema>;
export type K6Group = Group;

export function parseK6Summary(
  text: string,
): { ok: true; summary: K6Summary } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `k6's summary is not JSON: ${(err as Error).message}` };
  }
  const parsed = k6SummarySchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      message: `k6's summary has an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
    };
  return { ok: true, summary: parsed.data };
}

/** A metric's numeric values without nulls (k6 writes null for a percentile of no samples). */
export function metricValues(
  summary: K6Summary | undefined,
  key: string,
): Record<string, number> | undefined {
  const m = summary?.metrics[key];
  if (!m) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m.values)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}
