// Schema check + plan rules → every problem at once, each with file:line:col, plan path, message and hint.
import type { z } from 'zod';
import { didYouMean, sortDiagnostics, type Diagnostic, type Finding, type PlanPath } from './diagnostics.js';
import type { PlanSource } from './parse.js';
import { applyProfile, profileSets } from './profiles.js';
import { checkPlanRules, UNUSED_FLOW } from './rules.js';
import { planSchema, type Plan } from './schema.js';

export type { Finding } from './diagnostics.js';

/** A plan that validated, typed, with its profiles applied: what resolvePlan works on. */
export interface ValidPlan {
  plan: Plan;
  /**
   * The plan with each profile applied, for every profile whose result passes the schema (checked once,
   * here; resolvePlan picks one and does not validate again).
   */
  withProfile: Readonly<Record<string, Plan>>;
}

export interface ValidationResult {
  /** Present when the plan has no errors (warnings allowed). */
  plan?: Plan;
  /** Present with `plan`. */
  withProfile?: Readonly<Record<string, Plan>>;
  diagnostics: Diagnostic[];
}

type Issue = z.core.$ZodIssue;
interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  valueType?: unknown;
  element?: unknown;
  innerType?: unknown;
  options?: unknown[];
  getter?: () => unknown;
  in?: unknown;
  discriminator?: string;
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
}

function valueAt(root: unknown, path: PlanPath): unknown {
  let node = root;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

/** Unwraps optional/lazy/pipe wrappers and picks the union member that fits the data best. */
function settle(schema: unknown, data: unknown): unknown {
  for (let guard = 0; guard < 20; guard++) {
    const def = defOf(schema);
    if (!def) return schema;
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') schema = def.innerType;
    else if (def.type === 'lazy' && def.getter) schema = def.getter();
    else if (def.type === 'pipe') schema = def.in;
    else if (def.type === 'union' && def.options) {
      const keys = data !== null && typeof data === 'object' ? Object.keys(data) : [];
      let best: unknown = def.options[0];
      let bestScore = -1;
      for (const option of def.options) {
        const optDef = defOf(settle(option, undefined));
        if (optDef?.type !== 'object' || !optDef.shape) continue;
        const shape = optDef.shape;
        let score = keys.filter((k) => k in shape).length;
        if (def.discriminator && data && typeof data === 'object') {
          const disc = defOf(shape[def.discriminator]) as { values?: unknown[] } | undefined;
          const actual = (data as Record<string, unknown>)[def.discriminator];
          if (disc?.values?.includes(actual)) score += 1000;
        }
        if (score > bestScore) {
          best = option;
          bestScore = score;
        }
      }
      schema = best;
    } else return schema;
  }
  return schema;
}

/** The keys the schema allows at a path (for "did you mean"). */
function knownKeysAt(root: unknown, path: PlanPath, data: unknown): string[] {
  let schema = settle(root, data);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string | number;
    const def = defOf(schema);
    const child = valueAt(data, path.slice(0, i + 1));
    if (def?.type === 'object' && def.shape) schema = def.shape[String(seg)];
    else if (def?.type === 'record') schema = def.valueType;
    else if (def?.type === 'array') schema = def.element;
    else return [];
    schema = settle(schema, child);
  }
  const def = defOf(schema);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  record: 'a mapping',
  object: 'a mapping',
  array: 'a list',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
};

/** The value itself has the wrong type or is the wrong constant for this form (not a problem inside it). */
function isShapeMismatch(issue: Issue): boolean {
  return issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
}

/** A value that fits none of a union's forms: the discriminator's options, or the closest form's problems. */
function unionFindings(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: PlanPath,
  data: unknown,
  root: unknown,
): Finding[] {
  if (issue.discriminator) {
    const actual = valueAt(data, path);
    const options = (issue as { options?: unknown[] }).options?.map(String) ?? [];
    if (actual === undefined) {
      return [
        {
          severity: 'error',
          path,
          message: `\`${issue.discriminator}\` is required`,
          hint: `one of: ${options.join(', ')}`,
        },
      ];
    }
    const guess = typeof actual === 'string' ? didYouMean(actual, options) : undefined;
    return [
      {
        severity: 'error',
        path,
        message: `unknown ${issue.discriminator} ${describe(actual)}`,
        hint: guess ? `did you mean \`${guess}\`?` : `one of: ${options.join(', ')}`,
      },
    ];
  }
  // The branch whose shape the value has (a mapping for a mapping form, text for a text form) is what the
  // user was writing, and among those the one with the fewest problems: `{ threshold, delayAbortEval: 10 }`
  // is a long-form threshold with a bad delayAbortEval, not "expected text, got a mapping".
  const branches = issue.errors.filter((b) => b.length > 0);
  if (branches.length === 0)
    return [{ severity: 'error', path, message: 'value does not match any allowed form' }];
  const shaped = branches.filter((b) => !b.some(isShapeMismatch));
  const best = (shaped.length > 0 ? shaped : branches).reduce((a, b) => (b.length < a.length ? b : a));
  return best.flatMap((inner) => issueFindings(inner, path, data, root));
}

function issueFindings(issue: Issue, base: PlanPath, data: unknown, root: unknown): Finding[] {
  const path = [...base, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(root, path, data);
      return issue.keys.map((key) => {
        const guess = didYouMean(key, known);
        const hint = guess
          ? `did you mean \`${guess}\`?`
          : known.length
            ? `allowed here: ${known.join(', ')}`
            : undefined;
        return {
          severity: 'error',
          path: [...path, key],
          atKey: true,
          message: `unknown key \`${key}\``,
          ...(hint ? { hint } : {}),
        };
      });
    }
    case 'invalid_type': {
      const actual = valueAt(data, path);
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (actual === undefined) {
        const key = path[path.length - 1];
        return [{ severity: 'error', path, message: `\`${String(key)}\` is required (${expected})` }];
      }
      // A schema's own message says more than "expected text" (e.g. a duration given as a bare number).
      const message = issue.message.startsWith('Invalid input')
        ? `expected ${expected}, got ${describe(actual)}`
        : issue.message;
      return [{ severity: 'error', path, message }];
    }
    case 'invalid_union':
      return unionFindings(issue, path, data, root);
    case 'invalid_key': {
      // A bad key of a mapping (a scenario or threshold name): say what is wrong with it, at the key.
      const inner = issue.issues[0];
      const message =
        inner && !inner.message.startsWith('Invalid')
          ? inner.message
          : `\`${String(issue.path.at(-1))}\` is not allowed as a key here`;
      return [{ severity: 'error', path, atKey: true, message }];
    }
    case 'invalid_value': {
      const actual = valueAt(data, path);
      const options = issue.values.map((v) => String(v));
      const guess = typeof actual === 'string' ? didYouMean(actual, options) : undefined;
      return [
        {
          severity: 'error',
          path,
          message: `${describe(actual)} is not allowed here`,
          hint: guess ? `did you mean \`${guess}\`?` : `one of: ${options.join(', ')}`,
        },
      ];
    }
    case 'too_small': {
      const min = String(issue.minimum);
      const message =
        issue.origin === 'array'
          ? `needs at least ${min} item${min === '1' ? '' : 's'}`
          : issue.origin === 'string'
            ? issue.message.startsWith('Too small')
              ? `must not be empty`
              : issue.message
            : issue.message.startsWith('Too small')
              ? `must be at least ${min}, got ${describe(valueAt(data, path))}`
              : issue.message;
      return [{ severity: 'error', path, message }];
    }
    case 'too_big': {
      const message = issue.message.startsWith('Too big')
        ? `must be at most ${String(issue.maximum)}, got ${describe(valueAt(data, path))}`
        : issue.message;
      return [{ severity: 'error', path, message }];
    }
    default:
      return [{ severity: 'error', path, message: issue.message }];
  }
}

export function schemaFindings(value: unknown): { plan?: Plan; findings: Finding[] } {
  const result = planSchema.safeParse(value);
  if (result.success) return { plan: result.data, findings: [] };
  return { findings: result.error.issues.flatMap((issue) => issueFindings(issue, [], value, planSchema)) };
}

export function placeFindings(source: PlanSource, findings: readonly Finding[]): Diagnostic[] {
  return findings.map((f) => {
    const pos = source.locate(f.path, { key: f.atKey === true });
    return {
      severity: f.severity,
      file: source.file,
      ...(pos ?? {}),
      path: f.path,
      message: f.message,
      ...(f.hint ? { hint: f.hint } : {}),
    };
  });
}

interface ProfileResults {
  findings: Finding[];
  withProfile: Record<string, Plan>;
}

/** Each profile applied and checked; a problem the profile causes is reported at the profile. */
function checkProfiles(raw: Record<string, unknown>, baseFindings: readonly Finding[]): ProfileResults {
  const out: ProfileResults = { findings: [], withProfile: {} };
  const profiles = raw.profiles;
  if (profiles === null || typeof profiles !== 'object') return out;
  const seen = new Set(baseFindings.map((f) => `${f.path.join('\0')}|${f.message}`));
  for (const [name, profile] of Object.entries(profiles)) {
    if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) continue;
    const merged = applyProfile(raw, profile as Record<string, unknown>);
    const { plan, findings } = schemaFindings(merged);
    if (plan) out.withProfile[name] = plan;
    const all = plan ? checkPlanRules(plan) : findings;
    for (const f of all) {
      if (seen.has(`${f.path.join('\0')}|${f.message}`)) continue;
      if (!profileSets(profile, f.path)) continue;
      out.findings.push({
        ...f,
        path: ['profiles', name, ...f.path],
        message: `${f.message} (with profile \`${name}\`)`,
      });
    }
  }
  return out;
}

/** "No scenario runs the flow" is no warning when a profile's scenario runs it (a shape kept for a profile). */
function runByAProfile(f: Finding, withProfile: Record<string, Plan>): boolean {
  const [where, flow, ...rest] = f.path;
  if (f.severity !== 'warning' || where !== 'flows' || rest.length > 0 || !f.message.startsWith(UNUSED_FLOW))
    return false;
  return Object.values(withProfile).some((p) => Object.values(p.scenarios).some((s) => s.flow === flow));
}

export function validatePlan(source: PlanSource): ValidationResult {
  const raw = source.value as Record<string, unknown>;
  const { plan, findings } = schemaFindings(raw);
  const ruleFindings = plan ? checkPlanRules(plan) : [];
  const base = [...findings, ...ruleFindings];
  const profiles = checkProfiles(raw, base);
  const all = [...base.filter((f) => !runByAProfile(f, profiles.withProfile)), ...profiles.findings];
  const diagnostics = sortDiagnostics(placeFindings(source, all));
  const ok = plan !== undefined && !all.some((f) => f.severity === 'error');
  return ok ? { plan, withProfile: profiles.withProfile, diagnostics } : { diagnostics };
}
