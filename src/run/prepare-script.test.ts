// writeScript's and readUserScript's handling of files that fail to read or write, through a fake Io (the
// real file system cannot make every failure, e.g. permission denied when tests run as root).
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, LoadctlError, PlanError } from '../errors.js';
import type { Io } from '../io/io.js';
import { readPlan } from '../plans/load.js';
import { describeReadFailure, readUserScript, resolveOrThrow, writeScript } from './prepare-script.js';

const PLAN = [
  'name: legacy',
  'targets:',
  '  local: { url: "http://127.0.0.1:9" }',
  'script: legacy.js',
  'scenarios: {}',
  '',
].join('\n');

function errno(code: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed`), { code, ...(path ? { path } : {}) });
}

let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'loadctl-prepare-'));
  await writeFile(join(cwd, 'plan.yaml'), PLAN);
  await writeFile(join(cwd, 'legacy.js'), 'export default function () {}\n');
});

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** The real files under `cwd`, except that reading the script or writing anything fails as asked. */
function fakeIo(failures: { read?: string; write?: string } = {}): Io {
  const io: Partial<Io> = {
    cwd,
    readBytes: (path) =>
      failures.read !== undefined && path === join(cwd, 'legacy.js')
        ? Promise.reject(errno(failures.read))
        : readFile(path),
    exists: (path) => Promise.resolve(existsSync(path)),
    listDir: (path) => readdir(path),
    mkdirp: () => Promise.resolve(),
    writeFileAtomic: (path) =>
      failures.write !== undefined ? Promise.reject(errno(failures.write, path)) : Promise.resolve(),
  };
  return io as Io;
}

describe('describeReadFailure', () => {
  it.each([
    ['ENOENT', 'does not exist'],
    ['EISDIR', 'is a folder, not a file'],
    ['EACCES', 'cannot be read: permission denied'],
    ['EPERM', 'cannot be read: permission denied'],
    ['ELOOP', 'cannot be read (ELOOP)'],
  ])('%s: %s', (code, text) => {
    expect(describeReadFailure(errno(code))).toBe(text);
  });

  it('leaves a failure that is not about the file to the caller', () => {
    expect(describeReadFailure(new TypeError('bug'))).toBeUndefined();
  });
});

describe('readUserScript', () => {
  it('reports an unreadable script at the plan’s script key', async () => {
    const io = fakeIo({ read: 'EACCES' });
    const loaded = await readPlan(io, 'plan.yaml');
    expect(await readUserScript(io, loaded)).toEqual({
      ok: false,
      diagnostics: [
        expect.objectContaining({
          file: 'plan.yaml',
          line: 4,
          col: 9,
          path: ['script'],
          message: 'script "legacy.js" cannot be read: permission denied',
        }),
      ],
    });
  });
});

describe('writeScript', () => {
  async function attempt(write: string): Promise<unknown> {
    const io = fakeIo({ write });
    const loaded = await readPlan(io, 'plan.yaml');
    const resolved = resolveOrThrow(loaded, {});
    return writeScript(io, loaded, resolved, join(cwd, 'out')).then(
      () => undefined,
      (err: unknown) => err,
    );
  }

  it.each([
    ['EACCES', 'cannot write into out: permission denied'],
    ['EROFS', 'cannot write into out: the file system is read-only'],
    ['ENOSPC', 'cannot write into out: no space left'],
  ])('%s while writing is an environment error naming the folder', async (code, message) => {
    const err = await attempt(code);
    expect(err).toBeInstanceOf(LoadctlError);
    expect(err).not.toBeInstanceOf(PlanError);
    expect(err).toMatchObject({ message, exitCode: EXIT.environment });
  });

  it('passes on a failure it cannot explain', async () => {
    expect(await attempt('EIO')).toMatchObject({ code: 'EIO' });
  });
});
