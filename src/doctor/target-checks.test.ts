import { describe, expect, it } from 'vitest';
import { brief, facts } from './facts.fixture.js';
import type { Finding } from './finding.js';
import type { TargetFacts } from './probe.js';
import { checkTarget } from './target-checks.js';

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

describe('checkTarget: DNS, host and TCP', () => {
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
});

describe('checkTarget: health and TLS certificate', () => {
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
