// Real processes: these tests are about how the OS and Node's child_process behave, which fakes cannot show.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  probeFileExists,
  probeIsExecutable,
  resolveCommandResult,
  runCommand,
  spawnStreaming,
  type RawOutcome,
} from './exec.js';

const NODE = process.execPath;
let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'loadctl-exec-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('runCommand', () => {
  it('returns a non-zero exit as a value, with the output', async () => {
    const result = await runCommand(NODE, [
      '-e',
      'console.log("out"); console.error("err"); process.exit(3)',
    ]);
    expect(result).toMatchObject({ kind: 'exited', file: NODE, exitCode: 3, stdout: 'out', stderr: 'err' });
    expect(result.kind === 'exited' && result.durationMs).toBeGreaterThan(0);
  });

  it('reports a missing program as not-found, by path or by name', async () => {
    expect(await runCommand('/nonexistent/k6', ['version'])).toEqual({
      kind: 'not-found',
      file: '/nonexistent/k6',
    });
    expect(await runCommand('loadctl-no-such-program', [])).toEqual({
      kind: 'not-found',
      file: 'loadctl-no-such-program',
    });
  });

  it('reports a file without the execute bit as not-executable', async () => {
    const file = path.join(scratch, 'not-exec.sh');
    await writeFile(file, '#!/bin/sh\necho hi\n');
    await chmod(file, 0o644);
    expect(await runCommand(file, [])).toEqual({ kind: 'not-executable', file });
  });

  it('reports a missing working directory instead of blaming the program', async () => {
    expect(await runCommand(NODE, ['-v'], { cwd: path.join(scratch, 'gone') })).toMatchObject({
      kind: 'error',
      code: 'ENOENT',
      message: expect.stringContaining('working directory'),
    });
  });

  it('stops a program that runs too long', async () => {
    const started = performance.now();
    const result = await runCommand(NODE, ['-e', 'setTimeout(() => {}, 30_000)'], { timeoutMs: 300 });
    expect(result).toMatchObject({ kind: 'timed-out', file: NODE, timeoutMs: 300 });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('follows a timeout with SIGKILL when the program ignores SIGTERM', async () => {
    // sh ignores SIGTERM before it says "up" and starts in milliseconds (Node took over 300 ms on a busy
    // machine, and was then killed by the SIGTERM it had not yet learnt to ignore). sleep inherits the
    // ignored SIGTERM and ends on its own within a second of sh's SIGKILL.
    const started = performance.now();
    const r = await runCommand('sh', ['-c', 'trap "" TERM; echo up; while :; do sleep 1; done'], {
      timeoutMs: 2000,
    });
    expect(r).toMatchObject({ kind: 'timed-out', timeoutMs: 2000, stdout: 'up' });
    // Not ended by the SIGTERM: by the SIGKILL 5 s after it.
    expect(performance.now() - started).toBeGreaterThan(6500);
  }, 20_000);

  it('reports a signal death', async () => {
    expect(await runCommand(NODE, ['-e', 'process.kill(process.pid, "SIGKILL")'])).toMatchObject({
      kind: 'signaled',
      signal: 'SIGKILL',
    });
  });
});

describe('runCommand: environment, input and arguments', () => {
  it('adds to the inherited environment; undefined removes a variable', async () => {
    const script = 'console.log(String(process.env.LOADCTL_T_ADDED), process.env.PATH ? "path" : "no-path")';
    expect(await runCommand(NODE, ['-e', script], { env: { LOADCTL_T_ADDED: 'yes' } })).toMatchObject({
      stdout: 'yes path',
    });
    expect(await runCommand(NODE, ['-e', script], { env: { PATH: undefined } })).toMatchObject({
      stdout: 'undefined no-path',
    });
    expect(
      await runCommand(NODE, ['-e', script], { env: { LOADCTL_T_ADDED: 'only' }, extendEnv: false }),
    ).toMatchObject({ stdout: 'only no-path' });
  });

  it('feeds input to stdin, and gives EOF when there is none', async () => {
    const cat = ['-e', 'process.stdin.pipe(process.stdout)'];
    expect(await runCommand(NODE, cat, { input: 'hello' })).toMatchObject({
      kind: 'exited',
      stdout: 'hello',
    });
    expect(await runCommand(NODE, cat, { timeoutMs: 10_000 })).toMatchObject({ kind: 'exited', stdout: '' });
  });

  it('passes arguments verbatim, without a shell', async () => {
    const args = ['$HOME', '*', 'a b', '"q"', '; echo no'];
    const result = await runCommand(NODE, [
      '-e',
      'console.log(JSON.stringify(process.argv.slice(1)))',
      ...args,
    ]);
    expect(result.kind === 'exited' && JSON.parse(result.stdout)).toEqual(args);
  });
});

describe('spawnStreaming', () => {
  it('delivers each stream line by line, in order, including a last line without a newline', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const script = [
      'for (let i = 1; i <= 500; i++) process.stdout.write(`line ${i}\\r\\n`);',
      'process.stderr.write("warn 1\\nwarn 2\\n");',
      'process.stdout.write("\\nlast");',
    ].join('');
    const child = spawnStreaming(NODE, ['-e', script], {
      onStdoutLine: (line) => stdout.push(line),
      onStderrLine: (line) => stderr.push(line),
    });
    expect(child.pid).toEqual(expect.any(Number));
    expect(await child.result).toMatchObject({ kind: 'exited', exitCode: 0, stdout: '', stderr: '' });
    expect(stdout).toEqual([...Array.from({ length: 500 }, (_, i) => `line ${i + 1}`), '', 'last']);
    expect(stderr).toEqual(['warn 1', 'warn 2']);
  });

  it('hands lines over while the process is still running', async () => {
    let release: (line: string) => void = () => {};
    const firstLine = new Promise<string>((resolve) => (release = resolve));
    const child = spawnStreaming(NODE, ['-e', 'console.log("ready"); setTimeout(() => {}, 30_000)'], {
      onStdoutLine: (line) => release(line),
    });
    expect(await firstLine).toBe('ready');
    expect(child.kill('SIGTERM')).toBe(true);
    expect(await child.result).toMatchObject({ kind: 'signaled', signal: 'SIGTERM' });
  });

  it('sends the signal the caller asks for, so the child can stop gracefully', async () => {
    const lines: string[] = [];
    const script = [
      'process.on("SIGINT", () => { console.log("stopping"); process.exit(105); });',
      'console.log("ready"); setTimeout(() => {}, 30_000);',
    ].join('');
    const child = spawnStreaming(NODE, ['-e', script], {
      onStdoutLine: (line) => {
        lines.push(line);
        if (line === 'ready') child.kill('SIGINT');
      },
    });
    expect(await child.result).toMatchObject({ kind: 'exited', exitCode: 105 });
    expect(lines).toEqual(['ready', 'stopping']);
  });

  it('keeps a detached child from outliving loadctl: an exit hook while it runs, gone after', async () => {
    const before = process.listenerCount('exit');
    const child = spawnStreaming(NODE, ['-e', 'setTimeout(() => {}, 200)'], { detached: true });
    expect(process.listenerCount('exit')).toBe(before + 1);
    expect(await child.result).toMatchObject({ kind: 'exited', exitCode: 0 });
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('reports a missing program through result, with no pid', async () => {
    const child = spawnStreaming('/nonexistent/k6', ['run']);
    expect(child.pid).toBeUndefined();
    expect(await child.result).toEqual({ kind: 'not-found', file: '/nonexistent/k6' });
    expect(child.kill('SIGINT')).toBe(false);
  });

  it('turns a throwing line callback into an error result instead of losing it', async () => {
    const seen: string[] = [];
    const child = spawnStreaming(NODE, ['-e', 'console.log("a\\nb\\nc")'], {
      onStdoutLine: (line) => {
        seen.push(line);
        throw new Error('parser broke');
      },
    });
    expect(await child.result).toEqual({
      kind: 'error',
      file: NODE,
      code: 'LINE_CALLBACK_THREW',
      message: 'onStdoutLine threw: parser broke (the process exited with code 0)',
    });
    expect(seen).toEqual(['a']);
  });
});

describe('file probes', () => {
  it('tell files, executables and directories apart', async () => {
    const plain = path.join(scratch, 'plain.txt');
    await writeFile(plain, 'x');
    await chmod(plain, 0o644);
    expect(await probeFileExists(plain)).toBe(true);
    expect(await probeIsExecutable(plain)).toBe(false);
    expect(await probeIsExecutable(NODE)).toBe(true);
    expect(await probeFileExists(scratch)).toBe(false);
    expect(await probeIsExecutable(scratch)).toBe(false);
    expect(await probeFileExists(path.join(scratch, 'missing'))).toBe(false);
  });
});

describe('resolveCommandResult', () => {
  const raw = (over: Partial<RawOutcome>): RawOutcome => ({
    exitCode: undefined,
    signal: undefined,
    timedOut: false,
    isMaxBuffer: false,
    failed: true,
    code: undefined,
    message: undefined,
    stdout: '',
    stderr: '',
    durationMs: 12.6,
    ...over,
  });
  const noContext = { cwdMissing: false, fileExists: false };

  it('classifies how a process ended', () => {
    expect(resolveCommandResult('k6', raw({ exitCode: 99, failed: true }), noContext, {})).toEqual({
      kind: 'exited',
      file: 'k6',
      exitCode: 99,
      stdout: '',
      stderr: '',
      durationMs: 13,
    });
    expect(
      resolveCommandResult('k6', raw({ signal: 'SIGTERM', timedOut: true }), noContext, { timeoutMs: 50 }),
    ).toMatchObject({ kind: 'timed-out', timeoutMs: 50 });
    expect(
      resolveCommandResult('k6', raw({ isMaxBuffer: true, signal: 'SIGTERM' }), noContext, {}),
    ).toMatchObject({
      kind: 'error',
      code: 'MAX_BUFFER',
    });
    expect(resolveCommandResult('k6', raw({ code: 'EPERM' }), noContext, {})).toEqual({
      kind: 'not-executable',
      file: 'k6',
    });
    expect(
      resolveCommandResult('./k6', raw({ code: 'ENOENT' }), { cwdMissing: false, fileExists: true }, {}),
    ).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('interpreter'),
    });
    expect(resolveCommandResult('k6', raw({ code: 'E2BIG', message: 'spawn E2BIG' }), noContext, {})).toEqual(
      {
        kind: 'error',
        file: 'k6',
        code: 'E2BIG',
        message: 'spawn E2BIG',
      },
    );
  });
});
