// A stream step's LLM fields: where its token counts come from and the service-level objectives that make a
// request count in `goodput` (docs/llm.md).
import { z } from 'zod';
import { durationNanos } from './duration.js';
import { durationSchema } from './schema-duration.js';

const objective = durationSchema.refine((text) => (durationNanos(text) ?? 1n) > 0n, {
  message: 'an objective must be more than 0',
});

export const streamSloSchema = z
  .strictObject({
    ttft: objective.optional().meta({ description: 'Time to first token at most this, e.g. "2s".' }),
    tpot: objective.optional().meta({
      description: 'Time per output token after the first at most this, e.g. "50ms".',
    }),
    e2e: objective.optional().meta({ description: "End-to-end latency at most this (to the answer's end)." }),
  })
  .refine((slo) => Object.keys(slo).length > 0, { message: 'give at least one of ttft, tpot and e2e' })
  .meta({
    description:
      'Service-level objectives of each answer: a request counts in `goodput` when it completed and met every one.',
  });

export type StreamSlo = z.infer<typeof streamSloSchema>;

/** The fields a `stream:` object has besides how to read its events. */
export const streamLlmFields = {
  usage: z
    .boolean()
    .optional()
    .meta({
      description:
        "Token counts from the API's `usage` (default true): an OpenAI-style `json` body with `stream: true` " +
        "asks for it with `stream_options.include_usage`. false: neither asked for nor read; loadctl's " +
        'tokenizer counts instead.',
    }),
  slo: streamSloSchema.optional(),
};
