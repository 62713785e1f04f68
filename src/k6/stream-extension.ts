// loadctl's streaming extension for k6 (k6ext/ in this repository, imported by scripts as k6/x/loadctl-sse):
// whether a k6 has it, and whether it was built from the sources at hand. Pure, except probeExtensionStamp.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { K6Version } from './version.js';

/** The JS import the extension registers; `k6 version` lists it. */
export const STREAM_EXTENSION = 'k6/x/loadctl-sse';

/** The extension's Go module, relative to the project root. */
export const STREAM_EXTENSION_DIR = 'k6ext';

export const STREAM_SETUP_HINT =
  "Run `npm run setup:k6`: it builds the pinned k6 with loadctl's streaming extension into .tools/bin/k6.";

export type StreamSupport =
  | { kind: 'none' }
  /** `stamp` is the source stamp the build gave it (`src-<hash>`), `(devel)` for a plain `go build`. */
  | { kind: 'built'; stamp: string };

/** The k6 output loadctl's build registers (`--out loadctl=<file>`): the metric stream of docs/stream.md. */
export const FRAMES_OUTPUT = 'loadctl';

/** Whether this k6 carries loadctl's output (`k6 version` lists it as `loadctl [output]`). */
export function hasFramesOutput(version: K6Version): boolean {
  return version.extensions.some((e) => e.name === FRAMES_OUTPUT && e.type === 'output');
}

export function resolveStreamSupport(version: K6Version): StreamSupport {
  const ext = version.extensions.find((e) => e.name === STREAM_EXTENSION);
  return ext === undefined ? { kind: 'none' } : { kind: 'built', stamp: ext.version };
}

/** Files whose content makes the stamp: go.mod, go.sum and Go sources other than tests. */
export function isStampedFile(name: string): boolean {
  return name === 'go.mod' || name === 'go.sum' || (name.endsWith('.go') && !name.endsWith('_test.go'));
}

/**
 * The stamp scripts/setup-k6.mjs builds into the extension: `src-` and 12 hex digits of a SHA-256 over each
 * file's `/`-separated path relative to k6ext/, a NUL, its content and a NUL, in path order. Keep the two equal.
 */
export function renderExtensionStamp(files: ReadonlyArray<{ path: string; content: Uint8Array }>): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${file.path}\0`);
    hash.update(file.content);
    hash.update('\0');
  }
  return `src-${hash.digest('hex').slice(0, 12)}`;
}

// The extension's sources are this project's own small files; the limit only keeps every read bounded.
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

export interface StampIo {
  listDir(path: string): Promise<string[]>;
  readBytes(path: string, maxBytes: number): Promise<Uint8Array>;
}

/** The stamp of the extension sources under `root`, or undefined without them (an installed package). */
export async function probeExtensionStamp(io: StampIo, root: string): Promise<string | undefined> {
  const files: Array<{ path: string; content: Uint8Array }> = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of await io.listDir(dir)) {
      const file = path.join(dir, name);
      const relName = rel === '' ? name : `${rel}/${name}`;
      // listDir names entries only: a folder is whatever lists.
      const inner = await io.listDir(file).then(
        () => true,
        () => false,
      );
      if (inner) await walk(file, relName);
      else if (isStampedFile(name))
        files.push({ path: relName, content: await io.readBytes(file, MAX_SOURCE_BYTES) });
    }
  };
  try {
    await walk(path.join(root, STREAM_EXTENSION_DIR), '');
  } catch {
    return undefined;
  }
  return files.length === 0 ? undefined : renderExtensionStamp(files);
}
