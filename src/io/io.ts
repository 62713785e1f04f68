// The effect edge of the CLI: files, streams, environment and clock. Commands receive an Io; tests pass
// their own. Nothing below src/cli touches process.* or node:fs for a command's sake.
import { countProcEntries, readProcText } from './proc.js';
import { randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { access, copyFile, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeDirs, readFileFrom, readFileLimited } from './bounded-fs.js';
import type { CommandResult, RunOptions, StreamOptions, StreamingProcess } from './exec.js';
import { probeDns, probeHostFacts, probeHostLoad, type HostFacts, type HostLoad } from './host.js';
import { probeFreePort, probeTcp, type Reachability } from './net.js';
import type { TlsCertificate } from './net-tls.js';
import type { HttpAnswer, HttpRequestIn, Listening } from './http-listen.js';

export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
  readonly columns: number;
}

/**
 * The signals that stop a run the way Ctrl-C does: SIGINT (Ctrl-C), SIGTERM (`kill`, a CI runner cancelling)
 * and SIGHUP (the terminal closing). Each is handled, so none kills loadctl half-way through a run.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface Io {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Output;
  readonly stderr: Output;
  now(): Date;
  /**
   * A regular file's bytes, at most `maxBytes` of them, applied while reading (src/io/bounded-fs.ts): a
   * larger file, a device, a FIFO or a socket rejects with ReadRefusedError, unread; a folder with EISDIR.
   */
  readBytes(path: string, maxBytes: number): Promise<Uint8Array>;
  readText(path: string, maxBytes: number): Promise<string>;
  /** Up to `maxBytes` of a regular file from byte `offset` on: a file another process appends to, followed. */
  readFrom(path: string, offset: number, maxBytes: number): Promise<Uint8Array>;
  /** Writes through a temporary file and a rename, so a reader never sees half a file. */
  writeFileAtomic(path: string, content: string | Uint8Array): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  /** `mkdir -p` that always ends: rejects with MakeDirError (src/io/bounded-fs.ts) naming the folder and why. */
  mkdirp(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  isExecutable(path: string): Promise<boolean>;
  listDir(path: string): Promise<string[]>;
  /** A kernel pseudo-file under /proc, read at once (src/io/proc.ts); undefined when it cannot be read. */
  readProc(path: string): string | undefined;
  /** How many entries a folder under /proc has; undefined when it cannot be read. */
  countProc(path: string): number | undefined;
  remove(path: string): Promise<void>;
  /** Free bytes on the file system holding `path`, or undefined where that cannot be told. */
  freeBytes(path: string): Promise<number | undefined>;
  /** A file opened for appending line by line (k6's log). */
  openAppend(path: string): Promise<AppendFile>;
  /** Listens for a signal; returns the function that stops listening. */
  onSignal(signal: StopSignal, handler: () => void): () => void;
  randomHex(bytes: number): string;
  /** Waits; resolves early (true) when a stop signal (Ctrl-C, SIGTERM, SIGHUP) arrives meanwhile. */
  sleep(ms: number): Promise<boolean>;
  /** A program run to completion; its result is a value, never a throw (src/io/exec.ts). */
  runCommand(file: string, args: string[], opts?: RunOptions): Promise<CommandResult>;
  /** A long-running program whose output arrives line by line (k6). */
  spawn(file: string, args: string[], opts?: StreamOptions): Promise<StreamingProcess>;
  /** HTTP: k6's REST API, targets' health and invariants. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** A free TCP port on the given loopback address. */
  freePort(host?: string): Promise<number>;
  /** Whether a TCP connection to host:port opens. */
  probeTcp(host: string, port: number, timeoutMs?: number): Promise<Reachability>;
  /** The load generator's facts (cores, memory, kernel…), stored with every run. */
  hostFacts(): HostFacts;
  /** Load, free memory and interface addresses right now. */
  hostLoad(): HostLoad;
  /** The addresses a host name resolves to; rejects when it resolves to none. */
  lookup(host: string): Promise<string[]>;
  /** The certificate a TLS server presents (src/io/net-tls.ts, loaded on first use). */
  probeTls(host: string, port: number, timeoutMs?: number): Promise<TlsCertificate>;
  /** An HTTP server on host:port (0: a free port): runners push their metric streams to it. */
  listenHttp(
    host: string,
    port: number,
    maxBytes: number,
    handle: (req: HttpRequestIn) => Promise<HttpAnswer> | HttpAnswer,
  ): Promise<Listening>;
}

export interface AppendFile {
  write(text: string): void;
  close(): Promise<void>;
}

export async function writeFileAtomicReal(path: string, content: string | Uint8Array): Promise<void> {
  await makeDirs(dirname(path));
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function output(stream: NodeJS.WriteStream): Output {
  return {
    write: (text) => void stream.write(text),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns ?? 100;
    },
  };
}

/** Waits ms; resolves early (true) when a stop signal arrives meanwhile. */
function sleepUnlessStopped(ms: number): Promise<boolean> {
  return new Promise((resolveSleep) => {
    const stopListening = () => {
      for (const signal of STOP_SIGNALS) process.off(signal, onStop);
    };
    const onStop = () => {
      clearTimeout(timer);
      stopListening();
      resolveSleep(true);
    };
    const timer = setTimeout(() => {
      stopListening();
      resolveSleep(false);
    }, ms);
    for (const signal of STOP_SIGNALS) process.on(signal, onStop);
  });
}

export function realIo(): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: output(process.stdout),
    stderr: output(process.stderr),
    now: () => new Date(),
    readBytes: (path, maxBytes) => readFileLimited(path, maxBytes),
    readFrom: (path, offset, maxBytes) => readFileFrom(path, offset, maxBytes),
    readText: async (path, maxBytes) => (await readFileLimited(path, maxBytes)).toString('utf8'),
    writeFileAtomic: writeFileAtomicReal,
    copyFile: async (from, to) => {
      await makeDirs(dirname(to));
      await copyFile(from, to);
    },
    mkdirp: makeDirs,
    exists: async (path) => {
      try {
        await stat(path);
        return true;
      } catch {
        return false;
      }
    },
    isExecutable: async (path) => {
      try {
        await access(path, constants.X_OK);
        return (await stat(path)).isFile();
      } catch {
        return false;
      }
    },
    listDir: (path) => readdir(path),
    readProc: readProcText,
    countProc: countProcEntries,
    remove: (path) => rm(path, { recursive: true, force: true }),
    openAppend: async (path) => {
      await makeDirs(dirname(path));
      const stream = createWriteStream(path, { flags: 'a' });
      return {
        write: (text) => void stream.write(text),
        close: () => new Promise<void>((done) => stream.end(done)),
      };
    },
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => void process.off(signal, handler);
    },
    randomHex: (bytes) => randomBytes(bytes).toString('hex'),
    sleep: sleepUnlessStopped,
    // The process module is loaded on the first process: `validate` and `render` start none.
    runCommand: async (file, args, opts) => (await import('./exec.js')).runCommand(file, args, opts),
    spawn: async (file, args, opts) => (await import('./exec.js')).spawnStreaming(file, args, opts),
    fetch: (url, init) => fetch(url, init),
    freePort: probeFreePort,
    probeTcp,
    hostFacts: probeHostFacts,
    hostLoad: probeHostLoad,
    lookup: probeDns,
    probeTls: async (host, port, timeoutMs) =>
      (await import('./net-tls.js')).probeTlsCertificate(host, port, timeoutMs),
    listenHttp: async (host, port, maxBytes, handle) =>
      (await import('./http-listen.js')).listenHttp(host, port, maxBytes, handle),
    freeBytes: async (path) => {
      try {
        const s = await statfs(path);
        return s.bavail * s.bsize;
      } catch {
        return undefined;
      }
    },
  };
}
