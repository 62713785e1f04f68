// prepare: a resolved plan, the run's choices and the facts probed for it → everything about the run that can
// be known before anything starts (its id and folder, k6's arguments and environment, endpoints, time
// batches, the thresholds that make k6 compute per-endpoint numbers, the documents written first). Pure.
import { relative, resolve } from 'node:path';
import type { HostFacts } from '../io/host.js';
import { baseUrlEnvNames, planEndpoints, toK6Options, trendStats } from '../plans/compile.js';
import type { Scenario } from 'k6/options';
import type { LoadedPlan } from '../plans/load.js';
import { plannedDuration, type ResolvedPlan } from '../plans/resolve.js';
import type { DemoKnobs, Invariant, Monitor, Plan } from '../plans/schema.js';
import { streamStepNames } from '../plans/walk.js';
import { hasChecks, planBatches } from '../report/model/batches.js';
import { boundEndpoints } from '../report/model/endpoint-bound.js';
import { guardPlan, type GuardPlan } from '../report/model/guard.js';
import {
  batchSubmetrics,
  BATCH_TAG,
  endpointSubmetrics,
  guardSubmetrics,
  thresholdEndpoints,
  type BatchLayout,
} from '../report/model/k6-submetrics.js';
import type { ComparisonRef } from '../report/model/summary.js';
import { windowThresholds, type WindowThreshold } from '../report/model/window-thresholds.js';
import { tagSubmetrics } from '../report/model/tag-groups.js';
import { TOKEN_SOURCE_TAG, tokenSourceSubmetrics } from '../report/model/llm.js';
import { planTags, type TagPlan } from '../report/model/tag-plan.js';
import { environmentError, usageError } from '../errors.js';
import { RUN_FILES, runDirFor, runFile, type RunFile } from '../store/layout.js';
import { makeRunId } from '../store/run-id.js';
import { META_SCHEMA } from '../store/schemas/files.js';
import { renderPlanResolvedFile } from '../store/write.js';
import { VERSION } from '../version.js';
import { makeRedactor } from './redact.js';
import type { RunnerSpec } from '../plans/runners.js';
import { planRunners, type RunnerPlan } from './runner-args.js';
import { outputArgs, outputEnv, resolveOutputs, runTags, storedOutputs, type Output } from './outputs.js';

export const SUMMARY_ENV = 'LOADCTL_SUMMARY_PATH';

/** What the run is asked to be. */
export interface RunChoices {
  loaded: LoadedPlan;
  /** The plan to run (breakpoint's is its ramp). */
  resolved: ResolvedPlan;
  resultsRoot: string;
  tags: Record<string, string>;
  samples: boolean;
  /**
   * Let k6 keep its own metrics and write its end-of-test summary, as a stock k6 does (`run --k6-summary`;
   * breakpoint, whose watch reads k6's live sub-metrics). Otherwise, with loadctl's k6, the summary and every
   * threshold come from the metric stream and k6's memory stays flat.
   */
  k6Summary?: boolean;
  /** Set by `run --targets`: the comparison group this run belongs to. */
  comparison?: ComparisonRef | undefined;
  /** `run --targets`' warm-up: a run whose folder is removed afterwards, so it names none. */
  warmup?: boolean | undefined;
  /** The time batches, when the caller shapes them (breakpoint: one per level); else planned from the duration. */
  batches?: BatchLayout | undefined;
  /** Several k6 processes, each an execution segment of the plan (docs/distributed.md); undefined: one k6. */
  runners?: RunnerSpec[] | undefined;
  /** With runners: one that cannot start or dies does not stop the others. */
  keepGoing?: boolean;
  /** k6's own outputs (`run --out`, src/run/outputs.ts resolveOutputs); undefined: the plan's. */
  outputs?: Output[] | undefined;
}

/** What was probed for the run (src/run/facts.ts). */
export interface RunFacts {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  now: Date;
  /** Random hex for the run id. */
  hex: string;
  host: HostFacts;
  /** framesOutput: the k6 carries loadctl's output (docs/stream.md). */
  k6: { path: string; version: string; framesOutput: boolean };
  restPort: number;
}

export interface Endpoint {
  name: string;
  statuses: number[];
}

export interface RunSpec {
  runId: string;
  runDir: string;
  /** runDir as printed (relative to the working directory when inside it). */
  shownDir: string;
  loaded: LoadedPlan;
  resolved: ResolvedPlan;
  plan: Plan;
  target: {
    name: string;
    /** undefined for a demo target: its URL is known once it listens. */
    url: string | undefined;
    demo: DemoKnobs | undefined;
    /** Where its server side is read during the run (plan `monitor:`). */
    monitor: Monitor | undefined;
  };
  /** The endpoints with statistics of their own (at most MAX_MEASURED_ENDPOINTS). */
  endpoints: Endpoint[];
  /** The plan's other endpoints: counted in the totals only (report/model/endpoint-bound.ts). */
  endpointsLeftOut: string[];
  guard: GuardPlan;
  batches: BatchLayout | undefined;
  /** The plan's tags with figures by value (summary.json `byTag`, `compare --by tag:KEY`). */
  tagPlan: TagPlan;
  /** What writeScript adds to the compiled plan, besides the base URL. */
  compile: {
    summaryExport: { envVar: string };
    extraThresholds: Record<string, never[]>;
    batches?: BatchLayout & { tag: string };
  };
  k6: {
    path: string;
    version: string;
    args: string[];
    /** The environment without the base URL (src/run/prepare.ts k6EnvFor adds it). */
    env: Record<string, string>;
    restAddress: string;
    summaryPath: string;
    samplesPath: string | undefined;
    /** Where loadctl's k6 output writes its frames; undefined with a k6 without it. */
    framesPath: string | undefined;
    /**
     * Where the end-of-test numbers and the thresholds' verdicts come from: k6 (its handleSummary and its
     * own thresholds), or loadctl's metric stream (k6 runs with --summary-mode=disabled --no-thresholds).
     */
    summaryFrom: 'k6' | 'stream';
    /** The tags the stream keeps besides name, status class and scenario (docs/stream.md `tags=`). */
    streamTags: string[];
    logPath: string;
  };
  planned: { ms: number; exact: boolean };
  /** Thresholds over a window: loadctl judges them from its metric stream (k6 never sees them). */
  windows: WindowThreshold[];
  redact: (text: string) => string;
  /** plan.resolved.json, secrets redacted. */
  planDocument: string;
  invariants: { list: Invariant[]; headers: Record<string, string> };
  host: HostFacts;
  tags: Record<string, string>;
  comparison: ComparisonRef | undefined;
  warmup: boolean;
  /** The runners, when the load is split (k6.args is then the command line each one's is made from). */
  runners: { list: RunnerPlan[]; keepGoing: boolean } | undefined;
  /** k6's own outputs the run also sends its metrics to (docs/outputs.md). */
  outputs: Output[];
}

/**
 * Endpoint names the metric stream keeps apart; the samples of later ones go under `(other)` (docs/stream.md).
 * Well above the endpoints loadctl measures one by one, and a bound on the stream's cost: a plan of 5,000
 * endpoints made frames of 5 MB a second without it.
 */
export const STREAM_MAX_NAMES = 1000;

export function resolveResultsRoot(cwd: string, results: string | undefined): string {
  return resolve(cwd, results ?? 'results');
}

/** The plan's endpoints, plus those only its thresholds name, within the bound on measured endpoints. */
function runEndpoints(plan: Plan): { measured: Endpoint[]; leftOut: string[] } {
  const known = planEndpoints(plan);
  const knownNames = new Set(known.map((e) => e.name));
  const named = thresholdEndpoints(Object.keys(plan.thresholds ?? {}));
  const all = [
    ...known,
    ...named.filter((name) => !knownNames.has(name)).map((name) => ({ name, statuses: [] })),
  ];
  return boundEndpoints(all, new Set(named));
}

/**
 * Whether k6 can run without metrics of its own: with loadctl's output, for a generated script (an existing
 * script's thresholds are its own, k6's to judge), unless asked otherwise.
 */
function summaryFrom(c: RunChoices, f: RunFacts): 'k6' | 'stream' {
  return f.k6.framesOutput && c.resolved.plan.script === undefined && c.k6Summary !== true ? 'stream' : 'k6';
}

/**
 * Runners merge their streams and loadctl judges the thresholds on the merge: that needs loadctl's k6 and a
 * generated script, and none of the options that are one k6's own.
 */
function checkRunnable(c: RunChoices, f: RunFacts, demo: DemoKnobs | undefined): void {
  const runners = c.runners;
  if (runners === undefined) return;
  const why = (problem: string, hint?: string) => usageError(`${runners.length} runners: ${problem}`, hint);
  if (!f.k6.framesOutput)
    throw environmentError(
      `runners push their metric streams to loadctl, and ${f.k6.path} is a k6 without loadctl's output`,
      'run `npm run setup:k6` (and unset LOADCTL_K6_BIN if it points elsewhere)',
    );
  if (c.resolved.plan.script !== undefined)
    throw why(
      "a `script:` plan's thresholds are the script's, judged by each k6 on its own share",
      'write the load as flows',
    );
  if (c.samples)
    throw why(
      '--samples keeps one k6’s raw samples',
      'leave out --samples; the merged stream has every count',
    );
  if (c.k6Summary === true) throw why('--k6-summary would be each k6’s summary of its own share');
  const ssh = runners.some((r) => r.kind === 'ssh');
  if (ssh && Object.keys(c.resolved.plan.data ?? {}).length > 0)
    throw why(
      'a runner on another host gets the script only, not the plan’s data files',
      'run the plan on local or netns runners',
    );
  if (demo !== undefined && ssh)
    throw why(
      'a demo target listens on loopback in loadctl’s process, which a runner on another host cannot reach',
      'start `loadctl demo --host ADDR` where the runners reach it and point a `url:` target at it',
    );
  if (demo !== undefined && runners.some((r) => r.kind === 'netns'))
    throw why(
      'a demo target listens on loopback in loadctl’s process, which a runner in a network namespace cannot reach',
      'start `loadctl demo --host ADDR` in the target’s namespace and point a `url:` target at it',
    );
}

/**
 * The tags the stream must keep for the summary to be rebuilt from it: the exact status (declared statuses),
 * the batch, a check's name and group, any tag a threshold selects on, and the plan's tags kept by value.
 */
export function streamTagsFor(
  plan: Plan,
  endpoints: readonly Endpoint[],
  batches: BatchLayout | undefined,
  tagPlan: TagPlan = { keys: [], leftOut: [] },
): string[] {
  const tags = new Set<string>();
  if (endpoints.some((e) => e.statuses.length > 0)) tags.add('status');
  if (batches) tags.add(BATCH_TAG);
  if (hasChecks([plan.flows, plan.setup, plan.teardown])) {
    tags.add('check');
    tags.add('group');
  }
  for (const key of Object.keys(plan.thresholds ?? {})) {
    const selector = /\{(.*)\}$/.exec(key)?.[1] ?? '';
    for (const part of selector.split(',')) {
      const tag = part.split(':')[0]?.trim() ?? '';
      if (tag !== '' && tag !== 'name' && tag !== 'scenario') tags.add(tag);
    }
  }
  for (const { key } of tagPlan.keys) tags.add(key);
  // Token counts by their source (usage, tokenizer, events): summary.json's llm.*.bySource.
  if (streamStepNames(plan).length > 0) tags.add(TOKEN_SOURCE_TAG);
  return [...tags];
}

function framesOut(path: string, streamTags: readonly string[]): string {
  const tags = streamTags.length > 0 ? `&tags=${streamTags.join(',')}` : '';
  return `loadctl=${path}?maxNames=${STREAM_MAX_NAMES}${tags}`;
}

function k6Args(
  c: RunChoices,
  f: RunFacts,
  runDir: string,
  out: {
    samplesPath: string | undefined;
    framesPath: string | undefined;
    streamTags: readonly string[];
    lean: boolean;
    outputs: readonly Output[];
    runId: string;
  },
): string[] {
  const plan = c.resolved.plan;
  // loadctl's tags only when an output takes k6's metrics (a `--tag` of the same name wins).
  const own = runTags({
    plan: plan.name,
    runId: out.runId,
    target: c.resolved.targetName,
    profile: c.resolved.profile,
  });
  const tags = out.outputs.length > 0 ? { ...own, ...c.tags } : c.tags;
  const ownFiles = (Object.keys(RUN_FILES) as RunFile[]).map((f) => runFile(runDir, f));
  return [
    'run',
    '--quiet',
    '--address',
    `127.0.0.1:${f.restPort}`,
    // k6's metrics engine keeps every sample of every trend it summarizes or judges (k6 #763): loadctl
    // summarizes and judges from its stream instead, so k6's memory stays flat (docs/benchmarks.md).
    ...(out.lean ? ['--summary-mode=disabled', '--no-thresholds'] : []),
    // For an existing script the statistics travel in its merged options: the flag would replace the
    // script's own.
    ...(plan.script === undefined ? ['--summary-trend-stats', trendStats(plan).join(',')] : []),
    ...Object.entries(tags).flatMap(([k, v]) => ['--tag', `${k}=${v}`]),
    // Raw samples cost k6 about a fifth of its throughput (docs/benchmarks.md): only when asked.
    ...(out.samplesPath !== undefined ? ['--out', `json=${out.samplesPath}`] : []),
    // Windowed per-endpoint statistics every second, at little cost to k6 (docs/stream.md).
    ...(out.framesPath !== undefined ? ['--out', framesOut(out.framesPath, out.streamTags)] : []),
    ...outputArgs(out.outputs, runDir, ownFiles),
    runFile(runDir, 'script'),
  ];
}

/** An existing script reads the plan's env as defaults; the environment loadctl was started with wins. */
function planEnvDefaults(plan: Plan, env: RunFacts['env']): Record<string, string> {
  if (plan.script === undefined) return {};
  return Object.fromEntries(
    Object.entries(plan.env ?? {})
      .filter(([k]) => env[k] === undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

function compileExtras(
  plan: Plan,
  endpoints: Endpoint[],
  guard: GuardPlan,
  batches: BatchLayout | undefined,
  tagPlan: TagPlan,
) {
  const checks = hasChecks([plan.flows, plan.setup, plan.teardown]);
  return {
    summaryExport: { envVar: SUMMARY_ENV },
    extraThresholds: {
      ...endpointSubmetrics(endpoints),
      ...guardSubmetrics(guard),
      ...(batches
        ? batchSubmetrics(
            batches,
            endpoints.map((e) => e.name),
            { checks },
          )
        : {}),
      ...tagSubmetrics(tagPlan, batches, { checks }),
      ...(streamStepNames(plan).length > 0 ? tokenSourceSubmetrics() : {}),
    },
    ...(batches ? { batches: { tag: BATCH_TAG, ...batches } } : {}),
  };
}

function windowsNeedStream(windows: ReturnType<typeof windowThresholds>, k6Path: string) {
  return environmentError(
    `the plan's thresholds over a window (${windows.map((w) => `${w.key} ${w.expression} over ${w.window}`).join(', ')}) need loadctl's metric stream, and ${k6Path} is a k6 without loadctl's output`,
    'run `npm run setup:k6`, which builds the pinned k6 with it into .tools/bin/k6 (and unset LOADCTL_K6_BIN if it points elsewhere)',
  );
}

/** plan.resolved.json: the plan as run, with the profile and the command line's overrides that made it. */
function planDocument(resolved: ResolvedPlan, redact: (text: string) => string): string {
  const { profile, targetName, overrides, plan } = resolved;
  return renderPlanResolvedFile(
    { profile: profile ?? null, target: targetName, ...(overrides ? { overrides } : {}), plan },
    redact,
  );
}

export function prepareRun(c: RunChoices, f: RunFacts): RunSpec {
  const { plan, target, targetName } = c.resolved;
  const demo = target.demo === undefined ? undefined : target.demo === true ? {} : target.demo;
  if (demo === undefined && target.url === undefined) throw usageError(`target ${targetName} has no URL`);
  checkRunnable(c, f, demo);
  const runId = makeRunId(f.now, f.hex);
  const runDir = runDirFor(c.resultsRoot, plan.name, runId);
  const shown = relative(f.cwd, runDir);
  const { measured: endpoints, leftOut } = runEndpoints(plan);
  const guard = guardPlan(plan, f.host.cores);
  // Batches are a generated script's: an existing script's iterations are its own.
  const batches =
    plan.script === undefined ? (c.batches ?? planBatches(plannedDuration(plan).ms)) : undefined;
  const samplesPath = c.samples ? runFile(runDir, 'samples') : undefined;
  const framesPath = f.k6.framesOutput ? runFile(runDir, 'frames') : undefined;
  const windows = windowThresholds(plan.thresholds ?? {});
  if (windows.length > 0 && framesPath === undefined) throw windowsNeedStream(windows, f.k6.path);
  const redact = makeRedactor((plan.secrets ?? []).map((name) => f.env[name]));
  const from = summaryFrom(c, f);
  const tagPlan = planTags(plan, target.tags ?? {});
  // Kept with k6's own summary too, so that a run can be summarized both ways (the verdicts' e2e test).
  const streamTags =
    framesPath !== undefined && plan.script === undefined
      ? streamTagsFor(plan, endpoints, batches, tagPlan)
      : [];
  const outputs = c.outputs ?? resolveOutputs(plan, undefined);
  const k6Out = { samplesPath, framesPath, streamTags, lean: from === 'stream', outputs, runId };
  return {
    runId,
    runDir,
    shownDir: shown.startsWith('..') ? runDir : shown,
    loaded: c.loaded,
    resolved: c.resolved,
    plan,
    target: {
      name: targetName,
      url: demo === undefined ? target.url : undefined,
      demo,
      monitor: target.monitor,
    },
    endpoints,
    endpointsLeftOut: leftOut,
    guard,
    batches,
    tagPlan,
    compile: compileExtras(plan, endpoints, guard, batches, tagPlan),
    k6: {
      path: f.k6.path,
      version: f.k6.version,
      args: k6Args(c, f, runDir, k6Out),
      // The outputs' options, secrets resolved: only ever in k6's environment (docs/outputs.md).
      // `-e` wins over the environment loadctl was started with, as in k6.
      env: { ...planEnvDefaults(plan, f.env), ...c.resolved.overrides?.env, ...outputEnv(outputs, f.env) },
      restAddress: `127.0.0.1:${f.restPort}`,
      summaryPath: runFile(runDir, 'k6Summary'),
      samplesPath,
      framesPath,
      summaryFrom: from,
      streamTags,
      logPath: runFile(runDir, 'log'),
    },
    planned: plannedDuration(plan),
    windows,
    redact,
    planDocument: planDocument(c.resolved, redact),
    invariants: {
      list: plan.invariants ?? [],
      headers: { ...(plan.http?.headers ?? {}), ...(target.headers ?? {}) },
    },
    host: f.host,
    tags: c.tags,
    comparison: c.comparison,
    warmup: c.warmup === true,
    runners:
      c.runners === undefined
        ? undefined
        : {
            list: planRunners(c.runners, toK6Options(c.resolved).scenarios as Record<string, Scenario>),
            keepGoing: c.keepGoing === true,
          },
    outputs,
  };
}

/** k6's environment once the base URL is known (a demo target's when it listens). */
export function k6EnvFor(spec: RunSpec, baseUrl: string): Record<string, string> {
  return {
    ...spec.k6.env,
    // An existing script reads its target from BASE_URL (or the names the plan gives).
    ...(spec.plan.script !== undefined
      ? Object.fromEntries(baseUrlEnvNames(spec.plan).map((n) => [n, baseUrl]))
      : {}),
    LOADCTL_BASE_URL: baseUrl,
    [SUMMARY_ENV]: spec.k6.summaryPath,
  };
}

/** meta.json as written before k6 starts; finish fills in the end. */
export function startMeta(spec: RunSpec, baseUrl: string, startedAt: Date) {
  const { resolved } = spec;
  return {
    schema: META_SCHEMA as typeof META_SCHEMA,
    runId: spec.runId,
    loadctl: VERSION,
    k6: { version: spec.k6.version, path: spec.k6.path },
    host: spec.host,
    plan: { name: spec.plan.name, file: spec.loaded.file, profile: resolved.profile ?? null },
    target: {
      name: resolved.targetName,
      url: baseUrl,
      description: resolved.target.description ?? null,
      demo: resolved.target.demo !== undefined,
    },
    tags: spec.tags,
    comparison: spec.comparison ?? null,
    ...(resolved.overrides ? { overrides: resolved.overrides } : {}),
    ...(spec.outputs.length > 0 ? { outputs: storedOutputs(spec.outputs, spec.runDir) } : {}),
    startedAt: startedAt.toISOString(),
    endedAt: null as string | null,
    k6ExitCode: null as number | null,
    exitCode: null as number | null,
    outcome: null as string | null,
  };
}

export type RunMeta = ReturnType<typeof startMeta>;
