import { describe, expect, it } from 'vitest';
import { planRunners, runnerArgs } from './runner-args.js';

const BASE = [
  'run',
  '--quiet',
  '--address',
  '127.0.0.1:6565',
  '--summary-mode=disabled',
  '--no-thresholds',
  '--out',
  'loadctl=/r/frames.ndjson?maxNames=1000&tags=status,check',
  '/r/script.js',
];

describe('planRunners', () => {
  it('gives each runner its id, its spec as written and an equal execution segment', () => {
    const runners = planRunners([{ kind: 'local' }, { kind: 'netns', netns: 'lc-b' }, { kind: 'local' }]);
    expect(runners.map((r) => [r.id, r.where, r.segment, r.sequence])).toEqual([
      ['runner-1', 'local', '0:1/3', '0,1/3,2/3,1'],
      ['runner-2', 'netns:lc-b', '1/3:2/3', '0,1/3,2/3,1'],
      ['runner-3', 'local', '2/3:1', '0,1/3,2/3,1'],
    ]);
  });
});

describe('runnerArgs', () => {
  it('points the stream at the collector, sets the REST address, and adds the segment and control flags', () => {
    const [, second] = planRunners([{ kind: 'local' }, { kind: 'local' }]);
    const args = runnerArgs(BASE, second!, {
      restAddress: '10.0.0.2:6565',
      collectorUrl: 'http://10.0.0.1:4100/frames',
    });
    expect(args).toEqual([
      'run',
      '--quiet',
      '--address',
      '10.0.0.2:6565',
      '--summary-mode=disabled',
      '--no-thresholds',
      '--out',
      'loadctl=http://10.0.0.1:4100/frames?maxNames=1000&tags=status,check&instance=runner-2',
      '--paused',
      '--no-setup',
      '--no-teardown',
      '--linger',
      '--execution-segment',
      '1/2:1',
      '--execution-segment-sequence',
      '0,1/2,1',
      '/r/script.js',
    ]);
    // The single k6's arguments are left as they were.
    expect(BASE[3]).toBe('127.0.0.1:6565');
  });

  it('refuses arguments without loadctl’s output: runners need it', () => {
    const [only] = planRunners([{ kind: 'local' }]);
    expect(() =>
      runnerArgs(['run', '--address', 'a:1', 's.js'], only!, { restAddress: 'x', collectorUrl: 'y' }),
    ).toThrow(/--out loadctl/);
  });
});
