import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLAN_SCHEMA_FILE, renderPlanJsonSchema } from './json-schema.js';

describe('plans/plan.schema.json', () => {
  it('is what the zod schema generates (run `npm run schema` after changing src/plans/schema.ts)', () => {
    const committed = readFileSync(new URL(`../../${PLAN_SCHEMA_FILE}`, import.meta.url), 'utf8');
    expect(committed).toBe(renderPlanJsonSchema());
  });

  it('describes the step kinds and executors an editor should offer', () => {
    const text = renderPlanJsonSchema();
    for (const word of [
      'ramping-arrival-rate',
      'per-vu-iterations',
      'stopOnFailure',
      'abortOnFail',
      'Condition',
      'Pause',
    ]) {
      expect(text).toContain(word);
    }
  });
});
