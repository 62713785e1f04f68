// Poisson arrivals end to end: the real CLI and k6 against the demo service, 120 arrivals at 20/s. Every
// arrival is accounted for (run or dropped, and the demo saw each one run); the requests start at the
// times the seed draws (the generator's own, unit-tested in src/k6-templates/runtime/arrivals.test.ts); and
// their gaps, as the raw samples record them, look exponential, not like k6's evenly spaced arrivals.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { arrivalCount, arrivalOffsets } from '../../src/k6-templates/runtime/arrivals.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';

const RATE = 20;
const SECONDS = 6;
// A seed whose 120 draws are typical of a Poisson process (gap CV 1.00, 39.5 % under half the mean, 13.4 %
// over twice it), so the bounds below leave the same room on both sides.
const SEED = 16;

const PLAN = `name: arrivals
targets:
  local:
    demo: true
scenarios:
  poisson:
    executor: constant-arrival-rate
    rate: ${RATE}
    duration: ${SECONDS}s
    preAllocatedVUs: 20
    arrivals: { process: poisson, seed: ${SEED} }
    flow: f
flows:
  f:
    steps:
      - name: health
        path: /health
`;

interface Point {
  metric: string;
  type: string;
  data: { time: string; value: number };
}

/** An RFC 3339 time with nanoseconds (k6's) in ms, keeping the fraction Date.parse drops. */
function msOf(time: string): number {
  const fraction = /\.(\d+)Z$/.exec(time)?.[1] ?? '';
  return (
    Date.parse(time) - Number(fraction.slice(0, 3).padEnd(3, '0')) + Number(`0.${fraction || '0'}`) * 1000
  );
}

/** When each request started: k6 stamps an HTTP sample at the response's end, after its duration. */
function requestStarts(samplesGz: Buffer): number[] {
  return gunzipSync(samplesGz)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.includes('"metric":"http_req_duration"') && line.includes('"type":"Point"'))
    .map((line) => JSON.parse(line) as Point)
    .map((p) => msOf(p.data.time) - p.data.value)
    .sort((a, b) => a - b);
}

const gapsOf = (times: readonly number[]): number[] => times.slice(1).map((t, i) => t - (times[i] ?? 0));

function cv(xs: readonly number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(variance) / mean;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

interface Run {
  summary: RunSummary;
  demo: { requests: Record<string, number> };
  starts: number[];
  runDir: string;
}

async function runPlan(text: string, exitCode = 0): Promise<Run & { stdout: string }> {
  const dir = await tempDir('arrivals');
  const file = await writePlan(dir, 'arrivals.yaml', text);
  const results = join(dir, 'results');
  const r = await runCli(['run', file, '--samples', '--results', results, '--no-progress'], {
    timeoutMs: 90_000,
  });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(exitCode);
  const runDir = join(results, 'arrivals', readdirSync(join(results, 'arrivals'))[0] ?? '');
  return {
    summary: JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary,
    demo: JSON.parse(readFileSync(join(runDir, 'demo-stats.json'), 'utf8')) as Run['demo'],
    starts: requestStarts(readFileSync(join(runDir, 'samples.ndjson.gz'))),
    runDir,
    stdout: r.stdout,
  };
}

const requestsOf = (s: RunSummary): number => s.endpoints.find((e) => e.name === 'health')?.requests ?? 0;
const droppedOf = (s: RunSummary): number => s.metrics['dropped_iterations']?.values['count'] ?? 0;

describe('arrivals: Poisson arrivals on the demo', () => {
  it('runs or drops every arrival, at the drawn times, with exponential-looking gaps', async () => {
    const { summary, demo, starts, runDir } = await runPlan(PLAN);

    // Accounted for: k6 was told the schedule's count, each arrival ran its request or was dropped, and the
    // demo counted every request that ran. A drop would need all 20 VUs inside a ~1 ms request at once.
    const segments = [{ ms: SECONDS * 1000, from: RATE / 1000, to: RATE / 1000 }];
    const count = arrivalCount(segments);
    expect(count).toBe(RATE * SECONDS);
    const requests = requestsOf(summary);
    const dropped = droppedOf(summary);
    expect(requests + dropped).toBe(count);
    expect(dropped).toBe(0);
    expect(demo.requests['GET /health']).toBe(requests);

    // The drawn times, from the seed recorded in the resolved plan.
    const resolved = JSON.parse(readFileSync(join(runDir, 'plan.resolved.json'), 'utf8')) as {
      plan: { scenarios: { poisson: { arrivals: { seed: number; burstiness: number } } } };
    };
    expect(resolved.plan.scenarios.poisson.arrivals).toEqual({
      process: 'poisson',
      seed: SEED,
      burstiness: 1,
    });
    const drawn = arrivalOffsets({ segments, burstiness: 1, seed: SEED, count });
    expect(starts).toHaveLength(count);

    // Each request starts at its drawn time, give or take the timers: measured against the run's typical
    // offset from the drawn times (the scenario's start, as the samples' clock sees it), the median error
    // stays within the 10 ms a busy machine's scheduler may add, and ignores up to half the requests
    // delayed by a stall. 10 ms is a fifth of the mean gap.
    const lag = starts.map((s, i) => s - (drawn[i] ?? 0));
    const typical = median(lag);
    const errors = lag.map((l) => Math.abs(l - typical));
    console.log(
      `arrivals e2e: start error median ${median(errors).toFixed(2)} ms, max ${Math.max(...errors).toFixed(2)} ms`,
    );
    expect(median(errors)).toBeLessThan(10);

    // The gaps look exponential (mean gap 50 ms): 1 − e^(−1/2) = 39 % of them under 25 ms and e^(−2) =
    // 14 % over 100 ms, where evenly spaced arrivals have none. The bounds hold the drawn gaps' own shares
    // (printed below) with room for a dozen gaps moved across a boundary by the timers.
    const gaps = gapsOf(starts);
    const share = (pred: (g: number) => boolean, xs: readonly number[]) => xs.filter(pred).length / xs.length;
    const drawnGaps = gapsOf(drawn);
    const observed = { short: share((g) => g < 25, gaps), long: share((g) => g > 100, gaps), cv: cv(gaps) };
    const expected = {
      short: share((g) => g < 25, drawnGaps),
      long: share((g) => g > 100, drawnGaps),
      cv: cv(drawnGaps),
    };
    console.log(`arrivals e2e: observed ${JSON.stringify(observed)}, drawn ${JSON.stringify(expected)}`);
    expect(observed.short).toBeGreaterThan(0.25);
    expect(observed.short).toBeLessThan(0.55);
    expect(observed.long).toBeGreaterThan(0.05);
    expect(observed.long).toBeLessThan(0.25);
    // The configured rate: at least 90 % of the arrivals started within the scenario's 6 s of the first
    // (all of them when none is late), and the CV of the gaps near 1.
    const first = starts[0] ?? 0;
    expect(starts.filter((s) => s - first < SECONDS * 1000).length).toBeGreaterThanOrEqual(0.9 * count);
    // Evenly spaced arrivals have a CV near 0; a stall of the machine bunches the requests behind it, and
    // the upper bound leaves room for one of about 600 ms.
    expect(observed.cv).toBeGreaterThan(0.75);
    expect(observed.cv).toBeLessThan(1.5);
  });

  it('drops an arrival that finds its one VU busy, and starts the others at their drawn times', async () => {
    // One VU, requests of 300 ms, 10 arrivals a second for 4 s: most arrivals come while the VU is busy.
    // GET / is a business route (the demo's latency applies to it, not to /health).
    const text = PLAN.replace('    demo: true\n', '    demo: { latencyMs: 300, rootWork: 0 }\n')
      .replace('path: /health', 'path: /')
      .replace(`rate: ${RATE}`, 'rate: 10')
      .replace(`duration: ${SECONDS}s`, 'duration: 4s')
      .replace('preAllocatedVUs: 20', 'preAllocatedVUs: 1');
    // So many drops mean the generator did not deliver the plan: exit 5, saying why.
    const { summary, demo, starts, stdout } = await runPlan(text, 5);
    // Of the 40 arrivals due: a dropped arrival's empty iteration is not counted twice.
    expect(stdout).toMatch(
      /dropped \d+ iterations \(\d+% of the 40 due\) of scenario poisson: no VU was free/,
    );
    const segments = [{ ms: 4000, from: 10 / 1000, to: 10 / 1000 }];
    const count = arrivalCount(segments);
    const requests = requestsOf(summary);
    // Every arrival ran or was dropped, none twice; one VU cannot run more than 4 s / 300 ms + 1 = 14.
    expect(requests + droppedOf(summary)).toBe(count);
    expect(requests).toBeLessThanOrEqual(14);
    expect(droppedOf(summary)).toBeGreaterThanOrEqual(count - 14);
    expect(demo.requests['GET /']).toBe(requests);
    expect(starts).toHaveLength(requests);
    // Not started late: the first arrival (at 0) always runs, and every request after it starts at a drawn
    // time (within the timers' 10 ms, as above) ...
    // The scenario's start is where the drawn times fit the starts best: the first request's own start may
    // lag it by k6's start-up (tens of ms on a busy machine), so every offset within 100 ms of it is tried.
    const drawn = arrivalOffsets({ segments, burstiness: 1, seed: SEED, count });
    const errorsFrom = (zero: number) =>
      starts.map((s) => Math.min(...drawn.map((t) => Math.abs(s - zero - t))));
    const first = starts[0] ?? 0;
    const candidates = starts
      .flatMap((s) => drawn.map((t) => s - t))
      .filter((z) => Math.abs(z - first) < 100);
    const best = Math.min(...candidates.map((z) => median(errorsFrom(z))));
    expect(best).toBeLessThan(10);
    // ... not when the VU came free. With arrivals every 100 ms on average, an arrival shifted to that
    // moment would start 300-310 ms after the request before it, every time; one at its drawn time waits
    // for the next arrival after the VU is free, which takes under 10 ms in 1 − e^(−0.1) = 10 % of cases.
    // 80 % of a dozen gaps or more that short (a binomial at 10 %) comes by chance about once in 10^8 runs.
    const gaps = gapsOf(starts);
    expect(gaps.filter((g) => g < 310).length).toBeLessThan(0.8 * gaps.length);
  });
});
