// The sections of a run report, built once from a stored run and drawn by every renderer: the terminal
// table, HTML, Markdown and JUnit. A section holds data, never formatted text, so each format keeps its own
// look while all of them agree on what a run is made of (which metrics are custom, a threshold's unit, what
// the observations are). Pure.
import { describeOverrides, hasOverrides, type RunOverrides } from '../../plans/overrides.js';
import type { SeriesPoint } from '../../k6/live.js';
import type { GuardReason } from './guard.js';
import { customMetricEntries, metricUnitOf, type MetricUnit } from './metrics.js';
import { observeRun, type Observation } from './observations.js';
import { recommend, type Recommendation } from './recommendations.js';
import { buildResponseTimes, type ResponseTimes } from './response-time.js';
import type { Outcome } from './outcome.js';
import type { LlmSummary } from './llm.js';
import { buildServerSection, type ServerSection } from './server-section.js';
import type {
  CheckSummary,
  EndpointSummary,
  InvariantSummary,
  MetricSummary,
  RunSummary,
  ThresholdSummary,
} from './summary.js';

/** The facts meta.json records about the load generator. */
export interface HostFacts {
  arch?: string;
  platform?: string;
  cpuModel?: string;
  cores?: number;
  kernel?: string;
  memoryBytes?: number;
  hostname?: string;
  node?: string;
}

/**
 * What sections are built from: a stored run (src/report/model/report.ts RunReport fits), of which only the
 * summary is required. Declared here by what the sections read, so the model depends on no file format.
 */
export interface SectionSource {
  summary: RunSummary;
  series?: { points: readonly SeriesPoint[] };
  meta?: {
    loadctl?: string;
    k6?: { version?: string; path?: string };
    host?: HostFacts;
    plan?: { file?: string };
    target?: { description?: string | null; demo?: boolean };
    tags?: Record<string, string>;
    exitCode?: number | null;
    /** `run --vus/--scenario/…` as given. */
    overrides?: RunOverrides;
  };
  plan?: {
    description?: string;
    /** The plan's `about:` facts (plan.resolved.json). */
    about?: Readonly<Record<string, string | number | boolean>>;
    scenarios: Record<string, { executor: string; [field: string]: unknown }>;
    metrics: Record<string, { description?: string }>;
  };
}

/** The verdict a report leads with. */
export type Verdict =
  'passed' | 'thresholds-failed' | 'aborted' | 'generator-saturated' | 'k6-error' | 'invariants-failed';

export function verdictOf(o: Outcome): Verdict {
  switch (o.kind) {
    case 'interrupted':
      return 'aborted';
    case 'thresholds-failed':
      return o.aborted ? 'aborted' : 'thresholds-failed';
    default:
      return o.kind;
  }
}

/** Which run this is: plan, target, times, exit codes. */
export interface RunIdentity {
  plan: string;
  /** The plan's description (plan.resolved.json). */
  description?: string;
  planFile?: string;
  profile?: string;
  /** The command line's overrides of the plan, as typed (`--scenario load --vus 50`; `-e` values hidden). */
  overrides?: string;
  runId: string;
  target: { name: string; url: string; description?: string; demo: boolean };
  startedAt: string;
  endedAt: string;
  durationMs: number;
  k6ExitCode?: number;
  loadctlExitCode?: number;
}

export interface Environment {
  k6Version?: string;
  k6Path?: string;
  loadctl?: string;
  host?: HostFacts;
  tags: Array<[string, string]>;
}

/** The figures a reader looks at first. */
export interface Headline {
  requests: number;
  rps: number;
  errorRate: number;
  iterations: number;
  droppedIterations: number;
  vusMax: number;
  /** http_req_duration over all requests (ms). */
  latency: Record<string, number>;
  checks: { passed: number; failed: number; total: number };
}

export interface ScenarioRow {
  name: string;
  executor: string;
  /** The scenario as resolved: what "load" describes. */
  settings: Record<string, unknown>;
  /** The flow (or, for an existing script, the exported function) the scenario runs. */
  flow?: string;
}

/** The all-requests row under the endpoints. */
export interface EndpointTotal {
  requests: number;
  rps: number;
  duration: Record<string, number>;
  errorRate: number;
}

export interface ThresholdRow extends ThresholdSummary {
  /** The unit of the threshold's metric, to show the observed value in. */
  unit: MetricUnit;
}

export interface CheckRow extends CheckSummary {
  total: number;
}

export interface CustomMetricRow extends MetricSummary {
  name: string;
  /** The plan's description of the metric, when it declared one. */
  description?: string;
}

export interface RunSections {
  verdict: Verdict;
  outcome: Outcome;
  run: RunIdentity;
  environment: Environment;
  headline: Headline;
  scenarios: ScenarioRow[];
  endpoints: EndpointSummary[];
  endpointTotal: EndpointTotal;
  thresholds: ThresholdRow[];
  checks: CheckRow[];
  invariants: InvariantSummary[];
  customMetrics: CustomMetricRow[];
  generator: { saturated: boolean; reasons: GuardReason[] };
  observations: Observation[];
  /** What to do about the run, from the observations; the first is the one to act on. */
  recommendations: Recommendation[];
  /** The plan's `about:` facts as name → text, in the plan's order (the model, the server, the settings). */
  about: Array<[string, string]>;
  /** Average response times (and the stream's, for stream steps). */
  responseTimes: ResponseTimes;
  /** TTFT, TPOT, ITL, E2E, tokens and goodput of stream steps (summary.json's `llm`). */
  llm?: LlmSummary;
  notes: string[];
  /** The target's server side (summary.json's `server`), or that it shares this machine; absent for neither. */
  server?: ServerSection;
}

function runIdentity(src: SectionSource): RunIdentity {
  const s = src.summary;
  const meta = src.meta;
  const exit = meta?.exitCode;
  return {
    plan: s.plan,
    ...(src.plan?.description ? { description: src.plan.description } : {}),
    ...(meta?.plan?.file ? { planFile: meta.plan.file } : {}),
    ...(s.profile ? { profile: s.profile } : {}),
    ...(meta?.overrides && hasOverrides(meta.overrides)
      ? { overrides: describeOverrides(meta.overrides) }
      : {}),
    runId: s.runId,
    target: {
      name: s.target.name,
      url: s.target.url,
      ...(meta?.target?.description ? { description: meta.target.description } : {}),
      demo: meta?.target?.demo === true,
    },
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    durationMs: s.durationMs,
    ...(s.k6ExitCode !== undefined ? { k6ExitCode: s.k6ExitCode } : {}),
    ...(exit !== undefined && exit !== null ? { loadctlExitCode: exit } : {}),
  };
}

function environment(src: SectionSource): Environment {
  const meta = src.meta;
  return {
    ...(meta?.k6?.version ? { k6Version: meta.k6.version } : {}),
    ...(meta?.k6?.path ? { k6Path: meta.k6.path } : {}),
    ...(meta?.loadctl !== undefined ? { loadctl: meta.loadctl } : {}),
    ...(meta?.host ? { host: meta.host } : {}),
    tags: Object.entries(meta?.tags ?? {}),
  };
}

function headline(s: RunSummary): Headline {
  const t = s.totals;
  return {
    requests: t.requests,
    rps: t.rps,
    errorRate: t.errorRate,
    iterations: t.iterations,
    droppedIterations: t.droppedIterations,
    vusMax: t.vusMax,
    latency: s.latency,
    checks: { passed: t.checksPassed, failed: t.checksFailed, total: t.checksPassed + t.checksFailed },
  };
}

function scenarioRows(src: SectionSource): ScenarioRow[] {
  return Object.entries(src.plan?.scenarios ?? {}).map(([name, sc]) => {
    const flow =
      typeof sc['flow'] === 'string' ? sc['flow'] : typeof sc['exec'] === 'string' ? sc['exec'] : undefined;
    return { name, executor: sc.executor, settings: sc, ...(flow !== undefined ? { flow } : {}) };
  });
}

function customMetricRows(src: SectionSource): CustomMetricRow[] {
  return customMetricEntries(src.summary.metrics).map(([name, m]) => {
    const description = src.plan?.metrics[name]?.description;
    return { name, ...m, ...(description ? { description } : {}) };
  });
}

/** The sections of a run report. Only the summary is required; meta, series and plan add to it. */
export function buildRunSections(src: SectionSource): RunSections {
  const s = src.summary;
  return {
    verdict: verdictOf(s.outcome),
    outcome: s.outcome,
    run: runIdentity(src),
    environment: environment(src),
    headline: headline(s),
    scenarios: scenarioRows(src),
    endpoints: s.endpoints,
    endpointTotal: {
      requests: s.totals.requests,
      rps: s.totals.rps,
      duration: s.latency,
      errorRate: s.totals.errorRate,
    },
    thresholds: s.thresholds.map((t) => ({ ...t, unit: metricUnitOf(s.metrics, t.metric) })),
    checks: s.checks.map((c) => ({ ...c, total: c.passes + c.fails })),
    invariants: s.invariants,
    customMetrics: customMetricRows(src),
    generator: s.generator,
    ...studyOf(src),
    notes: s.notes,
    ...serverOf(src),
    ...(s.llm ? { llm: s.llm } : {}),
  };
}

function studyOf(
  src: SectionSource,
): Pick<RunSections, 'observations' | 'recommendations' | 'about' | 'responseTimes'> {
  const s = src.summary;
  const observations = observeRun(s, src.series?.points);
  return {
    observations,
    recommendations: recommend(observations, {
      vusMax: s.totals.vusMax,
      expected: new Map(s.endpoints.map((e) => [e.name, e.statuses])),
    }),
    about: Object.entries(src.plan?.about ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
    responseTimes: buildResponseTimes(s.latency, s.metrics),
  };
}

function serverOf(src: SectionSource): { server?: ServerSection } {
  const server = buildServerSection(src.summary.server, src.summary.totals, src.meta?.target?.demo);
  return server ? { server } : {};
}
