// docs/schemas/<name>.schema.json: the JSON Schemas of a run folder's files, generated from their zod
// schemas (`npm run schema`; a test fails when a committed file is stale).
import { z } from 'zod';
import { RUN_FILES } from './layout.js';
import { STORED_FILES, type StoredFile } from './schemas/index.js';

export const STORE_SCHEMA_DIR = 'docs/schemas';

export interface StoreJsonSchema {
  /** Path from the repository root, e.g. docs/schemas/summary.schema.json. */
  path: string;
  text: string;
}

/** Every stored file's JSON Schema text, stable byte for byte for the same schemas. */
export function renderStoreJsonSchemas(): StoreJsonSchema[] {
  return (Object.keys(STORED_FILES) as StoredFile[]).map((file) => {
    const spec: { schema: z.ZodType; version?: string; docName: string } = STORED_FILES[file];
    const name = `${spec.docName}.schema.json`;
    // The input side: what the file holds, before a reader's transforms.
    const schema = z.toJSONSchema(spec.schema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
    const doc = {
      ...schema,
      $id: `https://loadctl.dev/schemas/${name}`,
      title: `${RUN_FILES[file]}${spec.version !== undefined ? ` (${spec.version})` : ''}`,
    };
    return { path: `${STORE_SCHEMA_DIR}/${name}`, text: `${JSON.stringify(doc, null, 2)}\n` };
  });
}
