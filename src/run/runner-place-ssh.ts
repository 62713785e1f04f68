// A runner on another host, reached with OpenSSH (docs/distributed.md, "Remote hosts over SSH"). Before it
// starts: a work dir there, the script copied in, a k6 with loadctl's output found there (or loadctl's own
// copied, when the machine runs it), and k6's environment in a file of mode 600 sent over ssh's stdin. The
// runner is one `ssh` whose tunnels carry its REST API (-L) and its stream to the collector (-R); it stays
// up until k6 has exited, so k6's last frame gets through.
import { environmentError } from '../errors.js';
import type { CommandResult } from '../io/exec.js';
import type { Io } from '../io/io.js';
import { k6ProcessEnv } from '../k6/locate.js';
import { renderRunnerSpec, type RunnerSpec } from '../plans/runners.js';
import type { PlaceInputs, RunnerPlace } from './runner-launch.js';
import {
  isLoadctlK6,
  killCommand,
  parsePidLine,
  parseStageProbe,
  remoteK6Command,
  remotePortFrom,
  removeDirCommand,
  renderEnvFile,
  scpArgs,
  sshArgs,
  sshSettingsFrom,
  stageProbeCommand,
  tunnelArgs,
  unameMachineOf,
  writeEnvCommand,
  type SshHost,
  type SshSettings,
  type StageProbe,
} from './ssh-command.js';

type SshSpec = Extract<RunnerSpec, { kind: 'ssh' }>;

/** ssh's connection and a command's run; copying loadctl's k6 (tens of MB) gets longer. */
const SSH_TIMEOUT_MS = 60_000;
const COPY_TIMEOUT_MS = 10 * 60_000;

function failure(r: CommandResult): string | undefined {
  if (r.kind === 'exited') return r.exitCode === 0 ? undefined : r.stderr.trim() || `exit code ${r.exitCode}`;
  if (r.kind === 'error') return r.message;
  if (r.kind === 'signaled') return `killed by ${r.signal}`;
  if (r.kind === 'timed-out') return `no answer in ${Math.round(r.timeoutMs / 1000)} s`;
  return `${r.kind}: ${r.file} (install OpenSSH's client)`;
}

interface Remote {
  io: Io;
  host: SshHost;
  settings: SshSettings;
  what: string;
}

async function ssh(r: Remote, command: string, doing: string, input?: string): Promise<string> {
  const result = await r.io.runCommand('ssh', sshArgs(r.host, r.settings, command), {
    timeoutMs: SSH_TIMEOUT_MS,
    ...(input === undefined ? {} : { input }),
  });
  const why = failure(result);
  if (why !== undefined)
    throw environmentError(
      `${r.what}: ${doing} failed: ${why}`,
      `check that \`ssh${r.settings.configFile === undefined ? '' : ` -F ${r.settings.configFile}`} -o BatchMode=yes ${renderRunnerSpec({ kind: 'ssh', ...r.host }).slice(4)} true\` works without a prompt`,
    );
  return result.kind === 'exited' ? result.stdout : '';
}

async function copy(r: Remote, file: string, remotePath: string): Promise<void> {
  const result = await r.io.runCommand('scp', scpArgs(r.host, r.settings, file, remotePath), {
    timeoutMs: COPY_TIMEOUT_MS,
  });
  const why = failure(result);
  if (why !== undefined)
    throw environmentError(
      `${r.what}: copying ${file} there failed: ${why}`,
      'scp needs the host’s SFTP subsystem (sshd’s `Subsystem sftp`)',
    );
}

/** The k6 to run there: one with loadctl's output found there, else loadctl's own, copied (same machine). */
function chooseK6(r: Remote, probe: StageProbe): { copy: boolean; note: string } {
  const version = probe.version?.split(' Extensions:')[0]?.trim();
  if (probe.k6 !== undefined && isLoadctlK6(probe.version))
    return { copy: false, note: `${r.what}: k6 found there at ${probe.k6} (${version})` };
  if (r.settings.remoteK6 !== undefined)
    throw environmentError(
      `${r.what}: LOADCTL_REMOTE_K6=${r.settings.remoteK6} is ${probe.k6 === undefined ? 'not an executable there' : `not loadctl's k6 (${version})`}`,
      "point it at a k6 built by `npm run setup:k6`, or unset it to have loadctl's k6 copied there",
    );
  const here = unameMachineOf(r.io.hostFacts().arch);
  if (here !== probe.arch)
    throw environmentError(
      `${r.what}: no k6 with loadctl's output there, and loadctl's k6 (${here ?? r.io.hostFacts().arch}) cannot run on its ${probe.arch}`,
      'build loadctl’s k6 for that machine (k6ext/, `npm run setup:k6` there) and set LOADCTL_REMOTE_K6 to its path',
    );
  const why = probe.k6 === undefined ? 'no k6 on its PATH' : `${probe.k6} has no loadctl output`;
  return { copy: true, note: `${r.what}: loadctl's k6 copied there (${why})` };
}

export async function placeSshRunner(
  io: Io,
  id: string,
  spec: SshSpec,
  inputs: PlaceInputs,
): Promise<RunnerPlace> {
  const r: Remote = {
    io,
    host: spec,
    settings: sshSettingsFrom(io.env),
    what: `${id} (${renderRunnerSpec(spec)})`,
  };
  const probe = parseStageProbe(await ssh(r, stageProbeCommand(r.settings.remoteK6), 'preparing a work dir'));
  if (probe === undefined)
    throw environmentError(
      `${r.what}: the host did not answer as a POSIX shell does (mktemp, uname)`,
      'the remote user’s shell must run `sh`',
    );
  const dir = probe.dir;
  const cleanup = async () =>
    void (await io.runCommand('ssh', sshArgs(spec, r.settings, removeDirCommand(dir)), {
      timeoutMs: SSH_TIMEOUT_MS,
    }));
  let k6: { copy: boolean; note: string };
  try {
    k6 = chooseK6(r, probe);
    await copy(r, inputs.scriptPath, `${dir}/script.js`);
    if (k6.copy) await copy(r, inputs.k6Path, `${dir}/k6`);
    await ssh(
      r,
      writeEnvCommand(dir, k6.copy),
      'writing k6’s environment file',
      renderEnvFile(k6ProcessEnv(inputs.k6Env)),
    );
  } catch (err) {
    await cleanup();
    throw err;
  }
  return sshPlace(r, dir, k6.copy ? `${dir}/k6` : (probe.k6 as string), {
    localRest: await io.freePort(),
    cleanup,
    notes: [k6.note],
  });
}

function sshPlace(
  r: Remote,
  dir: string,
  k6: string,
  o: { localRest: number; cleanup: () => Promise<void>; notes: string[] },
): RunnerPlace {
  const remoteRest = remotePortFrom(r.io.randomHex(4));
  const drawn = remotePortFrom(r.io.randomHex(4));
  const remoteCollector = drawn === remoteRest ? drawn + 1 : drawn;
  let pid: number | undefined;
  return {
    restAddress: `127.0.0.1:${o.localRest}`,
    collectorHost: '127.0.0.1',
    launch: (collectorUrl, k6Args) => {
      const url = new URL(collectorUrl);
      const collector = Number(url.port);
      url.port = String(remoteCollector);
      const args = k6Args({
        restAddress: `127.0.0.1:${remoteRest}`,
        collectorUrl: url.toString(),
        script: 'script.js',
      });
      const tunnels = tunnelArgs({ localRest: o.localRest, remoteRest, remoteCollector, collector });
      return {
        file: 'ssh',
        args: sshArgs(r.host, r.settings, remoteK6Command(dir, k6, args), tunnels),
        withK6Env: false,
      };
    },
    signal: (proc, sig) => {
      // Before k6 has said its pid, ending the connection is all there is.
      if (pid === undefined) return void proc?.kill(sig === 'SIGINT' ? 'SIGTERM' : 'SIGKILL');
      const command = killCommand(pid, sig === 'SIGINT' ? 'INT' : 'KILL');
      void r.io.runCommand('ssh', sshArgs(r.host, r.settings, command), { timeoutMs: SSH_TIMEOUT_MS });
    },
    takeLine: (line) => {
      if (pid !== undefined) return false;
      pid = parsePidLine(line);
      return pid !== undefined;
    },
    cleanup: async () => {
      try {
        await o.cleanup();
      } catch {
        // Best effort: a host that went away keeps its temp dir.
      }
    },
    notes: o.notes,
  };
}
