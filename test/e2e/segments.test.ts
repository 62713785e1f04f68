// Execution segments against the real k6: for N = 1…8, each runner is a k6 run with
// --execution-segment/--execution-segment-sequence, and what it does with each scenario is what
// scenarioShare says. k6 states its plan per scenario in its header (VUs, shared iterations, rates), and
// `--out json` with the `vu` system tag shows what it did (iterations, dropped iterations, the VUs that ran).
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scenario } from 'k6/options';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationNanos } from '../../src/plans/duration.js';
import { scenarioShare, segmentArgs, type ScenarioShare } from '../../src/plans/segments.js';
import { REPO, tempDir } from './helpers.js';

const K6 = process.env.LOADCTL_K6_BIN ?? join(REPO, '.tools', 'bin', 'k6');
// Two cores, shared: at most this many k6 processes at once.
const CONCURRENCY = 4;

// Arrival-rate scenarios are chosen so that no iteration starts near their end: k6 races one scheduled
// at the end against the end of the duration (scenarioShare's endIteration), and ramping-arrival-rate
// starts its clock a little after the duration's. Here the last iteration starts ≥ 70 ms before the end
// and the next one, if any, ≥ 70 ms after it, so every count below is exact.
const SCENARIOS = {
  // 1 ms per iteration, so every VU starts before the others have taken all the iterations.
  si: { executor: 'shared-iterations', vus: 7, iterations: 999, maxDuration: '10s', exec: 'short' },
  pvi: { executor: 'per-vu-iterations', vus: 7, iterations: 3, exec: 'short' },
  cvu: { executor: 'constant-vus', vus: 7, duration: '1s', exec: 'looping' },
  rvu: {
    executor: 'ramping-vus',
    startVUs: 0,
    stages: [
      { duration: '500ms', target: 7 },
      { duration: '500ms', target: 2 },
    ],
    exec: 'looping',
  },
  ext: { executor: 'externally-controlled', vus: 3, maxVUs: 5, duration: '1s', exec: 'looping' },
  // 0, 1/7, …, 10/7 s: 11 iterations; 11/7 s is after the end.
  car: { executor: 'constant-arrival-rate', rate: 7, duration: '1500ms', preAllocatedVUs: 7, exec: 'short' },
  // 3 per 2 s: 0, 2/3 and 4/3 s; maxVUs 3 leaves runners 4…8 idle.
  car2: {
    executor: 'constant-arrival-rate',
    rate: 3,
    timeUnit: '2s',
    duration: '1500ms',
    preAllocatedVUs: 3,
    exec: 'short',
  },
  // Area ½ s·(18+17)/2 + 1 s·(17+1)/2 = 8.75 + 9 = 17.75: 17 iterations, the last 0.25 s before the end.
  rar: {
    executor: 'ramping-arrival-rate',
    startRate: 18,
    preAllocatedVUs: 5,
    stages: [
      { duration: '500ms', target: 17 },
      { duration: '1s', target: 1 },
    ],
    exec: 'short',
  },
} satisfies Record<string, Scenario>;
type Name = keyof typeof SCENARIOS;
const NAMES = Object.keys(SCENARIOS) as Name[];

const SCRIPT = `import { sleep } from 'k6';
export const options = { scenarios: ${JSON.stringify(SCENARIOS)} };
export function short() { sleep(0.001); }
export function looping() { sleep(0.01); }
`;

interface Observed {
  /** k6's description of each scenario, from its header. */
  described: Map<string, string>;
  iterations: Map<string, number>;
  dropped: Map<string, number>;
  vus: Map<string, Set<string>>;
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function parseOutput(stdout: string, json: string): Observed {
  const described = new Map<string, string>();
  for (const m of stdout.matchAll(/^\s+\* (\w+): (.*)$/gm)) described.set(m[1] ?? '', m[2] ?? '');
  const observed: Observed = { described, iterations: new Map(), dropped: new Map(), vus: new Map() };
  for (const line of json.split('\n')) {
    if (!line.includes('"Point"')) continue;
    const sample = JSON.parse(line) as {
      metric: string;
      data: { value: number; tags?: { scenario?: string }; metadata?: { vu?: string } };
    };
    const scenario = sample.data.tags?.scenario ?? '';
    if (sample.metric === 'dropped_iterations') add(observed.dropped, scenario, sample.data.value);
    if (sample.metric !== 'iterations') continue;
    add(observed.iterations, scenario, sample.data.value);
    const vus = observed.vus.get(scenario) ?? new Set<string>();
    vus.add(sample.data.metadata?.vu ?? '?');
    observed.vus.set(scenario, vus);
  }
  return observed;
}

function runK6(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(K6, args, {
      cwd,
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A bound on a hung run; each of these takes about 2 s.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function runSegments(dir: string, n: number): Promise<Observed[]> {
  const args = segmentArgs(n);
  const results: Observed[] = new Array<Observed>(n);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const { segment, sequence } = args[i]!;
      const out = join(dir, `out-${n}-${i}.json`);
      const run = await runK6(
        [
          'run',
          '--no-summary',
          `--execution-segment=${segment}`,
          `--execution-segment-sequence=${sequence}`,
          '--system-tags=scenario,vu',
          // Concurrent runs must not share k6's REST API port (6565 by default).
          '--address=127.0.0.1:0',
          `--out=json=${out}`,
          'script.js',
        ],
        dir,
      );
      expect(run.stderr.split('\n').filter((l) => l.includes('level=error'))).toEqual([]);
      expect(run.code).toBe(0);
      results[i] = parseOutput(run.stdout, await readFile(out, 'utf8'));
      await rm(out);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
  return results;
}

function numbers(where: string, text: string | undefined, pattern: RegExp): number[] {
  const m = pattern.exec(text ?? '');
  expect(m, `${where}: ${String(text)} should match ${String(pattern)}`).not.toBeNull();
  return (m ?? []).slice(1).map((v) => (v === undefined ? Number.NaN : Number(v)));
}

const MAX_VUS = /\(maxVUs: (\d+)(?:-(\d+))?/;

/** The header's per-second rate, printed with %.2f: it is within 0.005 of the exact one. */
function expectRate(
  where: string,
  printed: number,
  perTimeUnit: { num: number; den: number },
  timeUnitSeconds: number,
): void {
  expect(Math.abs(printed - perTimeUnit.num / perTimeUnit.den / timeUnitSeconds), where).toBeLessThanOrEqual(
    0.005,
  );
}

/** What k6 says it plans for one scenario matches the share. */
function expectDescribed(
  where: string,
  scenario: Scenario,
  share: ScenarioShare,
  text: string | undefined,
): void {
  const timeUnit = 'timeUnit' in scenario ? Number(durationNanos(scenario.timeUnit ?? '1s')) / 1e9 : 1;
  switch (share.executor) {
    case 'shared-iterations':
      expect(numbers(where, text, /^(\d+) iterations shared among (\d+) VUs/), where).toEqual([
        share.iterations,
        share.vus,
      ]);
      return;
    case 'per-vu-iterations':
      expect(numbers(where, text, /^(\d+) iterations for each of (\d+) VUs/), where).toEqual([
        share.iterationsPerVU,
        share.vus,
      ]);
      return;
    case 'constant-vus':
      expect(numbers(where, text, /^(\d+) looping VUs/), where).toEqual([share.vus]);
      return;
    case 'ramping-vus':
      expect(numbers(where, text, /^Up to (\d+) looping VUs/), where).toEqual([share.maxVUs]);
      return;
    case 'externally-controlled':
      // k6 describes this one unscaled, whatever the segment: its VUs are checked by what ran.
      expect(
        numbers(where, text, /^Externally controlled execution with (\d+) VUs, (\d+) max VUs/),
        where,
      ).toEqual([SCENARIOS.ext.vus, SCENARIOS.ext.maxVUs]);
      return;
    case 'constant-arrival-rate': {
      const [pre, max] = numbers(where, text, MAX_VUS);
      expect([pre, Number.isNaN(max) ? pre : max], where).toEqual([share.preAllocatedVUs, share.maxVUs]);
      const [rate] = numbers(where, text, /^([\d.]+) iterations\/s/);
      expectRate(where, rate ?? Number.NaN, share.rate, timeUnit);
      return;
    }
    case 'ramping-arrival-rate': {
      const [pre, max] = numbers(where, text, MAX_VUS);
      expect([pre, Number.isNaN(max) ? pre : max], where).toEqual([share.preAllocatedVUs, share.maxVUs]);
      const [rate] = numbers(where, text, /^Up to ([\d.]+) iterations\/s/);
      const top = [share.startRate, ...share.stageTargets].reduce((a, b) =>
        a.num * b.den >= b.num * a.den ? a : b,
      );
      expectRate(where, rate ?? Number.NaN, top, timeUnit);
      return;
    }
  }
}

/** What k6 did with one scenario matches the share. */
function expectDone(where: string, name: Name, share: ScenarioShare, seen: Observed): void {
  const iterations = seen.iterations.get(name) ?? 0;
  const vus = seen.vus.get(name)?.size ?? 0;
  switch (share.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
      expect({ iterations, vus }, where).toEqual({ iterations: share.iterations, vus: share.vus });
      return;
    case 'constant-vus':
    case 'externally-controlled':
      // Iterations of a looping VU are timing; that every VU looped is not.
      expect({ ran: iterations > 0, vus }, where).toEqual({ ran: share.vus > 0, vus: share.vus });
      return;
    case 'ramping-vus':
      // Each VU the ramp starts loops at least once: at the top of the ramp all of them run.
      expect({ ran: iterations > 0, vus }, where).toEqual({ ran: share.hasWork, vus: share.maxVUs });
      return;
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate': {
      // k6 starts each scheduled iteration or, when no VU is free at that moment, counts it dropped: the
      // sum is exact. (None was dropped in three runs of this file; one could be at t=0, should no VU be
      // waiting for work yet.)
      expect(share.endIteration, where).toBe(false);
      const dropped = seen.dropped.get(name) ?? 0;
      expect(iterations + dropped, where).toBe(share.iterations);
      // A runner uses at most its maxVUs, and at least one VU if it ran anything.
      expect(vus, where).toBeLessThanOrEqual(share.maxVUs);
      expect(vus > 0, where).toBe(iterations > 0);
      return;
    }
  }
}

/** The whole scenario, as one k6 would run it: the shares of the runners add up to these. */
const WHOLE: Record<Name, { iterations?: number; vus: number }> = {
  si: { iterations: 999, vus: 7 },
  pvi: { iterations: 21, vus: 7 },
  cvu: { vus: 7 },
  rvu: { vus: 7 },
  ext: { vus: 5 },
  car: { iterations: 11, vus: 7 },
  car2: { iterations: 3, vus: 3 },
  rar: { iterations: 17, vus: 5 },
};

let dir: string;

beforeAll(async () => {
  dir = await tempDir('segments');
  await writeFile(join(dir, 'script.js'), SCRIPT);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('execution segments in the real k6', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'N=%i: each runner does its share, and the shares add up to the test',
    async (n) => {
      const seen = await runSegments(dir, n);
      for (const name of NAMES) {
        const shares = seen.map((_, i) => scenarioShare(SCENARIOS[name], i, n));
        seen.forEach((observed, i) => {
          const where = `N=${n} runner ${i + 1} ${name}`;
          expect(observed.described.has(name), where).toBe(true);
          expectDescribed(where, SCENARIOS[name], shares[i]!, observed.described.get(name));
          expectDone(where, name, shares[i]!, observed);
        });
        const whole = WHOLE[name];
        expect(shares.reduce((a, s) => a + s.maxVUs, 0)).toBe(whole.vus);
        if (whole.iterations !== undefined) {
          const done = seen.map((o) => (o.iterations.get(name) ?? 0) + (o.dropped.get(name) ?? 0));
          const planned = shares.map((s) => ('iterations' in s ? s.iterations : Number.NaN));
          expect({ done: done.reduce((a, b) => a + b), planned: planned.reduce((a, b) => a + b) }).toEqual({
            done: whole.iterations,
            planned: whole.iterations,
          });
        }
      }
    },
    60_000,
  );
});
