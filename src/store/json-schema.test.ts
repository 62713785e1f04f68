import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderStoreJsonSchemas } from './json-schema.js';

describe('docs/schemas/*.schema.json', () => {
  const generated = renderStoreJsonSchemas();

  it('has one per stored file', () => {
    expect(generated.map((s) => s.path)).toEqual([
      'docs/schemas/summary.schema.json',
      'docs/schemas/meta.schema.json',
      'docs/schemas/series.schema.json',
      'docs/schemas/plan-resolved.schema.json',
      'docs/schemas/demo-stats.schema.json',
      'docs/schemas/samples-aggregates.schema.json',
      'docs/schemas/breakpoint.schema.json',
      'docs/schemas/server.schema.json',
      'docs/schemas/k6-summary.schema.json',
    ]);
  });

  it.each(generated.map((s) => [s.path, s.text]))(
    '%s is what the zod schema gives (run `npm run schema` after changing a schema)',
    async (path, text) => {
      const file = fileURLToPath(new URL(`../../${path}`, import.meta.url));
      const options = (await prettier.resolveConfig(file)) ?? {};
      const expected = await prettier.format(text, { ...options, filepath: file });
      expect(readFileSync(file, 'utf8')).toBe(expected);
    },
  );

  it('declares each file’s version', () => {
    const summary = JSON.parse(generated[0]!.text) as { properties: { schema: { const: string } } };
    expect(summary.properties.schema.const).toBe('loadctl.summary/v1');
  });
});
