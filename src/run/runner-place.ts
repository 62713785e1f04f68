// Where each runner's k6 runs and how loadctl reaches it: its REST API's address, the address it reaches
// loadctl's collector at, and the command that starts it. A network namespace's addresses come from `ip`.
import { environmentError } from '../errors.js';
import type { Io } from '../io/io.js';
import type { RunnerPlan } from './runner-args.js';

export interface RunnerPlace {
  restAddress: string;
  /** The address of loadctl's collector as this runner reaches it. */
  collectorHost: string;
  /** The program and the arguments before k6's own. */
  command: { file: string; prefix: string[] };
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

export async function placeRunner(io: Io, runner: RunnerPlan, k6Path: string): Promise<RunnerPlace> {
  if (runner.spec.kind === 'local')
    return {
      restAddress: `127.0.0.1:${await io.freePort()}`,
      collectorHost: '127.0.0.1',
      command: { file: k6Path, prefix: [] },
    };
  const ns = runner.spec.netns;
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
  return {
    restAddress: `${ip}:${NETNS_REST_PORT}`,
    collectorHost: src,
    command: { file: 'ip', prefix: ['netns', 'exec', ns, k6Path] },
  };
}
