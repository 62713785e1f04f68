// An arrival-rate scenario's `arrivals:`: iterations that start at the times of a Poisson or gamma process
// instead of k6's evenly spaced ones (docs/plans.md, "Poisson and gamma arrivals"). Part of the plan schema
// (schema.ts); compile.ts turns such a scenario into k6 shared-iterations that wait for their times.
import { z } from 'zod';

/** vLLM's `bench serve --burstiness` has no bounds but > 0; these keep the gamma draws well-conditioned. */
export const MIN_BURSTINESS = 0.01;
export const MAX_BURSTINESS = 1000;
/** The default seed, as vLLM's `--seed`: without one, every run draws the same arrival times. */
export const DEFAULT_ARRIVAL_SEED = 0;

export const arrivalsSchema = z
  .strictObject({
    process: z.enum(['poisson', 'gamma']).meta({
      description:
        'poisson: independent arrivals, exponential gaps; gamma: gaps with a shape of `burstiness` (1 is Poisson).',
    }),
    burstiness: z
      .number()
      .min(MIN_BURSTINESS, { message: `burstiness must be at least ${MIN_BURSTINESS}` })
      .max(MAX_BURSTINESS, {
        message: `burstiness above ${MAX_BURSTINESS} is regular arrivals: drop \`arrivals\``,
      })
      .optional()
      .meta({
        description:
          "The gamma gaps' shape, as vLLM's --burstiness: 1 Poisson, below 1 burstier, above 1 more regular (default 1).",
      }),
    seed: z
      .number()
      .int({ message: 'seed must be a whole number' })
      .min(0, { message: 'seed must be at least 0' })
      .max(4_294_967_295, { message: 'seed must fit in 32 bits (at most 4294967295)' })
      .optional()
      .meta({ description: 'Seed of the arrival times (default 0): the same seed, the same times.' }),
  })
  .superRefine((a, ctx) => {
    if (a.process === 'poisson' && a.burstiness !== undefined && a.burstiness !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['burstiness'],
        message: `Poisson arrivals have burstiness 1; burstiness ${a.burstiness} needs \`process: gamma\``,
      });
  })
  .meta({
    description:
      'Start the iterations at the times of a Poisson or gamma process with this rate (seeded) instead of evenly spaced.',
  });

export type Arrivals = z.infer<typeof arrivalsSchema>;
