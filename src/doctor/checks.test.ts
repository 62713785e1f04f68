import { describe, expect, it } from 'vitest';
import { checkDoctor, doctorFailed } from './checks.js';
import { facts, needs, noProc } from './facts.fixture.js';

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
