// Facts and needs for the checks' unit tests (a healthy Linux host, a plan of 200 VUs), and an Io for the
// probes' (a Mac with one remote target).
import type { CommandResult } from '../io/exec.js';
import type { Io } from '../io/io.js';
import type { K6Version } from '../k6/version.js';
import type { Finding } from './finding.js';
import type { PlanNeeds } from './needs.js';
import type { DoctorFacts } from './probe.js';

export const K6_VERSION: K6Version = {
  major: 1,
  minor: 8,
  patch: 1,
  prerelease: '',
  text: 'v1.8.1',
  goVersion: undefined,
  platform: undefined,
  extensions: [],
};

export const facts = (over: Partial<DoctorFacts> = {}): DoctorFacts => ({
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
  secrets: [],
  monitors: [],
  ...over,
});

/** Facts as on a host without /proc (macOS-like) whose limits could not be read otherwise either. */
export const noProc = (): DoctorFacts => {
  const f = facts();
  delete f.openFiles;
  delete f.portRange;
  delete f.tcpTwReuse;
  delete f.somaxconn;
  delete f.fileMax;
  return f;
};

export const needs = (over: Partial<PlanNeeds> = {}): PlanNeeds => ({
  peakVUs: 200,
  durationMs: 60_000,
  durationExact: true,
  keepAlive: true,
  samples: false,
  localServer: false,
  ...over,
});

export const brief = (x: Finding) => [x.status, x.observed, x.needed];

/** An Io that answers the probes from literals and records what was asked; anything else throws. */
export function fakeIo(over: Partial<Io> = {}): { io: Io; asked: string[] } {
  const asked: string[] = [];
  const files: Record<string, string> = {
    '/proc/sys/net/ipv4/ip_local_port_range': '32768\t60999\n',
    '/proc/sys/net/ipv4/tcp_tw_reuse': '2\n',
    '/proc/sys/net/core/somaxconn': '4096\n',
    '/proc/sys/fs/file-max': '1048576\n',
  };
  const base: Partial<Io> = {
    cwd: '/work',
    env: { API_TOKEN: 'sk-1', EMPTY: '' },
    now: () => new Date('2025-01-01T00:00:00.000Z'),
    readText: async (path) => {
      asked.push(`read ${path}`);
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    readBytes: async () => new Uint8Array(),
    listDir: async (path) => {
      throw new Error(`ENOENT: ${path}`);
    },
    runCommand: async (file, args): Promise<CommandResult> => {
      asked.push(`run ${file} ${args.join(' ')}`);
      return { kind: 'exited', file, exitCode: 0, stdout: '256\nunlimited\n', stderr: '', durationMs: 1 };
    },
    hostFacts: () => ({
      arch: 'arm64',
      platform: 'darwin',
      cpuModel: 'M1',
      cores: 8,
      kernel: '23.0',
      memoryBytes: 16e9,
      hostname: 'mac',
      node: 'v22.1.0',
    }),
    hostLoad: () => ({
      loadAverage: 1.5,
      freeMemoryBytes: 4e9,
      totalMemoryBytes: 16e9,
      localAddresses: ['127.0.0.1', '192.168.1.9'],
    }),
    mkdirp: async (path) => void asked.push(`mkdir ${path}`),
    writeFileAtomic: async (path) => void asked.push(`write ${path}`),
    remove: async (path) => void asked.push(`remove ${path}`),
    freeBytes: async () => 5e9,
    lookup: async (host) => {
      asked.push(`lookup ${host}`);
      if (host === 'nowhere.invalid') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return ['10.1.2.3'];
    },
    probeTcp: async (host, port) => {
      asked.push(`tcp ${host}:${port}`);
      return { kind: 'ok', ms: 3 };
    },
    fetch: async (url, init) => {
      asked.push(`fetch ${url} ${init?.signal ? 'with' : 'without'} a timeout`);
      return new Response('ok', { status: 200 });
    },
  };
  return { io: { ...base, ...over } as Io, asked };
}
