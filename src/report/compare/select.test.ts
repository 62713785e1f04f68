import { describe, expect, it } from 'vitest';
import { selectComparison, selectRun } from './select.js';
import type { StoredRun } from '../../store/runs.js';
import type { ComparisonRef, RunSummary } from '../model/summary.js';

function run(id: string, plan: string, target: string, comparison?: ComparisonRef): StoredRun {
  return {
    dir: `/r/${plan}/${id}`,
    summary: {
      runId: id,
      plan,
      target: { name: target, url: '' },
      ...(comparison ? { comparison } : {}),
    } as RunSummary,
  };
}
const group = (id: string, round: number): ComparisonRef => ({
  id,
  round,
  rounds: 2,
  targets: ['x86', 'graviton'],
});

const stored = [
  run('20261122T010000Z-000001', 'g', 'x86'),
  run('20261122T020000Z-000002', 'g', 'x86', group('G', 1)),
  run('20261122T020100Z-000003', 'g', 'graviton', group('G', 1)),
  run('20261122T020200Z-000004', 'g', 'x86', group('G', 2)),
  run('20261122T020300Z-000005', 'g', 'graviton', group('G', 2)),
  run('20261122T030000Z-000006', 'seat', 'local'),
  run('20261122T030100Z-000007', 'seat', 'local'),
];

describe('selectComparison', () => {
  it('takes the latest comparison group of the targets, all rounds in order', () => {
    const s = selectComparison(stored, ['x86', 'graviton']);
    expect(s.ok && s.plan).toBe('g');
    expect(s.ok && s.sides.map((x) => x.runs.map((r) => r.summary.runId.slice(-1)))).toEqual([
      ['2', '4'],
      ['3', '5'],
    ]);
  });

  it('takes the latest single runs when a target ran alone since', () => {
    const later = [...stored, run('20261122T040000Z-000008', 'g', 'x86')];
    const s = selectComparison(later, ['x86', 'graviton']);
    expect(s.ok && s.sides.map((x) => x.runs.map((r) => r.summary.runId.slice(-1)))).toEqual([['8'], ['5']]);
  });

  it('compares run ids (an A/A pair), by unique prefix too, with a chosen baseline', () => {
    const s = selectComparison(stored, ['20261122T030000Z-000006', '20261122T0301'], {
      baseline: '20261122T030100Z-000007',
    });
    expect(s.ok && [s.plan, s.baseline, s.sides.map((x) => x.label)]).toEqual([
      'seat',
      1,
      ['20261122T030000Z-000006', '20261122T030100Z-000007'],
    ]);
  });

  it('explains what it cannot do', () => {
    const messages = [
      selectComparison(stored, ['x86']),
      selectComparison(stored, ['x86', 'arm']),
      selectComparison(stored, ['x86', 'x86']),
      selectComparison(stored, ['20261122T010000Z-000001', '20261122T030000Z-000006']),
      selectComparison(stored, ['20261122T02', 'graviton']),
      selectComparison(stored, ['x86', 'graviton'], { baseline: 'arm' }),
      selectComparison(stored, ['20990101T000000Z-abcdef', 'graviton']),
      selectComparison(stored, ['20990101T00', 'graviton']),
    ].map((s) => (s.ok ? 'ok' : s.message));
    expect(messages).toEqual([
      'compare needs two or more targets or run ids',
      'no plan has stored runs of x86 and arm',
      'target x86 is named twice',
      'the runs belong to different plans (g, seat)',
      'run id prefix 20261122T02 matches 4 runs',
      '--baseline arm is none of the compared sides (x86, graviton)',
      'no stored run 20990101T000000Z-abcdef',
      'no stored run id starts with 20990101T00',
    ]);
  });

  it('asks for --plan when several plans have the targets', () => {
    const two = [
      ...stored,
      run('20261122T050000Z-000009', 'h', 'x86'),
      run('20261122T050100Z-00000a', 'h', 'graviton'),
    ];
    const s = selectComparison(two, ['x86', 'graviton']);
    expect(!s.ok && s.hint).toMatch(/--plan/);
    expect(selectComparison(two, ['x86', 'graviton'], { plan: 'h' }).ok).toBe(true);
  });
});

describe('selectRun (compare <run> --by)', () => {
  const id = (r: ReturnType<typeof selectRun>) => (r.ok ? r.run.summary.runId.slice(-1) : r.message);

  it('takes a run by id or prefix, or a target’s latest run', () => {
    expect(id(selectRun(stored, '20261122T030000Z-000006'))).toBe('6');
    expect(id(selectRun(stored, '20261122T0301'))).toBe('7');
    expect(id(selectRun(stored, 'local'))).toBe('7');
    expect(id(selectRun(stored, 'x86', { plan: 'g' }))).toBe('4');
  });

  it('says what is ambiguous or missing', () => {
    expect(id(selectRun(stored, '20261122T02'))).toBe('run id prefix 20261122T02 matches 4 runs');
    expect(id(selectRun(stored, '20261122T090000Z-000009'))).toBe('no stored run 20261122T090000Z-000009');
    expect(id(selectRun(stored, 'arm'))).toBe('no stored run arm, and no target of that name has runs');
    expect(id(selectRun(stored, '20261122T030000Z-000006', { plan: 'g' }))).toBe(
      'run 20261122T030000Z-000006 is a run of plan seat, not g',
    );
    const twoPlans = [...stored, run('20261122T040000Z-000008', 'other', 'local')];
    expect(id(selectRun(twoPlans, 'local'))).toBe('several plans have runs of target local: seat, other');
  });
});
