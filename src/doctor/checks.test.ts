import { describe, expect, it } from 'vitest';
import {
  checkCpu,
  checkDoctor,
  checkEphemeralPorts,
  checkFileMax,
  checkK6,
  checkK6Streaming,
  checkMemory,
  checkNode,
  checkOpenFiles,
  checkResults,
  checkSomaxconn,
  checkTarget,
  checkTwReuse,
  doctorFailed,
  type Finding,
} from './checks.js';
import type { K6Version } from '../k6/version.js';
import type { PlanNeeds } from './needs.js';
import type { DoctorFacts, TargetFacts } from './probe.js';

const K6_VERSION = {
  major: 1,
  minor: 8,
  patch: 1,
  prerelease: '',
  text: 'v1.8.1',
  goVersion: undefined,
  platform: undefined,
  extensions: [],
};

const facts = (over: Partial<DoctorFacts> = {}): DoctorFacts => ({
  probedAt: '2025-01-01T00:00:00.000Z',
  platform: 'linux',
  k6: { kind: 'found', path: '/p/.tools/bin/k6', source: 'project', version: K6_VERSION, skipped: [] },
  node: 'v20.19.0',
  cores: 2,
  loadAverage: 0.5,
  freeMemoryBytes: 8e9,
  totalMemoryBytes: 16e9,
  openFiles: { soft: 20000, hard: 20000 },
  portRange: { low: 32768, high: 60999 },
  tcpTwReuse: 2,
  somaxconn: 4096,
  fileMax: 1_000_000,
  results: { dir: '/r', freeBytes: 50e9 },
  localAddresses: ['127.0.0.1', '10.0.0.5', '::1'],
  targets: [],
  ...over,
});

/** Facts as on a host without /proc (macOS-like): only what Node itself can tell. */
const noProc = (): DoctorFacts => {
  const f = facts();
  delete f.openFiles;
  delete f.portRange;
  delete f.tcpTwReuse;
  delete f.somaxconn;
  delete f.fileMax;
  return f;
};

const needs = (over: Partial<PlanNeeds> = {}): PlanNeeds => ({
  peakVUs: 200,
  durationMs: 60_000,
  durationExact: true,
  keepAlive: true,
  samples: false,
  localServer: false,
  ...over,
});

const brief = (x: Finding) => [x.status, x.observed, x.needed];

describe('checkOpenFiles', () => {
  // openFilesNeeded(1000) = 2256
  it.each([
    [{ soft: 2256, hard: 2256 }, 'ok'],
    [{ soft: 2255, hard: 4096 }, 'failure'],
    [{ soft: 256, hard: 256 }, 'failure'],
  ] as const)('%o for 1000 VUs → %s', (openFiles, status) => {
    expect(checkOpenFiles(facts({ openFiles }), needs({ peakVUs: 1000 })).status).toBe(status);
  });

  it('gives ulimit -n when the hard limit allows it, and the persistent fixes', () => {
    const x = checkOpenFiles(facts({ openFiles: { soft: 1024, hard: 4096 } }), needs({ peakVUs: 1000 }));
    expect(brief(x)).toEqual(['failure', 'soft 1,024, hard 4,096', '≥ 2,256 for 1,000 VUs']);
    expect(x.fix).toBe(
      [
        'ulimit -n 2256   # this shell',
        "printf '* soft nofile 2256\\n* hard nofile 2256\\n' | sudo tee -a /etc/security/limits.conf   # then log in again",
        'LimitNOFILE=2256   # in the [Service] section of a systemd unit',
      ].join('\n'),
    );
  });

  it('raises the hard limit first when it is below the need', () => {
    const x = checkOpenFiles(facts({ openFiles: { soft: 256, hard: 256 } }), needs({ peakVUs: 1000 }));
    expect(x.fix?.split('\n')[0]).toBe(
      'sudo prlimit --pid $$ --nofile=2256:2256   # this shell (the hard limit is 256)',
    );
  });

  it('is a warning, not a failure, where the limit cannot be read', () => {
    const x = checkOpenFiles(noProc(), needs({ peakVUs: 1000 }));
    expect(x.status).toBe('warning');
    expect(x.observed).toBe('unknown');
    expect(x.detail).toMatch(/^could not be checked/);
  });

  it('only reports without a plan', () => {
    expect(brief(checkOpenFiles(facts({ openFiles: { soft: 256, hard: 256 } }), undefined))).toEqual([
      'ok',
      'soft 256, hard 256',
      '–',
    ]);
  });
});

describe('checkEphemeralPorts', () => {
  const range = { low: 32768, high: 60999 }; // 28,232 ports

  it.each([
    ['keep-alive: one port per VU, exactly at the limit', needs({ peakVUs: 28232 }), 0, 'ok'],
    ['keep-alive: one VU over', needs({ peakVUs: 28233 }), 0, 'failure'],
    [
      'no keep-alive: rps × 60 at the limit',
      needs({ keepAlive: false, peakRequestsPerSecond: 28232 / 60 }),
      0,
      'ok',
    ],
    ['no keep-alive: 1000 rps', needs({ keepAlive: false, peakRequestsPerSecond: 1000 }), 0, 'failure'],
    ['tw_reuse=1 softens it', needs({ keepAlive: false, peakRequestsPerSecond: 1000 }), 1, 'warning'],
    ['no keep-alive, rate unknown', needs({ keepAlive: false }), 0, 'warning'],
  ] as const)('%s', (_name, n, tcpTwReuse, status) => {
    expect(checkEphemeralPorts(facts({ portRange: range, tcpTwReuse }), n).status).toBe(status);
  });

  it('says what it needs and how to widen the range', () => {
    const x = checkEphemeralPorts(
      facts({ portRange: range, tcpTwReuse: 0 }),
      needs({ keepAlive: false, peakRequestsPerSecond: 1000 }),
    );
    expect(brief(x)).toEqual(['failure', '28,232 (32768–60999)', '~60,000 (1,000 conn/s × 60 s TIME_WAIT)']);
    expect(x.fix).toBe(
      [
        'sudo sysctl -w net.ipv4.ip_local_port_range="1024 65535"',
        "echo 'net.ipv4.ip_local_port_range = 1024 65535' | sudo tee -a /etc/sysctl.d/99-loadctl.conf   # persistent",
      ].join('\n'),
    );
  });

  it('is a warning where /proc is absent', () => {
    expect(checkEphemeralPorts(noProc(), needs()).status).toBe('warning');
  });
});

describe('checkTwReuse', () => {
  it.each([
    [0, needs(), 'ok'],
    [0, needs({ keepAlive: false }), 'warning'],
    [1, needs({ keepAlive: false }), 'ok'],
    // 2 = loopback only: enough for the demo service, not for a remote target.
    [2, needs({ keepAlive: false }), 'ok'],
  ] as const)('tcp_tw_reuse=%s → %s', (tcpTwReuse, n, status) => {
    expect(checkTwReuse(facts({ tcpTwReuse }), n).status).toBe(status);
  });

  it('2 is not enough for a remote target', () => {
    const remote: TargetFacts = {
      name: 'staging',
      kind: 'url',
      url: 'http://10.9.9.9',
      host: '10.9.9.9',
      port: 80,
      dns: { ok: true, addresses: ['10.9.9.9'], ms: 0 },
    };
    const x = checkTwReuse(facts({ tcpTwReuse: 2, targets: [remote] }), needs({ keepAlive: false }));
    expect(x.status).toBe('warning');
    expect(x.fix).toBe(
      "sudo sysctl -w net.ipv4.tcp_tw_reuse=1\necho 'net.ipv4.tcp_tw_reuse = 1' | sudo tee -a /etc/sysctl.d/99-loadctl.conf   # persistent",
    );
  });
});

describe('checkMemory', () => {
  // 200 VUs: estimate 3 × 200 + 100 = 700 MB, low end 1 × 200 + 100 = 300 MB.
  it.each([
    [700e6, 'ok'],
    [699e6, 'warning'],
    [300e6, 'warning'],
    [299e6, 'failure'],
  ] as const)('%d bytes free → %s', (freeMemoryBytes, status) => {
    expect(checkMemory(facts({ freeMemoryBytes }), needs()).status).toBe(status);
  });

  it('says how it estimates', () => {
    const x = checkMemory(facts({ freeMemoryBytes: 500e6 }), needs());
    expect(x.needed).toBe('~700 MB for 200 VUs');
    expect(x.detail).toContain('3 MB per VU + 100 MB (k6 docs: roughly 1–5 MB per VU for simple scripts)');
  });
});

describe('host checks', () => {
  it.each([
    [1.99, 'ok'],
    [2, 'warning'],
  ] as const)('load %d on 2 cores → %s', (loadAverage, status) => {
    expect(checkCpu(facts({ loadAverage })).status).toBe(status);
  });

  it('cannot tell the load without a load average', () => {
    const f = facts();
    delete f.loadAverage;
    expect(checkCpu(f).status).toBe('warning');
  });

  it.each([
    ['v20.19.0', 'ok'],
    ['v20.18.3', 'failure'],
    ['v22.0.0', 'ok'],
    ['v18.20.0', 'failure'],
  ] as const)('Node %s → %s', (node, status) => {
    expect(checkNode(facts({ node })).status).toBe(status);
  });

  it.each([
    [2256, 'ok'],
    [2255, 'warning'],
  ] as const)('fs.file-max %d for 1000 VUs → %s', (fileMax, status) => {
    const x = checkFileMax(facts({ fileMax }), needs({ peakVUs: 1000 }));
    expect(x.status).toBe(status);
    if (status === 'warning') expect(x.fix?.split('\n')[0]).toBe('sudo sysctl -w fs.file-max=2256');
  });

  it('checks somaxconn only where the server runs on this machine', () => {
    expect(checkSomaxconn(facts({ somaxconn: 128 }), needs())).toBeUndefined();
    const n = needs({ localServer: true });
    expect(checkSomaxconn(facts({ somaxconn: 200 }), n)?.status).toBe('ok');
    const x = checkSomaxconn(facts({ somaxconn: 199 }), n);
    expect(x?.status).toBe('warning');
    expect(x?.fix?.split('\n')[0]).toBe('sudo sysctl -w net.core.somaxconn=200');
  });
});

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
      'no: /p/.tools/bin/k6 has no k6/x/loadctl-sse',
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

describe('checkTarget', () => {
  const url = (over: Partial<Extract<TargetFacts, { kind: 'url' }>>): TargetFacts => ({
    name: 'api',
    kind: 'url',
    url: 'https://api.example.com',
    host: 'api.example.com',
    port: 443,
    dns: { ok: true, addresses: ['93.184.216.34'], ms: 4 },
    tcp: { kind: 'ok', ms: 12 },
    ...over,
  });
  const byId = (fs: Finding[]) => Object.fromEntries(fs.map((x) => [x.id, x.status]));

  it('says a demo target is started by loadctl run', () => {
    const [x] = checkTarget({ name: 'local', kind: 'demo' }, facts());
    expect(x?.status).toBe('ok');
    expect(x?.observed).toContain('`loadctl run` starts it');
  });

  it('fails a target that refuses connections', () => {
    const fs = checkTarget(
      url({
        url: 'http://127.0.0.1:9',
        host: '127.0.0.1',
        port: 9,
        dns: { ok: true, addresses: ['127.0.0.1'], ms: 0 },
        tcp: { kind: 'refused' },
      }),
      facts(),
    );
    expect(byId(fs)).toEqual({
      'target.api.dns': 'ok',
      'target.api.host': 'warning',
      'target.api.tcp': 'failure',
    });
    const tcp = fs.find((x) => x.id === 'target.api.tcp');
    expect(tcp?.observed).toBe('127.0.0.1:9 refused the connection');
    expect(tcp?.fix).toBe('start the service, or correct the url in the plan; try `nc -vz 127.0.0.1 9`');
    expect(fs.find((x) => x.id === 'target.api.host')?.detail).toBe(
      'the target shares this machine with the load generator: numbers then measure both',
    );
  });

  it('treats an interface address of this machine as local', () => {
    const fs = checkTarget(url({ dns: { ok: true, addresses: ['10.0.0.5'], ms: 0 } }), facts());
    expect(fs.find((x) => x.id === 'target.api.host')?.status).toBe('warning');
  });

  it('fails on DNS and stops there', () => {
    const fs = checkTarget(url({ dns: { ok: false, detail: 'ENOTFOUND' } }), facts());
    expect(fs.map(brief)).toEqual([['failure', 'api.example.com: ENOTFOUND', 'resolves']]);
    expect(fs[0]?.fix).toBe('getent hosts api.example.com   # check the name, or the url in the plan');
  });

  it.each([
    [200, 'ok'],
    [399, 'ok'],
    [404, 'warning'],
    [503, 'failure'],
  ] as const)('health answering %d → %s', (status, expected) => {
    const fs = checkTarget(
      url({ http: { ok: true, url: 'https://api.example.com/health', status, ms: 9 } }),
      facts(),
    );
    expect(fs.find((x) => x.id === 'target.api.health')?.status).toBe(expected);
  });

  it.each([
    ['2025-03-01T00:00:00.000Z', 'ok', 'valid until 2025-03-01 (59 days)'],
    ['2025-01-15T00:00:00.000Z', 'ok', 'valid until 2025-01-15 (14 days)'],
    ['2025-01-14T23:00:00.000Z', 'warning', 'valid until 2025-01-14 (13 days)'],
    ['2024-12-30T00:00:00.000Z', 'failure', 'valid until 2024-12-30 (expired 2 days ago)'],
  ] as const)('certificate valid to %s → %s', (validTo, status, observed) => {
    const fs = checkTarget(url({ tls: { ok: true, validTo } }), facts());
    const x = fs.find((f) => f.id === 'target.api.tls');
    expect([x?.status, x?.observed]).toEqual([status, observed]);
  });

  it('warns on an untrusted certificate', () => {
    const fs = checkTarget(
      url({
        tls: {
          ok: true,
          validTo: '2026-01-01T00:00:00.000Z',
          authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN',
        },
      }),
      facts(),
    );
    expect(fs.find((f) => f.id === 'target.api.tls')?.status).toBe('warning');
  });
});

describe('checkDoctor', () => {
  it('is all ok on a healthy host, and fails nothing', () => {
    const fs = checkDoctor(
      facts({ targets: [{ name: 'local', kind: 'demo' }] }),
      needs({ localServer: true }),
    );
    expect(fs.filter((x) => x.status !== 'ok')).toEqual([]);
    expect(fs.map((x) => x.id)).toEqual([
      'k6',
      'k6.streaming',
      'node',
      'cpu',
      'memory',
      'open-files',
      'file-max',
      'ephemeral-ports',
      'tcp-tw-reuse',
      'somaxconn',
      'results-writable',
      'disk',
      'target.local',
    ]);
    expect(doctorFailed(fs, true)).toBe(false);
  });

  it('turns every unreadable /proc value into a warning, never a failure', () => {
    const fs = checkDoctor(noProc(), needs({ localServer: true }));
    const unknown = fs.filter((x) => x.observed === 'unknown');
    expect(unknown.map((x) => x.id)).toEqual([
      'open-files',
      'file-max',
      'ephemeral-ports',
      'tcp-tw-reuse',
      'somaxconn',
    ]);
    for (const x of unknown) {
      expect(x.status).toBe('warning');
      expect(x.detail).toMatch(/^could not be checked/);
    }
    expect(doctorFailed(fs, false)).toBe(false);
    expect(doctorFailed(fs, true)).toBe(true);
  });
});
