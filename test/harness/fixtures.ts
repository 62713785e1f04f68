// Recorded fixtures from the repository, read from the real disk (the one place the harness does) so they
// can be copied into a fake file system.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeFs } from './fake-fs.js';

/** The repository root (this file is test/harness/fixtures.ts). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A fixture's text, by its path from the repository root. */
export function readFixture(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** Copies a file or folder (recursively; relative to the repository root) into the fake file system at `to`. */
export function copyIntoFake(fs: FakeFs, from: string, to: string): void {
  const src = resolve(REPO_ROOT, from);
  if (!statSync(src).isDirectory()) {
    fs.writeSync(to, readFileSync(src));
    return;
  }
  fs.mkdirpSync(to);
  for (const name of readdirSync(src)) copyIntoFake(fs, join(from, name), `${fs.abs(to)}/${name}`);
}

/** The charting library the HTML reports inline, where loadctl's module resolution looks for it. */
export function copyChartLibraryIntoFake(fs: FakeFs): void {
  const require = createRequire(import.meta.url);
  for (const file of ['uplot/dist/uPlot.iife.min.js', 'uplot/dist/uPlot.min.css']) {
    const path = require.resolve(file);
    copyIntoFake(fs, path, path);
  }
}
