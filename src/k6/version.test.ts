import { describe, expect, it } from 'vitest';
import {
  checkK6Support,
  compareVersions,
  MIN_K6,
  parseK6Version,
  parseSemVer,
  PINNED_K6_VERSION,
  type SemVer,
} from './version.js';

describe('parseK6Version', () => {
  it.each([
    // Printed by the pinned binary in .tools/bin/k6.
    ['k6 v1.8.1 (go1.26.8, linux/amd64)\n', 'v1.8.1', 'go1.26.8', 'linux/amd64'],
    ['k6 v0.52.0 (go1.22.5, linux/amd64)', 'v0.52.0', 'go1.22.5', 'linux/amd64'],
    [
      'k6 v0.49.0 (2024-01-29T10:22:02+0000/v0.49.0-0-g7ee8a7a, go1.21.6, linux/amd64)',
      'v0.49.0',
      'go1.21.6',
      'linux/amd64',
    ],
    // k6 ≥ v1.0 built from a checkout: commit (and dirty flag) inside the parentheses.
    ['k6 v1.0.0 (commit/abcdef0123-dirty, go1.24.1, darwin/arm64)', 'v1.0.0', 'go1.24.1', 'darwin/arm64'],
    ['k6 v1.0.0-rc1 (commit/devel, go1.24.1, linux/amd64)', 'v1.0.0-rc1', 'go1.24.1', 'linux/amd64'],
    // The name is argv[0]'s base name, so a renamed binary prints its own name.
    ['k6-custom v1.8.1 (go1.26.8, linux/amd64)', 'v1.8.1', 'go1.26.8', 'linux/amd64'],
    ['k6.exe v1.8.1 (go1.26.8, windows/amd64)\r\n', 'v1.8.1', 'go1.26.8', 'windows/amd64'],
    // Log noise before the version line is skipped.
    [
      'time="…" level=warning msg="something"\nk6 v1.8.1 (go1.26.8, linux/amd64)',
      'v1.8.1',
      'go1.26.8',
      'linux/amd64',
    ],
  ])('reads %j', (output, text, goVersion, platform) => {
    const v = parseK6Version(output);
    expect(v).toMatchObject({ text, goVersion, platform, extensions: [] });
  });

  it('splits the version into numbers', () => {
    expect(parseK6Version('k6 v0.49.0 (go1.21.6, linux/amd64)')).toMatchObject({
      major: 0,
      minor: 49,
      patch: 0,
      prerelease: '',
    });
  });

  it('reads an extension line without a version (k6 prints none for one in the main module)', () => {
    const output = 'k6 v1.8.1 (go1.26.8, linux/amd64)\nExtensions:\n  example.com/ext , k6/x/ext [js]\n';
    expect(parseK6Version(output)?.extensions).toEqual([
      { module: 'example.com/ext', version: '', name: 'k6/x/ext', type: 'js' },
    ]);
  });

  it('captures the extensions of an xk6 build', () => {
    const output = [
      'k6 v0.52.0 (go1.22.5, linux/amd64)',
      'Extensions:',
      '  github.com/grafana/xk6-dashboard v0.7.5, web-dashboard [output]',
      '  github.com/grafana/xk6-faker v0.4.0, k6/x/faker [js]',
      '',
    ].join('\n');
    expect(parseK6Version(output)).toMatchObject({
      text: 'v0.52.0',
      extensions: [
        {
          module: 'github.com/grafana/xk6-dashboard',
          version: 'v0.7.5',
          name: 'web-dashboard',
          type: 'output',
        },
        { module: 'github.com/grafana/xk6-faker', version: 'v0.4.0', name: 'k6/x/faker', type: 'js' },
      ],
    });
  });

  it.each([
    ['empty', ''],
    ['prose', 'hello world'],
    ['go itself', 'go version go1.26.8 linux/amd64'],
    ['a bare version', 'v1.8.1'],
    ['no build details', 'k6 v1.8.1'],
    ['details without a Go version', 'k6 v1.8.1 (linux/amd64)'],
    ['a two-part version', 'k6 v1.8 (go1.26.8, linux/amd64)'],
    ['a missing v', 'k6 1.8.1 (go1.26.8, linux/amd64)'],
    ['k6 usage text', 'Usage:\n  k6 [command]\n'],
  ])('refuses %s', (_label, output) => {
    expect(parseK6Version(output)).toBeUndefined();
  });
});

describe('compareVersions', () => {
  const v = (text: string): SemVer => {
    const parsed = parseSemVer(text);
    if (!parsed) throw new Error(`bad test version ${text}`);
    return parsed;
  };

  it.each([
    ['0.49.0', '0.49.0', 0],
    ['v0.49.0', '0.49.0', 0],
    ['0.48.9', '0.49.0', -1],
    ['0.49.1', '0.49.0', 1],
    ['1.0.0', '0.99.99', 1],
    ['0.100.0', '0.99.0', 1],
    ['1.0.0-rc1', '1.0.0', -1],
    ['1.0.0-rc.2', '1.0.0-rc.10', -1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-1', '1.0.0-alpha', -1],
  ])('%s vs %s → %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(v(a), v(b)))).toBe(sign);
    expect(Math.sign(compareVersions(v(b), v(a)))).toBe(-sign || 0);
  });

  it('parses only full semantic versions', () => {
    expect(parseSemVer('1.8')).toBeUndefined();
    expect(parseSemVer('latest')).toBeUndefined();
    expect(parseSemVer(PINNED_K6_VERSION)).toEqual({ major: 1, minor: 8, patch: 1, prerelease: '' });
  });
});

describe('checkK6Support', () => {
  const check = (text: string) => {
    const parsed = parseSemVer(text);
    if (!parsed) throw new Error(`bad test version ${text}`);
    return checkK6Support(parsed);
  };

  it.each(['v0.49.0', 'v0.52.0', 'v1.0.0-rc1', PINNED_K6_VERSION, 'v2.9.0', 'v2.99.99'])(
    'accepts %s',
    (text) => {
      expect(check(text)).toEqual({ ok: true });
    },
  );

  it('refuses k6 older than v0.49 and says how to fix it', () => {
    expect(check('v0.48.9')).toEqual({
      ok: false,
      reason: 'k6 v0.48.9 is older than v0.49, the oldest loadctl supports.',
      hint:
        'Run `npm run setup:k6` to build the pinned k6 v1.8.1 into .tools/bin (needs Go), ' +
        'or set LOADCTL_K6_BIN to a k6 from v0.49.0 up to, but not including, v3.0.0.',
    });
    expect(check('v0.49.0-rc1')).toMatchObject({ ok: false });
  });

  it.each(['v3.0.0', 'v3.0.0-rc1', 'v4.1.0'])('refuses %s as too new', (text) => {
    expect(check(text)).toEqual({
      ok: false,
      reason: `k6 ${text} is newer than loadctl supports (below v3.0.0); its CLI or output may have changed.`,
      hint: expect.stringContaining('LOADCTL_K6_BIN'),
    });
  });

  it('keeps the pin inside the supported range', () => {
    expect(MIN_K6).toBe('0.49.0');
    expect(check(PINNED_K6_VERSION).ok).toBe(true);
  });
});
