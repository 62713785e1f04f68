// A k6 that ran nothing is not a PASS: a binary that answers `version` like the real k6 (its own answer is
// copied) but prints garbage and exits 0 on `run`. The fake is the fault under test; the real k6 is the
// evidence everywhere else.
import { execFileSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir, writePlan } from './helpers.js';

const REAL_K6 = join(REPO, '.tools', 'bin', 'k6');

async function fakeK6(dir: string): Promise<string> {
  const version = execFileSync(REAL_K6, ['version'], { encoding: 'utf8' });
  const file = join(dir, 'k6');
  await writeFile(
    file,
    [
      '#!/bin/sh',
      'if [ "$1" = "version" ]; then',
      `  cat <<'VERSION'`,
      version.trimEnd(),
      'VERSION',
      '  exit 0',
      'fi',
      "echo 'garbage: \x01\x02 not k6 at all'",
      "echo '{{{ nothing ran }}}' >&2",
      'exit 0',
      '',
    ].join('\n'),
  );
  await chmod(file, 0o755);
  return file;
}

const PLAN = `
name: ran-nothing
targets:
  local: { demo: true }
scenarios:
  main: { executor: shared-iterations, vus: 1, iterations: 3, flow: f }
flows:
  f:
    steps:
      - { name: health, path: /health }
`;

describe('a k6 that exits 0 having run nothing (fake k6 binary)', () => {
  it('is "k6 failed" with exit 4, not "0 requests … PASSED"', async () => {
    const dir = await tempDir('fake-k6');
    const k6 = await fakeK6(dir);
    const file = await writePlan(dir, 'plan.yaml', PLAN);
    const r = await runCli(['run', file, '--results', join(dir, 'results')], {
      cwd: dir,
      env: { LOADCTL_K6_BIN: k6 },
    });
    const out = r.stdout + r.stderr;
    expect(out).not.toContain('PASSED');
    expect(out).toContain('k6 exited 0 but ran nothing');
    expect(r.code).toBe(4);
  });
});
