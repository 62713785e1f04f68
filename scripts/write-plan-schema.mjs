// Regenerates plans/plan.schema.json from the zod schema (run after `npm run build`: `npm run schema`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderPlanJsonSchema, PLAN_SCHEMA_FILE } from '../dist/plans/json-schema.js';

const target = fileURLToPath(new URL(`../${PLAN_SCHEMA_FILE}`, import.meta.url));
writeFileSync(target, renderPlanJsonSchema());
console.log(`wrote ${PLAN_SCHEMA_FILE}`);
