// Reads and folder creation against real special files: devices, a FIFO, a sparse 3 GB file, /proc.
// None of these may hang: a FIFO is refused by stat before it is opened, and each test has a timeout.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDirs, MakeDirError, readFileLimited, ReadRefusedError } from './bounded-fs.js';

const T = 10_000;
let dir = '';
let fifo = '';
let sparse = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadctl-bounded-'));
  fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  // 3 GB that takes no disk: the size says it all, so nothing of it may be read.
  sparse = join(dir, 'sparse.yaml');
  await writeFile(sparse, '');
  await truncate(sparse, 3 * 1024 ** 3);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readFileLimited', () => {
  it.each([
    ['/dev/zero', 'a character device'],
    ['/dev/urandom', 'a character device'],
  ])('refuses %s unread', { timeout: T }, async (path, what) => {
    const err = await readFileLimited(path, 1024).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadRefusedError);
    expect(err).toMatchObject({ refusal: { kind: 'not-a-file', what } });
    expect((err as Error).message).toBe(`${path} is ${what}, not a regular file`);
  });

  it('refuses a FIFO without waiting for a writer', { timeout: T }, async () => {
    await expect(readFileLimited(fifo, 1024)).rejects.toMatchObject({
      refusal: { kind: 'not-a-file', what: 'a FIFO (named pipe)' },
    });
  });

  it('keeps Node’s EISDIR for a folder', { timeout: T }, async () => {
    await expect(readFileLimited(dir, 1024)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('refuses a file larger than the limit from its size', { timeout: T }, async () => {
    const err = await readFileLimited(sparse, 2 * 1024 * 1024).catch((e: unknown) => e);
    expect(err).toMatchObject({
      refusal: { kind: 'too-large', maxBytes: 2 * 1024 * 1024, sizeBytes: 3 * 1024 ** 3 },
    });
    expect((err as Error).message).toBe(`${sparse} is larger than the 2 MiB limit (it is 3 GiB)`);
  });

  it('reads a file up to its limit exactly', { timeout: T }, async () => {
    const file = join(dir, 'exact.txt');
    const content = 'x'.repeat(200_000);
    await writeFile(file, content);
    expect((await readFileLimited(file, content.length)).toString()).toBe(content);
    await expect(readFileLimited(file, content.length - 1)).rejects.toMatchObject({
      refusal: { kind: 'too-large', sizeBytes: content.length },
    });
  });

  it('applies the limit while reading a file whose size says 0 (/proc)', { timeout: T }, async () => {
    expect((await stat('/proc/self/status')).size).toBe(0);
    expect((await readFileLimited('/proc/self/status', 1024 * 1024)).toString()).toMatch(/^Name:/m);
    await expect(readFileLimited('/proc/self/status', 16)).rejects.toMatchObject({
      refusal: { kind: 'too-large', maxBytes: 16 },
    });
  });
});

describe('makeDirs', () => {
  it('makes the missing levels, and is fine with what exists', { timeout: T }, async () => {
    const deep = join(dir, 'a', 'b', 'c');
    await makeDirs(deep);
    await makeDirs(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
  });

  it.each([
    ['/proc/loadctl-x', '/proc/loadctl-x'],
    ['/proc/loadctl-x/y/z', '/proc/loadctl-x'],
  ])('fails at once on %s, naming %s', { timeout: T }, async (path, failed) => {
    // Node's recursive mkdir never returns here: mkdir /proc/x → ENOENT, mkdir /proc → EEXIST, again.
    const err = await makeDirs(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MakeDirError);
    expect(err).toMatchObject({ code: 'ENOENT', path: failed });
    expect((err as Error).message).toMatch(/does not allow new folders/);
  });

  it('names the file that lies in the way', { timeout: T }, async () => {
    const file = join(dir, 'plain-file');
    await writeFile(file, 'x');
    await expect(makeDirs(join(file, 'x', 'y'))).rejects.toMatchObject({
      code: 'ENOTDIR',
      path: file,
      message: `cannot create ${file}: it is a file, not a folder`,
    });
    await expect(makeDirs(file)).rejects.toMatchObject({ code: 'ENOTDIR', path: file });
    expect(existsSync(join(file, 'x'))).toBe(false);
  });
});
