// Data sets: rows a plan's requests read as ${data.SET.COLUMN}. A CSV file, a JSON Lines file, or prompts
// generated from length distributions (the shape of vLLM's `random` dataset), for LLM load.
import { z } from 'zod';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Enough rows for any length distribution to show; a plan that needs more reads a file. */
export const MAX_SYNTHETIC_ROWS = 100_000;
/** Tokens in one synthetic prompt or answer: beyond any model's context today. */
export const MAX_SYNTHETIC_TOKENS = 1_000_000;

const modeSchema = z.enum(['unique', 'sequential', 'random']).optional().meta({
  description:
    'unique: one row per VU; sequential: the next row each iteration (across the test); random (with `seed`: the same row for the same iteration in every run).',
});

const seedSchema = z
  .number()
  .int({ message: 'seed must be a whole number' })
  .min(0, { message: 'seed must be at least 0' })
  .max(2 ** 32 - 1, { message: 'seed must fit in 32 bits (at most 4294967295)' })
  .optional()
  .meta({ description: 'Seeds the synthetic generator and the `random` pick, so runs repeat.' });

const fieldsSchema = z
  .record(
    z.string().regex(IDENT, { message: 'expected a column name: letters, digits and "_"' }),
    z.string().min(1),
  )
  .optional()
  .meta({
    description:
      'The columns of each row: name → JSON path into a JSONL line ("$.prompt") or a CSV column name. `text`, `inputLen` and `outputLen` make a prompt set: its lengths are recorded with the run; without `inputLen`, it is estimated from `text`.',
  });

export const lengthSchema = z
  .strictObject({
    mean: z
      .number()
      .int({ message: 'a length is a whole number of tokens' })
      .min(1, { message: 'a length is at least 1 token' })
      .max(MAX_SYNTHETIC_TOKENS, { message: 'a length above 1,000,000 tokens fits no model' }),
    range: z.number().min(0).max(1).optional().meta({
      description: 'Uniform in mean × [1 − range, 1 + range], as vLLM’s --random-range-ratio (0.2: ±20 %).',
    }),
    sd: z
      .number()
      .min(0)
      .optional()
      .meta({ description: 'Normal with this standard deviation, rounded, at least 1.' }),
  })
  .meta({ description: 'Tokens: `mean` alone is fixed; with `range`, uniform; with `sd`, normal.' });

export const syntheticSchema = z
  .strictObject({
    input: lengthSchema.meta({ description: 'Prompt length in tokens (4 characters a token).' }),
    output: lengthSchema.meta({ description: 'Expected output length in tokens: use it as max_tokens.' }),
    count: z
      .number()
      .int()
      .min(1)
      .max(MAX_SYNTHETIC_ROWS, { message: 'at most 100,000 synthetic prompts: rows are picked again' })
      .optional()
      .meta({ description: 'How many prompts to generate (default 1000).' }),
  })
  .meta({
    description:
      'Generated prompts: columns text, inputLen and outputLen; the rows are written into the run folder.',
  });

// One object rather than a union of the file and synthetic forms: a mistake inside either form is then
// reported as itself, not as a mismatch with the other form.
export const dataSetSchema = z
  .strictObject({
    file: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'A CSV file with a header row, or JSON Lines (.jsonl), relative to the plan.' }),
    synthetic: syntheticSchema.optional(),
    mode: modeSchema,
    delimiter: z.string().length(1).optional().meta({ description: 'CSV only (default ",").' }),
    fields: fieldsSchema,
    seed: seedSchema,
  })
  .superRefine((set, ctx) => {
    if ((set.file === undefined) === (set.synthetic === undefined))
      ctx.addIssue({
        code: 'custom',
        path: set.file === undefined ? [] : ['synthetic'],
        message: 'a data set is either a `file` or `synthetic`, exactly one of them',
      });
    for (const key of ['delimiter', 'fields'] as const)
      if (set.synthetic !== undefined && set[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `\`${key}\` reads a file; a synthetic set has the columns text, inputLen and outputLen`,
        });
  })
  .meta({ description: 'Rows for ${data.SET.COLUMN}: a file (CSV or JSON Lines), or synthetic prompts.' });

export type DataSetSpec = z.infer<typeof dataSetSchema>;
export type FileDataSetSpec = DataSetSpec & { file: string };
export type SyntheticSpec = z.infer<typeof syntheticSchema>;
export type LengthSpec = z.infer<typeof lengthSchema>;
