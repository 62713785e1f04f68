import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  isLoadctlK6,
  parsePidLine,
  parseStageProbe,
  remoteK6Command,
  remotePortFrom,
  renderEnvFile,
  scpArgs,
  shellQuote,
  sshArgs,
  sshSettingsFrom,
  tunnelArgs,
  unameMachineOf,
  writeEnvCommand,
} from './ssh-command.js';

const HOST = { user: 'root', host: '10.0.0.5', port: 2222 };
const SETTINGS = sshSettingsFrom({ LOADCTL_SSH_CONFIG: '/t/ssh_config', LOADCTL_REMOTE_K6: '' });

describe('ssh and scp arguments', () => {
  it('always run in batch mode, fail on a tunnel that cannot open, and take the config file from the environment', () => {
    expect(SETTINGS).toEqual({ configFile: '/t/ssh_config', remoteK6: undefined });
    expect(
      sshArgs(
        HOST,
        SETTINGS,
        'true',
        tunnelArgs({ localRest: 1, remoteRest: 2, remoteCollector: 3, collector: 4 }),
      ),
    ).toEqual([
      '-F',
      '/t/ssh_config',
      '-o',
      'BatchMode=yes',
      '-o',
      'ExitOnForwardFailure=yes',
      '-T',
      '-p',
      '2222',
      '-L',
      '127.0.0.1:1:127.0.0.1:2',
      '-R',
      '127.0.0.1:3:127.0.0.1:4',
      '--',
      'root@10.0.0.5',
      'true',
    ]);
    const v6 = { user: undefined, host: '[fd00::5]', port: undefined };
    expect(sshArgs(v6, sshSettingsFrom({}), 'true')).toEqual([
      '-o',
      'BatchMode=yes',
      '-o',
      'ExitOnForwardFailure=yes',
      '-T',
      '--',
      'fd00::5',
      'true',
    ]);
    expect(scpArgs(HOST, SETTINGS, '/r/script.js', '/tmp/d/script.js').slice(6)).toEqual([
      '-q',
      '-P',
      '2222',
      '--',
      '/r/script.js',
      'root@10.0.0.5:/tmp/d/script.js',
    ]);
    expect(scpArgs(v6, sshSettingsFrom({}), 'a', '/d/k6').at(-1)).toBe('[fd00::5]:/d/k6');
  });

  it('draws remote ports from 20000 to 59999', () => {
    expect(remotePortFrom('00000000')).toBe(20_000);
    expect(remotePortFrom('ffffffff')).toBe(20_000 + (0xffffffff % 40_000));
    expect(remotePortFrom('ffffffff')).toBeLessThan(60_000);
  });
});

describe('the env file and the remote commands', () => {
  it('quotes every value so sh reads it back exactly, and keeps values out of the command', () => {
    const env = { TOKEN: 'it\'s $HOME `x` \\ "q"\nline 2', EMPTY: '' };
    const text = renderEnvFile(env);
    expect(text).toBe(`TOKEN='it'\\''s $HOME \`x\` \\ "q"\nline 2'\nEMPTY=''\n`);
    const back = execFileSync('sh', ['-c', 'set -a; eval "$(cat)"; printf %s "$TOKEN"'], { input: text });
    expect(back.toString()).toBe(env.TOKEN);
    expect(() => renderEnvFile({ 'A-B': 'x' })).toThrow(/not an environment variable name/);
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(writeEnvCommand('/tmp/d', true)).toBe(
      `sh -c 'umask 077 && cat > '\\''/tmp/d'\\''/env && chmod 700 '\\''/tmp/d'\\''/k6'`,
    );
  });

  it('starts k6 after reading and deleting the env file, printing its pid first', () => {
    const command = remoteK6Command('/tmp/d', '/tmp/d/k6', [
      'run',
      '--out',
      'loadctl=http://127.0.0.1:3/frames?a=1&instance=runner-2',
      'script.js',
    ]);
    // What the remote login shell runs, as sh would parse it: one `sh -c SCRIPT`.
    const script = execFileSync('sh', ['-c', `printf %s ${command.slice('sh -c '.length)}`]).toString();
    expect(script).toBe(
      "cd '/tmp/d' && set -a && . ./env && set +a && rm -f ./env && echo LOADCTL_PID=$$ && exec '/tmp/d/k6' 'run' '--out' 'loadctl=http://127.0.0.1:3/frames?a=1&instance=runner-2' 'script.js'",
    );
    expect(parsePidLine('LOADCTL_PID=4242')).toBe(4242);
    expect(parsePidLine('time=… level=info msg=LOADCTL_PID=1')).toBeUndefined();
  });

  it('reads the probe’s answer and tells loadctl’s k6 from another', () => {
    expect(parseStageProbe('dir=/tmp/loadctl-runner.abc\narch=x86_64\nk6=\n')).toEqual({
      dir: '/tmp/loadctl-runner.abc',
      arch: 'x86_64',
      k6: undefined,
      version: undefined,
    });
    expect(parseStageProbe('arch=x86_64\n')).toBeUndefined();
    const found = parseStageProbe(
      'dir=/tmp/x\narch=aarch64\nk6=/usr/bin/k6\nversion=k6 v1.8.1 (go1.26.8, linux/amd64) Extensions:   loadctl.local/k6ext/output.New src-1, loadctl [output] \n',
    );
    expect(found?.k6).toBe('/usr/bin/k6');
    expect(isLoadctlK6(found?.version)).toBe(true);
    expect(isLoadctlK6('k6 v1.8.1 (go1.26.8, linux/amd64)')).toBe(false);
    expect(unameMachineOf('x64')).toBe('x86_64');
    expect(unameMachineOf('arm64')).toBe('aarch64');
  });
});
