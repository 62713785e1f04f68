// plans/plan.schema.json, generated from the zod schema so editors check plans as they are typed.
import { z } from 'zod';
import { planSchema } from './schema.js';

export const PLAN_SCHEMA_FILE = 'plans/plan.schema.json';

/** The JSON Schema text, stable byte for byte for the same schema. */
export function renderPlanJsonSchema(): string {
  const schema = z.toJSONSchema(planSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, $id: 'https://loadctl.dev/plan.schema.json' }, null, 2)}\n`;
}
