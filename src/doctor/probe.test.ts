import { describe, expect, it } from 'vitest';
import type { FindK6Result } from '../k6/locate.js';
import { K6_VERSION, fakeIo } from './facts.fixture.js';
import { realIo } from '../io/io.js';
import { probeDoctorFacts, probeWritable } from './probe.js';

const k6: FindK6Result = { kind: 'found', path: '/x/k6', source: 'path', version: K6_VERSION, skipped: [] };

const tls = (asked: string[]) => async (host: string, port: number) => {
  asked.push(`tls ${host}:${port}`);
  return { ok: true as const, validTo: '2025-06-01T00:00:00.000Z' };
};

describe('probeDoctorFacts: the host, the results folder and the secrets', () => {
  it('reads them through Io only', async () => {
    const { io, asked } = fakeIo();
    const f = await probeDoctorFacts(io, {
      resultsDir: '/work/results',
      k6,
      secrets: ['API_TOKEN', 'EMPTY', 'ABSENT'],
      targets: [],
    });
    expect(f).toEqual({
      probedAt: '2025-01-01T00:00:00.000Z',
      k6,
      platform: 'darwin',
      node: 'v22.1.0',
      cores: 8,
      loadAverage: 1.5,
      freeMemoryBytes: 4e9,
      totalMemoryBytes: 16e9,
      localAddresses: ['127.0.0.1', '192.168.1.9'],
      // No /proc/self/limits here (macOS): the shell's ulimit answers.
      openFiles: { soft: 256, hard: Number.MAX_SAFE_INTEGER },
      portRange: { low: 32768, high: 60999 },
      tcpTwReuse: 2,
      somaxconn: 4096,
      fileMax: 1048576,
      results: { dir: '/work/results', freeBytes: 5e9 },
      targets: [],
      secrets: [
        { name: 'API_TOKEN', set: true },
        { name: 'EMPTY', set: false },
        { name: 'ABSENT', set: false },
      ],
      monitors: [],
    });
    expect(asked).toEqual(
      expect.arrayContaining([
        'read /proc/self/limits',
        'run sh -c ulimit -Sn; ulimit -Hn',
        'mkdir /work/results',
        'write /work/results/.loadctl-write-test',
        'remove /work/results/.loadctl-write-test',
      ]),
    );
  });

  it('says why the results folder cannot be written', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const { io } = fakeIo({
      writeFileAtomic: async () => {
        throw denied;
      },
    });
    const f = await probeDoctorFacts(io, { resultsDir: '/ro', k6, targets: [] });
    expect(f.results.writeError).toBe('permission denied');
    expect(f.secrets).toEqual([]);
  });

  it('leaves the open-files limit unknown when neither /proc nor a shell answers', async () => {
    const { io } = fakeIo({ runCommand: async (file) => ({ kind: 'not-found', file }) });
    const f = await probeDoctorFacts(io, { resultsDir: '/r', k6, targets: [] });
    expect(f.openFiles).toBeUndefined();
  });
});

describe('probeDoctorFacts: the targets', () => {
  it('resolves, connects, asks the health path and reads the certificate, through Io and probeTls', async () => {
    const { io, asked } = fakeIo();
    const f = await probeDoctorFacts(io, {
      resultsDir: '/r',
      k6,
      targets: [
        { name: 'local' },
        { name: 'api', url: 'https://api.example.com/v1/', healthPath: '/health' },
        { name: 'gone', url: 'http://nowhere.invalid:8080' },
      ],
      probeTls: tls(asked),
    });
    expect(f.targets).toEqual([
      { name: 'local', kind: 'demo' },
      {
        name: 'api',
        kind: 'url',
        url: 'https://api.example.com/v1/',
        host: 'api.example.com',
        port: 443,
        dns: { ok: true, addresses: ['10.1.2.3'], ms: 0 },
        tcp: { kind: 'ok', ms: 3 },
        http: { ok: true, url: 'https://api.example.com/v1/health', status: 200, ms: 0 },
        tls: { ok: true, validTo: '2025-06-01T00:00:00.000Z' },
      },
      {
        name: 'gone',
        kind: 'url',
        url: 'http://nowhere.invalid:8080',
        host: 'nowhere.invalid',
        port: 8080,
        dns: { ok: false, detail: 'ENOTFOUND' },
      },
    ]);
    expect(asked).toEqual(
      expect.arrayContaining([
        'tcp 10.1.2.3:443',
        'fetch https://api.example.com/v1/health with a timeout',
        'tls api.example.com:443',
      ]),
    );
    // A name that does not resolve is not connected to.
    expect(asked.filter((x) => x.startsWith('tcp '))).toEqual(['tcp 10.1.2.3:443']);
  });
});

describe('probeWritable on the real file system', () => {
  // Node's recursive mkdir loops forever under /proc; the probe must answer at once, saying why.
  it('a results folder under /proc is not writable, and says why', { timeout: 10_000 }, async () => {
    expect(await probeWritable(realIo(), '/proc/loadctl-x')).toBe(
      'this file system does not allow new folders (a kernel file system such as /proc or /sys?)',
    );
    expect(await probeWritable(realIo(), '/proc/loadctl-x/results')).toMatch(
      /^cannot create \/proc\/loadctl-x: this file system does not allow new folders/,
    );
  });
});
