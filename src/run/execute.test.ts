import { describe, expect, it } from 'vitest';
import type { K6RunResult } from '../k6/process.js';
import { lostRestPort, withRestPort } from './execute.js';
import { prepareRun } from './prepare.js';
import { choices, FACTS } from './spec.fixture.js';

const ended = (exitCode: number, errorLines: string[], interrupted = false): K6RunResult => ({
  result: { kind: 'exited', file: 'k6', exitCode, stdout: '', stderr: '', durationMs: 300 },
  interrupted,
  errorLines,
  startedAt: new Date(0),
  endedAt: new Date(300),
});

describe('a REST port taken between the probe and k6', () => {
  const taken =
    'level=error msg="Error from API server" error="listen tcp 127.0.0.1:44045: bind: address already in use"';

  it('is told by k6 exit 106 with "address already in use", and nothing else', () => {
    expect(lostRestPort(ended(106, [taken]))).toBe(true);
    expect(lostRestPort(ended(106, ['listen tcp: permission denied']))).toBe(false);
    expect(lostRestPort(ended(99, [taken]))).toBe(false);
    expect(lostRestPort(ended(106, [taken], true))).toBe(false);
  });

  it('moves k6 to another port, in its arguments and where loadctl polls it', () => {
    const spec = prepareRun(choices(), FACTS);
    const moved = withRestPort(spec, 40123);
    expect(moved.k6.restAddress).toBe('127.0.0.1:40123');
    const at = moved.k6.args.indexOf('--address');
    expect(moved.k6.args[at + 1]).toBe('127.0.0.1:40123');
    expect(moved.k6.args.filter((a) => a.includes(String(FACTS.restPort)))).toEqual([]);
    expect(spec.k6.restAddress).toBe(`127.0.0.1:${FACTS.restPort}`);
  });
});
