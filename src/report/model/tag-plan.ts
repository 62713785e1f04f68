// Which tags of a plan a run keeps figures by, for `compare <run> --by tag:KEY` (docs/compare.md, A/B inside
// one run): every key the plan sets on requests (a scenario's `tags:`, a step's `tags:`, and the plan's or the
// target's when a scenario or step sets the same key), with its values and the endpoints each value's
// requests come from. Tag values in a plan are literal, so all of this is known before the run, and the
// number of figures is bounded by the plan, not by what the target answers. Pure.
import type { Plan } from '../../plans/schema.js';
import { endpointName, isHttpStep, walkSteps } from '../../plans/walk.js';
import { BATCH_TAG, selectorSafe } from './k6-submetrics.js';

/** Values of one key loadctl keeps figures for: past this, the key is left out (a tag per user, say). */
export const MAX_TAG_VALUES = 12;
/** Values over all keys: each one costs k6 or the stream a few sub-metrics per time batch. */
export const MAX_TAG_GROUPS = 24;

/** k6's own tags (and loadctl's): their values are k6's, not the plan's, or already kept another way. */
const RESERVED = new Set([
  'name',
  'scenario',
  'status',
  'method',
  'url',
  'group',
  'check',
  'error',
  'error_code',
  'expected_response',
  'proto',
  'tls_version',
  'ip',
  'subproto',
  'service',
  'rpc_type',
  BATCH_TAG,
]);

/** A tag key the stream can keep (docs/stream.md `tags=`). */
const KEY_RE = /^[A-Za-z0-9_]+$/;

export interface TagValuePlan {
  value: string;
  /** The endpoints whose requests carry this value, in plan order. */
  endpoints: string[];
}

export interface TagKeyPlan {
  key: string;
  values: TagValuePlan[];
  /** Endpoints that two or more values have: compared by name between the groups. */
  shared: string[];
}

export interface TagPlan {
  keys: TagKeyPlan[];
  /** Keys the plan sets that have no figures of their own, and why (shown by `compare --by`). */
  leftOut: Array<{ key: string; why: string }>;
}

/**
 * The summary's notes on keys of several values left without figures (too many values, a name or value k6
 * cannot select on): a plan author expecting `compare --by` to work learns it from the run, not later.
 */
export function tagPlanNotes(
  tags: TagPlan,
  plan: Plan,
  targetTags: Readonly<Record<string, string>> = {},
): string[] {
  const seen = requestTags(plan, targetTags);
  return tags.leftOut
    .filter(({ key }) => (seen.get(key)?.size ?? 0) > 1)
    .map(({ key, why }) => `tag ${key} has no figures by value (\`compare --by tag:${key}\`): ${why}`);
}

type Seen = Map<string, Map<string, string[]>>;

function note(seen: Seen, tags: Readonly<Record<string, string>>, endpoint: string): void {
  for (const [key, value] of Object.entries(tags)) {
    const values = seen.get(key) ?? new Map<string, string[]>();
    seen.set(key, values);
    const endpoints = values.get(value) ?? [];
    values.set(value, endpoints);
    if (!endpoints.includes(endpoint)) endpoints.push(endpoint);
  }
}

/** Every request's tags (request over scenario over the plan's and the target's, as k6 merges them). */
function requestTags(plan: Plan, targetTags: Readonly<Record<string, string>>): Seen {
  const seen: Seen = new Map();
  const global = { ...(plan.tags ?? {}), ...targetTags };
  const visit = (steps: Parameters<typeof walkSteps>[0], base: Record<string, string>) =>
    walkSteps(steps, [], (step) => {
      if (isHttpStep(step)) note(seen, { ...base, ...(step.tags ?? {}) }, endpointName(step));
    });
  for (const s of Object.values(plan.scenarios)) {
    const flow = s.flow === undefined ? undefined : plan.flows?.[s.flow];
    if (flow) visit(flow.steps, { ...global, ...(s.tags ?? {}) });
  }
  // setup and teardown run outside the scenarios: only the plan's, the target's and their steps' own tags.
  for (const flow of [plan.setup, plan.teardown]) if (flow) visit(flow.steps, global);
  return seen;
}

/** The keys a scenario or a step sets: a key only the plan or the target sets has one value everywhere. */
function keysSet(plan: Plan): Set<string> {
  const keys = new Set<string>();
  for (const s of Object.values(plan.scenarios)) for (const k of Object.keys(s.tags ?? {})) keys.add(k);
  const flows = [...Object.values(plan.flows ?? {}), plan.setup, plan.teardown];
  for (const flow of flows)
    if (flow)
      walkSteps(flow.steps, [], (step) => {
        if (isHttpStep(step)) for (const k of Object.keys(step.tags ?? {})) keys.add(k);
      });
  return keys;
}

function whyLeftOut(key: string, values: ReadonlyMap<string, string[]>): string | undefined {
  if (RESERVED.has(key)) return `k6 sets the ${key} tag itself`;
  if (!KEY_RE.test(key)) return 'its name has characters other than letters, digits and _';
  // k6 also trims quotes from the ends of a selector's value: {model:'B'} selects model=B.
  const unsafe = [...values.keys()].find((v) => !selectorSafe(v) || /^['"]|['"]$/.test(v));
  if (unsafe !== undefined)
    return `its value ${JSON.stringify(unsafe)} has characters k6 cannot select on (, { } ", or a quote or space at an end)`;
  if (values.size === 1) return `every request that has it has ${key}=${[...values.keys()][0] ?? ''}`;
  if (values.size > MAX_TAG_VALUES)
    return `it has ${values.size} values, more than the ${MAX_TAG_VALUES} loadctl keeps figures for`;
  return undefined;
}

/** The plan's tag keys with figures of their own, in the order the plan first sets them. */
export function planTags(plan: Plan, targetTags: Readonly<Record<string, string>> = {}): TagPlan {
  if (plan.script !== undefined) return { keys: [], leftOut: [] };
  const seen = requestTags(plan, targetTags);
  const set = keysSet(plan);
  const out: TagPlan = { keys: [], leftOut: [] };
  let groups = 0;
  for (const [key, values] of seen) {
    if (!set.has(key)) continue;
    const why = whyLeftOut(key, values);
    if (why !== undefined) {
      out.leftOut.push({ key, why });
      continue;
    }
    if (groups + values.size > MAX_TAG_GROUPS) {
      out.leftOut.push({ key, why: `a run keeps figures for at most ${MAX_TAG_GROUPS} tag values in all` });
      continue;
    }
    groups += values.size;
    const list = [...values].map(([value, endpoints]) => ({ value, endpoints }));
    const all = list.flatMap((v) => v.endpoints);
    const shared = [...new Set(all)].filter((e) => selectorSafe(e) && all.indexOf(e) !== all.lastIndexOf(e));
    out.keys.push({ key, values: list, shared });
  }
  return out;
}
