import { describe, expect, it } from 'vitest';
import { parseRunnerCount, parseRunnerSpec, resolveRunners } from './runners.js';

describe('runner specs', () => {
  it('reads local and netns:NAME, and says what is wrong with anything else', () => {
    expect(parseRunnerSpec('local')).toEqual({ ok: true, spec: { kind: 'local' } });
    expect(parseRunnerSpec('netns:lc-a_1')).toEqual({ ok: true, spec: { kind: 'netns', netns: 'lc-a_1' } });
    expect(parseRunnerSpec('netns:../x')).toMatchObject({ ok: false });
    expect(parseRunnerSpec('ssh:host')).toEqual({
      ok: false,
      problem:
        '"ssh:host" is not a runner: use `local` or `netns:NAME` (a k6 inside the network namespace NAME)',
    });
  });

  it('takes the command line over the plan, a count as that many local runners', () => {
    expect(resolveRunners(undefined, {})).toBeUndefined();
    expect(resolveRunners(2, {})).toEqual([{ kind: 'local' }, { kind: 'local' }]);
    expect(resolveRunners(['netns:a'], { runners: 1 })).toEqual([{ kind: 'local' }]);
    expect(resolveRunners(3, { runner: ['netns:a', 'local'] })).toEqual([
      { kind: 'netns', netns: 'a' },
      { kind: 'local' },
    ]);
  });

  it('refuses --runners with --runner, bad counts, and lists every bad spec at once', () => {
    expect(() => resolveRunners(undefined, { runners: 2, runner: ['local'] })).toThrow(/both/);
    expect(() => parseRunnerCount('0')).toThrow(/1 to 64/);
    expect(() => parseRunnerCount('65')).toThrow(/1 to 64/);
    expect(() => parseRunnerCount('2x')).toThrow(/whole number/);
    expect(parseRunnerCount('8')).toBe(8);
    expect(() => resolveRunners(['x', 'local', 'y'], {})).toThrow(/runner 1: "x"[\s\S]*runner 3: "y"/);
  });
});
