import { describe, expect, it } from 'vitest';
import { parseRunnerCount, parseRunnerSpec, renderRunnerSpec, resolveRunners } from './runners.js';

describe('runner specs', () => {
  it('reads local and netns:NAME, and says what is wrong with anything else', () => {
    expect(parseRunnerSpec('local')).toEqual({ ok: true, spec: { kind: 'local' } });
    expect(parseRunnerSpec('netns:lc-a_1')).toEqual({ ok: true, spec: { kind: 'netns', netns: 'lc-a_1' } });
    expect(parseRunnerSpec('netns:../x')).toMatchObject({ ok: false });
    expect(parseRunnerSpec('tcp:host')).toEqual({
      ok: false,
      problem:
        '"tcp:host" is not a runner: use `local`, `netns:NAME` (a k6 inside the network namespace NAME) or `ssh:[user@]host[:port]` (a k6 on a host reached with ssh)',
    });
  });

  it('reads ssh:[user@]host[:port], renders it back, and says what is wrong', () => {
    const ok = (text: string) => {
      const parsed = parseRunnerSpec(text);
      if (!parsed.ok) throw new Error(parsed.problem);
      expect(renderRunnerSpec(parsed.spec)).toBe(text);
      return parsed.spec;
    };
    expect(ok('ssh:gen1')).toEqual({ kind: 'ssh', user: undefined, host: 'gen1', port: undefined });
    expect(ok('ssh:root@10.0.0.5:2222')).toEqual({ kind: 'ssh', user: 'root', host: '10.0.0.5', port: 2222 });
    expect(ok('ssh:k6@[fd00::5]:22')).toEqual({ kind: 'ssh', user: 'k6', host: '[fd00::5]', port: 22 });
    expect(parseRunnerSpec('ssh:')).toEqual({
      ok: false,
      problem: '"ssh:" is not an ssh runner: no host (use ssh:[user@]host[:port])',
    });
    expect(parseRunnerSpec('ssh:-oProxyCommand=x')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/is not a host name/),
    });
    expect(parseRunnerSpec('ssh:a b@h')).toMatchObject({ ok: false, problem: expect.stringMatching(/user/) });
    expect(parseRunnerSpec('ssh:h:0')).toMatchObject({ ok: false, problem: expect.stringMatching(/port/) });
    expect(parseRunnerSpec('ssh:h:70000')).toMatchObject({ ok: false });
    expect(parseRunnerSpec('ssh:h;rm')).toMatchObject({ ok: false });
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
