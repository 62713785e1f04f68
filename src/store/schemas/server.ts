// server.json (`loadctl.server/v1`) and summary.json's `server`: a target's server side on the run's clock
// (src/monitor/model.ts has the types these check).
import { z } from 'zod';

export const SERVER_SCHEMA = 'loadctl.server/v1';

const serverUnitSchema = z.enum(['percent', 'bytes', 'bytes-per-second', 'count', 'number']);

export const monitorSourceSchema = z.object({
  id: z.string(),
  kind: z.enum(['node-exporter', 'process', 'prometheus']),
  address: z.string(),
  local: z.boolean(),
  cores: z.number().optional(),
  memoryBytes: z.number().optional(),
  samples: z.number(),
  errors: z.array(z.object({ message: z.string(), count: z.number() })),
});

/** server.json: the target's server side on the run's clock (src/monitor/model.ts ServerRecord). */
export const serverFileSchema = z.object({
  schema: z.literal(SERVER_SCHEMA),
  target: z.string(),
  intervalMs: z.number(),
  sources: z.array(monitorSourceSchema),
  series: z.array(
    z.object({
      id: z.string(),
      source: z.string(),
      label: z.string(),
      unit: serverUnitSchema,
      /** [seconds since k6 started, value]. */
      points: z.array(z.tuple([z.number(), z.number()])),
    }),
  ),
});
export type StoredServer = z.output<typeof serverFileSchema>;

export const serverStatSchema = z.object({
  id: z.string(),
  source: z.string(),
  label: z.string(),
  unit: serverUnitSchema,
  avg: z.number(),
  p95: z.number(),
  max: z.number(),
  min: z.number(),
  samples: z.number(),
});

/** summary.json's `server` (src/monitor/model.ts ServerSummary). */
export const serverSummarySchema = z.object({
  target: z.string(),
  onThisMachine: z.boolean(),
  stats: z.array(serverStatSchema),
  cpuSeconds: z.number().optional(),
  cpuSource: z.enum(['node-exporter', 'process']).optional(),
  /** The sources read, with their failed reads. */
  sources: z.array(monitorSourceSchema).optional(),
  /** The headline CPU (mean) and CPU-seconds per time batch of the run; null where no reading fell. */
  batches: z
    .object({
      cpu: z.array(z.number().nullable()),
      cpuSeconds: z.array(z.number().nullable()),
    })
    .optional(),
});
