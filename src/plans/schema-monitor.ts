// The plan's `monitor:` of a target: where loadctl reads the target's server side during a run
// (docs/monitor.md). Part of the plan schema (schema.ts).
import { z } from 'zod';

const identSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  message: 'expected an identifier: letters, digits and "_", not starting with a digit',
});

const monitorUrl = z
  .url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' })
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), {
    message:
      'a monitor URL must not carry a user or password; put the server behind no auth or a local proxy',
  });

export const monitorSchema = z
  .strictObject({
    nodeExporter: z
      .union([monitorUrl, z.array(monitorUrl).min(1).max(64)])
      .optional()
      .meta({
        description:
          "node_exporter metrics URL(s) of the target's hosts (e.g. http://10.0.0.5:9100/metrics), scraped once a second during the run: CPU, memory, load, network, sockets.",
      }),
    prometheus: z
      .strictObject({
        url: monitorUrl.meta({
          description: 'The Prometheus server (its base URL, e.g. http://prometheus:9090).',
        }),
        queries: z
          .record(identSchema, z.string().min(1).max(4000))
          .refine((q) => Object.keys(q).length > 0 && Object.keys(q).length <= 32, {
            message: 'expected between 1 and 32 queries',
          })
          .meta({
            description:
              "PromQL queries by name, evaluated once a second over the run's time range (e.g. running: sum(vllm:num_requests_running)).",
          }),
      })
      .optional()
      .meta({ description: 'A Prometheus server to ask for server-side series after the run.' }),
    process: z
      .union([
        z.strictObject({ pid: z.number().int().min(1).meta({ description: 'The process id.' }) }),
        z.strictObject({
          port: z.number().int().min(1).max(65535).meta({ description: 'The TCP port it listens on.' }),
        }),
      ])
      .optional()
      .meta({
        description:
          'A process on this machine, by pid or by the port it listens on: its CPU, memory and open files from /proc.',
      }),
  })
  .meta({
    description:
      "The target's server side, sampled on the run's clock. The built-in demo is monitored without this (loadctl's own process serves it).",
  });
