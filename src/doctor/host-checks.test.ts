import { describe, expect, it } from 'vitest';
import { facts, needs, noProc, brief } from './facts.fixture.js';
import {
  checkCpu,
  checkEphemeralPorts,
  checkFileMax,
  checkMemory,
  checkNode,
  checkOpenFiles,
  checkSomaxconn,
  checkTwReuse,
} from './host-checks.js';
import type { TargetFacts } from './probe.js';

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
