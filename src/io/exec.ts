// The process edge: the only module that imports execa. Everything else gets a CommandResult value and
// decides what it means; nothing here throws because a process failed, could not start or timed out.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { execa } from 'execa';

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
   * ones we send). execa's cleanup does not cover detached children, so spawnStreaming SIGKILLs a detached
   * child still running when loadctl exits (a crash must not leave k6 loading a target); otherwise the
   * caller must stop it.
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

/** Runs a program to completion (no shell) and returns what happened as a value. */
export async function runCommand(
  file: string,
  args: string[],
  opts: RunOptions = {},
): Promise<CommandResult> {
  const raw = await execa(file, args, {
    reject: false,
    shell: false,
    env: opts.env,
    extendEnv: opts.extendEnv ?? true,
    cwd: opts.cwd,
    timeout: opts.timeoutMs,
    // An inherited or open stdin can make a child wait for input forever; give it EOF unless asked.
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    stripFinalNewline: true,
    windowsHide: true,
  });
  return resolveCommandResult(
    file,
    toRawOutcome(raw),
    await probeStartContext(file, raw.code, opts.cwd),
    opts,
  );
}

/**
 * Starts a long-running program (k6 runs) and hands its output over line by line as it arrives.
 *
 * Signals: the child stays in our process group, so a terminal Ctrl-C reaches it directly and we
 * never forward signals ourselves; call kill() to send one. `cleanup` kills the child when this process
 * exits, but beware: signal-exit only acts on a SIGINT when nothing else listens for it, and then it
 * SIGTERMs the child at once. A caller that wants k6's graceful stop must install its own SIGINT
 * listener while the child runs and wait for `result`.
 */
export function spawnStreaming(file: string, args: string[], opts: StreamOptions = {}): StreamingProcess {
  const failures: string[] = [];
  const subprocess = execa(file, args, {
    reject: false,
    shell: false,
    env: opts.env,
    extendEnv: opts.extendEnv ?? true,
    cwd: opts.cwd,
    timeout: opts.timeoutMs,
    cleanup: opts.detached !== true,
    detached: opts.detached === true,
    stdin: 'ignore',
    stdout: opts.onStdoutLine ? lineSink('onStdoutLine', opts.onStdoutLine, failures) : 'ignore',
    stderr: opts.onStderrLine ? lineSink('onStderrLine', opts.onStderrLine, failures) : 'ignore',
    windowsHide: true,
  });
  const offExit = opts.detached === true ? killOnExit(subprocess.pid) : () => {};
  const result = subprocess.then(async (raw): Promise<CommandResult> => {
    offExit();
    const outcome = resolveCommandResult(
      file,
      toRawOutcome(raw),
      await probeStartContext(file, raw.code, opts.cwd),
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
  });
  return {
    pid: subprocess.pid,
    result,
    kill: (signal = 'SIGTERM') => subprocess.kill(signal),
  };
}

/** The safety net for a detached child: SIGKILL it if loadctl exits first. Returns the function that removes it. */
function killOnExit(pid: number | undefined): () => void {
  if (pid === undefined) return () => {};
  const kill = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', kill);
  return () => void process.off('exit', kill);
}

// An execa line transform that yields nothing: lines go to the callback and nothing is buffered.
// execa drops an exception thrown inside a transform without failing the run, so we catch it, stop
// calling that callback, and report it in the result. The child is left to finish: killing a load
// test because our own parser broke would be a surprise of its own.
function lineSink(name: string, onLine: (line: string) => void, failures: string[]) {
  let broken = false;
  // eslint-disable-next-line require-yield -- yielding nothing is the point: the line is consumed here.
  return function* (line: unknown): Generator<never, void, unknown> {
    if (broken) return;
    try {
      onLine(String(line));
    } catch (error) {
      broken = true;
      failures.push(`${name} threw: ${error instanceof Error ? error.message : String(error)}`);
    }
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

/** The parts of an execa result this module reads, under names that say what they mean. */
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

// execa types its error fields as unknown under reject: false; read them defensively.
function toRawOutcome(result: object): RawOutcome {
  const raw = result as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    exitCode: typeof raw.exitCode === 'number' ? raw.exitCode : undefined,
    signal: typeof raw.signal === 'string' ? raw.signal : undefined,
    timedOut: raw.timedOut === true,
    isMaxBuffer: raw.isMaxBuffer === true,
    failed: raw.failed === true,
    code: typeof raw.code === 'string' ? raw.code : undefined,
    message: typeof raw.shortMessage === 'string' ? raw.shortMessage : undefined,
    stdout: text(raw.stdout),
    stderr: text(raw.stderr),
    durationMs: typeof raw.durationMs === 'number' ? raw.durationMs : 0,
  };
}

async function probeStartContext(
  file: string,
  code: unknown,
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

/** Pure: classifies an execa outcome. Exported for tests. */
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
