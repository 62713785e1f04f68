// Where a plan's load runs when one k6 is not enough (docs/distributed.md): `runners: 4` (four local k6
// processes) or a list of runner specs. Each runner gets an equal execution segment of the plan. Pure.
import { usageError } from '../errors.js';

/** The most runners a run may have: one k6 process each, and every one a stream into the collector. */
export const MAX_RUNNERS = 64;

export type RunnerSpec =
  | { kind: 'local' }
  /** A local k6 inside a network namespace (`ip netns`): a simulated host with its own addresses. Root only. */
  | { kind: 'netns'; netns: string };

export const RUNNER_SPEC_HELP = '`local` or `netns:NAME` (a k6 inside the network namespace NAME)';

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
  return { ok: false, problem: `${JSON.stringify(text)} is not a runner: use ${RUNNER_SPEC_HELP}` };
}

export function renderRunnerSpec(spec: RunnerSpec): string {
  return spec.kind === 'local' ? 'local' : `netns:${spec.netns}`;
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
