// A runner's k6 command line, made from the one k6 the run would have had (docs/distributed.md): its own
// REST address, its execution segment, its stream pushed to the collector, and paused with no setup or
// teardown of its own (loadctl runs both once, through the first runner). Pure.
import type { Scenario } from 'k6/options';
import { scenarioShare, segmentArgs } from '../plans/segments.js';
import { renderRunnerSpec, type RunnerSpec } from '../plans/runners.js';

export interface RunnerPlan {
  /** 1-based, as the runners are listed. */
  index: number;
  /** The instance id its frames carry, and its name in output: `runner-1` … */
  id: string;
  spec: RunnerSpec;
  /** The spec as written: `local`, `netns:lc-a`. */
  where: string;
  segment: string;
  sequence: string;
  /** Its share of each scenario, as k6 splits it (src/plans/segments.ts). */
  share: Record<string, RunnerShare>;
}

/** What a runner's k6 holds and runs of one scenario; iterations where the scenario counts them. */
export interface RunnerShare {
  vus: number;
  iterations?: number;
}

function sharesOf(scenarios: Readonly<Record<string, Scenario>>, index: number, n: number) {
  const out: Record<string, RunnerShare> = {};
  for (const [name, scenario] of Object.entries(scenarios)) {
    const s = scenarioShare(scenario, index, n);
    out[name] = 'iterations' in s ? { vus: s.maxVUs, iterations: s.iterations } : { vus: s.maxVUs };
  }
  return out;
}

/** One line of what a runner runs: `race 67 VUs, 335 iterations · warm 1 VU`. */
export function renderShare(share: Readonly<Record<string, RunnerShare>>): string {
  return Object.entries(share)
    .map(([name, s]) => {
      const vus = `${s.vus} VU${s.vus === 1 ? '' : 's'}`;
      return s.iterations === undefined ? `${name} ${vus}` : `${name} ${vus}, ${s.iterations} iterations`;
    })
    .join(' · ');
}

/** The runners of a run: each one's id, segment and share of the scenarios (the k6 options' `scenarios`). */
export function planRunners(
  specs: readonly RunnerSpec[],
  scenarios: Readonly<Record<string, Scenario>> = {},
): RunnerPlan[] {
  const segments = segmentArgs(specs.length);
  return specs.map((spec, i) => {
    const seg = segments[i];
    if (seg === undefined) throw new Error(`no segment for runner ${i + 1} of ${specs.length}`);
    return {
      index: i + 1,
      id: `runner-${i + 1}`,
      spec,
      where: renderRunnerSpec(spec),
      segment: seg.segment,
      sequence: seg.sequence,
      share: sharesOf(scenarios, i, specs.length),
    };
  });
}

/**
 * The runner's arguments from the single k6's: `--address` replaced, the loadctl output's file replaced by
 * the collector's URL (its options kept, the instance added), and the segment and control flags added before
 * the script (the last argument, replaced by `at.script` where the script was copied). Every runner lingers after its share ends (until loadctl lets it go), so
 * that teardown can run once every share is done, on whichever runner is still there.
 */
export function runnerArgs(
  base: readonly string[],
  runner: RunnerPlan,
  at: { restAddress: string; collectorUrl: string; script?: string | undefined },
): string[] {
  const args = [...base];
  const address = args.indexOf('--address');
  if (address < 0 || address + 1 >= args.length) throw new Error('the k6 arguments have no --address');
  args[address + 1] = at.restAddress;
  const out = args.findIndex((a, i) => i > 0 && args[i - 1] === '--out' && a.startsWith('loadctl='));
  if (out < 0) throw new Error("the k6 arguments have no --out loadctl=…: runners need loadctl's k6");
  const options = (args[out] ?? '').split('?')[1];
  const query = options === undefined || options === '' ? '' : `${options}&`;
  args[out] = `loadctl=${at.collectorUrl}?${query}instance=${encodeURIComponent(runner.id)}`;
  const script = args.pop();
  if (script === undefined) throw new Error('the k6 arguments have no script');
  return [
    ...args,
    '--paused',
    '--no-setup',
    '--no-teardown',
    '--linger',
    '--execution-segment',
    runner.segment,
    '--execution-segment-sequence',
    runner.sequence,
    at.script ?? script,
  ];
}
