// A plan's thresholds: k6's expressions and keys, and the long form with loadctl's `window`.
import { z } from 'zod';
import { durationSchema } from './schema-duration.js';

export const THRESHOLD_EXPRESSION =
  /^\s*(avg|min|max|med|count|rate|value|p\(\d{1,2}(\.\d+)?\)|p\(100\))\s*(<=|>=|===|==|!=|<|>)\s*-?\d+(\.\d+)?\s*$/;

const thresholdExpression = z.string().regex(THRESHOLD_EXPRESSION, {
  message: 'expected a k6 threshold such as "p(95)<500", "avg<200", "rate<0.01" or "count>100"',
});

export const thresholdSchema = z.union([
  thresholdExpression,
  z.strictObject({
    threshold: thresholdExpression,
    abortOnFail: z.boolean().optional(),
    delayAbortEval: durationSchema.optional(),
    window: durationSchema
      .optional()
      .meta({ description: 'Judge every window of this length (30s), not the run.' }),
  }),
]);

export const THRESHOLD_KEY = /^([A-Za-z_][A-Za-z0-9_]{0,127})(\{[^{}]+\})?$/;

/** The value a threshold key's tag selector (`{name:reserve, scenario:load}`) gives `tag`, if any. */
export function selectorTag(selector: string | undefined, tag: string): string | undefined {
  return selector?.match(new RegExp(`[{,]\\s*${tag}\\s*:\\s*([^,}]+)`))?.[1]?.trim();
}

export const thresholdKey = z.string().regex(THRESHOLD_KEY, {
  message: 'expected a metric name with an optional tag selector, such as "http_req_duration{name:reserve}"',
});
