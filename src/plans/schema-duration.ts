// Durations in the plan schema: k6's syntax, its range (Go's int64 nanoseconds) and the lower bounds k6 puts on
// some scenario fields, each with a message that names the limit.
import { z } from 'zod';
import { DURATION_PATTERN, MAX_DURATION_TEXT, durationNanos, withinK6Range } from './duration.js';

const DURATION_DESCRIPTION = 'A k6 duration: "30s", "2m", "1h30m", "250ms".';

export const durationSchema = z
  .string({
    // A number where a duration goes is almost always a duration without its unit.
    error: (issue) =>
      typeof issue.input === 'number'
        ? `a duration needs a unit: write "${issue.input}s" or "${issue.input}ms", not ${issue.input}`
        : undefined,
  })
  .regex(new RegExp(DURATION_PATTERN), {
    message: 'expected a k6 duration such as "30s", "2m", "1h30m" or "250ms"',
  })
  .refine(withinK6Range, {
    message: `k6 durations go up to ${MAX_DURATION_TEXT} (about 292 years)`,
  })
  .meta({ description: DURATION_DESCRIPTION });

/** A duration of at least `minNs` nanoseconds (k6's own lower bounds on some scenario fields). */
const durationAtLeast = (minNs: bigint, message: string) =>
  durationSchema
    .refine((text) => (durationNanos(text) ?? minNs) >= minNs, { message })
    .meta({ description: DURATION_DESCRIPTION });
// k6: "the duration must be at least 1s", "the maxDuration must be at least 1s", "the timeUnit must be more than 0".
export const atLeastOneSecond = (field: string) =>
  durationAtLeast(1_000_000_000n, `k6 needs a ${field} of at least 1s`);
export const timeUnitSchema = durationAtLeast(1n, 'k6 needs a timeUnit above 0 (at least 1ns)');

/** A step's or a flow's think time: a fixed pause or a random one. */
export const thinkTimeSchema = z.union([
  durationSchema,
  z
    .strictObject({ min: durationSchema, max: durationSchema })
    .meta({ description: 'A uniformly random pause.' }),
]);
