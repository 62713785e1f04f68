// Runs the CLI the way bin/loadctl.js does, against a fake Io, and returns what a user would see.
import { main } from '../../src/cli/main.js';
import type { FakeIo } from './fake-io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Every file under the working directory afterwards, path relative to it → text. */
  files: Record<string, string>;
}

export async function runCli(argv: string[], io: FakeIo): Promise<CliResult> {
  const code = await main(argv, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText(), files: io.fs.snapshot() };
}

/** The run folders (`results/<plan>/<run id>`) among the files, oldest first. */
export function runDirs(files: Record<string, string>, plan: string, results = 'results'): string[] {
  const prefix = `${results}/${plan}/`;
  const dirs = new Set<string>();
  for (const path of Object.keys(files)) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length).split('/');
    if (rest.length > 1) dirs.add(`${prefix}${rest[0]}`);
  }
  return [...dirs].sort();
}
