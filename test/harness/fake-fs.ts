// An in-memory file system behind the file half of Io. Paths are POSIX and absolute (relative ones are taken
// from the working directory); errors carry Node's codes (ENOENT, ENOTDIR, EISDIR) because callers read them.
import { posix } from 'node:path';
import { ReadRefusedError } from '../../src/io/bounded-fs.js';
import type { AppendFile } from '../../src/io/io.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fsError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${syscall} '${path}'`);
  err.code = code;
  err.syscall = syscall;
  err.path = path;
  return err;
}

export class FakeFs {
  readonly files = new Map<string, Uint8Array>();
  readonly dirs = new Set<string>(['/']);
  readonly executables = new Set<string>();

  constructor(readonly cwd: string) {
    this.mkdirpSync(cwd);
  }

  abs(path: string): string {
    return posix.resolve(this.cwd, path);
  }

  mkdirpSync(path: string): void {
    let dir = this.abs(path);
    for (;;) {
      if (this.files.has(dir)) throw fsError('ENOTDIR', 'mkdir', dir);
      this.dirs.add(dir);
      const parent = posix.dirname(dir);
      if (parent === dir) return;
      dir = parent;
    }
  }

  writeSync(path: string, content: string | Uint8Array, opts: { executable?: boolean } = {}): void {
    const file = this.abs(path);
    if (this.dirs.has(file)) throw fsError('EISDIR', 'open', file);
    this.mkdirpSync(posix.dirname(file));
    this.files.set(file, typeof content === 'string' ? encoder.encode(content) : content);
    if (opts.executable) this.executables.add(file);
  }

  /** Like realIo's read: a file over `maxBytes` is refused with the same error. */
  readBytesSync(path: string, maxBytes = Infinity): Uint8Array {
    const file = this.abs(path);
    const content = this.files.get(file);
    if (content !== undefined && content.length > maxBytes)
      throw new ReadRefusedError(file, { kind: 'too-large', maxBytes, sizeBytes: content.length });
    if (content !== undefined) return content;
    throw fsError(this.dirs.has(file) ? 'EISDIR' : 'ENOENT', 'open', file);
  }

  readTextSync(path: string, maxBytes = Infinity): string {
    return decoder.decode(this.readBytesSync(path, maxBytes));
  }

  existsSync(path: string): boolean {
    const file = this.abs(path);
    return this.files.has(file) || this.dirs.has(file);
  }

  listDirSync(path: string): string[] {
    const dir = this.abs(path);
    if (this.files.has(dir)) throw fsError('ENOTDIR', 'scandir', dir);
    if (!this.dirs.has(dir)) throw fsError('ENOENT', 'scandir', dir);
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p.startsWith(prefix) && p !== dir) names.add(p.slice(prefix.length).split('/')[0]!);
    }
    return [...names].sort();
  }

  removeSync(path: string): void {
    const target = this.abs(path);
    const inside = (p: string) => p === target || p.startsWith(`${target}/`);
    for (const p of [...this.files.keys()]) if (inside(p)) this.files.delete(p);
    for (const p of [...this.dirs]) if (inside(p) && p !== '/') this.dirs.delete(p);
    for (const p of [...this.executables]) if (inside(p)) this.executables.delete(p);
  }

  openAppendSync(path: string): AppendFile {
    const file = this.abs(path);
    if (!this.files.has(file)) this.writeSync(file, '');
    return {
      write: (text) => {
        const before = this.files.get(file) ?? new Uint8Array();
        const added = encoder.encode(text);
        const both = new Uint8Array(before.length + added.length);
        both.set(before);
        both.set(added, before.length);
        this.files.set(file, both);
      },
      close: async () => {},
    };
  }

  /** Every file under `dir` as text, keyed by its path relative to `dir`. */
  snapshot(dir = this.cwd): Record<string, string> {
    const root = this.abs(dir);
    const out: Record<string, string> = {};
    for (const [p, content] of [...this.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (p.startsWith(`${root}/`)) out[p.slice(root.length + 1)] = decoder.decode(content);
    }
    return out;
  }
}
