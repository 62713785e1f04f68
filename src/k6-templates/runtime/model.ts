// The data a rendered k6 script carries: the resolved plan, compiled by src/plans/compile.ts into a form the
// k6 runtime (interpreter.ts) walks without parsing anything. This file holds types only and imports nothing,
// so both the Node side and the k6 side (its own tsconfig, no Node types) can use it.
//
// Every value that may hold "${...}" references is a `Value`: templates are parsed on the Node side into
// parts, and the runtime only looks references up. No plan text is ever evaluated as code.

export const SCRIPT_PLAN_VERSION = 1;

/** A reference inside "${...}". */
export type Ref =
  | { ns: 'vars'; name: string }
  | { ns: 'env'; name: string }
  | { ns: 'secrets'; name: string }
  | { ns: 'data'; set: string; column: string }
  | { ns: 'vu' }
  | { ns: 'iter' }
  | { ns: 'iterInTest' }
  | { ns: 'scenario' }
  | { ns: 'now' }
  | { ns: 'randomInt'; min: number; max: number }
  | { ns: 'randomUuid' }
  | { ns: 'randomString'; length: number };

export type Part = { lit: string } | { ref: Ref };

/**
 * A value after template compilation.
 * - lit: a JSON value with no references;
 * - tpl: a string with references; a template that is one reference alone yields the referenced value as is
 *   (a number stays a number in a JSON body);
 * - obj / arr: containers with templated members.
 */
export type Value =
  | { k: 'lit'; v: unknown }
  | { k: 'tpl'; parts: Part[] }
  | { k: 'obj'; entries: Array<[string, Value]> }
  | { k: 'arr'; items: Value[] };

/** A JSON path, compiled: "$.items[*].id" → [{key:'items'},{all:true},{key:'id'}]. */
export type PathSegment = { key: string } | { index: number } | { all: true };

/** Think time in seconds; min === max for a fixed pause. */
export interface Think {
  min: number;
  max: number;
}

export interface Matcher {
  status?: number[];
  json?: PathSegment[];
  header?: string;
  equals?: Value;
  notEquals?: Value;
  exists?: boolean;
  bodyContains?: string;
  durationBelowMs?: number;
}

export interface Check {
  /** The k6 check name, unique within its step. */
  name: string;
  matcher: Matcher;
}

export type Extractor =
  | { json: PathSegment[]; pick: 'first' | 'last' | 'random' | 'all' }
  | { header: string }
  | { cookie: string }
  | { regex: string; group: number };

export interface MetricRecord {
  metric: string;
  when?: Matcher;
  /** A number, a timing of the response, its status, or a template. Absent: 1 (Counter), the match (Rate). */
  value?: { k: 'timing'; timing: 'duration' | 'waiting' } | { k: 'status' } | Value;
}

export type Body =
  | { type: 'json'; value: Value }
  | { type: 'form'; fields: Array<[string, Value]> }
  | { type: 'raw'; value: Value };

/** How a streaming step reads its response as server-sent events (k6/x/loadctl-sse). */
export interface StreamRead {
  /** Where the token text is in each event's JSON data; absent: every event with data is a token. */
  token?: PathSegment[];
  /** The data of the event that ends a complete stream. */
  done: string;
  /** An `event:` type that ends a complete stream. */
  doneEvent?: string;
  /** Read token counts from the events' `usage` objects. */
  usage: boolean;
  /** Objectives (k6 durations) that make an answer count in `goodput`. */
  slo?: { ttft?: string; tpot?: string; e2e?: string };
}

export interface HttpStep {
  kind: 'http';
  /** The `name` tag: the endpoint's name in every metric. */
  name: string;
  method: string;
  /** Path or absolute URL, templated; joined to the target's base URL when relative. */
  url: Value;
  query: Array<[string, Value]>;
  headers: Array<[string, Value]>;
  body?: Body;
  /** Statuses that do not count as failed requests; absent: k6's default (200-399). */
  expect?: number[];
  checks: Check[];
  extract: Array<[string, Extractor]>;
  record: MetricRecord[];
  think?: Think;
  tags: Record<string, string>;
  timeout?: string;
  stopOnFailure: boolean;
  /** False when nothing reads the body: k6 then discards it, which saves the generator memory and CPU. */
  needsBody: boolean;
  /** Read the response as server-sent events; the body checks see is the tokens' text. */
  stream?: StreamRead;
  /** With `stream`: the request that asks the question once the stream is open (k6/x/loadctl-sse's send). */
  send?: SendRequest;
}

/** What a request is made of: the parts runtime/requests.ts builds a request from. */
export type RequestParts = Pick<HttpStep, 'method' | 'url' | 'query' | 'headers' | 'body'>;

export interface SendRequest extends RequestParts {
  /** The `name` tag of its metrics. */
  name: string;
  /** Statuses that do not count as failed requests; absent: k6's default (200-399). */
  expect?: number[];
  timeout?: string;
}

export type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  { op: Operator; left: Value; right: Value } | { op: 'truthy'; value: Value; negate: boolean };

export type Step =
  | HttpStep
  | { kind: 'group'; name: string; steps: Step[] }
  | { kind: 'if'; condition: Condition; then: Step[]; else: Step[] }
  | { kind: 'sleep'; think: Think }
  | { kind: 'set'; values: Array<[string, Value]> };

export interface Flow {
  headers: Array<[string, Value]>;
  steps: Step[];
  think?: Think;
}

export interface DataSet {
  /** Path as k6's open() should see it (relative to the script, or absolute). */
  file: string;
  mode: 'unique' | 'sequential' | 'random';
  delimiter: string;
  /** csv: parsed by the runtime; json: an array of row objects loadctl prepared (JSONL, synthetic). */
  format?: 'csv' | 'json';
  /** With mode random: the same row for the same iteration of the test in every run. */
  seed?: number;
}

export interface MetricDef {
  type: 'counter' | 'rate' | 'trend' | 'gauge';
  time: boolean;
}

export interface ScriptPlan {
  version: typeof SCRIPT_PLAN_VERSION;
  planName: string;
  targetName: string;
  /** Base URL; the environment variable LOADCTL_BASE_URL overrides it at run time (the demo service's port). */
  baseUrl: string;
  /** The k6 options object exported by the script. */
  options: Record<string, unknown>;
  /** Headers sent with every request (target and plan `http.headers`). */
  headers: Array<[string, Value]>;
  /** Defaults for ${env.NAME}; __ENV wins. */
  env: Record<string, string>;
  /** Names of environment variables that hold secrets; values are read from __ENV at run time only. */
  secrets: string[];
  /** Scenario name → flow name. */
  scenarioFlows: Record<string, string>;
  flows: Record<string, Flow>;
  setup?: Flow;
  teardown?: Flow;
  metrics: Record<string, MetricDef>;
  data: Record<string, DataSet>;
  /** Where handleSummary writes k6's summary data as JSON; absent: none written. */
  summaryExport?: { envVar: string };
  /** Tag every request with its time batch (src/report/batches.ts); absent: no batches. */
  batches?: Batches;
  /** Scenario name → its arrival process (runtime/arrivals.ts); absent: k6 schedules the iterations. */
  arrivals?: Record<string, ArrivalProcess>;
}

/** A stretch of a rate schedule: the rate (arrivals per ms) goes linearly from `from` to `to` over `ms`. */
export interface RateSegment {
  ms: number;
  from: number;
  to: number;
}

/** Arrivals at gamma-distributed times (burstiness 1: Poisson), drawn from `seed`, `count` of them. */
export interface ArrivalProcess {
  segments: RateSegment[];
  burstiness: number;
  seed: number;
  count: number;
}

export interface Batches {
  tag: string;
  ms: number;
  count: number;
  /** Each scenario's startTime offset in ms, so every VU counts batches from the same moment. */
  scenarioOffsets: Record<string, number>;
}

/**
 * The data a wrapped user script carries (plans with `script:`): the plan's options overlay the script's own
 * `options` at init, inside k6 (runtime/overlay.ts).
 */
export interface ScriptOverlay {
  version: typeof SCRIPT_PLAN_VERSION;
  kind: 'user-script';
  planName: string;
  targetName: string;
  baseUrl: string;
  /** Merged over the script's `options`: scenarios by name, thresholds by key, tags by key, the rest replaced. */
  options: Record<string, unknown>;
  summaryExport?: { envVar: string };
}
