// `run --vus/--duration/--iterations/--stages/--scenario/-e`: the overrides a k6 user types, parsed, applied
// to a resolved plan and checked again (docs/plans.md#overrides). Pure: refusals are usage errors (exit 2)
// naming the flags, never a file position, since the plan file is not what is wrong.
import { usageError } from '../errors.js';
import { didYouMean, type Finding } from './diagnostics.js';
import { formatDuration, isDuration, parseDuration } from './duration.js';
import { checkPlanRules } from './rules.js';
import type { Plan, Scenario } from './schema.js';
import { selectorTag, THRESHOLD_KEY } from './threshold-schema.js';
import { schemaFindings } from './validate.js';

/** The overrides as given on the command line (commander's values). */
export interface OverrideFlags {
  vus?: string | undefined;
  duration?: string | undefined;
  iterations?: string | undefined;
  stages?: readonly string[] | undefined;
  scenario?: readonly string[] | undefined;
  env?: readonly string[] | undefined;
}

/** The overrides parsed: what plan.resolved.json and meta.json record. */
export interface RunOverrides {
  vus?: number;
  duration?: string;
  iterations?: number;
  stages?: Array<{ duration: string; target: number }>;
  scenarios?: string[];
  env?: Record<string, string>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DURATION_HINT = 'a k6 duration such as 30s, 2m, 1h30m or 250ms';

function wholeNumber(flag: string, text: string): number {
  if (!/^\d{1,9}$/.test(text.trim()))
    throw usageError(`${flag} ${JSON.stringify(text)} is not a whole number`, `e.g. ${flag} 50`);
  return Number(text.trim());
}

function duration(flag: string, text: string): string {
  const d = text.trim();
  if (!isDuration(d))
    throw usageError(`${flag} ${JSON.stringify(text)} is not a duration`, `give ${DURATION_HINT}`);
  return d;
}

/** k6's stage syntax: `duration:target`, comma-separated (`30s:100,1m:500,30s:0`). */
export function parseStages(texts: readonly string[]): Array<{ duration: string; target: number }> {
  const items = texts.flatMap((t) => t.split(',')).map((s) => s.trim());
  return items.map((item) => {
    const [d, target, ...rest] = item.split(':');
    if (d === undefined || target === undefined || rest.length > 0 || d === '' || target === '')
      throw usageError(
        `--stages: ${JSON.stringify(item)} is not a stage`,
        'write each stage as duration:target, comma-separated: --stages 30s:100,1m:500,30s:0',
      );
    return { duration: duration(`--stages ${item}:`, d), target: wholeNumber(`--stages ${item}:`, target) };
  });
}

function parseEnv(texts: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const text of texts) {
    const eq = text.indexOf('=');
    const key = eq < 0 ? text : text.slice(0, eq);
    if (eq < 0 || !IDENT.test(key))
      throw usageError(
        `-e ${JSON.stringify(text)} is not KEY=VALUE`,
        'KEY is letters, digits and "_", not starting with a digit: -e USER_COUNT=20',
      );
    if (key.startsWith('LOADCTL_'))
      throw usageError(`-e ${key}: names starting with LOADCTL_ are loadctl's own`, 'choose another name');
    env[key] = text.slice(eq + 1);
  }
  return env;
}

/** The flags' syntax checked; their limits are the plan's, checked once applied (applyOverrides). */
export function parseOverrides(flags: OverrideFlags): RunOverrides {
  const scenarios = (flags.scenario ?? []).flatMap((s) => s.split(',')).map((s) => s.trim());
  if (scenarios.some((s) => s === ''))
    throw usageError('--scenario needs a scenario name', 'e.g. --scenario browse, or --scenario a,b');
  return {
    ...(flags.vus !== undefined ? { vus: wholeNumber('--vus', flags.vus) } : {}),
    ...(flags.duration !== undefined ? { duration: duration('--duration', flags.duration) } : {}),
    ...(flags.iterations !== undefined ? { iterations: wholeNumber('--iterations', flags.iterations) } : {}),
    ...(flags.stages !== undefined && flags.stages.length > 0 ? { stages: parseStages(flags.stages) } : {}),
    ...(scenarios.length > 0 ? { scenarios: [...new Set(scenarios)] } : {}),
    ...(flags.env !== undefined && flags.env.length > 0 ? { env: parseEnv(flags.env) } : {}),
  };
}

export function hasOverrides(o: RunOverrides): boolean {
  return Object.keys(o).length > 0;
}

/** The overrides as typed, for the run's header: `--vus 50 --duration 30s`. Env values are not shown. */
export function describeOverrides(o: RunOverrides): string {
  const parts: string[] = [];
  if (o.scenarios) parts.push(`--scenario ${o.scenarios.join(',')}`);
  if (o.vus !== undefined) parts.push(`--vus ${o.vus}`);
  if (o.duration !== undefined) parts.push(`--duration ${o.duration}`);
  if (o.iterations !== undefined) parts.push(`--iterations ${o.iterations}`);
  if (o.stages) parts.push(`--stages ${o.stages.map((s) => `${s.duration}:${s.target}`).join(',')}`);
  for (const key of Object.keys(o.env ?? {})) parts.push(`-e ${key}=…`);
  return parts.join(' ');
}

function selectScenarios(plan: Plan, names: readonly string[] | undefined): Record<string, Scenario> {
  if (names === undefined) return plan.scenarios;
  const known = Object.keys(plan.scenarios);
  for (const name of names) {
    if (known.includes(name)) continue;
    const guess = didYouMean(name, known);
    throw usageError(
      `--scenario ${JSON.stringify(name)}: the plan has no scenario of that name`,
      guess ? `did you mean ${guess}?` : `its scenarios: ${known.join(', ')}`,
    );
  }
  // In the plan's order, as k6 would list them.
  const kept = Object.entries(plan.scenarios).filter(([name]) => names.includes(name));
  return Object.fromEntries(startAtOnce(kept));
}

/**
 * The scenarios picked, moved earlier together so the first starts at once: a plan that runs its tests one
 * after another (each with its `startTime`) runs the one picked now, not after the others' time has passed.
 * Their distances from each other are kept.
 */
function startAtOnce(kept: Array<[string, Scenario]>): Array<[string, Scenario]> {
  const startMs = (s: Scenario): number => parseDuration(s.startTime ?? '0s') ?? 0;
  const earliest = Math.min(...kept.map(([, s]) => startMs(s)));
  if (!(earliest > 0)) return kept;
  return kept.map(([name, s]) => {
    const { startTime: _dropped, ...rest } = s;
    const left = startMs(s) - earliest;
    const text = left % 1000 === 0 ? formatDuration(left) : `${left}ms`;
    return [name, (left > 0 ? { ...rest, startTime: text } : rest) as Scenario];
  });
}

/** The scenario a threshold's tag selector names (`http_req_duration{scenario:load}`), if any. */
function thresholdScenario(key: string): string | undefined {
  return selectorTag(key.match(THRESHOLD_KEY)?.[2], 'scenario');
}

/**
 * The thresholds that judge the scenarios picked: one keyed on a scenario left out would only say "no data",
 * so it goes, and each test's thresholds are judged on its own traffic.
 */
function thresholdsFor(plan: Plan, names: readonly string[] | undefined): Plan['thresholds'] {
  if (names === undefined || plan.thresholds === undefined) return plan.thresholds;
  return Object.fromEntries(
    Object.entries(plan.thresholds).filter(([key]) => {
      const scenario = thresholdScenario(key);
      return scenario === undefined || names.includes(scenario);
    }),
  );
}

const shapeFlags = (o: RunOverrides): string[] =>
  [
    o.vus !== undefined ? '--vus' : undefined,
    o.duration !== undefined ? '--duration' : undefined,
    o.iterations !== undefined ? '--iterations' : undefined,
    o.stages !== undefined ? '--stages' : undefined,
  ].filter((f): f is string => f !== undefined);

/** The fields every executor shares, kept when the shape changes. */
function common(s: Scenario) {
  const { flow, exec, startTime, gracefulStop, tags, env } = s;
  return Object.fromEntries(
    Object.entries({ flow, exec, startTime, gracefulStop, tags, env }).filter(([, v]) => v !== undefined),
  ) as Pick<Scenario, 'flow' | 'exec' | 'startTime' | 'gracefulStop' | 'tags' | 'env'>;
}

/** The scenario's one VU count, where it has one (not a ramp's, not an arrival rate's pool). */
function ownVUs(s: Scenario): number | undefined {
  return s.executor === 'constant-vus' ||
    s.executor === 'shared-iterations' ||
    s.executor === 'per-vu-iterations'
    ? (s.vus ?? 1)
    : undefined;
}

function reshapeOpen(name: string, s: Scenario, o: RunOverrides): Scenario {
  const flags = shapeFlags(o);
  if (s.executor === 'constant-arrival-rate' && flags.length === 1 && o.duration !== undefined)
    return { ...s, duration: o.duration };
  throw usageError(
    `${flags.join(' ')}: scenario ${name} is ${s.executor}, whose load is an arrival rate, not VUs`,
    s.executor === 'constant-arrival-rate'
      ? 'only --duration applies to a constant-arrival-rate scenario; change its rate in the plan, or pick another scenario with --scenario'
      : 'change its stages in the plan, or pick another scenario with --scenario',
  );
}

/** The closed-model shape the flags give, as k6's own --vus/--duration/--iterations/--stages do. */
function reshapeClosed(name: string, s: Scenario, o: RunOverrides): Scenario {
  const keep = common(s);
  const vus = o.vus ?? ownVUs(s);
  if (o.stages !== undefined) {
    const startVUs = o.vus ?? (s.executor === 'ramping-vus' ? s.startVUs : undefined);
    const rampDown = s.executor === 'ramping-vus' ? s.gracefulRampDown : undefined;
    return {
      executor: 'ramping-vus',
      ...keep,
      ...(startVUs !== undefined ? { startVUs } : {}),
      stages: o.stages,
      ...(rampDown !== undefined ? { gracefulRampDown: rampDown } : {}),
    };
  }
  if (o.iterations === undefined && o.duration === undefined) {
    // --vus alone: the scenario's shape with that many VUs.
    if (
      s.executor === 'constant-vus' ||
      s.executor === 'shared-iterations' ||
      s.executor === 'per-vu-iterations'
    )
      return { ...s, vus: o.vus ?? s.vus };
    throw usageError(
      `--vus: scenario ${name} is ${s.executor}, whose VUs follow its stages`,
      'give --stages for another ramp, or --duration with --vus for a constant load',
    );
  }
  if (vus === undefined)
    throw usageError(
      `${shapeFlags(o).join(' ')}: scenario ${name} is ramping-vus, which has no one VU count to keep`,
      'give the VUs with --vus',
    );
  if (o.iterations !== undefined)
    return {
      executor: 'shared-iterations',
      ...keep,
      vus,
      iterations: o.iterations,
      ...(o.duration !== undefined ? { maxDuration: o.duration } : {}),
    };
  return { executor: 'constant-vus', ...keep, vus, duration: o.duration ?? '' };
}

function checkCombination(o: RunOverrides): void {
  if (o.stages === undefined) return;
  for (const [flag, given] of [
    ['--duration', o.duration],
    ['--iterations', o.iterations],
  ] as const)
    if (given !== undefined)
      throw usageError(
        `--stages with ${flag}: the stages already say how long the load lasts`,
        `leave out ${flag}, or --stages`,
      );
}

function reshape(scenarios: Record<string, Scenario>, o: RunOverrides): Record<string, Scenario> {
  const flags = shapeFlags(o);
  if (flags.length === 0) return scenarios;
  checkCombination(o);
  const names = Object.keys(scenarios);
  if (names.length !== 1)
    throw usageError(
      `${flags.join(' ')} shape one scenario, and the plan runs ${names.length} (${names.join(', ')})`,
      'choose the one to reshape with --scenario NAME',
    );
  const [name = '', s] = Object.entries(scenarios)[0] ?? [];
  if (s === undefined) return scenarios;
  const open = s.executor === 'constant-arrival-rate' || s.executor === 'ramping-arrival-rate';
  return { [name]: open ? reshapeOpen(name, s, o) : reshapeClosed(name, s, o) };
}

function withEnv(plan: Plan, env: Record<string, string> | undefined): Plan {
  if (env === undefined) return plan;
  const secrets = plan.secrets ?? [];
  for (const key of Object.keys(env))
    if (secrets.includes(key))
      throw usageError(
        `-e ${key}: ${key} is one of the plan's secrets, which come from the environment only`,
        `export ${key} before running loadctl; a secret on a command line is kept in shell history and seen by ps`,
      );
  return { ...plan, env: { ...(plan.env ?? {}), ...env } };
}

const FIELD_FLAGS: Record<string, string> = {
  vus: '--vus',
  startVUs: '--vus',
  duration: '--duration',
  maxDuration: '--duration',
  iterations: '--iterations',
  stages: '--stages',
  env: '-e',
};

/** The flag behind a problem in the overridden plan, else all of them. */
function flagOf(f: Finding, given: string): string {
  for (const seg of [...f.path].reverse()) {
    const flag = FIELD_FLAGS[String(seg)];
    if (flag !== undefined && given.includes(flag)) return flag;
  }
  return given;
}

/** The plan with the overrides applied, checked again as a plan is: every problem names its flag. */
export function applyOverrides(plan: Plan, o: RunOverrides): Plan {
  if (!hasOverrides(o)) return plan;
  const scenarios = reshape(selectScenarios(plan, o.scenarios), o);
  const thresholds = thresholdsFor(plan, o.scenarios);
  const applied = withEnv({ ...plan, scenarios, ...(thresholds ? { thresholds } : {}) }, o.env);
  const { plan: checked, findings } = schemaFindings(applied);
  const errors = [...findings, ...(checked ? checkPlanRules(checked) : [])].filter(
    (f) => f.severity === 'error',
  );
  if (errors.length === 0 && checked !== undefined) return checked;
  const given = describeOverrides(o);
  throw usageError(
    `the plan with ${given} is not valid:\n${errors.map((f) => `  ${flagOf(f, given)}: ${f.path.join('.')}: ${f.message}`).join('\n')}`,
    'change the values of these flags',
  );
}
