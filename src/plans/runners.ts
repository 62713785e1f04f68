// Where a plan's load runs when one k6 is not enough (docs/distributed.md): `runners: 4` (four local k6
// processes) or a list of runner specs. Each runner gets an equal execution segment of the plan. Pure.
import { usageError } from '../errors.js';

/** The most runners a run may have: one k6 process each, and every one a stream into the collector. */
export const MAX_RUNNERS = 64;

export type RunnerSpec =
  | { kind: 'local' }
  /** A local k6 inside a network namespace (`ip netns`): a simulated host with its own addresses. Root only. */
  | { kind: 'netns'; netns: string }
  /** A k6 on another host, started and reached over OpenSSH (`ssh`, `scp`): port forwards carry its traffic. */
  | { kind: 'ssh'; user: string | undefined; host: string; port: number | undefined };

export const RUNNER_SPEC_HELP =
  '`local`, `netns:NAME` (a k6 inside the network namespace NAME) or `ssh:[user@]host[:port]` (a k6 on a host reached with ssh)';

// A user and a host name ssh takes as they are: nothing that starts with `-` (it would be read as an option)
// and no characters a shell or ssh's own syntax treats specially. An IPv6 address goes in brackets.
const SSH_USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;
const SSH_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])$/;

function parseSshSpec(rest: string): { ok: true; spec: RunnerSpec } | { ok: false; problem: string } {
  const bad = (why: string) => ({
    ok: false as const,
    problem: `"ssh:${rest}" is not an ssh runner: ${why} (use ssh:[user@]host[:port])`,
  });
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? rest.slice(0, at) : undefined;
  const hostPort = at >= 0 ? rest.slice(at + 1) : rest;
  if (user !== undefined && !SSH_USER.test(user))
    return bad(`${JSON.stringify(user)} is not a user name (letters, digits, _ . -)`);
  const m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort);
  const host = m?.[1] ?? '';
  if (host === '') return bad('no host');
  if (!SSH_HOST.test(host))
    return bad(`${JSON.stringify(host)} is not a host name or address (an IPv6 address in [ ])`);
  const portText = m?.[2];
  if (portText === undefined) return { ok: true, spec: { kind: 'ssh', user, host, port: undefined } };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) return bad(`${JSON.stringify(portText)} is not a port from 1 to 65535`);
  return { ok: true, spec: { kind: 'ssh', user, host, port } };
}

// The names `ip netns add` takes: no slashes, no dots-only names; kept to a safe, printable set.
const NETNS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** One runner spec as written in a plan or after `--runner`; a message saying what is wrong otherwise. */
export function parseRunnerSpec(
  text: string,
): { ok: true; spec: RunnerSpec } | { ok: false; problem: string } {
  if (text === 'local') return { ok: true, spec: { kind: 'local' } };
  if (text.startsWith('netns:')) {
    const netns = text.slice('netns:'.length);
    if (!NETNS_NAME.test(netns))
      return {
        ok: false,
        problem: `${JSON.stringify(netns)} is not a network namespace name (letters, digits, _ . -)`,
      };
    return { ok: true, spec: { kind: 'netns', netns } };
  }
  if (text.startsWith('ssh:')) return parseSshSpec(text.slice('ssh:'.length));
  return { ok: false, problem: `${JSON.stringify(text)} is not a runner: use ${RUNNER_SPEC_HELP}` };
}

export function renderRunnerSpec(spec: RunnerSpec): string {
  switch (spec.kind) {
    case 'local':
      return 'local';
    case 'netns':
      return `netns:${spec.netns}`;
    case 'ssh':
      return `ssh:${spec.user === undefined ? '' : `${spec.user}@`}${spec.host}${spec.port === undefined ? '' : `:${spec.port}`}`;
  }
}

/** The runners of a run: the command line's over the plan's; undefined when the run is one plain k6. */
export function resolveRunners(
  plan: number | readonly string[] | undefined,
  cli: { runners?: number | undefined; runner?: readonly string[] | undefined },
): RunnerSpec[] | undefined {
  if (cli.runners !== undefined && cli.runner !== undefined && cli.runner.length > 0)
    throw usageError(
      '--runners and --runner both say how many runners to use',
      'use --runners N for N local ones, or one --runner SPEC per runner',
    );
  const chosen = cli.runner !== undefined && cli.runner.length > 0 ? cli.runner : (cli.runners ?? plan);
  if (chosen === undefined) return undefined;
  if (typeof chosen === 'number') {
    if (!Number.isInteger(chosen) || chosen < 1 || chosen > MAX_RUNNERS)
      throw usageError(`runners: ${chosen} is not a whole number from 1 to ${MAX_RUNNERS}`);
    return Array.from({ length: chosen }, () => ({ kind: 'local' as const }));
  }
  if (chosen.length > MAX_RUNNERS) throw usageError(`${chosen.length} runners: at most ${MAX_RUNNERS}`);
  const problems: string[] = [];
  const specs: RunnerSpec[] = [];
  for (const [i, text] of chosen.entries()) {
    const parsed = parseRunnerSpec(text);
    if (parsed.ok) specs.push(parsed.spec);
    else problems.push(`runner ${i + 1}: ${parsed.problem}`);
  }
  if (problems.length > 0) throw usageError(problems.join('\n'), `a runner is ${RUNNER_SPEC_HELP}`);
  return specs;
}

/** The `--runners` value: a whole number from 1 to MAX_RUNNERS. */
export function parseRunnerCount(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_RUNNERS)
    throw usageError(`--runners ${JSON.stringify(text)} is not a whole number from 1 to ${MAX_RUNNERS}`);
  return n;
}
