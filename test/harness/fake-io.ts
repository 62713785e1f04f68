// A whole Io with nothing real behind it: an in-memory file system, captured output, a fixed clock, an
// environment, signals a test fires, a scripted k6 and made-up host facts. Commands run against it exactly as
// they run against realIo().
import type { CommandResult, RunOptions, StreamOptions, StreamingProcess } from '../../src/io/exec.js';
import type { HostFacts, HostLoad } from '../../src/io/host.js';
import type { Io, Output, StopSignal } from '../../src/io/io.js';
import type { Reachability } from '../../src/io/net.js';
import { FakeFs } from './fake-fs.js';
import { FakeK6, K6_VERSION_OUTPUT, type K6Scenario } from './fake-k6.js';

export const FAKE_CWD = '/home/tester/shop';
export const FAKE_K6_PATH = '/opt/k6/bin/k6';
export const FAKE_NOW = new Date('2026-11-22T04:00:00.000Z');

/** What `/proc` tells doctor; the defaults are a roomy Linux host. */
export interface FakeProc {
  openFiles?: { soft: number; hard: number };
  portRange?: [number, number];
  tcpTwReuse?: number;
  somaxconn?: number;
  fileMax?: number;
}

export interface FakeIoOptions {
  cwd?: string;
  /** Added to the defaults: LOADCTL_K6_BIN (the fake k6), PATH, HOME, NO_COLOR. */
  env?: Record<string, string | undefined>;
  now?: Date;
  /** Files to create, path (relative to cwd, or absolute) → content. */
  files?: Record<string, string | Uint8Array>;
  /** What each `k6 run` does, in order. */
  k6?: K6Scenario[];
  /** `k6 version` output (default: the pinned k6 with loadctl's extension, recorded). */
  k6Version?: string;
  tty?: boolean;
  columns?: number;
  host?: Partial<HostFacts>;
  load?: Partial<HostLoad>;
  /** /proc files; false for a host without /proc. */
  proc?: FakeProc | false;
  /** Host name → addresses (IP literals and localhost resolve without an entry). */
  dns?: Record<string, string[]>;
  /** `host:port` → what a TCP connect finds; unlisted ones are refused. */
  tcp?: Record<string, Reachability>;
  /** Answers io.fetch for URLs that are not k6's REST API; without it such a fetch fails to connect. */
  http?: (url: URL, init: RequestInit | undefined) => Response | Promise<Response> | undefined;
  /** Answers io.runCommand for programs other than k6, getconf and `sh -c 'ulimit …'`. */
  commands?: (file: string, args: string[], opts: RunOptions | undefined) => CommandResult | undefined;
  /** Free bytes io.freeBytes reports (default 50 GB). */
  freeBytes?: number;
}

export interface FakeIo extends Io {
  readonly fs: FakeFs;
  readonly k6: FakeK6;
  /** Everything written to stdout / stderr so far. */
  stdoutText(): string;
  stderrText(): string;
  /**
   * Delivers a signal to every listener, as a terminal Ctrl-C (SIGINT), `kill` (SIGTERM) or a closing terminal
   * (SIGHUP) would.
   */
  fireSignal(signal: StopSignal): void;
  /** The programs io.runCommand was asked to run, as `file arg…`. */
  readonly commandsRun: string[];
}

const DEFAULT_HOST: HostFacts = {
  arch: 'x64',
  platform: 'linux',
  cpuModel: 'Fake CPU @ 3.0GHz',
  cores: 8,
  kernel: '6.8.0-fake',
  memoryBytes: 32 * 1024 ** 3,
  hostname: 'loadgen-test',
  node: 'v20.19.0',
};

const DEFAULT_LOAD: HostLoad = {
  loadAverage: 0.2,
  freeMemoryBytes: 24 * 1024 ** 3,
  totalMemoryBytes: 32 * 1024 ** 3,
  localAddresses: ['127.0.0.1', '::1', '10.0.0.5'],
};

function capture(tty: boolean, columns: number): Output & { text: string[] } {
  const text: string[] = [];
  return { text, write: (s) => void text.push(s), isTTY: tty, columns };
}

function procFiles(proc: FakeProc): Record<string, string> {
  const open = proc.openFiles ?? { soft: 65536, hard: 1048576 };
  const [low, high] = proc.portRange ?? [1024, 65535];
  return {
    '/proc/self/limits': [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max cpu time              unlimited            unlimited            seconds   ',
      `Max open files            ${open.soft}                 ${open.hard}              files     `,
      'Max processes             127431               127431               processes ',
      '',
    ].join('\n'),
    '/proc/sys/net/ipv4/ip_local_port_range': `${low}\t${high}\n`,
    '/proc/sys/net/ipv4/tcp_tw_reuse': `${proc.tcpTwReuse ?? 2}\n`,
    '/proc/sys/net/core/somaxconn': `${proc.somaxconn ?? 4096}\n`,
    '/proc/sys/fs/file-max': `${proc.fileMax ?? '9223372036854775807'}\n`,
  };
}

function exited(file: string, exitCode: number, stdout: string, stderr = ''): CommandResult {
  return { kind: 'exited', file, exitCode, stdout, stderr, durationMs: 1 };
}

function connectionRefused(url: string): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error(`connect ECONNREFUSED ${url}`), { code: 'ECONNREFUSED' }),
  });
}

type FileMethods = Pick<
  Io,
  | 'readBytes'
  | 'readFrom'
  | 'readText'
  | 'writeFileAtomic'
  | 'copyFile'
  | 'mkdirp'
  | 'exists'
  | 'isExecutable'
  | 'listDir'
  | 'readProc'
  | 'countProc'
  | 'remove'
  | 'freeBytes'
  | 'openAppend'
>;

function fileMethods(fs: FakeFs, freeBytes: number): FileMethods {
  return {
    readBytes: async (path, maxBytes) => fs.readBytesSync(path, maxBytes),
    readFrom: async (path, offset, maxBytes) => fs.readBytesSync(path).slice(offset, offset + maxBytes),
    readText: async (path, maxBytes) => fs.readTextSync(path, maxBytes),
    writeFileAtomic: async (path, content) => fs.writeSync(path, content),
    copyFile: async (from, to) => fs.writeSync(to, fs.readBytesSync(from)),
    mkdirp: async (path) => fs.mkdirpSync(path),
    exists: async (path) => fs.existsSync(path),
    isExecutable: async (path) => fs.executables.has(fs.abs(path)),
    listDir: async (path) => fs.listDirSync(path),
    readProc: (path) => (fs.existsSync(path) ? fs.readTextSync(path) : undefined),
    countProc: (path) => (fs.existsSync(path) ? fs.listDirSync(path).length : undefined),
    remove: async (path) => fs.removeSync(path),
    freeBytes: async () => freeBytes,
    openAppend: async (path) => fs.openAppendSync(path),
  };
}

type ProcessMethods = Pick<Io, 'runCommand' | 'spawn'> & { commandsRun: string[] };

/** k6 (version; run through spawn), getconf, `sh -c 'ulimit …'`, and whatever options.commands answers. */
function processMethods(fs: FakeFs, k6: FakeK6, options: FakeIoOptions): ProcessMethods {
  const commandsRun: string[] = [];
  const openFiles = (options.proc === false ? undefined : options.proc?.openFiles) ?? {
    soft: 65536,
    hard: 1048576,
  };
  const runCommand = async (file: string, args: string[], opts?: RunOptions): Promise<CommandResult> => {
    commandsRun.push([file, ...args].join(' '));
    const custom = options.commands?.(file, args, opts);
    if (custom !== undefined) return custom;
    if (file === k6.path) {
      if (!fs.executables.has(file)) return { kind: 'not-executable', file };
      return args[0] === 'version' ? k6.version(file) : exited(file, 255, '', `unknown command "${args[0]}"`);
    }
    if (file === 'getconf' && args[0] === 'CLK_TCK') return exited(file, 0, '100');
    // A shell asked for limits (`sh -c 'ulimit -Sn; ulimit -Hn'`) answers each, one line apiece.
    const asked =
      (file === 'sh' || file === 'bash') && args[0] === '-c' ? (args[1]?.match(/ulimit -[SH]?n/g) ?? []) : [];
    if (asked.length > 0) {
      const lines = asked.map((u) => (u === 'ulimit -Hn' ? openFiles.hard : openFiles.soft));
      return exited(file, 0, lines.join('\n'));
    }
    return { kind: 'not-found', file };
  };
  const spawn = async (file: string, args: string[], opts: StreamOptions = {}): Promise<StreamingProcess> => {
    commandsRun.push([file, ...args].join(' '));
    if (file !== k6.path || !fs.existsSync(file)) {
      return { pid: undefined, result: Promise.resolve({ kind: 'not-found', file }), kill: () => false };
    }
    return k6.spawn(file, args, opts);
  };
  return { runCommand, spawn, commandsRun };
}

type NetMethods = Pick<
  Io,
  'fetch' | 'freePort' | 'probeTcp' | 'hostFacts' | 'hostLoad' | 'lookup' | 'probeTls' | 'listenHttp'
>;

function netMethods(k6: FakeK6, options: FakeIoOptions): NetMethods {
  let port = 46000;
  return {
    fetch: async (input, init) => {
      const url = new URL(input);
      const answer = k6.fetch(url, init) ?? (await options.http?.(url, init));
      if (answer === undefined) throw connectionRefused(url.host);
      return answer;
    },
    freePort: async () => (port += 1),
    probeTcp: async (host, p) => options.tcp?.[`${host}:${p}`] ?? { kind: 'refused' },
    hostFacts: () => ({ ...DEFAULT_HOST, ...options.host }),
    hostLoad: () => ({ ...DEFAULT_LOAD, ...options.load }),
    lookup: async (host) => {
      const found = options.dns?.[host];
      if (found !== undefined && found.length > 0) return found;
      if (host === 'localhost') return ['127.0.0.1'];
      if (/^[\d.]+$/.test(host) || host.includes(':')) return [host];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    },
    probeTls: async () => ({ ok: false, detail: 'no TLS server in the fake' }),
    listenHttp: async () => {
      throw new Error('the fake has no HTTP server: multi-runner runs are tested end to end');
    },
  };
}

export function fakeIo(options: FakeIoOptions = {}): FakeIo {
  const cwd = options.cwd ?? FAKE_CWD;
  const fs = new FakeFs(cwd);
  const k6 = new FakeK6(FAKE_K6_PATH, fs, options.k6 ?? [], options.k6Version ?? K6_VERSION_OUTPUT());
  fs.writeSync(FAKE_K6_PATH, '#!fake k6\n', { executable: true });
  for (const [path, content] of Object.entries(options.files ?? {})) fs.writeSync(path, content);
  const proc = options.proc === false ? undefined : procFiles(options.proc ?? {});
  for (const [path, content] of Object.entries(proc ?? {})) fs.writeSync(path, content);

  const stdout = capture(options.tty ?? false, options.columns ?? 120);
  const stderr = capture(options.tty ?? false, options.columns ?? 120);
  const listeners: Record<StopSignal, Set<() => void>> = {
    SIGINT: new Set(),
    SIGTERM: new Set(),
    SIGHUP: new Set(),
  };
  let hex = 0;
  return {
    cwd,
    env: {
      HOME: '/home/tester',
      PATH: '/usr/bin:/bin',
      LOADCTL_K6_BIN: FAKE_K6_PATH,
      NO_COLOR: '1',
      ...options.env,
    },
    stdout,
    stderr,
    fs,
    k6,
    stdoutText: () => stdout.text.join(''),
    stderrText: () => stderr.text.join(''),
    fireSignal: (signal) => {
      for (const handler of [...listeners[signal]]) handler();
    },
    now: () => new Date((options.now ?? FAKE_NOW).getTime()),
    onSignal: (signal, handler) => {
      // A handler registered twice is two listeners, as with process.on.
      const once = () => handler();
      listeners[signal].add(once);
      return () => void listeners[signal].delete(once);
    },
    randomHex: (bytes) => {
      hex += 1;
      return hex
        .toString(16)
        .padStart(bytes * 2, '0')
        .slice(-bytes * 2);
    },
    sleep: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return false;
    },
    ...fileMethods(fs, options.freeBytes ?? 50e9),
    ...processMethods(fs, k6, options),
    ...netMethods(k6, options),
  };
}
