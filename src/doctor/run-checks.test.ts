import { describe, expect, it } from 'vitest';
import type { K6Version } from '../k6/version.js';
import { K6_VERSION, brief, facts, needs } from './facts.fixture.js';
import type { DoctorFacts } from './probe.js';
import { checkK6, checkK6Streaming, checkResults, checkResultsWritable, checkSecret } from './run-checks.js';

describe('checkK6', () => {
  it('shows the path, version and the candidates passed over', () => {
    const x = checkK6(
      facts({
        k6: {
          kind: 'found',
          path: '/usr/bin/k6',
          source: 'path',
          version: K6_VERSION,
          skipped: [{ path: '/p/.tools/bin/k6', source: 'project', problem: 'not executable' }],
        },
      }),
    );
    expect(brief(x)).toEqual([
      'ok',
      'v1.8.1 at /usr/bin/k6 (path); passed over /p/.tools/bin/k6 (not executable)',
      'v0.49.0 ≤ k6 < v3.0.0',
    ]);
  });

  it('fails with the install hint when k6 is missing', () => {
    const x = checkK6(facts({ k6: { kind: 'missing', searched: ['/a/k6'], hint: 'run npm run setup:k6' } }));
    expect([x.status, x.fix, x.detail]).toEqual(['failure', 'run npm run setup:k6', 'looked in /a/k6']);
  });
});

describe('checkK6Streaming', () => {
  const withExtension = (version: string) => ({
    ...K6_VERSION,
    extensions: [{ module: 'loadctl.local/k6ext/sse', version, name: 'k6/x/loadctl-sse', type: 'js' }],
  });
  const found = (version: K6Version, source: 'project' | 'env' = 'project'): Partial<DoctorFacts> => ({
    k6: { kind: 'found', path: '/p/.tools/bin/k6', source, version, skipped: [] },
  });
  const streaming = needs({ streamSteps: ['chat', 'title'] });

  it.each([
    [
      'stock k6, no plan',
      facts(),
      undefined,
      'ok',
      'no (/p/.tools/bin/k6); only plans with `stream:` steps need it',
    ],
    [
      'stock k6, a plan without streams',
      facts(),
      needs(),
      'ok',
      'no (/p/.tools/bin/k6); this plan has no stream steps',
    ],
    [
      'stock k6, a plan with streams',
      facts(),
      streaming,
      'failure',
      '/p/.tools/bin/k6 (k6 v1.8.1) has no k6/x/loadctl-sse, which the stream steps chat, title need',
    ],
    [
      'built from these sources',
      facts({ ...found(withExtension('src-aaa')), streamExtensionStamp: 'src-aaa' }),
      streaming,
      'ok',
      'yes: k6/x/loadctl-sse src-aaa',
    ],
    [
      'the project k6 built from older sources',
      facts({ ...found(withExtension('src-old')), streamExtensionStamp: 'src-new' }),
      streaming,
      'warning',
      'k6/x/loadctl-sse src-old, but k6ext/ is now src-new',
    ],
    [
      'a k6 of your own with the extension',
      facts({ ...found(withExtension('(devel)'), 'env'), streamExtensionStamp: 'src-new' }),
      undefined,
      'ok',
      'yes: k6/x/loadctl-sse (devel)',
    ],
  ] as const)('%s → %s', (_what, f, n, status, observed) => {
    const x = checkK6Streaming(f, n);
    expect([x?.status, x?.observed]).toEqual([status, observed]);
  });

  it('says which steps need it and how to get it', () => {
    const x = checkK6Streaming(facts(), streaming);
    expect(x?.needed).toBe('k6/x/loadctl-sse for the stream steps chat, title');
    expect(x?.fix).toBe(
      "Run `npm run setup:k6`: it builds the pinned k6 with loadctl's streaming extension into .tools/bin/k6.",
    );
    expect(checkK6Streaming(facts(found(K6_VERSION, 'env')), streaming)?.fix).toContain(
      'unset LOADCTL_K6_BIN',
    );
  });

  it('leaves a missing k6 to the k6 check', () => {
    expect(checkK6Streaming(facts({ k6: { kind: 'missing', searched: [], hint: '' } }), streaming)).toBe(
      undefined,
    );
  });
});

describe('checkResults', () => {
  it('fails when the folder is not writable', () => {
    const [w] = checkResults(facts({ results: { dir: '/r', writeError: 'permission denied' } }), needs());
    expect(w?.status).toBe('failure');
    expect(w?.fix).toBe('sudo chown -R "$USER" /r   # or choose another folder with --results DIR');
  });

  it.each([
    // without samples a run writes ~20 MB whatever its size
    [needs(), 20e6, 'ok'],
    [needs(), 20e6 - 1, 'failure'],
    // with samples: 20 MB + 300 bytes × 1,000,000 requests = 320 MB
    [needs({ samples: true, expectedRequests: 1e6 }), 320e6, 'ok'],
    [needs({ samples: true, expectedRequests: 1e6 }), 319e6, 'failure'],
    [needs({ samples: true }), 1e12, 'warning'],
  ] as const)('%o with %d bytes free → %s', (n, freeBytes, status) => {
    expect(checkResults(facts({ results: { dir: '/r', freeBytes } }), n)[1]?.status).toBe(status);
  });
});

describe('checkK6, unusable', () => {
  it('says what is wrong with the k6 it found', () => {
    const broken = checkK6(
      facts({
        k6: {
          kind: 'broken',
          path: '/x/k6',
          source: 'env',
          detail: '/x/k6 is not an executable file.',
          hint: 'h',
        },
      }),
    );
    expect([broken.status, broken.observed, broken.detail, broken.fix]).toEqual([
      'failure',
      '/x/k6',
      '/x/k6 is not an executable file.',
      'h',
    ]);
    const old = checkK6(
      facts({
        k6: {
          kind: 'unsupported',
          path: '/x/k6',
          source: 'path',
          version: { ...K6_VERSION, major: 0, minor: 40, text: 'v0.40.0' },
          reason: 'k6 v0.40.0 is older than v0.49.0',
          hint: 'upgrade',
        },
      }),
    );
    expect([old.status, old.detail, old.fix]).toEqual([
      'failure',
      'k6 v0.40.0 is older than v0.49.0',
      'upgrade',
    ]);
  });
});

describe('checkSecret', () => {
  it('is ok when set, a failure with the export when not', () => {
    expect(brief(checkSecret({ name: 'API_TOKEN', set: true }))).toEqual([
      'ok',
      'set',
      'set in the environment',
    ]);
    const x = checkSecret({ name: 'API_TOKEN', set: false });
    expect([x.id, x.status, x.observed]).toEqual(['secret.API_TOKEN', 'failure', 'not set']);
    expect(x.fix).toBe('export API_TOKEN=…   # loadctl passes it to k6 through the environment only');
  });
});

describe('checkResultsWritable', () => {
  it('says which folder cannot be written and why', () => {
    const x = checkResultsWritable(facts({ results: { dir: '/r', writeError: 'read-only file system' } }));
    expect(brief(x)).toEqual(['failure', 'cannot write to /r: read-only file system', 'writable']);
    expect(brief(checkResultsWritable(facts()))).toEqual(['ok', '/r writable', 'writable']);
  });
});
