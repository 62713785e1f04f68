// The plan's `about:`: free-form facts about what was measured (the model, the server, the settings), as
// the study's authors would write them at the top of their report. Recorded in plan.resolved.json and shown
// in every report. Short strings only: a report header, not a document. Part of the plan schema (schema.ts).
import { z } from 'zod';

export const MAX_ABOUT_FACTS = 32;
export const MAX_ABOUT_KEY = 64;
export const MAX_ABOUT_VALUE = 200;

// A refinement, not a pattern: editors' JSON Schema regexes may not know \p{…}.
const CONTROL = /\p{Cc}/u;

const aboutKey = z
  .string()
  .min(1, { message: 'a fact needs a name' })
  .max(MAX_ABOUT_KEY, { message: `a fact's name is at most ${MAX_ABOUT_KEY} characters` })
  .refine((k) => !CONTROL.test(k), { message: "a fact's name must not hold control characters" });

const aboutText = z
  .string()
  .min(1, { message: 'a fact needs a value' })
  .max(MAX_ABOUT_VALUE, { message: `a fact is at most ${MAX_ABOUT_VALUE} characters` })
  .refine((v) => !CONTROL.test(v), { message: 'a fact is one line: no line breaks or control characters' });

// A number or a yes/no is shown as YAML read it (`0.50` is 0.5): quote it to keep it as written.
const aboutValue = z.union([aboutText, z.number(), z.boolean()]);

export const aboutSchema = z
  .record(aboutKey, aboutValue)
  .refine((facts) => Object.keys(facts).length <= MAX_ABOUT_FACTS, {
    message: `at most ${MAX_ABOUT_FACTS} facts`,
  })
  .meta({
    description:
      'Facts about what was measured, shown at the top of every report: e.g. model: llama-3-8b, server: vLLM 0.5 on 1×A10G, max_tokens: 256. Quote a number to keep it as written (`0.50`).',
  });

export type About = z.infer<typeof aboutSchema>;
