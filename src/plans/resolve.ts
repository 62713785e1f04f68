// Plan + command-line choices → the one configuration a run uses: profile applied, target chosen.
import { withArrivalDefaults } from './arrivals.js';
import { didYouMean } from './diagnostics.js';
import { parseDuration } from './duration.js';
import { applyProfile } from './profiles.js';
import { planSchema, type Plan, type Target } from './schema.js';
import type { ValidPlan } from './validate.js';
import type { RunOverrides } from './overrides.js';

export interface ResolveChoices {
  target?: string | undefined;
  profile?: string | undefined;
}

export interface ResolvedPlan {
  plan: Plan;
  profile?: string;
  targetName: string;
  target: Target;
  /** `run --vus/--duration/…/-e`, already applied to `plan` (src/plans/overrides.ts). */
  overrides?: RunOverrides;
}

export type ResolveResult =
  { ok: true; resolved: ResolvedPlan } | { ok: false; message: string; hint?: string };

function unknown(kind: string, name: string, known: string[]): ResolveResult {
  const guess = didYouMean(name, known);
  return {
    ok: false,
    message: `the plan has no ${kind} \`${name}\``,
    hint: guess
      ? `did you mean \`${guess}\`?`
      : known.length
        ? `${kind}s: ${known.join(', ')}`
        : `the plan defines no ${kind}s`,
  };
}

/**
 * The validated plan (validatePlan, readPlan) with the chosen profile and target. Nothing is validated
 * again: validation already checked the plan with each of its profiles applied.
 */
export function resolvePlan(valid: ValidPlan, choices: ResolveChoices): ResolveResult;
/** @deprecated Pass the validated plan (readPlan's LoadedPlan); this form checks the raw value again. */
export function resolvePlan(raw: Record<string, unknown>, choices: ResolveChoices): ResolveResult;
export function resolvePlan(
  input: ValidPlan | Record<string, unknown>,
  choices: ResolveChoices,
): ResolveResult {
  const valid = isValidPlan(input) ? input : revalidate(input);
  if (!valid) return notValid();
  let plan = valid.plan;
  if (choices.profile !== undefined) {
    const known = Object.keys(plan.profiles ?? {});
    if (!known.includes(choices.profile)) return unknown('profile', choices.profile, known);
    const profiled = valid.withProfile[choices.profile];
    if (!profiled) return notValid();
    plan = profiled;
  }
  return chooseTarget(plan, choices);
}

function isValidPlan(input: ValidPlan | Record<string, unknown>): input is ValidPlan {
  // A raw plan always has `targets` (the schema requires it); a ValidPlan never does at its top.
  return 'withProfile' in input && 'plan' in input && !('targets' in input);
}

/** The raw form's checks, as before: the schema only, for the plan and each profile. */
function revalidate(raw: Record<string, unknown>): ValidPlan | undefined {
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const withProfile: Record<string, Plan> = {};
  for (const [name, profile] of Object.entries(
    (raw.profiles ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    const merged = planSchema.safeParse(applyProfile(raw, profile));
    if (merged.success) withProfile[name] = merged.data;
  }
  return { plan: parsed.data, withProfile };
}

function notValid(): ResolveResult {
  return {
    ok: false,
    message: 'the plan does not validate with this profile',
    hint: 'run `loadctl validate` on it for the details',
  };
}

function chooseTarget(plan: Plan, choices: ResolveChoices): ResolveResult {
  const names = Object.keys(plan.targets);
  const targetName = choices.target ?? plan.defaultTarget ?? (names.length === 1 ? names[0] : undefined);
  if (targetName === undefined) {
    return {
      ok: false,
      message: 'the plan has several targets and no `defaultTarget`',
      hint: `choose one with --target (${names.join(', ')})`,
    };
  }
  const target = plan.targets[targetName];
  if (!target) return unknown('target', targetName, names);
  return {
    ok: true,
    resolved: {
      plan: withArrivalDefaults(plan),
      targetName,
      target,
      ...(choices.profile !== undefined ? { profile: choices.profile } : {}),
    },
  };
}

/** Peak VUs the plan can start (for preflight and doctor). */
export function peakVUs(plan: Plan): number {
  let total = 0;
  for (const s of Object.values(plan.scenarios)) {
    switch (s.executor) {
      case 'shared-iterations':
      case 'per-vu-iterations':
      case 'constant-vus':
        total += s.vus ?? 1;
        break;
      case 'ramping-vus':
        total += Math.max(s.startVUs ?? 1, ...s.stages.map((st) => st.target));
        break;
      case 'constant-arrival-rate':
      case 'ramping-arrival-rate':
        total += Math.max(s.maxVUs ?? 0, s.preAllocatedVUs);
        break;
    }
  }
  return total;
}

function ms(d: string | undefined, fallback: number): number {
  return d === undefined ? fallback : (parseDuration(d) ?? fallback);
}

/**
 * How long the plan should run: the latest scenario end. Graceful stops are not counted (they only stretch
 * a run whose iterations are still going). `exact` is false when an iteration-based scenario can end before
 * its maxDuration.
 */
export function plannedDuration(plan: Plan): { ms: number; exact: boolean } {
  let end = 0;
  let exact = true;
  for (const s of Object.values(plan.scenarios)) {
    let length: number;
    switch (s.executor) {
      case 'shared-iterations':
      case 'per-vu-iterations':
        length = ms(s.maxDuration, 600_000);
        exact = false;
        break;
      case 'constant-vus':
      case 'constant-arrival-rate':
        length = ms(s.duration, 0);
        break;
      case 'ramping-vus':
      case 'ramping-arrival-rate':
        length = s.stages.reduce((sum, st) => sum + ms(st.duration, 0), 0);
        break;
    }
    end = Math.max(end, ms(s.startTime, 0) + length);
  }
  return { ms: end, exact };
}
