// Which stored runs `loadctl compare a b …` means. Each argument is a run id (or a unique prefix of one) or a
// target name; a target stands for its latest comparison group's runs (all rounds of `run --targets`) when
// that group holds the target's latest run, else for the target's latest run. Pure.
import { RUN_ID_RE } from '../../store/run-id.js';
import type { StoredRun } from '../../store/runs.js';

export interface SelectedSide {
  label: string;
  runs: StoredRun[];
}

export type Selection =
  | { ok: true; plan: string; sides: SelectedSide[]; baseline: number; group?: string }
  | { ok: false; message: string; hint?: string };

const MIN_PREFIX = 8;
/** What only a run id (or a piece of one) looks like: a target named so is not plausible. */
const RUN_ID_LIKE = /^\d{8}T\d{0,6}Z?(-[0-9a-z]{0,6})?$/i;

function findRun(runs: readonly StoredRun[], ref: string): StoredRun | StoredRun[] | undefined {
  const exact = runs.find((r) => r.summary.runId === ref);
  if (exact) return exact;
  if (ref.length < MIN_PREFIX || !/^\d{8}T/.test(ref)) return undefined;
  const matches = runs.filter((r) => r.summary.runId.startsWith(ref));
  return matches.length === 1 ? matches[0] : matches.length > 1 ? matches : undefined;
}

function byId(a: StoredRun, b: StoredRun): number {
  return a.summary.runId.localeCompare(b.summary.runId);
}

type Failure = Extract<Selection, { ok: false }>;

/** The plan the pinned runs belong to, else --plan, else the one plan that has runs of every target. */
function choosePlan(
  stored: readonly StoredRun[],
  pinned: readonly StoredRun[],
  targetRefs: readonly string[],
  given: string | undefined,
): { ok: true; plan: string } | Failure {
  const pinnedPlans = [...new Set(pinned.map((r) => r.summary.plan))];
  const plan = given ?? pinnedPlans[0];
  if (pinnedPlans.length > 1 || (plan !== undefined && pinnedPlans.some((p) => p !== plan)))
    return {
      ok: false,
      message: `the runs belong to different plans (${[...new Set([plan, ...pinnedPlans])].join(', ')})`,
      hint: 'compare runs of one plan: the same load against different targets, or before and after a change',
    };
  if (plan !== undefined) return { ok: true, plan };
  const candidates = [...new Set(stored.map((r) => r.summary.plan))].filter((p) =>
    targetRefs.every((t) => stored.some((r) => r.summary.plan === p && r.summary.target.name === t)),
  );
  if (candidates.length === 0)
    return {
      ok: false,
      message: `no plan has stored runs of ${targetRefs.join(' and ')}`,
      hint: 'run them first, e.g. `loadctl run plans/graviton-vs-x86.yaml --targets x86,graviton` (`loadctl runs` lists what is stored)',
    };
  if (candidates.length > 1)
    return {
      ok: false,
      message: `several plans have runs of ${targetRefs.join(' and ')}: ${candidates.join(', ')}`,
      hint: `choose one with --plan, e.g. --plan ${candidates[0] ?? ''}`,
    };
  return { ok: true, plan: candidates[0] as string };
}

/** The side --baseline names (by label, run id or target), or -1. */
function findBaseline(sides: readonly SelectedSide[], b: string): number {
  return sides.findIndex(
    (s) => s.label === b || s.runs.some((r) => r.summary.runId === b || r.summary.target.name === b),
  );
}

export function selectComparison(
  stored: readonly StoredRun[],
  refs: readonly string[],
  opts: { plan?: string; baseline?: string } = {},
): Selection {
  if (refs.length < 2)
    return {
      ok: false,
      message: 'compare needs two or more targets or run ids',
      hint: 'e.g. `loadctl compare x86 graviton` or `loadctl compare <run-id> <run-id>` (`loadctl runs` lists them)',
    };
  const pinned = new Map<string, StoredRun>();
  for (const ref of refs) {
    const found = findRun(stored, ref);
    if (Array.isArray(found))
      return {
        ok: false,
        message: `run id prefix ${ref} matches ${found.length} runs`,
        hint: `give more of it: ${found.map((r) => r.summary.runId).join(', ')}`,
      };
    if (found) pinned.set(ref, found);
    else if (RUN_ID_RE.test(ref) || RUN_ID_LIKE.test(ref))
      return {
        ok: false,
        message: RUN_ID_RE.test(ref) ? `no stored run ${ref}` : `no stored run id starts with ${ref}`,
        hint: '`loadctl runs` lists the stored runs (a prefix needs at least its date, 20261203T…)',
      };
  }
  const targetRefs = refs.filter((r) => !pinned.has(r));
  const dupTarget = targetRefs.find((t, i) => targetRefs.indexOf(t) !== i);
  if (dupTarget !== undefined)
    return {
      ok: false,
      message: `target ${dupTarget} is named twice`,
      hint: 'to compare two runs of one target (an A/A test, before/after), give their run ids: `loadctl runs` lists them',
    };

  const chosen = choosePlan(stored, [...pinned.values()], targetRefs, opts.plan);
  if (!chosen.ok) return chosen;
  const plan = chosen.plan;
  const ofPlan = stored.filter((r) => r.summary.plan === plan).sort(byId);

  const latest = new Map<string, StoredRun>();
  for (const t of targetRefs) {
    const runs = ofPlan.filter((r) => r.summary.target.name === t);
    const last = runs[runs.length - 1];
    if (!last)
      return {
        ok: false,
        message: `plan ${plan} has no stored run of target ${t}`,
        hint: `targets with runs: ${[...new Set(ofPlan.map((r) => r.summary.target.name))].join(', ') || 'none'}`,
      };
    latest.set(t, last);
  }
  // The latest comparison group, if it holds every named target's latest run.
  let group: string | undefined;
  if (targetRefs.length > 0) {
    const ids = [...latest.values()].map((r) => r.summary.comparison?.id);
    const first = ids[0];
    if (first !== undefined && ids.every((id) => id === first)) group = first;
  }

  const sides: SelectedSide[] = refs.map((ref) => {
    const run = pinned.get(ref);
    if (run) return { label: ref === run.summary.runId ? ref : run.summary.runId, runs: [run] };
    const runs =
      group === undefined
        ? [latest.get(ref) as StoredRun]
        : ofPlan
            .filter((r) => r.summary.comparison?.id === group && r.summary.target.name === ref)
            .sort((a, b) => (a.summary.comparison?.round ?? 0) - (b.summary.comparison?.round ?? 0));
    return { label: ref, runs };
  });

  const baseline = opts.baseline === undefined ? 0 : findBaseline(sides, opts.baseline);
  if (baseline < 0)
    return {
      ok: false,
      message: `--baseline ${opts.baseline ?? ''} is none of the compared sides (${sides.map((s) => s.label).join(', ')})`,
    };
  return { ok: true, plan, sides, baseline, ...(group !== undefined ? { group } : {}) };
}

/**
 * The one run `compare <ref> --by tag:KEY` means: a run id (or a unique prefix of one), or a target name for
 * that target's latest run (of --plan's runs when given).
 */
export function selectRun(
  stored: readonly StoredRun[],
  ref: string,
  opts: { plan?: string } = {},
): { ok: true; run: StoredRun } | Failure {
  const found = findRun(stored, ref);
  if (Array.isArray(found))
    return {
      ok: false,
      message: `run id prefix ${ref} matches ${found.length} runs`,
      hint: `give more of it: ${found.map((r) => r.summary.runId).join(', ')}`,
    };
  if (found) {
    if (opts.plan !== undefined && found.summary.plan !== opts.plan)
      return {
        ok: false,
        message: `run ${found.summary.runId} is a run of plan ${found.summary.plan}, not ${opts.plan}`,
      };
    return { ok: true, run: found };
  }
  if (RUN_ID_RE.test(ref) || RUN_ID_LIKE.test(ref))
    return {
      ok: false,
      message: RUN_ID_RE.test(ref) ? `no stored run ${ref}` : `no stored run id starts with ${ref}`,
      hint: '`loadctl runs` lists the stored runs (a prefix needs at least its date, 20261203T…)',
    };
  const runs = stored
    .filter((r) => r.summary.target.name === ref && (opts.plan === undefined || r.summary.plan === opts.plan))
    .sort(byId);
  const plans = [...new Set(runs.map((r) => r.summary.plan))];
  if (plans.length > 1)
    return {
      ok: false,
      message: `several plans have runs of target ${ref}: ${plans.join(', ')}`,
      hint: `choose one with --plan, or give a run id (\`loadctl runs\` lists them)`,
    };
  const last = runs[runs.length - 1];
  if (!last)
    return {
      ok: false,
      message: `no stored run ${ref}, and no target of that name has runs`,
      hint: '`loadctl runs` lists the stored runs',
    };
  return { ok: true, run: last };
}
