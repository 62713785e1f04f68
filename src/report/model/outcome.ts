// What a run came to, from k6's exit code and what loadctl saw. A k6 failure is explained, not reported as
// "k6 failed". Pure.
import type { GuardReason, GuardVerdict } from './guard.js';

/** k6's own exit codes (errext/exitcodes in k6's source). */
export const K6_EXIT: Readonly<Record<number, { name: string; explain: string }>> = {
  0: { name: 'ok', explain: 'the test finished' },
  97: { name: 'cloud-test-run-failed', explain: 'the cloud test run failed' },
  98: { name: 'cloud-failed-to-get-progress', explain: 'k6 could not get the cloud test progress' },
  99: { name: 'thresholds-failed', explain: 'one or more thresholds failed' },
  100: { name: 'setup-timeout', explain: 'setup() took longer than setupTimeout' },
  101: { name: 'teardown-timeout', explain: 'teardown() took longer than teardownTimeout' },
  102: { name: 'generic-timeout', explain: 'a k6 operation timed out' },
  103: { name: 'generic-engine', explain: 'the k6 engine failed' },
  104: {
    name: 'invalid-config',
    explain: 'k6 rejected the options (an invalid scenario, threshold or flag)',
  },
  105: { name: 'external-abort', explain: 'k6 was stopped from outside (a signal such as Ctrl-C)' },
  106: { name: 'cannot-start-rest-api', explain: 'k6 could not start its REST API (is the address taken?)' },
  107: { name: 'script-exception', explain: 'the script threw an exception' },
  108: { name: 'script-aborted', explain: 'the script called test.abort()' },
  109: { name: 'go-panic', explain: 'k6 crashed (a Go panic)' },
  110: { name: 'marked-as-failed', explain: 'the script marked the test as failed (execution.test.fail())' },
};

export type Outcome =
  | { kind: 'passed' }
  | { kind: 'thresholds-failed'; failed: string[]; aborted: boolean }
  | { kind: 'interrupted'; partial: true }
  | { kind: 'k6-error'; k6ExitCode: number | undefined; reason: string; detail?: string }
  | { kind: 'invariants-failed'; failed: string[] }
  /** The load generator could not deliver the plan: the numbers (thresholds included) are not the target's. */
  | { kind: 'generator-saturated'; reasons: GuardReason[] };

export interface OutcomeFacts {
  /** undefined when k6 was killed by a signal or did not start. */
  k6ExitCode: number | undefined;
  /** The user pressed Ctrl-C (or loadctl got SIGTERM or SIGHUP) during the run. */
  interrupted: boolean;
  /** Names of failed thresholds as `metric: expression`. */
  failedThresholds: string[];
  /** Whether any failed threshold had abortOnFail and stopped the run early. */
  abortedByThreshold: boolean;
  failedInvariants: string[];
  /** k6's own error line (level=error msg=…), when it printed one. */
  k6ErrorLine?: string;
  /** The in-run guard's verdict on the load generator (src/report/guard.ts). */
  generator?: GuardVerdict;
  /**
   * k6 left no end-of-test data and counted no requests (no iterations either, for a plan that sends none):
   * whatever exited 0 did not run the test (see ranNothing).
   */
  ranNothing?: boolean;
}

/** The reason of the outcome of a k6 that exited 0 without running the test. */
export const RAN_NOTHING =
  'k6 exited 0 but ran nothing: no end-of-test summary and no requests (see k6.log; is LOADCTL_K6_BIN a real k6?)';

/**
 * Whether a run is "no data": k6 wrote no end-of-test summary and counted no requests, or, for a plan
 * that sends none (a script plan, a flow of only `sleep` and `set`), no iterations. A real k6 that ran the
 * test always leaves its summary (loadctl's handleSummary writes it even for a script with its own).
 */
export function ranNothing(f: {
  hasK6Summary: boolean;
  requests: number;
  iterations: number;
  expectsRequests: boolean;
}): boolean {
  if (f.hasK6Summary || f.requests > 0) return false;
  return f.expectsRequests || f.iterations === 0;
}

// Precedence: interrupted > k6-error (a k6 that exited 0 having run nothing included) > generator-saturated > thresholds-failed > invariants-failed > passed.
// A saturated generator's thresholds measured the generator, so they do not decide the outcome (the summary
// still lists them).
export function classifyOutcome(f: OutcomeFacts): Outcome {
  if (f.interrupted) return { kind: 'interrupted', partial: true };
  const code = f.k6ExitCode;
  if (code === 105) return { kind: 'interrupted', partial: true };
  if (code === 0 && f.ranNothing) return { kind: 'k6-error', k6ExitCode: 0, reason: RAN_NOTHING };
  const thresholdsFailed = code === 99 || (code === 0 && f.failedThresholds.length > 0);
  if (code !== 0 && !thresholdsFailed) {
    const known = code === undefined ? undefined : K6_EXIT[code];
    return {
      kind: 'k6-error',
      k6ExitCode: code,
      reason:
        known?.explain ??
        (code === undefined ? 'k6 was killed before it could finish' : `k6 exited with code ${code}`),
      ...(f.k6ErrorLine ? { detail: f.k6ErrorLine } : {}),
    };
  }
  if (f.generator?.saturated) return { kind: 'generator-saturated', reasons: f.generator.reasons };
  if (thresholdsFailed) {
    return { kind: 'thresholds-failed', failed: f.failedThresholds, aborted: f.abortedByThreshold };
  }
  if (f.failedInvariants.length > 0) return { kind: 'invariants-failed', failed: f.failedInvariants };
  return { kind: 'passed' };
}

/** The one line a person reads first. */
export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'passed':
      return 'passed';
    case 'thresholds-failed':
      return `thresholds failed${o.aborted ? ' (the run was stopped early by abortOnFail)' : ''}: ${o.failed.join('; ')}`;
    case 'interrupted':
      return 'interrupted: the partial run was kept and summarized';
    case 'k6-error':
      return `k6 failed: ${o.reason}${o.detail ? ` — ${o.detail}` : ''}`;
    case 'invariants-failed':
      return `invariants failed after the run: ${o.failed.join('; ')}`;
    case 'generator-saturated':
      return `generator saturated — results not valid for the target: ${o.reasons.map((r) => r.detail).join('; ')}`;
  }
}

/** k6's last error line from its log (logfmt `level=error msg="…"`), unquoted. */
export function parseK6ErrorLine(log: string): string | undefined {
  let last: string | undefined;
  for (const line of log.split('\n')) {
    if (!/level=(error|fatal)/.test(line)) continue;
    const m = line.match(/msg="((?:[^"\\]|\\.)*)"/) ?? line.match(/msg=(\S+)/);
    if (m?.[1]) last = m[1].replace(/\\"/g, '"').replace(/\\n/g, ' ');
  }
  return last;
}
