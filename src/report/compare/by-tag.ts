// `compare <run> --by tag:KEY[=V1,V2,…]`: the groups of one run that differ in one tag (model=A beside
// model=B) as the sides of a comparison. Each group's figures (summary.json `byTag`) are made into the summary
// of a run of their own, so the table, the verdicts, the gate and every format are those of a comparison of
// runs; the groups ran at the same time, so batch k of one is paired with batch k of the other. Pure.
import type { RunSummary } from '../model/summary.js';
import type { TagGroupSummary } from '../model/tag-groups.js';
import type { CompareRun, CompareSideInput } from './metric-defs.js';

export interface ByTag {
  key: string;
  /** The values to compare, in this order (the first is the baseline); undefined: every value, plan order. */
  values?: string[];
}

type Failure = { ok: false; message: string; hint?: string };

const BY_RE = /^tag:([^=\s]+)(?:=(.*))?$/;

/** `tag:model` or `tag:model=A,B`. */
export function parseBy(text: string): { ok: true; by: ByTag } | Failure {
  const m = BY_RE.exec(text.trim());
  if (!m)
    return {
      ok: false,
      message: `--by ${text} is not tag:KEY or tag:KEY=VALUE,VALUE…`,
      hint: 'e.g. --by tag:model, or --by tag:model=A,B to choose the values and their order',
    };
  const key = m[1] as string;
  if (m[2] === undefined) return { ok: true, by: { key } };
  const values = m[2].split(',').map((v) => v.trim());
  if (values.some((v) => v === ''))
    return { ok: false, message: `--by ${text} has an empty value`, hint: 'e.g. --by tag:model=A,B' };
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) return { ok: false, message: `--by ${text} names ${key}=${dup} twice` };
  return { ok: true, by: { key, values } };
}

/** The label of a group's side. */
export const groupLabel = (key: string, value: string): string => `${key}=${value}`;

/** A group's figures as the summary of a run of its own: what compareRuns reads. */
export function groupRunSummary(run: RunSummary, g: TagGroupSummary): RunSummary {
  return {
    schema: run.schema,
    runId: run.runId,
    plan: run.plan,
    ...(run.profile !== undefined ? { profile: run.profile } : {}),
    target: run.target,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationMs: run.durationMs,
    outcome: run.outcome,
    totals: {
      ...run.totals,
      requests: g.requests,
      rps: g.rps,
      failed: g.failed,
      errorRate: g.errorRate,
      checksPassed: g.checksPassed,
      checksFailed: g.checksFailed,
    },
    latency: g.duration,
    endpoints: g.endpoints.map((e) => ({ ...e, statuses: {} })),
    // The run's thresholds, checks by name, custom metrics and server figures are the whole run's, not a group's.
    thresholds: [],
    checks: [],
    metrics: {},
    invariants: [],
    generator: run.generator,
    notes: [],
    ...(g.batches ? { batches: g.batches } : {}),
  };
}

const list = (values: readonly string[]): string => values.join(', ');

/** The groups `by` names in a run, as the sides of a comparison, with the index of the baseline side. */
export function tagSides(
  run: CompareRun,
  by: ByTag,
  baseline?: string,
): { ok: true; sides: CompareSideInput[]; baseline: number } | Failure {
  const s = run.summary;
  if (s.byTag === undefined)
    return {
      ok: false,
      message: `run ${s.runId} has no figures by tag: it was recorded before loadctl kept them`,
      hint: 'run the plan again with this loadctl; `compare <run> <run>` still compares whole runs',
    };
  const tag = s.byTag.tags.find((t) => t.key === by.key);
  if (tag === undefined) {
    const leftOut = s.byTag.leftOut.find((t) => t.key === by.key);
    const kept = s.byTag.tags.map((t) => t.key);
    return {
      ok: false,
      message: leftOut
        ? `run ${s.runId} has no figures by tag ${by.key}: ${leftOut.why}`
        : `the plan of run ${s.runId} sets no tag ${by.key} on its scenarios or steps`,
      hint:
        kept.length > 0
          ? `tags with figures in this run: ${list(kept)}`
          : 'tag the requests to compare, e.g. a scenario’s `tags: { model: A }` (docs/compare.md)',
    };
  }
  const known = tag.groups.map((g) => g.value);
  const values = by.values ?? known;
  const missing = values.find((v) => !known.includes(v));
  if (missing !== undefined)
    return {
      ok: false,
      message: `run ${s.runId} has no requests tagged ${groupLabel(by.key, missing)}`,
      hint: `the values of ${by.key}: ${list(known)}`,
    };
  if (values.length < 2)
    return {
      ok: false,
      message: `--by tag:${by.key}=${list(values)} names one value: a comparison needs two or more`,
      hint: `the values of ${by.key}: ${list(known)}`,
    };
  // Both groups share the target and its machine: whether that machine is the generator's says nothing
  // about one group against the other.
  const { targetDemo: _shared, ...facts } = run.facts ?? {};
  const sides = values.map((v) => {
    const g = tag.groups.find((x) => x.value === v) as TagGroupSummary;
    return { label: groupLabel(by.key, v), runs: [{ summary: groupRunSummary(s, g), facts }] };
  });
  if (baseline === undefined) return { ok: true, sides, baseline: 0 };
  const at = sides.findIndex((side, i) => side.label === baseline || values[i] === baseline);
  if (at < 0)
    return {
      ok: false,
      message: `--baseline ${baseline} is none of the compared groups (${list(sides.map((x) => x.label))})`,
    };
  return { ok: true, sides, baseline: at };
}
