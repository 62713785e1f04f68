import { describe, expect, it } from 'vitest';
import { classifyOutcome, describeOutcome, RAN_NOTHING, ranNothing, type OutcomeFacts } from './outcome.js';

const FACTS: OutcomeFacts = {
  k6ExitCode: 0,
  interrupted: false,
  failedThresholds: [],
  abortedByThreshold: false,
  failedInvariants: [],
};

describe('ranNothing', () => {
  const none = { hasK6Summary: false, requests: 0, iterations: 0, expectsRequests: true };

  it('no end-of-test summary and no requests is no data', () => {
    expect(ranNothing(none)).toBe(true);
    // Iterations without a single request, when the plan sends requests, are no data either.
    expect(ranNothing({ ...none, iterations: 12 })).toBe(true);
  });

  it('a summary or a request is data', () => {
    expect(ranNothing({ ...none, hasK6Summary: true })).toBe(false);
    expect(ranNothing({ ...none, requests: 1 })).toBe(false);
  });

  it('a plan that sends no requests ran something when it counted iterations', () => {
    expect(ranNothing({ ...none, expectsRequests: false, iterations: 3 })).toBe(false);
    expect(ranNothing({ ...none, expectsRequests: false })).toBe(true);
  });
});

describe('classifyOutcome', () => {
  it('a k6 that exited 0 having run nothing failed (exit 4), not passed', () => {
    const outcome = classifyOutcome({ ...FACTS, ranNothing: true });
    expect(outcome).toEqual({ kind: 'k6-error', k6ExitCode: 0, reason: RAN_NOTHING });
    expect(describeOutcome(outcome)).toBe(`k6 failed: ${RAN_NOTHING}`);
    expect(classifyOutcome({ ...FACTS, ranNothing: false })).toEqual({ kind: 'passed' });
  });

  it('ran-nothing does not hide an interrupt or k6’s own failure', () => {
    expect(classifyOutcome({ ...FACTS, interrupted: true, ranNothing: true }).kind).toBe('interrupted');
    expect(classifyOutcome({ ...FACTS, k6ExitCode: 107, ranNothing: true })).toMatchObject({
      kind: 'k6-error',
      k6ExitCode: 107,
      reason: 'the script threw an exception',
    });
  });
});
