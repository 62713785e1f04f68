import { describe, expect, it } from 'vitest';
import type { FindK6Result } from '../k6/locate.js';
import { checkPreflight, openFilesNeeded, parseOpenFilesLimit, type PreflightFacts } from './preflight.js';

const k6: FindK6Result = {
  kind: 'found',
  path: '/x/k6',
  source: 'project',
  version: {
    major: 1,
    minor: 8,
    patch: 1,
    prerelease: [],
    text: 'v1.8.1',
    extensions: [],
  } as unknown as Extract<FindK6Result, { kind: 'found' }>['version'],
  skipped: [],
};
const good: PreflightFacts = {
  k6,
  openFiles: { soft: 20000, hard: 20000 },
  resultsDir: '/r',
  freeBytes: 1e10,
  missingSecrets: [],
};

describe('checkPreflight', () => {
  it('passes a healthy host', () => {
    expect(checkPreflight(good, { peakVUs: 200, expectedBytes: 20e6 })).toEqual([]);
  });

  it('refuses stream steps on a k6 without the streaming extension, with the fix', () => {
    expect(checkPreflight(good, { peakVUs: 1, expectedBytes: 0, streamSteps: ['chat'] })).toEqual([
      {
        check: 'k6 streaming',
        message: '/x/k6 (k6 v1.8.1) has no k6/x/loadctl-sse, which the stream steps chat need',
        fix: "Run `npm run setup:k6`: it builds the pinned k6 with loadctl's streaming extension into .tools/bin/k6.",
      },
    ]);
    const streaming = {
      ...k6,
      version: {
        ...k6.version,
        extensions: [
          { module: 'loadctl.local/k6ext/sse', version: 'src-1', name: 'k6/x/loadctl-sse', type: 'js' },
        ],
      },
    };
    expect(
      checkPreflight({ ...good, k6: streaming }, { peakVUs: 1, expectedBytes: 0, streamSteps: ['chat'] }),
    ).toEqual([]);
  });

  it('asks for exactly the open files the VUs need, and says how', () => {
    const need = openFilesNeeded(1000);
    expect(need).toBe(2256);
    expect(
      checkPreflight({ ...good, openFiles: { soft: need, hard: need } }, { peakVUs: 1000, expectedBytes: 0 }),
    ).toEqual([]);
    expect(
      checkPreflight(
        { ...good, openFiles: { soft: need - 1, hard: 65536 } },
        { peakVUs: 1000, expectedBytes: 0 },
      ),
    ).toEqual([
      {
        check: 'open files',
        message:
          'ulimit -n is 2255; 1000 VUs need about 2256 open files (k6 fails with "too many open files")',
        fix: 'run `ulimit -n 2256` in this shell first',
      },
    ]);
    expect(
      checkPreflight(
        { ...good, openFiles: { soft: 1024, hard: 1024 } },
        { peakVUs: 1000, expectedBytes: 0 },
      )[0]?.fix,
    ).toContain('/etc/security/limits.conf');
  });

  it('skips the open-files check where the limits cannot be read', () => {
    const { openFiles: _unknown, ...noProc } = good;
    expect(checkPreflight(noProc, { peakVUs: 100_000, expectedBytes: 0 })).toEqual([]);
  });

  it('reports k6, the results folder, the disk and missing secrets together', () => {
    const problems = checkPreflight(
      {
        k6: {
          kind: 'missing',
          searched: ['LOADCTL_K6_BIN', '.tools/bin/k6', 'PATH'],
          hint: 'run npm run setup:k6',
        },
        openFiles: good.openFiles,
        resultsDir: '/r',
        resultsWriteError: 'permission denied',
        missingSecrets: ['API_TOKEN'],
      },
      { peakVUs: 1, expectedBytes: 0 },
    );
    expect(problems.map((p) => p.check)).toEqual(['k6', 'results folder', 'secrets']);
    expect(
      checkPreflight({ ...good, freeBytes: 5e6 }, { peakVUs: 1, expectedBytes: 20e6 }).map((p) => p.message),
    ).toEqual(['5 MB free where the results go; this run needs about 20 MB']);
  });
});

describe('parseOpenFilesLimit', () => {
  it('reads /proc/self/limits', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n';
    expect(parseOpenFilesLimit(limits)).toEqual({ soft: 1024, hard: 524288 });
    expect(parseOpenFilesLimit('Max open files  unlimited  unlimited  files')).toEqual({
      soft: Number.MAX_SAFE_INTEGER,
      hard: Number.MAX_SAFE_INTEGER,
    });
    expect(parseOpenFilesLimit('nothing here')).toBeUndefined();
  });
});
