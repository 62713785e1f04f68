import { describe, expect, it } from 'vitest';
import { LoadctlError } from '../../errors.js';
import { parseBreakpointOptions } from './breakpoint.js';

describe('parseBreakpointOptions', () => {
  it('open model by default: --max-rate is the top level, --max-vus the VU pool', () => {
    expect(
      parseBreakpointOptions({ slo: 'p95<500ms', maxRate: '400', maxVus: '50', steps: '8', step: '30s' }),
    ).toMatchObject({
      choices: { model: 'open', max: 400, vus: 50, steps: 8, stepMs: 30_000 },
      window: 3,
    });
  });

  it('closed model: --max-vus is the top level', () => {
    const parsed = parseBreakpointOptions({
      slo: 'errors<1%',
      closed: true,
      maxVus: '200',
      window: '5',
      scenario: 'users',
    });
    expect(parsed.choices).toEqual({
      model: 'closed',
      max: 200,
      steps: 10,
      stepMs: 10_000,
      scenario: 'users',
    });
    expect(parsed.window).toBe(5);
  });

  it('reports every problem as one usage error (exit 2)', () => {
    let error: unknown;
    try {
      parseBreakpointOptions({ slo: 'p99<1s', closed: true, maxRate: '5', steps: 'x', step: '10' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LoadctlError);
    expect((error as LoadctlError).exitCode).toBe(2);
    expect((error as LoadctlError).message).toBe(
      [
        'the options have 4 problems:',
        '  "p99<1s": k6\'s live data has avg, med (p50), p90, p95 and max, not p99; use p95 or p90',
        '  --max-rate goes with the open model; with --closed give --max-vus',
        '  --steps "x" is not a whole number ≥ 1',
        '  --step "10" is not a duration (e.g. 10s, 30s, 1m)',
      ].join('\n'),
    );
  });
});
