// The process edge: the only module that starts programs (node:child_process). Everything else gets a
// CommandResult value and decides what it means; nothing here throws because a process failed, could not
// start or timed out. Built on Node's own child_process rather than a library: loading one cost `loadctl
// run` about 60 ms before `k6 version` could even start (bench/startup.mjs, bench/run-overhead.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/** Environment additions; `undefined` removes an inherited variable. */
export type Env = Record<string, string | undefined>;

/** Captured output. For spawnStreaming the lines went to the callbacks instead, so these are empty. */
interface Output {
  stdout: string;
  stderr: string;
  durationMs: number;
}

export type CommandResult =
  /** The process ran and exited by itself, with any code (0 included). */
  | ({ kind: 'exited'; file: string; exitCode: number } & Output)
  /** Ended by a signal it did not handle (ours via kill(), or someone else's). */
  | ({ kind: 'signaled'; file: string; signal: string } & Output)
  /** Ran past timeoutMs; it was sent SIGTERM, then SIGKILL 5 s later if still alive. */
  | ({ kind: 'timed-out'; file: string; timeoutMs: number } & Output)
  /** No such file (or, for a bare name, not on PATH). */
  | { kind: 'not-found'; file: string }
  /** The file exists but may not be executed (no x bit, a directory, noexec mount). */
  | { kind: 'not-executable'; file: string }
  /** Anything else that stopped it from starting or finishing normally, explained in `message`. */
  | { kind: 'error'; file: string; code: string | undefined; message: string };

export interface RunOptions {
  /** Added to (or, with extendEnv: false, instead of) the parent's environment. */
  env?: Env;
  /** Default true: the child inherits process.env plus `env`. */
  extendEnv?: boolean;
  cwd?: string;
  /** No limit when absent. */
  timeoutMs?: number;
  /** Written to the child's stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
}

export interface StreamOptions {
  env?: Env;
  extendEnv?: boolean;
  cwd?: string;
  timeoutMs?: number;
  /** Each stdout line without its line ending, in order. Without a callback the stream is discarded. */
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /**
   * Start the child in its own process group, so a terminal Ctrl-C reaches only us and we decide what the
   * child gets (k6 stops gracefully on the first SIGINT and at once on the second: it must see exactly the
   * ones we send). A detached child still running when loadctl exits is SIGKILLed (a crash must not leave
   * k6 loading a target); an attached one gets SIGTERM.
   */
  detached?: boolean;
}

export interface StreamingProcess {
  /** Undefined when the process could not be started; `result` then says why. */
  pid: number | undefined;
  /** Settles once the process has ended (never rejects for process failures). */
  result: Promise<CommandResult>;
  /**
   * Sends a signal; returns false when the process is already gone. SIGINT makes k6 stop gracefully
   * (a second SIGINT aborts it); SIGTERM is followed by SIGKILL after 5 s if the child ignores it.
   */
  kill(signal?: NodeJS.Signals): boolean;
}

/** What a child may write to its captured streams before it is stopped. */
const MAX_BUFFER_BYTES = 100 * 1024 * 1024;
/** After a SIGTERM (a timeout, or kill()), the child gets this long before SIGKILL. */
const FORCE_KILL_AFTER_MS = 5000;

function childEnv(opts: { env?: Env; extendEnv?: boolean }): NodeJS.ProcessEnv {
  // Node's spawn leaves out variables whose value is undefined: that is how `undefined` removes one.
  return opts.extendEnv === false ? { ...opts.env } : { ...process.env, ...opts.env };
}

/** Starts a child; a synchronous spawn failure (a bad argument) becomes a child-less start. */
function start(
  file: string,
  args: string[],
  options: Parameters<typeof spawn>[2],
): { child: ChildProcess } | { error: NodeJS.ErrnoException } {
  try {
    return { child: spawn(file, args, { shell: false, windowsHide: true, ...options }) };
  } catch (error) {
    return { error: error as NodeJS.ErrnoException };
  }
}

/** Sends SIGTERM, then SIGKILL if the child is still there FORCE_KILL_AFTER_MS later. */
function terminate(child: ChildProcess, signal: NodeJS.Signals): boolean {
  const sent = child.exitCode === null && child.signalCode === null && child.kill(signal);
  if (sent && signal === 'SIGTERM') {
    const force = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, FORCE_KILL_AFTER_MS);
    force.unref();
    child.once('exit', () => clearTimeout(force));
  }
  return sent;
}

/** A child must not outlive loadctl: `signal` is sent if loadctl exits first. Returns the function that removes it. */
function killOnExit(pid: number | undefined, signal: NodeJS.Signals): () => void {
  if (pid === undefined) return () => {};
  const kill = () => {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  };
  process.once('exit', kill);
  return () => void process.off('exit', kill);
}

interface Ending {
  exitCode: number | undefined;
  signal: string | undefined;
  error: NodeJS.ErrnoException | undefined;
  timedOut: boolean;
  isMaxBuffer: boolean;
}

/** Waits for the child's end: its exit with every stream closed, or its failure to start. */
function ended(child: ChildProcess, flags: { timedOut(): boolean; isMaxBuffer(): boolean }) {
  return new Promise<Ending>((resolve) => {
    const done = (over: Partial<Ending>) =>
      resolve({
        exitCode: undefined,
        signal: undefined,
        error: undefined,
        timedOut: flags.timedOut(),
        isMaxBuffer: flags.isMaxBuffer(),
        ...over,
      });
    // A start failure emits 'error' and may never emit 'close'.
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) done({ error });
    });
    child.once('close', (code, signal) => done({ exitCode: code ?? undefined, signal: signal ?? undefined }));
  });
}

function toRawOutcome(end: Ending, stdout: string, stderr: string, startedMs: number): RawOutcome {
  return {
    exitCode: end.timedOut || end.isMaxBuffer ? undefined : end.exitCode,
    signal: end.signal,
    timedOut: end.timedOut,
    isMaxBuffer: end.isMaxBuffer,
    failed: end.error !== undefined || end.exitCode !== 0,
    code: end.error?.code,
    message: end.error?.message,
    stdout,
    stderr,
    durationMs: performance.now() - startedMs,
  };
}

const stripFinalNewline = (text: string) => text.replace(/\r?\n$/, '');

/** Runs a program to completion (no shell) and returns what happened as a value. */
export async function runCommand(
  file: string,
  args: string[],
  opts: RunOptions = {},
): Promise<CommandResult> {
  const startedMs = performance.now();
  const started = start(file, args, {
    env: childEnv(opts),
    cwd: opts.cwd,
    // An inherited or open stdin can make a child wait for input forever; give it EOF unless asked.
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if ('error' in started) {
    const end = {
      exitCode: undefined,
      signal: undefined,
      error: started.error,
      timedOut: false,
      isMaxBuffer: false,
    };
    return resolveCommandResult(
      file,
      toRawOutcome(end, '', '', startedMs),
      await probeStartContext(file, started.error.code, opts.cwd),
      opts,
    );
  }
  const { child } = started;
  const chunks: { stdout: Buffer[]; stderr: Buffer[] } = { stdout: [], stderr: [] };
  let bytes = 0;
  let timedOut = false;
  let isMaxBuffer = false;
  for (const name of ['stdout', 'stderr'] as const) {
    child[name]?.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BUFFER_BYTES && !isMaxBuffer) {
        isMaxBuffer = true;
        terminate(child, 'SIGTERM');
      }
      if (!isMaxBuffer) chunks[name].push(chunk);
    });
  }
  // A child that ignores a closed stdin must not crash us with EPIPE.
  child.stdin?.on('error', () => {});
  child.stdin?.end(opts.input);
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          terminate(child, 'SIGTERM');
        }, opts.timeoutMs);
  const offExit = killOnExit(child.pid, 'SIGTERM');
  const end = await ended(child, { timedOut: () => timedOut, isMaxBuffer: () => isMaxBuffer });
  clearTimeout(timer);
  offExit();
  const text = (name: 'stdout' | 'stderr') => stripFinalNewline(Buffer.concat(chunks[name]).toString('utf8'));
  return resolveCommandResult(
    file,
    toRawOutcome(end, text('stdout'), text('stderr'), startedMs),
    await probeStartContext(file, end.error?.code, opts.cwd),
    opts,
  );
}

/**
 * Starts a long-running program (k6 runs) and hands its output over line by line as it arrives.
 *
 * Signals: an attached child stays in our process group, so a terminal Ctrl-C reaches it directly and we
 * never forward signals ourselves; call kill() to send one. A detached child sees only the signals kill()
 * sends. A caller that wants k6's graceful stop must install its own SIGINT listener while the child runs
 * and wait for `result`.
 */
export function spawnStreaming(file: string, args: string[], opts: StreamOptions = {}): StreamingProcess {
  const startedMs = performance.now();
  const detached = opts.detached === true;
  const started = start(file, args, {
    env: childEnv(opts),
    cwd: opts.cwd,
    detached,
    stdio: ['ignore', opts.onStdoutLine ? 'pipe' : 'ignore', opts.onStderrLine ? 'pipe' : 'ignore'],
  });
  if ('error' in started) {
    const error = started.error;
    const end = { exitCode: undefined, signal: undefined, error, timedOut: false, isMaxBuffer: false };
    return {
      pid: undefined,
      result: probeStartContext(file, error.code, opts.cwd).then((context) =>
        resolveCommandResult(file, toRawOutcome(end, '', '', startedMs), context, opts),
      ),
      kill: () => false,
    };
  }
  const { child } = started;
  const failures: string[] = [];
  const flushers = [
    lineSink(child.stdout, 'onStdoutLine', opts.onStdoutLine, failures),
    lineSink(child.stderr, 'onStderrLine', opts.onStderrLine, failures),
  ];
  let timedOut = false;
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          terminate(child, 'SIGTERM');
        }, opts.timeoutMs);
  const offExit = killOnExit(child.pid, detached ? 'SIGKILL' : 'SIGTERM');
  const result = ended(child, { timedOut: () => timedOut, isMaxBuffer: () => false }).then(
    async (end): Promise<CommandResult> => {
      clearTimeout(timer);
      offExit();
      for (const flush of flushers) flush();
      const outcome = resolveCommandResult(
        file,
        toRawOutcome(end, '', '', startedMs),
        await probeStartContext(file, end.error?.code, opts.cwd),
        opts,
      );
      const [failure] = failures;
      if (failure === undefined) return outcome;
      return {
        kind: 'error',
        file,
        code: 'LINE_CALLBACK_THREW',
        message: `${failure} (${describeEnd(outcome)})`,
      };
    },
  );
  return { pid: child.pid, result, kill: (signal = 'SIGTERM') => terminate(child, signal) };
}

// Splits a stream into lines (without their \n or \r\n) for the callback; nothing is buffered beyond the
// current line. An exception thrown by the callback stops the calls to it and is reported in the result;
// the child is left to finish: killing a load test because our own parser broke would be a surprise of
// its own. Returns the function that delivers a last line without a line ending.
function lineSink(
  stream: NodeJS.ReadableStream | null,
  name: string,
  onLine: ((line: string) => void) | undefined,
  failures: string[],
): () => void {
  if (stream === null || onLine === undefined) return () => {};
  let broken = false;
  let partial = '';
  const deliver = (line: string) => {
    if (broken) return;
    try {
      onLine(line);
    } catch (error) {
      broken = true;
      failures.push(`${name} threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) deliver(line.endsWith('\r') ? line.slice(0, -1) : line);
  });
  return () => {
    if (partial !== '') deliver(partial.endsWith('\r') ? partial.slice(0, -1) : partial);
    partial = '';
  };
}

function describeEnd(outcome: CommandResult): string {
  switch (outcome.kind) {
    case 'exited':
      return `the process exited with code ${outcome.exitCode}`;
    case 'signaled':
      return `the process was ended by ${outcome.signal}`;
    case 'timed-out':
      return `the process timed out after ${outcome.timeoutMs} ms`;
    case 'not-found':
    case 'not-executable':
      return `the process could not start: ${outcome.kind}`;
    case 'error':
      return outcome.message;
  }
}

/** Whether a regular file (or a link to one) exists at the path. */
export async function probeFileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Whether the path is a regular file this process may execute (a directory is not, despite its x bit). */
export async function probeIsExecutable(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** How a process ended, under names that say what they mean (the input of resolveCommandResult). */
export interface RawOutcome {
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  isMaxBuffer: boolean;
  failed: boolean;
  /** Node's error code when starting failed (ENOENT, EACCES, …). */
  code: string | undefined;
  message: string | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Facts looked up only when starting failed with ENOENT, to tell "no such program" from other causes. */
export interface StartContext {
  cwdMissing: boolean;
  fileExists: boolean;
}

async function probeStartContext(
  file: string,
  code: string | undefined,
  cwd: string | undefined,
): Promise<StartContext> {
  // Node reports a missing cwd, and a script whose #! interpreter is missing, as ENOENT of the program.
  if (code !== 'ENOENT') return { cwdMissing: false, fileExists: false };
  const cwdMissing = cwd !== undefined && !(await probeDirectory(cwd));
  const fileExists = /[\\/]/.test(file) && (await probeFileExists(file));
  return { cwdMissing, fileExists };
}

async function probeDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Pure: classifies how a process ended. Exported for tests. */
export function resolveCommandResult(
  file: string,
  raw: RawOutcome,
  context: StartContext,
  request: { timeoutMs?: number; cwd?: string },
): CommandResult {
  const output = { stdout: raw.stdout, stderr: raw.stderr, durationMs: Math.round(raw.durationMs) };
  if (raw.timedOut) return { kind: 'timed-out', file, timeoutMs: request.timeoutMs ?? 0, ...output };
  if (raw.isMaxBuffer) {
    return { kind: 'error', file, code: 'MAX_BUFFER', message: `${file} wrote more output than can be kept` };
  }
  if (raw.exitCode !== undefined) return { kind: 'exited', file, exitCode: raw.exitCode, ...output };
  if (raw.signal !== undefined) return { kind: 'signaled', file, signal: raw.signal, ...output };
  if (raw.code === 'ENOENT') {
    if (context.cwdMissing) {
      return {
        kind: 'error',
        file,
        code: raw.code,
        message: `cannot run ${file}: working directory ${request.cwd ?? ''} does not exist`,
      };
    }
    if (context.fileExists) {
      return {
        kind: 'error',
        file,
        code: raw.code,
        message: `cannot run ${file}: it exists, but the interpreter on its #! line (or its loader) is missing`,
      };
    }
    return { kind: 'not-found', file };
  }
  if (raw.code === 'EACCES' || raw.code === 'EPERM') return { kind: 'not-executable', file };
  return {
    kind: 'error',
    file,
    code: raw.code,
    message: raw.message ?? `${file} failed without an exit code or a signal`,
  };
}
