// Regenerates docs/schemas/*.schema.json from the stored files' zod schemas (run after `npm run build`:
// `npm run schema`). Formatted as prettier would, since docs/ is prettier-checked.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { renderStoreJsonSchemas } from '../dist/store/json-schema.js';

for (const { path, text } of renderStoreJsonSchemas()) {
  const target = fileURLToPath(new URL(`../${path}`, import.meta.url));
  const options = (await prettier.resolveConfig(target)) ?? {};
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, await prettier.format(text, { ...options, filepath: target }));
  console.log(`wrote ${path}`);
}
