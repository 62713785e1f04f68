import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPackageNameSync } from './package.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('readPackageNameSync', () => {
  it('reads the name of the package.json in a folder', () => {
    expect(readPackageNameSync(ROOT)).toBe('loadctl');
  });

  it('is undefined where there is no package.json', () => {
    expect(readPackageNameSync(path.join(ROOT, 'src'))).toBeUndefined();
    expect(readPackageNameSync('/nonexistent/folder')).toBeUndefined();
  });
});
