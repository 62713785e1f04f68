// readPlan against what is not a plan file: devices, a FIFO, a sparse 3 GB file. Each is a plan error
// (exit 2) naming the file, at once: the limit applies while reading, and a FIFO is never opened.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanError } from '../errors.js';
import { realIo, type Io } from '../io/io.js';
import { readPlan } from './load.js';

const T = 10_000;
let dir = '';
let io: Io;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadctl-plan-limits-'));
  io = { ...realIo(), cwd: dir };
  execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
  await writeFile(join(dir, 'huge.yaml'), '');
  await truncate(join(dir, 'huge.yaml'), 3 * 1024 ** 3);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function planError(file: string): Promise<PlanError> {
  const err = await readPlan(io, file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PlanError);
  return err as PlanError;
}

describe('readPlan: files that are no plan', () => {
  it.each([
    ['/dev/zero', 'a character device'],
    ['/dev/urandom', 'a character device'],
    ['fifo.yaml', 'a FIFO (named pipe)'],
  ])('%s is refused unread', { timeout: T }, async (file, what) => {
    const err = await planError(file);
    expect(err.diagnostics).toEqual([
      expect.objectContaining({
        file,
        message: `this is ${what}, not a plan file; loadctl reads plans from regular files only`,
      }),
    ]);
  });

  it('a 3 GB file is refused from its size', { timeout: T }, async () => {
    const err = await planError('huge.yaml');
    expect(err.diagnostics).toEqual([
      expect.objectContaining({
        file: 'huge.yaml',
        message: 'the plan is larger than the 2 MiB limit (it is 3 GiB); larger plans are refused unread',
        hint: expect.stringContaining('keep bulk data in files named under data:'),
      }),
    ]);
  });
});
