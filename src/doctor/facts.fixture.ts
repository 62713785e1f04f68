// Facts and needs for the checks' unit tests: a healthy Linux host, and a plan of 200 VUs.
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
