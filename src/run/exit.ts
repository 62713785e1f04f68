// k6's exit → the run's: which k6 exit code counts, and the exit code of loadctl for an outcome. Pure.
import { EXIT, type ExitCode } from '../errors.js';
import { K6_STOPPED_FROM_REST, type K6RunResult } from '../k6/process.js';
import type { Outcome } from '../report/model/outcome.js';

/** k6's exit code; undefined when it was killed by a signal. */
export function k6ExitCodeOf(k6: K6RunResult): number | undefined {
  return k6.result.kind === 'exited' ? k6.result.exitCode : undefined;
}

/** A run loadctl stopped through k6's REST API (an observer's `stop`) ended where it was meant to. */
export function endCodeOf(k6: K6RunResult, stoppedBecause: string | undefined): number | undefined {
  const code = k6ExitCodeOf(k6);
  return stoppedBecause !== undefined && code === K6_STOPPED_FROM_REST ? 0 : code;
}

export function exitCodeFor(outcome: Outcome): ExitCode {
  switch (outcome.kind) {
    case 'passed':
      return EXIT.ok;
    case 'thresholds-failed':
      return EXIT.thresholdsFailed;
    case 'interrupted':
      return EXIT.interrupted;
    case 'k6-error':
      return EXIT.k6Failed;
    case 'invariants-failed':
      return EXIT.invariantFailed;
    case 'generator-saturated':
      return EXIT.saturated;
  }
}
