// File reads and folder creation that always end, and end soon: a read never takes more than its limit
// into memory, and a file that is not a regular file (a device, a FIFO, a socket) is refused before a
// byte of it is read; making a folder costs a fixed number of system calls, whatever the file system says.
// Callers turn the errors into their own messages (exit 2 for a user's file, 3 for the environment).
import { constants, type Stats } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export type ReadRefusal =
  /**
   * `sizeBytes` when the file's size was known before reading (a regular file); undefined when it is
   * unknown (/proc). `inflatedFrom`: the gzip file's size, when its inflated bytes passed `maxBytes`.
   */
  | { kind: 'too-large'; maxBytes: number; sizeBytes?: number; inflatedFrom?: number }
  /** What the path is instead: "a character device", "a FIFO (named pipe)", "a socket"… */
  | { kind: 'not-a-file'; what: string };

/** A read loadctl refused: the file is larger than the caller's limit, or not a regular file. */
export class ReadRefusedError extends Error {
  readonly code = 'ELOADCTL_REFUSED';
  constructor(
    readonly path: string,
    readonly refusal: ReadRefusal,
  ) {
    super(`${path} ${describeRefusal(refusal)}`);
    this.name = 'ReadRefusedError';
  }
}

/** 2 MiB, 64 KiB, 3.0 GiB: a byte count as a person reads it. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  if (i === 0) return `${n} bytes`;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** "is larger than the 2 MiB limit (it is 3.0 GiB)" or "is a FIFO (named pipe), not a regular file". */
export function describeRefusal(r: ReadRefusal): string {
  if (r.kind === 'not-a-file') return `is ${r.what}, not a regular file`;
  if (r.inflatedFrom !== undefined)
    return `inflates to more than ${formatBytes(r.maxBytes)} from ${formatBytes(r.inflatedFrom)} of gzip: a gzip bomb, or a damaged file`;
  const size = r.sizeBytes === undefined ? 'it has more' : `it is ${formatBytes(r.sizeBytes)}`;
  return `is larger than the ${formatBytes(r.maxBytes)} limit (${size})`;
}

function kindOf(s: Stats): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

function isDirError(path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`EISDIR: illegal operation on a directory, read '${path}'`);
  err.code = 'EISDIR';
  err.path = path;
  return err;
}

function refuseUnlessRegular(path: string, s: Stats): void {
  // A folder keeps Node's own EISDIR: callers already say "this is a folder" for it.
  if (s.isDirectory()) throw isDirError(path);
  const what = kindOf(s);
  if (what !== undefined) throw new ReadRefusedError(path, { kind: 'not-a-file', what });
}

/**
 * A regular file opened for reading, with its size. Anything else is refused: by stat before it is
 * opened (opening a FIFO waits for a writer; opening a device can have effects), and again on the open
 * handle (the path may have changed in between). The open never blocks: O_NONBLOCK, and no controlling
 * terminal.
 */
export async function openRegularFile(path: string): Promise<{ file: FileHandle; size: number }> {
  refuseUnlessRegular(path, await stat(path));
  const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const s = await file.stat();
    refuseUnlessRegular(path, s);
    return { file, size: s.size };
  } catch (err) {
    await file.close();
    throw err;
  }
}

/**
 * Up to `maxBytes` of a regular file from byte `offset` on (fewer at its end, none past it): how a file that
 * another process appends to is followed.
 */
export async function readFileFrom(path: string, offset: number, maxBytes: number): Promise<Buffer> {
  const { file, size } = await openRegularFile(path);
  try {
    const length = Math.max(0, Math.min(maxBytes, size - offset));
    if (length === 0) return Buffer.alloc(0);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

const READ_STEP = 64 * 1024;

/**
 * The bytes of a regular file of at most `maxBytes`. A larger file is refused from its size, unread; a
 * file whose size says nothing (/proc, /sys report 0) is read until its end or until it passes the limit,
 * so memory never holds more than `maxBytes` plus one read.
 */
export async function readFileLimited(path: string, maxBytes: number): Promise<Buffer> {
  const { file, size } = await openRegularFile(path);
  try {
    if (size > maxBytes) throw new ReadRefusedError(path, { kind: 'too-large', maxBytes, sizeBytes: size });
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One read for a file whose size is known; steps of READ_STEP otherwise. Never past limit + 1.
      const buf = Buffer.allocUnsafe(Math.min(maxBytes + 1 - total, Math.max(READ_STEP, size + 1 - total)));
      const { bytesRead } = await file.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new ReadRefusedError(path, { kind: 'too-large', maxBytes });
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    await file.close();
  }
}

/** An error of makeDirs: Node's code, and the folder it happened at (maybe above the one asked for). */
export class MakeDirError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot create ${path}: ${reason}`);
    this.name = 'MakeDirError';
  }
}

/** Why a folder could not be made, for a person. */
export function describeMkdirCode(code: string | undefined): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the disk';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'ENOTDIR':
      return 'it is a file, not a folder';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ELOOP':
      return 'the path has a loop of symbolic links';
    default:
      return code ?? 'unknown error';
  }
}

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

async function statOrMissing(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    // ENOTDIR: a level above is a file; the walk up finds it and names it.
    if (codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR') return undefined;
    throw new MakeDirError(codeOf(err) ?? 'EIO', path, describeMkdirCode(codeOf(err)));
  }
}

/**
 * `mkdir -p` in a bounded number of calls: one stat per missing level to find the deepest folder that
 * exists, then one mkdir per missing level, never a retry. Node's own recursive mkdir loops forever on
 * /proc (mkdir /proc/x says ENOENT, mkdir /proc says EEXIST, and it starts again); here a mkdir that
 * fails under a parent that exists fails at once, naming the folder and why.
 */
export async function makeDirs(path: string): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    const s = await statOrMissing(p);
    if (s !== undefined) {
      if (!s.isDirectory()) throw new MakeDirError('ENOTDIR', p, describeMkdirCode('ENOTDIR'));
      break;
    }
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir);
    } catch (err) {
      const code = codeOf(err);
      // Made meanwhile by another process: fine when it is a folder.
      if (code === 'EEXIST' && (await statOrMissing(dir))?.isDirectory() === true) continue;
      // ENOENT under a parent that exists: a file system without folders of one's own (/proc, /sys).
      const reason =
        code === 'ENOENT'
          ? 'this file system does not allow new folders (a kernel file system such as /proc or /sys?)'
          : code === 'EEXIST'
            ? 'it is a file, not a folder'
            : describeMkdirCode(code);
      throw new MakeDirError(code === 'EEXIST' ? 'ENOTDIR' : (code ?? 'EIO'), dir, reason);
    }
  }
}
