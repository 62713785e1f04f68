// What the k6 benchmarks share: the repository, the k6 they run, its environment, and numeric flags.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const K6 = process.env.LOADCTL_K6_BIN ?? join(REPO, '.tools', 'bin', 'k6');
// The promises loadctl makes for every k6 it starts: nothing reported home, nothing downloaded.
export const K6_ENV = { ...process.env, K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' };

const args = process.argv.slice(2);

/** `--name N` as a number, or `def`. */
export function flag(name, def) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

/** `--name a,b` as a list, or undefined. */
export function listFlag(name) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1].split(',') : undefined;
}
