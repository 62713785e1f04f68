// A stream step's `send:`: the request of a session-style chat API that asks the question once the step's GET
// has opened the event stream; the reply then arrives on that stream (docs/plans.md, "Streaming responses").
// Part of the plan schema (schema.ts).
import { z } from 'zod';
import { durationSchema } from './schema-duration.js';

export const httpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

const stringMap = z.record(z.string(), z.string());
const status = z.number().int().min(100).max(599);

export const sendSchema = z
  .strictObject({
    name: z.string().min(1).max(200).optional().meta({
      description:
        'Endpoint name of this request: the `name` tag of its metrics (default "<step name>-send").',
    }),
    method: httpMethod.optional().meta({ description: 'Default POST.' }),
    path: z.string().min(1).meta({ description: 'Path appended to the target URL (or an absolute URL).' }),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    headers: stringMap.optional().meta({ description: "Added to the flow's and the plan's headers." }),
    json: z.unknown().optional().meta({ description: 'A JSON body; strings may hold "${...}" references.' }),
    form: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    body: z.string().optional(),
    expect: z
      .union([status, z.array(status).min(1)])
      .optional()
      .meta({
        description:
          'Statuses of this request that are not failures (default 200-399), e.g. [202, 429] for a client the rate limiter is expected to hold back.',
      }),
    timeout: durationSchema.optional().meta({ description: "Default: the step's timeout." }),
  })
  .meta({
    description:
      'With `stream:`: the step opens the event stream (a GET), and once its headers are in this request asks the question whose reply arrives on that stream; the step reads it until the end marker and closes the stream. Time to first token counts from this request. A refused question (not 2xx) closes the stream at once.',
  });

export type SendSpec = z.infer<typeof sendSchema>;
