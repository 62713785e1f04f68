// Where each runner's k6 runs and how loadctl reaches it: its REST API's address, the address it reaches
// loadctl's collector at, and the command that starts it. A network namespace's addresses come from `ip`.
import { environmentError } from '../errors.js';
import type { Io } from '../io/io.js';
import type { RunnerPlan } from './runner-args.js';
import type { PlaceInputs, RunnerPlace } from './runner-launch.js';
import { placeSshRunner } from './runner-place-ssh.js';

export type { RunnerPlace } from './runner-launch.js';

/** A runner whose k6 is a process of ours (local, or in a namespace): signals go to the process. */
function localPlace(restAddress: string, collectorHost: string, file: string, prefix: string[]): RunnerPlace {
  return {
    restAddress,
    collectorHost,
    launch: (collectorUrl, k6Args) => ({
      file,
      args: [...prefix, ...k6Args({ restAddress, collectorUrl })],
      withK6Env: true,
    }),
    signal: (proc, sig) => void proc?.kill(sig),
    takeLine: () => false,
    cleanup: async () => {},
    notes: [],
  };
}

/** k6's REST port inside a namespace: the namespace is the runner's alone, so k6's default port is free. */
const NETNS_REST_PORT = 6565;

/** The first global IPv4 address in `ip -4 -o addr show scope global` output. */
export function parseFirstIpv4(text: string): string | undefined {
  return /\binet (\d{1,3}(?:\.\d{1,3}){3})\//.exec(text)?.[1];
}

/** The source address in `ip -4 -o route get ADDR` output: loadctl's own address towards ADDR. */
export function parseRouteSource(text: string): string | undefined {
  return /\bsrc (\d{1,3}(?:\.\d{1,3}){3})\b/.exec(text)?.[1];
}

async function ipOutput(io: Io, args: string[], what: string): Promise<string> {
  const r = await io.runCommand('ip', args, { timeoutMs: 10_000 });
  if (r.kind === 'exited' && r.exitCode === 0) return r.stdout;
  const why =
    r.kind === 'exited'
      ? r.stderr.trim() || `exit code ${r.exitCode}`
      : r.kind === 'error'
        ? r.message
        : r.kind;
  throw environmentError(
    `${what}: \`ip ${args.join(' ')}\` failed: ${why}`,
    'list the namespaces with `ip netns list`',
  );
}

export async function placeRunner(io: Io, runner: RunnerPlan, inputs: PlaceInputs): Promise<RunnerPlace> {
  const spec = runner.spec;
  if (spec.kind === 'local')
    return localPlace(`127.0.0.1:${await io.freePort()}`, '127.0.0.1', inputs.k6Path, []);
  if (spec.kind === 'ssh') return placeSshRunner(io, runner.id, spec, inputs);
  return placeNetnsRunner(io, runner, spec.netns, inputs.k6Path);
}

async function placeNetnsRunner(
  io: Io,
  runner: RunnerPlan,
  ns: string,
  k6Path: string,
): Promise<RunnerPlace> {
  const what = `${runner.id} (netns:${ns})`;
  const ip = parseFirstIpv4(
    await ipOutput(io, ['-n', ns, '-4', '-o', 'addr', 'show', 'scope', 'global'], what),
  );
  if (ip === undefined)
    throw environmentError(
      `${what}: the network namespace has no IPv4 address loadctl can reach it at`,
      `give it one: \`ip -n ${ns} addr add 10.x.y.z/24 dev IFACE\``,
    );
  const src = parseRouteSource(await ipOutput(io, ['-4', '-o', 'route', 'get', ip], what));
  if (src === undefined)
    throw environmentError(
      `${what}: no route from this host to its address ${ip}`,
      'check `ip route get ' + ip + '`',
    );
  return localPlace(`${ip}:${NETNS_REST_PORT}`, src, 'ip', ['netns', 'exec', ns, k6Path]);
}
