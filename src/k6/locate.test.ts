import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandResult, RunOptions } from '../io/exec.js';
import { findK6, k6ProcessEnv, projectRoot, resolvePathDirs, resolveProjectRoot } from './locate.js';
import { PINNED_K6_VERSION } from './version.js';

const ROOT = '/repo';
const PROJECT_K6 = '/repo/.tools/bin/k6';

const exited = (stdout: string, exitCode = 0, stderr = ''): CommandResult => ({
  kind: 'exited',
  file: 'k6',
  exitCode,
  stdout,
  stderr,
  durationMs: 5,
});
const k6Says = (version: string) => exited(`k6 ${version} (go1.26.8, linux/amd64)\n`);

interface FakeFile {
  executable?: boolean;
  /** What `<file> version` returns. */
  version?: CommandResult;
}

/** A machine with just these files; records every `version` call. */
function fakeWorld(files: Record<string, FakeFile>, env: Record<string, string | undefined> = {}) {
  const calls: { file: string; args: string[]; opts: RunOptions | undefined }[] = [];
  return {
    calls,
    deps: {
      env,
      projectRoot: ROOT,
      cwd: '/home/me/work',
      platform: 'linux' as const,
      fileExists: async (file: string) => file in files,
      isExecutable: async (file: string) => files[file]?.executable ?? true,
      runCommand: async (file: string, args: string[], opts?: RunOptions): Promise<CommandResult> => {
        calls.push({ file, args, opts });
        return files[file]?.version ?? { kind: 'not-found', file };
      },
    },
  };
}

describe('findK6 search order', () => {
  it('uses LOADCTL_K6_BIN first, without looking further', async () => {
    const { deps, calls } = fakeWorld(
      { '/opt/k6': { version: k6Says('v1.2.0') }, [PROJECT_K6]: { version: k6Says(PINNED_K6_VERSION) } },
      { LOADCTL_K6_BIN: '/opt/k6', PATH: '/usr/bin' },
    );
    expect(await findK6(deps)).toMatchObject({
      kind: 'found',
      path: '/opt/k6',
      source: 'env',
      version: { text: 'v1.2.0' },
      skipped: [],
    });
    expect(calls.map((c) => c.file)).toEqual(['/opt/k6']);
  });

  it('resolves a relative LOADCTL_K6_BIN against the working directory', async () => {
    const { deps } = fakeWorld(
      { '/home/me/work/bin/k6': { version: k6Says('v1.2.0') } },
      { LOADCTL_K6_BIN: 'bin/k6' },
    );
    expect(await findK6(deps)).toMatchObject({ kind: 'found', path: '/home/me/work/bin/k6', source: 'env' });
  });

  it('ignores an empty LOADCTL_K6_BIN', async () => {
    const { deps } = fakeWorld(
      { [PROJECT_K6]: { version: k6Says(PINNED_K6_VERSION) } },
      { LOADCTL_K6_BIN: '' },
    );
    expect(await findK6(deps)).toMatchObject({ kind: 'found', source: 'project' });
  });

  it('prefers the project k6 over PATH', async () => {
    const { deps, calls } = fakeWorld(
      { [PROJECT_K6]: { version: k6Says(PINNED_K6_VERSION) }, '/usr/bin/k6': { version: k6Says('v0.52.0') } },
      { PATH: '/usr/bin' },
    );
    expect(await findK6(deps)).toMatchObject({
      kind: 'found',
      path: PROJECT_K6,
      source: 'project',
      version: { text: PINNED_K6_VERSION, goVersion: 'go1.26.8', platform: 'linux/amd64' },
    });
    expect(calls.map((c) => c.file)).toEqual([PROJECT_K6]);
  });

  it('then takes the first PATH directory holding a k6, skipping empty and relative entries', async () => {
    const { deps, calls } = fakeWorld(
      {
        'bin/k6': { version: k6Says('v1.0.0') },
        '/usr/local/bin/k6': { version: k6Says('v0.52.0') },
        '/usr/bin/k6': { version: k6Says('v1.0.0') },
      },
      { PATH: ':bin:/home/me/.local/bin:/usr/local/bin:/usr/bin' },
    );
    expect(await findK6(deps)).toMatchObject({ kind: 'found', path: '/usr/local/bin/k6', source: 'path' });
    expect(calls.map((c) => c.file)).toEqual(['/usr/local/bin/k6']);
  });

  it('reports every place it looked when there is no k6', async () => {
    const { deps } = fakeWorld({}, { PATH: '/home/me/.local/bin:/usr/bin:/usr/bin' });
    expect(await findK6(deps)).toEqual({
      kind: 'missing',
      searched: [PROJECT_K6, '/home/me/.local/bin/k6', '/usr/bin/k6'],
      hint:
        'Run `npm run setup:k6` to build the pinned k6 v1.8.1 into .tools/bin (needs Go), ' +
        'or set LOADCTL_K6_BIN to a k6 from v0.49.0 up to, but not including, v3.0.0.',
    });
  });

  it('treats a missing PATH as empty', async () => {
    const { deps } = fakeWorld({});
    expect(await findK6(deps)).toMatchObject({ kind: 'missing', searched: [PROJECT_K6] });
  });
});

describe('findK6 with a bad LOADCTL_K6_BIN does not fall through', () => {
  const usableElsewhere = { [PROJECT_K6]: { version: k6Says(PINNED_K6_VERSION) } };

  it('names the variable when nothing is there', async () => {
    const { deps, calls } = fakeWorld(usableElsewhere, { LOADCTL_K6_BIN: '/nonexistent/k6' });
    expect(await findK6(deps)).toEqual({
      kind: 'broken',
      path: '/nonexistent/k6',
      source: 'env',
      detail: 'LOADCTL_K6_BIN is set to /nonexistent/k6, but there is no file there.',
      hint:
        'Fix LOADCTL_K6_BIN or unset it: without it loadctl uses .tools/bin/k6 (built by `npm run setup:k6`), ' +
        'then k6 on PATH.',
    });
    expect(calls).toEqual([]);
  });

  it('shows both spellings of a relative path', async () => {
    const { deps } = fakeWorld(usableElsewhere, { LOADCTL_K6_BIN: 'k6' });
    expect(await findK6(deps)).toMatchObject({
      kind: 'broken',
      detail: 'LOADCTL_K6_BIN is set to k6 (/home/me/work/k6), but there is no file there.',
    });
  });

  it('says when it is not executable', async () => {
    const { deps } = fakeWorld(
      { ...usableElsewhere, '/opt/k6': { executable: false } },
      { LOADCTL_K6_BIN: '/opt/k6' },
    );
    expect(await findK6(deps)).toMatchObject({
      kind: 'broken',
      source: 'env',
      detail: 'LOADCTL_K6_BIN points to /opt/k6, which is not an executable file.',
    });
  });

  it('says when it is not k6', async () => {
    const { deps } = fakeWorld(
      { ...usableElsewhere, '/usr/bin/true': { version: exited('') } },
      { LOADCTL_K6_BIN: '/usr/bin/true' },
    );
    expect(await findK6(deps)).toMatchObject({
      kind: 'broken',
      detail:
        'LOADCTL_K6_BIN points to /usr/bin/true, which does not look like k6: `/usr/bin/true version` printed nothing.',
    });
  });

  it('refuses an unsupported version and says which variable chose it', async () => {
    const { deps } = fakeWorld(
      { ...usableElsewhere, '/opt/k6': { version: k6Says('v0.48.0') } },
      { LOADCTL_K6_BIN: '/opt/k6' },
    );
    const result = await findK6(deps);
    expect(result).toMatchObject({
      kind: 'unsupported',
      path: '/opt/k6',
      source: 'env',
      version: { text: 'v0.48.0' },
      reason: 'k6 v0.48.0 is older than v0.49, the oldest loadctl supports.',
    });
    expect(result.kind === 'unsupported' && result.hint).toContain('Fix LOADCTL_K6_BIN or unset it');
  });
});

describe('findK6 with a broken or unsupported k6', () => {
  it.each<[string, CommandResult, string]>([
    [
      'a failing version command',
      exited('', 2, 'exec format error\nmore'),
      'failed: `/repo/.tools/bin/k6 version` exited with code 2: "exec format error".',
    ],
    [
      'garbage output',
      exited('Usage: something\n'),
      'does not look like k6: `/repo/.tools/bin/k6 version` printed "Usage: something".',
    ],
    [
      'a crash',
      { kind: 'signaled', file: PROJECT_K6, signal: 'SIGSEGV', stdout: '', stderr: '', durationMs: 1 },
      'crashed: `/repo/.tools/bin/k6 version` was ended by SIGSEGV.',
    ],
    [
      'a hang',
      { kind: 'timed-out', file: PROJECT_K6, timeoutMs: 15_000, stdout: '', stderr: '', durationMs: 15_000 },
      'hangs: `/repo/.tools/bin/k6 version` did not finish within 15 s.',
    ],
    [
      'a start failure',
      { kind: 'error', file: PROJECT_K6, code: 'E2BIG', message: 'argument list too long' },
      'could not be started: argument list too long.',
    ],
    [
      'a vanished file',
      { kind: 'not-found', file: PROJECT_K6 },
      'could not be started (the OS reported it missing).',
    ],
  ])('reports %s as broken when nothing else is usable', async (_label, version, detail) => {
    const { deps } = fakeWorld({ [PROJECT_K6]: { version } });
    expect(await findK6(deps)).toEqual({
      kind: 'broken',
      path: PROJECT_K6,
      source: 'project',
      detail: `${PROJECT_K6} ${detail}`,
      hint: 'Run `npm run setup:k6` to rebuild the project k6 in .tools/bin.',
    });
  });

  it('passes over a broken project k6 for one on PATH, and lists what it skipped', async () => {
    const { deps } = fakeWorld(
      { [PROJECT_K6]: { version: exited('', 1) }, '/usr/bin/k6': { version: k6Says('v0.52.0') } },
      { PATH: '/usr/bin' },
    );
    expect(await findK6(deps)).toEqual({
      kind: 'found',
      path: '/usr/bin/k6',
      source: 'path',
      version: expect.objectContaining({ text: 'v0.52.0' }),
      skipped: [
        {
          path: PROJECT_K6,
          source: 'project',
          problem: `${PROJECT_K6} failed: \`${PROJECT_K6} version\` exited with code 1.`,
        },
      ],
    });
  });

  it('reports the first unusable k6 rather than "missing"', async () => {
    const { deps } = fakeWorld(
      { [PROJECT_K6]: { version: k6Says('v3.0.0') }, '/usr/bin/k6': { executable: false } },
      { PATH: '/usr/bin' },
    );
    expect(await findK6(deps)).toMatchObject({
      kind: 'unsupported',
      path: PROJECT_K6,
      source: 'project',
      version: { text: 'v3.0.0' },
      reason: 'k6 v3.0.0 is newer than loadctl supports (below v3.0.0); its CLI or output may have changed.',
    });
  });

  it('counts a non-executable k6 on PATH as a problem', async () => {
    const { deps } = fakeWorld({ '/usr/bin/k6': { executable: false } }, { PATH: '/usr/bin' });
    expect(await findK6(deps)).toMatchObject({
      kind: 'broken',
      path: '/usr/bin/k6',
      source: 'path',
      detail: '/usr/bin/k6 is not an executable file.',
    });
  });

  it('runs `version` with the k6 environment only, bounded in time', async () => {
    const { deps, calls } = fakeWorld(
      { [PROJECT_K6]: { version: k6Says(PINNED_K6_VERSION) } },
      { PATH: '/usr/bin', HOME: '/home/me', K6_NO_USAGE_REPORT: 'false' },
    );
    await findK6(deps);
    expect(calls).toEqual([
      {
        file: PROJECT_K6,
        args: ['version'],
        opts: {
          env: {
            PATH: '/usr/bin',
            HOME: '/home/me',
            K6_NO_USAGE_REPORT: 'true',
            K6_AUTO_EXTENSION_RESOLUTION: 'false',
          },
          extendEnv: false,
          timeoutMs: 15_000,
        },
      },
    ]);
  });

  it('looks for k6.exe on Windows', async () => {
    const { deps } = fakeWorld({});
    const result = await findK6({
      ...deps,
      projectRoot: 'C:\\repo',
      platform: 'win32',
      env: { PATH: 'C:\\k6;relative' },
    });
    expect(result).toMatchObject({
      kind: 'missing',
      searched: ['C:\\repo\\.tools\\bin\\k6.exe', 'C:\\k6\\k6.exe'],
    });
  });
});

describe('k6ProcessEnv', () => {
  it('keeps the given variables, drops unset ones and always disables reporting and auto-downloads', () => {
    expect(k6ProcessEnv({ HOME: '/home/me', GONE: undefined, K6_AUTO_EXTENSION_RESOLUTION: 'true' })).toEqual(
      {
        HOME: '/home/me',
        K6_NO_USAGE_REPORT: 'true',
        K6_AUTO_EXTENSION_RESOLUTION: 'false',
      },
    );
    expect(k6ProcessEnv()).toEqual({ K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' });
  });
});

describe('resolvePathDirs', () => {
  it('keeps absolute directories in order', () => {
    expect(resolvePathDirs('/a::./b:/c', 'linux')).toEqual(['/a', '/c']);
    expect(resolvePathDirs(undefined, 'linux')).toEqual([]);
  });
});

describe('project root', () => {
  it('walks up to the folder whose package.json is named loadctl', () => {
    const names: Record<string, string> = {
      '/w/main/node_modules/x': 'x',
      '/w/main': 'loadctl',
      '/w': 'loadctl',
    };
    expect(resolveProjectRoot('/w/main/node_modules/x/dist', (dir) => names[dir])).toBe('/w/main');
    expect(resolveProjectRoot('/elsewhere/deep', (dir) => names[dir])).toBeUndefined();
  });

  it('finds this checkout from the module location', () => {
    const root = projectRoot();
    expect(root).toBe(path.resolve(import.meta.dirname, '..', '..'));
    expect(existsSync(path.join(root, 'package.json'))).toBe(true);
  });
});

describe('findK6 on this machine', () => {
  const bin = path.join(projectRoot(), '.tools', 'bin', 'k6');

  it('finds the project k6 and reads its version', async (ctx) => {
    if (!existsSync(bin)) ctx.skip(`${bin} is absent; run \`npm run setup:k6\` to build it`);
    // PATH is emptied so the project k6 is the only candidate.
    const result = await findK6({ env: { PATH: '' }, projectRoot: projectRoot() });
    expect(result).toMatchObject({
      kind: 'found',
      path: bin,
      source: 'project',
      // `npm run setup:k6` builds it with loadctl's output (docs/stream.md) and streaming extension.
      version: {
        text: PINNED_K6_VERSION,
        extensions: [
          {
            module: 'loadctl.local/k6ext/output.New',
            version: expect.stringMatching(/^src-[0-9a-f]{12}$/) as unknown,
            name: 'loadctl',
            type: 'output',
          },
          {
            module: 'loadctl.local/k6ext/sse',
            version: expect.stringMatching(/^src-[0-9a-f]{12}$/) as unknown,
            name: 'k6/x/loadctl-sse',
            type: 'js',
          },
        ],
      },
      skipped: [],
    });
  });
});
