// The command lines of a runner on another host (docs/distributed.md, "Remote hosts over SSH"): ssh and scp
// with loadctl's fixed options, the remote shell scripts they run, and the file k6's environment travels in.
// Secrets are in that environment, so it never goes into an argument list (every user sees those in `ps`,
// here and on the remote host): it is written to a file of mode 600 through ssh's stdin. Pure.

export interface SshHost {
  user: string | undefined;
  /** A name or an address; an IPv6 address in brackets, as written in the spec. */
  host: string;
  port: number | undefined;
}

export interface SshSettings {
  /** LOADCTL_SSH_CONFIG: `ssh -F FILE` (OpenSSH reads ~/.ssh/config from the passwd home, not $HOME). */
  configFile: string | undefined;
  /** LOADCTL_REMOTE_K6: the k6 to use on the remote hosts instead of the one on their PATH. */
  remoteK6: string | undefined;
}

export function sshSettingsFrom(env: Readonly<Record<string, string | undefined>>): SshSettings {
  const pick = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  return { configFile: pick('LOADCTL_SSH_CONFIG'), remoteK6: pick('LOADCTL_REMOTE_K6') };
}

/** Never ask for a password or a host key's approval (nobody is there to answer); fail if a tunnel can't open. */
function commonOptions(s: SshSettings): string[] {
  return [
    ...(s.configFile === undefined ? [] : ['-F', s.configFile]),
    '-o',
    'BatchMode=yes',
    '-o',
    'ExitOnForwardFailure=yes',
  ];
}

function bareHost(h: SshHost): string {
  return h.host.startsWith('[') ? h.host.slice(1, -1) : h.host;
}

function destination(h: SshHost, host: string): string {
  return h.user === undefined ? host : `${h.user}@${host}`;
}

/** `ssh [options] [forwards] -- [user@]host COMMAND`: ssh hands COMMAND to the remote user's shell. */
export function sshArgs(h: SshHost, s: SshSettings, command: string, forwards: string[] = []): string[] {
  return [
    ...commonOptions(s),
    '-T',
    ...(h.port === undefined ? [] : ['-p', String(h.port)]),
    ...forwards,
    '--',
    destination(h, bareHost(h)),
    command,
  ];
}

/** `scp [options] -- FILE [user@]host:PATH`; scp takes an IPv6 address in brackets. */
export function scpArgs(h: SshHost, s: SshSettings, file: string, remotePath: string): string[] {
  return [
    ...commonOptions(s),
    '-q',
    ...(h.port === undefined ? [] : ['-P', String(h.port)]),
    '--',
    file,
    `${destination(h, h.host)}:${remotePath}`,
  ];
}

/** A word the shell takes as it is: in single quotes, each `'` written as `'\''`. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Runs a POSIX sh script whatever the remote user's login shell is. */
function inSh(script: string): string {
  return `sh -c ${shellQuote(script)}`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** k6's environment as a file `sh` reads with `set -a; . ./env`: one `NAME='value'` a line. */
export function renderEnvFile(env: Readonly<Record<string, string>>): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) throw new Error(`${JSON.stringify(name)} is not an environment variable name`);
    lines.push(`${name}=${shellQuote(value)}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

const PROBE_K6 = 'LOADCTL_K6';

/**
 * One connection's worth of questions before anything is copied: a fresh work dir, the machine's
 * architecture, and the k6 there (its `k6 version`, extensions included, on one line).
 */
export function stageProbeCommand(remoteK6: string | undefined): string {
  const find =
    remoteK6 === undefined
      ? `${PROBE_K6}=$(command -v k6 || true)`
      : `${PROBE_K6}=${shellQuote(remoteK6)}; [ -x "$${PROBE_K6}" ] || ${PROBE_K6}=`;
  return inSh(
    [
      'set -e',
      'd=$(mktemp -d "${TMPDIR:-/tmp}/loadctl-runner.XXXXXX")',
      'echo "dir=$d"',
      'echo "arch=$(uname -m)"',
      find,
      `echo "k6=$${PROBE_K6}"`,
      `if [ -n "$${PROBE_K6}" ]; then echo "version=$("$${PROBE_K6}" version 2>&1 | tr '\\n' ' ')"; fi`,
    ].join('\n'),
  );
}

export interface StageProbe {
  dir: string;
  arch: string;
  k6: string | undefined;
  version: string | undefined;
}

export function parseStageProbe(stdout: string): StageProbe | undefined {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const dir = fields.get('dir');
  const arch = fields.get('arch');
  if (dir === undefined || !dir.startsWith('/') || arch === undefined || arch === '') return undefined;
  const k6 = fields.get('k6');
  return {
    dir,
    arch,
    k6: k6 === undefined || k6 === '' ? undefined : k6,
    version: fields.get('version') || undefined,
  };
}

/** A remote k6 loadctl can drive: it carries loadctl's output (as `k6 version` lists its extensions). */
export function isLoadctlK6(version: string | undefined): boolean {
  return version !== undefined && /loadctl \[output\]/.test(version);
}

/** `uname -m` of a machine that runs this Node's architecture's binaries. */
export function unameMachineOf(nodeArch: string): string | undefined {
  const names: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ia32: 'i686' };
  return names[nodeArch];
}

/** Writes stdin to DIR/env, readable by the remote user only; makes a copied k6 executable. */
export function writeEnvCommand(dir: string, copiedK6: boolean): string {
  const d = shellQuote(dir);
  return inSh(`umask 077 && cat > ${d}/env${copiedK6 ? ` && chmod 700 ${d}/k6` : ''}`);
}

export const PID_LINE = 'LOADCTL_PID=';

/**
 * Starts k6 in the work dir with the environment from its file, which is deleted before k6 starts. The
 * shell's pid, printed first, is k6's (exec keeps it): loadctl signals k6 by it, since a signal to the local
 * ssh client never reaches the remote process.
 */
export function remoteK6Command(dir: string, k6: string, args: readonly string[]): string {
  return inSh(
    [
      `cd ${shellQuote(dir)}`,
      'set -a',
      '. ./env',
      'set +a',
      'rm -f ./env',
      `echo ${PID_LINE}$$`,
      `exec ${[k6, ...args].map(shellQuote).join(' ')}`,
    ].join(' && '),
  );
}

export function parsePidLine(line: string): number | undefined {
  const m = /^LOADCTL_PID=(\d+)$/.exec(line.trim());
  return m === null ? undefined : Number(m[1]);
}

export function killCommand(pid: number, signal: 'INT' | 'KILL'): string {
  return `kill -${signal} ${pid}`;
}

export function removeDirCommand(dir: string): string {
  return inSh(`rm -rf ${shellQuote(dir)}`);
}

/** A port for the remote end of a tunnel, from 20000 to 59999, drawn from random bits. */
export function remotePortFrom(randomHex: string): number {
  return 20_000 + (parseInt(randomHex.slice(0, 8), 16) % 40_000);
}

/** `-L` for loadctl to reach the remote REST API, `-R` for the remote k6 to reach the collector. */
export function tunnelArgs(t: {
  localRest: number;
  remoteRest: number;
  remoteCollector: number;
  collector: number;
}): string[] {
  return [
    '-L',
    `127.0.0.1:${t.localRest}:127.0.0.1:${t.remoteRest}`,
    '-R',
    `127.0.0.1:${t.remoteCollector}:127.0.0.1:${t.collector}`,
  ];
}
