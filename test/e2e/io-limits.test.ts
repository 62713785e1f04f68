// Files and folders whose size or nature loadctl does not control, through the real CLI: a device, a FIFO
// or a huge file given as a plan, a script or a data file is refused at once with a message naming it and
// its limit (exit 2); a results folder or -o path on /proc, under a file, fails at once (exit 3 for the
// results folder, 2 for -o). Every run has a kill timer: a hang fails the test instead of stalling it.
import { execFileSync } from 'node:child_process';
import { cp, writeFile, truncate } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir, writePlan, type CliResult } from './helpers.js';

// Far above how long these take (about a second), far below a hang: a killed run has code null.
const KILL_MS = 30_000;
const T = 60_000;

function expectRefused(r: CliResult, code: number, ...named: string[]): void {
  const output = r.stdout + r.stderr;
  expect(r.signal, `killed: ${output}`).toBeNull();
  expect(output).not.toContain('internal error');
  for (const text of named) expect(output).toContain(text);
  expect(r.code).toBe(code);
}

describe('validate: a plan path that is no plan file', () => {
  it.each(['/dev/zero', '/dev/urandom'])('%s is exit 2 at once, unread', { timeout: T }, async (dev) => {
    const r = await runCli(['validate', dev], { timeoutMs: KILL_MS });
    expectRefused(r, 2, `${dev}: error: this is a character device, not a plan file`);
  });

  it('a FIFO is exit 2 at once, never opened', { timeout: T }, async () => {
    const dir = await tempDir('limits');
    execFileSync('mkfifo', [join(dir, 'plan.yaml')]);
    const r = await runCli(['validate', 'plan.yaml'], { cwd: dir, timeoutMs: KILL_MS });
    expectRefused(r, 2, 'plan.yaml: error: this is a FIFO (named pipe), not a plan file');
  });

  it('a 3 GB (sparse) file is exit 2 from its size', { timeout: T }, async () => {
    const dir = await tempDir('limits');
    await writeFile(join(dir, 'plan.yaml'), '');
    await truncate(join(dir, 'plan.yaml'), 3 * 1024 ** 3);
    const r = await runCli(['validate', 'plan.yaml'], { cwd: dir, timeoutMs: KILL_MS });
    expectRefused(r, 2, 'the plan is larger than the 2 MiB limit (it is 3 GiB)');
  });
});

describe('files a plan names', () => {
  const dataPlan = [
    'name: data',
    'targets:',
    '  local: { demo: true }',
    'data:',
    '  users: { file: users.csv }',
    'scenarios:',
    '  s: { executor: shared-iterations, vus: 1, iterations: 1, flow: f }',
    'flows:',
    '  f:',
    '    steps:',
    '      - path: /health',
    '',
  ].join('\n');

  it('a data file that is a FIFO is exit 2 at its data key, never opened', { timeout: T }, async () => {
    const dir = await tempDir('limits');
    await writePlan(dir, 'plan.yaml', dataPlan);
    execFileSync('mkfifo', [join(dir, 'users.csv')]);
    const r = await runCli(['render', 'plan.yaml', '-o', 'out'], { cwd: dir, timeoutMs: KILL_MS });
    expectRefused(
      r,
      2,
      'plan.yaml:5:18: error: data.users.file: data file "users.csv" is a FIFO (named pipe), not a regular file',
    );
  });

  it('a 3 GB (sparse) script is exit 2 at the script key, unread', { timeout: T }, async () => {
    const dir = await tempDir('limits');
    await writePlan(
      dir,
      'plan.yaml',
      ['name: legacy', 'targets:', '  local: { demo: true }', 'script: legacy.js', 'scenarios: {}', ''].join(
        '\n',
      ),
    );
    await writeFile(join(dir, 'legacy.js'), '');
    await truncate(join(dir, 'legacy.js'), 3 * 1024 ** 3);
    const r = await runCli(['validate', 'plan.yaml'], { cwd: dir, timeoutMs: KILL_MS });
    expectRefused(r, 2, 'script "legacy.js" is larger than the 16 MiB limit (it is 3 GiB)');
  });
});

describe('folders that cannot be made', () => {
  it('run --results under /proc fails preflight at once (exit 3)', { timeout: T }, async () => {
    const r = await runCli(['run', 'plans/seat-race.yaml', '--results', '/proc/loadctl-x', '--no-progress'], {
      timeoutMs: KILL_MS,
    });
    expectRefused(
      r,
      3,
      'results folder: cannot write to /proc/loadctl-x: this file system does not allow new folders',
      'choose another folder with --results',
    );
  });

  it.each([
    ['/proc/loadctl-x', 'cannot write into /proc/loadctl-x: this file system does not allow new folders'],
    ['/proc/loadctl-x/out', 'cannot create /proc/loadctl-x: this file system does not allow new folders'],
  ])('render -o %s is exit 2 at once', { timeout: T }, async (out, message) => {
    const r = await runCli(['render', 'plans/seat-race.yaml', '-o', out], { timeoutMs: KILL_MS });
    expectRefused(r, 2, message, 'choose another folder with -o');
  });

  it('render -o under a file is exit 2 naming the file', { timeout: T }, async () => {
    const dir = await tempDir('limits');
    await writeFile(join(dir, 'file'), 'x');
    const plan = join(REPO, 'plans', 'seat-race.yaml');
    const r = await runCli(['render', plan, '-o', 'file/out'], { cwd: dir, timeoutMs: KILL_MS });
    expectRefused(r, 2, 'file is a file, not a folder');
    expect(existsSync(join(dir, 'file', 'out'))).toBe(false);
  });

  it('report -o under /proc is exit 2 at once', { timeout: T }, async () => {
    const dir = await tempDir('limits');
    await cp(join(REPO, 'test', 'fixtures', 'stored-runs'), join(dir, 'results'), { recursive: true });
    const r = await runCli(
      ['report', '20261122T043640Z-b9b048', '-f', 'markdown', '-o', '/proc/loadctl-x/report.md'],
      { cwd: dir, timeoutMs: KILL_MS },
    );
    expectRefused(
      r,
      2,
      'cannot write /proc/loadctl-x/report.md: cannot create /proc/loadctl-x: this file system does not allow new folders',
    );
  });
});
