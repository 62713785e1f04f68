// The run's figures by tag value (summary.json `byTag`): for each tag key the plan sets (./tag-plan.ts), the
// requests of each value as a group of their own — totals, request durations, checks, the endpoints two values
// share, and the time batches — so `compare <run> --by tag:KEY` can set the groups side by side with the same
// statistics as runs. Like the per-endpoint and per-batch figures, they are k6 sub-metrics (empty thresholds
// with k6's own summary, keys of the rebuilt summary with loadctl's stream). Pure.
import { metricValues, type K6Summary } from '../../k6/summary.js';
import { batchStatsOf, type RunBatches } from './batches.js';
import { BATCH_TAG, type BatchLayout } from './k6-submetrics.js';
import type { TagKeyPlan, TagPlan, TagValuePlan } from './tag-plan.js';

/** One endpoint's requests within a tag value's group. */
export interface TagEndpointSummary {
  name: string;
  requests: number;
  rps: number;
  failed: number;
  errorRate: number;
  /** http_req_duration in ms; empty without requests. */
  duration: Record<string, number>;
}

/** The requests that carry one value of a tag. */
export interface TagGroupSummary {
  value: string;
  requests: number;
  rps: number;
  failed: number;
  errorRate: number;
  /** http_req_duration of the group's requests in ms; empty without requests. */
  duration: Record<string, number>;
  /** Checks carry a scenario's tags, not a step's: 0 and 0 for a tag only steps set. */
  checksPassed: number;
  checksFailed: number;
  /** The endpoints this value shares with another value of the key, each with its own numbers. */
  endpoints: TagEndpointSummary[];
  /** The group's time batches (the run's layout): the noise estimate of `compare --by`. */
  batches?: RunBatches;
}

export interface ByTagSummary {
  tags: Array<{ key: string; groups: TagGroupSummary[] }>;
  /** Tag keys the plan sets that have no figures, and why (one value only, too many values…). */
  leftOut: Array<{ key: string; why: string }>;
}

/** A value's own endpoints among those its key's values share. */
function sharedOf(key: TagKeyPlan, value: TagValuePlan): string[] {
  return key.shared.filter((e) => value.endpoints.includes(e));
}

/** The tag selector of a value's whole group, of one of its endpoints, of one of its batches. */
export const tagSelector = (key: string, value: string, endpoint?: string, batch?: number): string =>
  [
    ...(endpoint === undefined ? [] : [`name:${endpoint}`]),
    `${key}:${value}`,
    ...(batch === undefined ? [] : [`${BATCH_TAG}:${batch}`]),
  ].join(',');

/**
 * The empty thresholds (or stream keys) that make the figures of every value exist: per value, overall and
 * per shared endpoint, and per batch.
 */
export function tagSubmetrics(
  tags: TagPlan,
  batches: BatchLayout | undefined,
  opts: { checks: boolean },
): Record<string, never[]> {
  const out: Record<string, never[]> = {};
  for (const key of tags.keys)
    for (const value of key.values) {
      for (const endpoint of [undefined, ...sharedOf(key, value)]) {
        const s = tagSelector(key.key, value.value, endpoint);
        out[`http_reqs{${s}}`] = [];
        out[`http_req_duration{${s}}`] = [];
        out[`http_req_failed{${s}}`] = [];
        if (endpoint === undefined && opts.checks) out[`checks{${s}}`] = [];
        for (let i = 0; i < (batches?.count ?? 0); i++) {
          const b = tagSelector(key.key, value.value, endpoint, i);
          out[`http_req_duration{${b}}`] = [];
          out[`http_req_failed{${b}}`] = [];
          if (endpoint === undefined && opts.checks) out[`checks{${b}}`] = [];
        }
      }
    }
  return out;
}

const num = (values: Record<string, number> | undefined, key: string): number => values?.[key] ?? 0;

function endpointOf(k6: K6Summary, selector: string, name: string, seconds: number): TagEndpointSummary {
  const requests = num(metricValues(k6, `http_reqs{${selector}}`), 'count');
  const failed = num(metricValues(k6, `http_req_failed{${selector}}`), 'passes');
  return {
    name,
    requests,
    rps: requests / seconds,
    failed,
    errorRate: requests > 0 ? failed / requests : 0,
    duration: requests > 0 ? (metricValues(k6, `http_req_duration{${selector}}`) ?? {}) : {},
  };
}

function batchesOf(
  k6: K6Summary,
  key: TagKeyPlan,
  value: TagValuePlan,
  layout: BatchLayout | undefined,
): RunBatches | undefined {
  if (
    !layout ||
    k6.metrics[`http_req_failed{${tagSelector(key.key, value.value, undefined, 0)}}`] === undefined
  )
    return undefined;
  const out: RunBatches = { ms: layout.ms, overall: [], endpoints: {}, checks: [] };
  for (let i = 0; i < layout.count; i++) {
    const s = tagSelector(key.key, value.value, undefined, i);
    out.overall.push(batchStatsOf(k6, s));
    const c = metricValues(k6, `checks{${s}}`);
    const total = num(c, 'passes') + num(c, 'fails');
    out.checks.push(total > 0 ? num(c, 'passes') / total : null);
    for (const e of sharedOf(key, value))
      (out.endpoints[e] ??= []).push(batchStatsOf(k6, tagSelector(key.key, value.value, e, i)));
  }
  return out;
}

function groupOf(
  k6: K6Summary,
  key: TagKeyPlan,
  value: TagValuePlan,
  layout: BatchLayout | undefined,
  seconds: number,
): TagGroupSummary {
  const s = tagSelector(key.key, value.value);
  const whole = endpointOf(k6, s, value.value, seconds);
  const checks = metricValues(k6, `checks{${s}}`);
  const batches = batchesOf(k6, key, value, layout);
  return {
    value: value.value,
    requests: whole.requests,
    rps: whole.rps,
    failed: whole.failed,
    errorRate: whole.errorRate,
    duration: whole.duration,
    checksPassed: num(checks, 'passes'),
    checksFailed: num(checks, 'fails'),
    endpoints: sharedOf(key, value).map((e) =>
      endpointOf(k6, tagSelector(key.key, value.value, e), e, seconds),
    ),
    ...(batches ? { batches } : {}),
  };
}

/** The figures of every value of every key kept; undefined when k6 left no end-of-test data. */
export function summarizeByTag(
  k6: K6Summary | undefined,
  tags: TagPlan,
  layout: BatchLayout | undefined,
  seconds: number,
): ByTagSummary | undefined {
  if (!k6) return undefined;
  return {
    tags: tags.keys.map((key) => ({
      key: key.key,
      groups: key.values.map((value) => groupOf(k6, key, value, layout, seconds)),
    })),
    leftOut: tags.leftOut,
  };
}
