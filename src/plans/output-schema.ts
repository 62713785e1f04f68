// A plan's `outputs:`: k6's own outputs, passed through (docs/outputs.md). Each is a k6 `--out` string as
// k6 takes it, or a mapping with the output's URL or file and the k6 environment options it reads. The type is
// checked by rules (src/plans/outputs.ts), which name the known ones; this schema keeps to the shape.
import { z } from 'zod';

/** k6's output names loadctl passes through, with what each takes besides environment options. */
export const OUTPUT_TYPES = [
  'experimental-prometheus-rw',
  'influxdb',
  'json',
  'csv',
  'opentelemetry',
  'experimental-opentelemetry',
] as const;

const ENV_NAME = /^[A-Z_][A-Z0-9_-]*$/;

export const outputObjectSchema = z
  .strictObject({
    type: z
      .string()
      .min(1)
      .meta({ description: `k6's output name: ${OUTPUT_TYPES.join(', ')}.`, examples: [...OUTPUT_TYPES] }),
    url: z.string().min(1).optional().meta({
      description:
        'experimental-prometheus-rw: the remote-write endpoint (K6_PROMETHEUS_RW_SERVER_URL); influxdb: http://host:8086/DATABASE. No user:password@: credentials come from secrets, through `env`.',
    }),
    file: z.string().min(1).optional().meta({
      description:
        'json, csv: the file k6 writes, relative to the run folder unless absolute (".gz" compresses).',
    }),
    trendStats: z
      .array(z.string().regex(/^(avg|min|med|max|count|sum|p\(\d{1,2}(\.\d+)?\))$/))
      .min(1)
      .optional()
      .meta({
        description:
          'experimental-prometheus-rw: the statistics written for each trend (K6_PROMETHEUS_RW_TREND_STATS); default avg, p(95), p(99), max.',
      }),
    env: z
      .record(
        z
          .string()
          .regex(ENV_NAME, { message: 'expected an environment variable name such as K6_INFLUXDB_USERNAME' }),
        z.union([z.string(), z.number(), z.boolean()]),
      )
      .optional()
      .meta({
        description:
          "k6's options for this output, as environment variables (K6_INFLUXDB_*, K6_PROMETHEUS_RW_*, K6_OTEL_*, K6_CSV_*). Credentials only as '${secrets.NAME}'.",
      }),
  })
  .meta({ title: 'k6 output' });

export const outputSchema = z
  .union([
    z.string().min(1).meta({
      title: 'k6 --out string',
      description:
        'As k6 takes it: influxdb=http://host:8086/k6, json=samples.json, csv=metrics.csv, opentelemetry.',
    }),
    outputObjectSchema,
  ])
  .meta({
    description:
      "One of k6's own outputs; loadctl's tags (plan, run_id, target, profile) go with every metric.",
  });

export type OutputEntry = z.infer<typeof outputSchema>;
