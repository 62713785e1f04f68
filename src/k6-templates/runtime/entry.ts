// The k6 entry of every generated script. The code is the same for all plans; a plan arrives only as the
// JSON string on the script's first line (see ../bundle.ts), so nothing from a plan is ever run as code.
import { sleep } from 'k6';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import type { Flow, ScriptPlan } from './model.js';
import type { Vars } from './interpreter.js';
import { loadDataSets } from './data-sets.js';
import {
  createRuntime,
  missingSecrets,
  runFastFlow,
  runFlow,
  runIteration,
  secretMessage,
} from './interpreter.js';
import { getOwn, setOwn } from './values.js';
import { resolveFlowName, validateScriptPlan } from './plan-data.js';
import { arrivalOffsets } from './arrivals.js';

declare const __LOADCTL_PLAN__: string;

const plan = JSON.parse(__LOADCTL_PLAN__) as ScriptPlan;

const problems = validateScriptPlan(plan);
if (problems.length > 0) {
  throw new Error(`loadctl: this script's plan is inconsistent:\n  ${problems.join('\n  ')}`);
}

const rt = createRuntime(
  plan,
  loadDataSets(plan.data, (file) => open(file)),
);

export const options = plan.options as Options;

function copyVars(setupData: unknown): Vars {
  const vars: Vars = {};
  if (typeof setupData === 'object' && setupData !== null) {
    for (const key of Object.keys(setupData)) setOwn(vars, key, getOwn(setupData as Vars, key));
  }
  return vars;
}

export function setup(): Vars {
  // Checked here rather than in the init context: setup runs once per test, so the message is printed once,
  // and `k6 inspect` (init context only) still works without the secrets.
  const missing = missingSecrets(plan);
  if (missing.length > 0) throw new Error(secretMessage(missing));
  return plan.setup === undefined ? {} : runFlow(rt, plan.setup, {}, 'setup');
}

const flowsByScenario: Record<string, Flow | null> = {};

function flowOf(scenario: string): Flow | null {
  let flow = getOwn(flowsByScenario, scenario) as Flow | null | undefined;
  if (flow === undefined) {
    const name = resolveFlowName(plan, scenario);
    flow = name === undefined ? null : ((getOwn(plan.flows, name) as Flow | undefined) ?? null);
    setOwn(flowsByScenario, scenario, flow);
  }
  return flow;
}

// Each VU has its own copy of this module, so this is per VU: variables live across a VU's iterations, like
// a module-level variable in a hand-written k6 script (log in once per VU with `if: '!${vars.token}'`). An
// extraction that finds nothing sets its variable to undefined, so nothing stale is carried over.
let vuVars: Vars | undefined;

// Looking the scenario up costs every iteration (~15% of a trivial request's throughput, measured): a plan
// whose scenarios all run one flow does not need it.
const distinctFlows = Object.keys(plan.scenarioFlows)
  .map((name) => getOwn(plan.scenarioFlows, name))
  .filter((flow, i, all) => all.indexOf(flow) === i);
const onlyFlowName = distinctFlows.length === 1 ? (distinctFlows[0] as string) : undefined;
const onlyFlow =
  onlyFlowName === undefined ? undefined : (getOwn(plan.flows, onlyFlowName) as Flow | undefined);

// Batches (src/report/batches.ts): the VU tag names the slice of the run an iteration starts in. The clock is
// read once per iteration and the tag written only when a batch ends, so its cost is one Date.now().
const batches = plan.batches;
let batchEndsAt = -1;
let batchZero = 0;
let batchIndex = -1;

function tickBatch(b: NonNullable<typeof batches>): void {
  const now = Date.now();
  if (now < batchEndsAt) return;
  if (batchIndex < 0) {
    const sc = exec.scenario;
    batchZero = sc.startTime - ((getOwn(b.scenarioOffsets, sc.name) as number | undefined) ?? 0);
  }
  batchIndex = Math.min(b.count - 1, Math.max(0, Math.floor((now - batchZero) / b.ms)));
  batchEndsAt = batchIndex === b.count - 1 ? Infinity : batchZero + (batchIndex + 1) * b.ms;
  exec.vu.metrics.tags[b.tag] = String(batchIndex);
}

// Arrivals (runtime/arrivals.ts): each scenario's times are drawn once, in the first init, and shared.
const arrivalTimes: Record<string, readonly number[]> = {};
for (const name of Object.keys(plan.arrivals ?? {})) {
  const p = getOwn(plan.arrivals ?? {}, name) as Parameters<typeof arrivalOffsets>[0];
  setOwn(arrivalTimes, name, new SharedArray<number>(`loadctl:arrivals:${name}`, () => arrivalOffsets(p)));
}
const timed = Object.keys(arrivalTimes).length > 0;
// The built-in metric: k6 returns it for the same name and type, so drops here add to k6's own count.
const droppedIterations = timed ? new Counter('dropped_iterations') : undefined;
// When this VU's last iteration ended: a VU still busy at an arrival's time is why nobody started it then.
let busyUntil = -Infinity;

/**
 * Wait for this iteration's arrival time; false when it has passed while this VU was busy. Iterations are
 * handed out in order and a free VU takes the next one at once, so an arrival this VU takes late found every
 * VU busy: it is dropped, not started late. A VU's first iteration is never late that way (it was free).
 */
function awaitArrival(times: readonly number[]): boolean {
  const sc = exec.scenario;
  const offset = times[sc.iterationInTest];
  if (offset === undefined) return true; // more iterations than arrivals: k6's options say otherwise
  const at = sc.startTime + offset;
  if (busyUntil > at) {
    droppedIterations?.add(1);
    return false;
  }
  const wait = at - Date.now();
  if (wait > 0) sleep(wait / 1000);
  return true;
}

function timedIteration(setupData: unknown): void {
  const times = getOwn(arrivalTimes, exec.scenario.name) as readonly number[] | undefined;
  if (times !== undefined && !awaitArrival(times)) return;
  try {
    iteration(setupData);
  } finally {
    if (times !== undefined) busyUntil = Date.now();
  }
}

function iteration(setupData: unknown): void {
  if (batches !== undefined) tickBatch(batches);
  const scenario = onlyFlow === undefined ? exec.scenario.name : '';
  const flow = onlyFlow ?? flowOf(scenario);
  if (flow === null) {
    // A throw here would repeat for every iteration; one abort explains it once.
    exec.test.abort(
      `loadctl: scenario "${scenario}" has no flow in this script (scenarios: ${Object.keys(plan.scenarioFlows).join(', ')})`,
    );
    return;
  }
  if (runFastFlow(flow)) return;
  vuVars ??= copyVars(setupData);
  runIteration(rt, flow, vuVars);
}

// A plan without arrivals runs `iteration` itself: no per-iteration cost for the arrivals' bookkeeping.
export default timed ? timedIteration : iteration;

export function teardown(setupData: unknown): void {
  if (plan.teardown !== undefined) runFlow(rt, plan.teardown, copyVars(setupData), 'teardown');
}

/**
 * k6 v1.8.1, measured: when handleSummary returns undefined or null, k6 prints its usual end-of-test summary
 * (the same as with no handleSummary); `{}` prints nothing; a `{ path: text }` map writes the file and, with
 * no "stdout" key, prints nothing. `--summary-export` is written in every case. So a plain `k6 run` of this
 * script keeps k6's summary, and only a run where loadctl collects (env var set) replaces it with the file.
 */
export function handleSummary(data: Record<string, unknown>): Record<string, string> | undefined {
  const exportTo = plan.summaryExport;
  const path = exportTo === undefined ? undefined : __ENV[exportTo.envVar];
  if (path === undefined || path === '') return undefined;
  // k6 includes setup()'s return value, here the setup flow's variables (tokens, typically): keep them out
  // of stored results.
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(data)) if (key !== 'setup_data') setOwn(kept, key, data[key]);
  return { [path]: JSON.stringify(kept) };
}
