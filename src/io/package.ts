// loadctl's own install location: which folder holds its package.json. Read synchronously, once, at the
// module edge (src/k6/locate.ts's projectRoot()): it locates our code and tools, not anything of the user's.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The `name` in <dir>/package.json, or undefined when there is none or it cannot be read. */
export function readPackageNameSync(dir: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return typeof parsed === 'object' &&
      parsed !== null &&
      'name' in parsed &&
      typeof parsed.name === 'string'
      ? parsed.name
      : undefined;
  } catch {
    return undefined;
  }
}
