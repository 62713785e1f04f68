// A user's mistakes in a plan's script, data files and output paths, through the real CLI: each is exit 2
// (or 3 for the environment), names the file (file:line:col where there is one) and says what to do, and
// none is an "internal error".
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir, writePlan, type CliResult } from './helpers.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'user-scripts');
const IS_ROOT = process.getuid?.() === 0;

/** A plan with `script: <script>` (line 4, the value at column 9), on the demo target. */
function scriptPlan(script: string): string {
  return [
    'name: legacy',
    'targets:',
    '  local: { demo: true }',
    `script: ${script}`,
    'scenarios: {}',
    '',
  ].join('\n');
}

async function planFolder(script: string, fixture?: string): Promise<string> {
  const dir = await tempDir('mistake');
  await writePlan(dir, 'plan.yaml', scriptPlan(script));
  if (fixture !== undefined) await copyFile(join(FIXTURES, fixture), join(dir, script));
  return dir;
}

const COMMANDS: Array<[string, string[]]> = [
  ['validate', ['validate', 'plan.yaml']],
  ['render', ['render', 'plan.yaml', '-o', 'out']],
  // The demo target and --skip-preflight: nothing but the script can stop this run.
  ['run', ['run', 'plan.yaml', '--skip-preflight', '--no-progress']],
];

function expectUserMistake(r: CliResult, code: number, ...named: string[]): void {
  const output = r.stdout + r.stderr;
  expect(output).not.toContain('internal error');
  expect(output).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
  for (const text of named) expect(output).toContain(text);
  expect(r.code).toBe(code);
}

describe('a mistake in the plan’s own k6 script', () => {
  it.each(COMMANDS)('%s: a syntax error is exit 2 at the script’s file:line:col', async (_cmd, args) => {
    const dir = await planFolder('legacy.js', 'bad-syntax.js.txt');
    const r = await runCli(args, { cwd: dir });
    expectUserMistake(r, 2, 'legacy.js:3:9: error: Expected ";" but found "x"', 'hint: fix the script');
    expect(existsSync(join(dir, 'out'))).toBe(false);
    // Nothing half-made: no rendered folder, no run folder.
    expect(existsSync(join(dir, 'results', 'legacy'))).toBe(false);
  });

  it.each(COMMANDS)('%s: an import of a missing file is exit 2 where it is imported', async (_cmd, args) => {
    const dir = await planFolder('legacy.js', 'missing-import.js');
    const r = await runCli(args, { cwd: dir });
    expectUserMistake(
      r,
      2,
      'legacy.js:1:19: error: Could not resolve "./nope.js"',
      'an import path is relative to the file that imports it',
    );
  });

  it.each(COMMANDS)(
    '%s: a script path that is a folder is exit 2 at the plan’s script key',
    async (_c, args) => {
      const dir = await planFolder('legacy.js');
      await mkdir(join(dir, 'legacy.js'));
      const r = await runCli(args, { cwd: dir });
      expectUserMistake(r, 2, 'plan.yaml:4:9: error: script: script "legacy.js" is a folder, not a file');
    },
  );

  it.each(COMMANDS)(
    '%s: a script path that does not exist is exit 2 at the plan’s script key',
    async (_c, args) => {
      const dir = await planFolder('nope.js');
      const r = await runCli(args, { cwd: dir });
      expectUserMistake(r, 2, 'plan.yaml:4:9: error: script: script "nope.js" does not exist');
    },
  );

  it.skipIf(IS_ROOT).each(COMMANDS)(
    '%s: an unreadable script is exit 2 at the plan’s script key',
    async (_c, args) => {
      const dir = await planFolder('legacy.js', 'bad-syntax.js.txt');
      await chmod(join(dir, 'legacy.js'), 0o000);
      const r = await runCli(args, { cwd: dir });
      expectUserMistake(r, 2, 'plan.yaml:4:9: error: script: script "legacy.js" cannot be read');
    },
  );

  it('a script that is not JavaScript (no loader for its extension) is exit 2 naming it', async () => {
    const dir = await planFolder('legacy.yaml');
    await writeFile(join(dir, 'legacy.yaml'), 'a: 1\n');
    const r = await runCli(['render', 'plan.yaml', '-o', 'out'], { cwd: dir });
    expectUserMistake(r, 2, 'legacy.yaml: error: No loader is configured for ".yaml" files', '.js, .mjs');
  });
});

describe('render -o with something in the way', () => {
  it('an existing file is exit 2 naming it', async () => {
    const dir = await planFolder('legacy.js', 'missing-import.js');
    await writeFile(join(dir, 'somefile.txt'), 'mine\n');
    const r = await runCli(['render', 'plan.yaml', '-o', 'somefile.txt'], { cwd: dir });
    expectUserMistake(r, 2, '-o somefile.txt: it is a file, not a folder', 'hint: -o names the folder');
    expect(await readFile(join(dir, 'somefile.txt'), 'utf8')).toBe('mine\n');
  });

  it('a path under a file is exit 2 naming the file', async () => {
    const dir = await planFolder('legacy.js', 'missing-import.js');
    await writeFile(join(dir, 'somefile.txt'), 'mine\n');
    const r = await runCli(['render', 'plan.yaml', '-o', 'somefile.txt/out'], { cwd: dir });
    expectUserMistake(r, 2, '-o somefile.txt/out: somefile.txt is a file, not a folder');
  });

  it('the default folder under a file is exit 2 naming the file', async () => {
    const dir = await planFolder('legacy.js', 'missing-import.js');
    await writeFile(join(dir, 'results'), 'mine\n');
    const r = await runCli(['render', 'plan.yaml'], { cwd: dir });
    expectUserMistake(r, 2, 'cannot render into results/legacy/rendered: results is a file', 'with -o');
  });

  it('the folder of the script it wraps, whose script.js would be overwritten, is exit 2', async () => {
    const dir = await planFolder('script.js');
    const own = 'export default function () {}\n';
    await writeFile(join(dir, 'script.js'), own);
    const r = await runCli(['render', 'plan.yaml', '-o', '.'], { cwd: dir });
    expectUserMistake(r, 2, 'cannot write script.js: it is a file the plan reads');
    expect(await readFile(join(dir, 'script.js'), 'utf8')).toBe(own);
  });
});

describe('a data file that is not a readable file', () => {
  const plan = [
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

  it.each(COMMANDS.slice(1))('%s: a folder is exit 2 at the plan’s data key', async (_cmd, args) => {
    const dir = await tempDir('data');
    await writePlan(dir, 'plan.yaml', plan);
    await mkdir(join(dir, 'users.csv'));
    const r = await runCli(args, { cwd: dir });
    expectUserMistake(r, 2, 'plan.yaml:5:18: error: data.users.file: data file "users.csv" is a folder');
  });
});
