// Runner flags and shares: k6's own numbers, and shares that add up exactly to the scenario.
import type { Scenario } from 'k6/options';
import { describe, expect, it } from 'vitest';
import { LoadctlError } from '../errors.js';
import { fraction, scenarioShare, segmentArgs, type Fraction, type ScenarioShare } from './segments.js';

const RUNNERS = [1, 2, 3, 4, 5, 6, 7, 8];

function shares(scenario: Scenario, n: number): ScenarioShare[] {
  return Array.from({ length: n }, (_, i) => scenarioShare(scenario, i, n));
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function sumFractions(values: readonly Fraction[]): Fraction {
  return values.reduce((a, b) => fraction(a.num * b.den + b.num * a.den, a.den * b.den), fraction(0, 1));
}

/** The numeric fields of a share, each summed over the runners (fractions as fractions). */
function totals(list: readonly ScenarioShare[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const first = list[0];
  if (first === undefined) return out;
  for (const key of Object.keys(first)) {
    const values = list.map((s) => (s as unknown as Record<string, unknown>)[key]);
    if (key === 'executor' || key === 'hasWork' || key === 'iterationsPerVU') out[key] = values[0];
    else if (key === 'endIteration') out[key] = values.filter(Boolean).length;
    else if (typeof values[0] === 'number') out[key] = sum(values as number[]);
    else if (Array.isArray(values[0]))
      out[key] = (values[0] as unknown[]).map((_, i) => {
        const column = values.map((v) => (v as unknown[])[i]);
        return typeof column[0] === 'number' ? sum(column as number[]) : sumFractions(column as Fraction[]);
      });
    else out[key] = sumFractions(values as Fraction[]);
  }
  return out;
}

/** The whole scenario as the shares should add up to it: the one-runner share. */
function whole(scenario: Scenario): Record<string, unknown> {
  const one = totals([scenarioShare(scenario, 0, 1)]);
  return one;
}

describe('segmentArgs', () => {
  it('gives one runner the whole test', () => {
    expect(segmentArgs(1)).toEqual([{ segment: '0:1', sequence: '0,1' }]);
  });

  it('writes reduced fractions as k6 prints them', () => {
    expect(segmentArgs(3)).toEqual([
      { segment: '0:1/3', sequence: '0,1/3,2/3,1' },
      { segment: '1/3:2/3', sequence: '0,1/3,2/3,1' },
      { segment: '2/3:1', sequence: '0,1/3,2/3,1' },
    ]);
    expect(segmentArgs(4).map((a) => a.segment)).toEqual(['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1']);
    expect(segmentArgs(4)[0]?.sequence).toBe('0,1/4,1/2,3/4,1');
  });

  it('splits up to 64 runners', () => {
    const args = segmentArgs(64);
    expect(args).toHaveLength(64);
    expect(args[31]?.segment).toBe('31/64:1/2');
    expect(args[63]?.segment).toBe('63/64:1');
  });

  it.each([0, 65, 1.5, -1, Number.NaN])('refuses %s runners as a usage error', (n) => {
    const run = () => segmentArgs(n);
    expect(run).toThrow(LoadctlError);
    expect(run).toThrow(`A run splits into 1 to 64 runners, not ${String(n)}.`);
    try {
      run();
    } catch (e) {
      expect((e as LoadctlError).exitCode).toBe(2);
    }
  });
});

describe('scenarioShare: k6 numbers', () => {
  it('refuses a runner outside the run', () => {
    const s: Scenario = { executor: 'constant-vus', vus: 1, duration: '1s' };
    expect(() => scenarioShare(s, 3, 3)).toThrow('Runner index 3 is outside 0…2 for 3 runners.');
    expect(() => scenarioShare(s, 0, 65)).toThrow(LoadctlError);
  });

  it('hands out VUs one at a time from the first runner (ScaleInt64 on equal segments)', () => {
    const vus = (n: number, v: number) =>
      shares({ executor: 'constant-vus', vus: v, duration: '1s' }, n).map((s) => s.maxVUs);
    expect(vus(3, 7)).toEqual([3, 2, 2]);
    expect(vus(8, 7)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    expect(vus(4, 1000)).toEqual([250, 250, 250, 250]);
  });

  // lib/execution_segment.go's table for the sequence 1/2, 1/4, 1/4: shared iterations follow the VUs,
  // and 4 VUs over 3 runners (2, 1, 1) re-cut the segments to exactly those lengths.
  it("splits shared iterations over segments re-cut by the VUs, as k6's documented table", () => {
    const table = Array.from({ length: 12 }, (_, i) =>
      shares({ executor: 'shared-iterations', vus: 4, iterations: i + 1 }, 3).map((s) =>
        s.executor === 'shared-iterations' ? s.iterations : -1,
      ),
    );
    expect(table.map((row) => row[0])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    expect(table.map((row) => row[1])).toEqual([0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]);
    expect(table.map((row) => row[2])).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
  });

  it('gives a runner without VUs no work, and the others all of it', () => {
    const list = shares({ executor: 'shared-iterations', vus: 1, iterations: 10 }, 3);
    expect(list.map((s) => [s.hasWork, s.maxVUs, 'iterations' in s ? s.iterations : -1])).toEqual([
      [true, 1, 10],
      [false, 0, 0],
      [false, 0, 0],
    ]);
  });

  it('keeps the per-VU count of per-vu-iterations and scales the VUs', () => {
    expect(shares({ executor: 'per-vu-iterations', vus: 7, iterations: 3 }, 2)).toEqual([
      { executor: 'per-vu-iterations', hasWork: true, maxVUs: 4, vus: 4, iterationsPerVU: 3, iterations: 12 },
      { executor: 'per-vu-iterations', hasWork: true, maxVUs: 3, vus: 3, iterationsPerVU: 3, iterations: 9 },
    ]);
  });

  it("scales each of ramping-vus' targets, with k6's default of 1 start VU", () => {
    const s: Scenario = {
      executor: 'ramping-vus',
      stages: [
        { duration: '1s', target: 7 },
        { duration: '1s', target: 2 },
      ],
    };
    expect(shares(s, 3)).toEqual([
      { executor: 'ramping-vus', hasWork: true, maxVUs: 3, startVUs: 1, stageTargets: [3, 1] },
      { executor: 'ramping-vus', hasWork: true, maxVUs: 2, startVUs: 0, stageTargets: [2, 1] },
      { executor: 'ramping-vus', hasWork: true, maxVUs: 2, startVUs: 0, stageTargets: [2, 0] },
    ]);
  });

  it('scales both VU counts of externally-controlled; a missing maxVUs is vus', () => {
    expect(shares({ executor: 'externally-controlled', vus: 5, duration: '1m' }, 2)).toEqual([
      { executor: 'externally-controlled', hasWork: true, maxVUs: 3, vus: 3 },
      { executor: 'externally-controlled', hasWork: true, maxVUs: 2, vus: 2 },
    ]);
  });

  it('counts constant-rate iterations on k6 clock: index k at k·timeUnit/rate', () => {
    const one = (rate: number, timeUnit: string, duration: string) =>
      scenarioShare(
        { executor: 'constant-arrival-rate', rate, timeUnit, duration, preAllocatedVUs: 1 },
        0,
        1,
      );
    // 7/s for 1.5s: 0, 1/7, …, 10/7 s; 11/7 s is past the end.
    expect(one(7, '1s', '1500ms')).toMatchObject({ iterations: 11, endIteration: false });
    // 7/s for 2s: index 14 starts at the end itself, so k6 runs 14 or 15.
    expect(one(7, '1s', '2s')).toMatchObject({ iterations: 14, endIteration: true });
    // 3 per 2s for 2s: 0, 2/3, 4/3 s, and one at 2 s.
    expect(one(3, '2s', '2s')).toMatchObject({ iterations: 3, endIteration: true });
  });

  it('strides constant-rate iterations by the VUs: maxVUs 7 over 8 runners leaves the last idle', () => {
    const list = shares(
      { executor: 'constant-arrival-rate', rate: 7, duration: '1500ms', preAllocatedVUs: 7 },
      8,
    );
    expect(list.map((s) => ('iterations' in s ? s.iterations : -1))).toEqual([2, 2, 2, 2, 1, 1, 1, 0]);
    expect(list.map((s) => s.hasWork)).toEqual([true, true, true, true, true, true, true, false]);
    // k6's header shows 1.00 iterations/s on each of the 7 (the segment re-cut to 1/7), not 7/8.
    expect(list.map((s) => (s.executor === 'constant-arrival-rate' ? s.rate : undefined))).toEqual([
      ...Array.from({ length: 7 }, () => ({ num: 1, den: 1 })),
      { num: 0, den: 1 },
    ]);
  });

  it('counts ramping-rate iterations by the area under the rate, in k6 float64 arithmetic', () => {
    const ramp = (startRate: number, stages: Array<{ duration: string; target: number }>) =>
      scenarioShare({ executor: 'ramping-arrival-rate', startRate, stages, preAllocatedVUs: 1 }, 0, 1);
    // Area 2·1 + 4·… = 4 + 2.5: 6 iterations, the last well before the end.
    expect(
      ramp(2, [
        { duration: '1s', target: 6 },
        { duration: '500ms', target: 4 },
      ]),
    ).toMatchObject({ iterations: 6, endIteration: false });
    // Area exactly 14, which float64 counts as 13.999999999999998: k6 never schedules the 14th.
    expect(ramp(1, [{ duration: '7s', target: 3 }])).toMatchObject({ iterations: 13, endIteration: true });
    // Area exactly 5, reached at the end of the last stage: the 5th races the end.
    expect(ramp(0, [{ duration: '1s', target: 10 }])).toMatchObject({ iterations: 4, endIteration: true });
    // The same area reached before a closing stage at rate 0 is not at the end.
    expect(
      ramp(0, [
        { duration: '1s', target: 10 },
        { duration: '1s', target: 0 },
        { duration: '1s', target: 0 },
      ]),
    ).toMatchObject({ iterations: 10, endIteration: false });
  });

  it('scales ramping rates by the segment length, whatever the VUs', () => {
    const s = scenarioShare(
      {
        executor: 'ramping-arrival-rate',
        startRate: 2,
        preAllocatedVUs: 7,
        stages: [{ duration: '1s', target: 6 }],
      },
      7,
      8,
    );
    expect(s).toMatchObject({
      hasWork: false,
      startRate: { num: 1, den: 4 },
      stageTargets: [{ num: 3, den: 4 }],
    });
  });
});

describe('scenarioShare: the runners add up exactly to the scenario', () => {
  const scenarios: Array<[string, Scenario]> = [];
  for (const vus of [1, 7, 1000]) {
    scenarios.push([`constant-vus ${vus}`, { executor: 'constant-vus', vus, duration: '1s' }]);
    scenarios.push([
      `externally-controlled ${vus}`,
      { executor: 'externally-controlled', vus, maxVUs: vus * 2, duration: '1m' },
    ]);
    scenarios.push([
      `ramping-vus ${vus}`,
      {
        executor: 'ramping-vus',
        startVUs: vus,
        stages: [
          { duration: '1s', target: 1 },
          { duration: '1s', target: 7 },
          { duration: '1s', target: 1000 },
        ],
      },
    ]);
    for (const iterations of [1, 10, 999]) {
      if (iterations >= vus)
        scenarios.push([
          `shared-iterations ${vus} VUs ${iterations}`,
          { executor: 'shared-iterations', vus, iterations },
        ]);
      scenarios.push([
        `per-vu-iterations ${vus} VUs ${iterations}`,
        { executor: 'per-vu-iterations', vus, iterations },
      ]);
    }
    for (const [rate, timeUnit] of [
      [1, '1s'],
      [7, '1s'],
      [100, '1s'],
      [3, '2s'],
    ] as const) {
      for (const duration of ['1s', '1500ms', '2s', '7s']) {
        scenarios.push([
          `constant-arrival-rate ${rate}/${timeUnit} ${duration} ${vus} VUs`,
          {
            executor: 'constant-arrival-rate',
            rate,
            timeUnit,
            duration,
            preAllocatedVUs: vus,
            maxVUs: vus + 3,
          },
        ]);
        scenarios.push([
          `ramping-arrival-rate ${rate}/${timeUnit} ${duration} ${vus} VUs`,
          {
            executor: 'ramping-arrival-rate',
            startRate: rate,
            timeUnit,
            preAllocatedVUs: vus,
            stages: [
              { duration, target: rate * 3 },
              { duration: '500ms', target: 7 },
              { duration, target: 1 },
            ],
          },
        ]);
      }
    }
  }

  it.each(scenarios)('%s', (_, scenario) => {
    const expected = whole(scenario);
    for (const n of RUNNERS) expect({ n, ...totals(shares(scenario, n)) }).toEqual({ n, ...expected });
  });

  it('covers every executor', () => {
    expect(new Set(scenarios.map(([, s]) => s.executor)).size).toBe(7);
  });
});
