// Profiles: named overrides merged over the plan before validation of the result.
// Objects merge key by key, arrays and scalars replace, `null` removes. Two rules make merges mean what a
// user expects: a scenario whose executor changes is replaced whole (executors have different fields), and
// a target given `url` drops `demo` (and the reverse), so a profile can point a real target at the demo;
// giving `demo` also drops the target's `monitor:` (the real hosts' exporters say nothing of the demo).

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over;
  const out: Obj = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else out[key] = deepMerge(out[key], value);
  }
  return out;
}

function mergeTarget(base: unknown, over: Obj): unknown {
  const start = isObj(base) ? { ...base } : {};
  if ('url' in over) delete start.demo;
  if ('demo' in over) delete start.url;
  if ('demo' in over) delete start.monitor;
  return deepMerge(start, over);
}

function mergeScenario(base: unknown, over: Obj): unknown {
  if (isObj(base) && typeof over.executor === 'string' && over.executor !== base.executor) return over;
  return deepMerge(base, over);
}

function mergeEach(base: unknown, over: unknown, merge: (b: unknown, o: Obj) => unknown): unknown {
  if (!isObj(over)) return base;
  const out: Obj = isObj(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else if (isObj(value)) out[key] = merge(out[key], value);
    else out[key] = value;
  }
  return out;
}

/** The raw plan value with one profile applied; `profiles` itself is kept so the result still validates. */
export function applyProfile(plan: Obj, profile: Obj): Obj {
  const out: Obj = { ...plan };
  for (const [key, value] of Object.entries(profile)) {
    if (key === 'description') continue;
    if (key === 'targets') out.targets = mergeEach(plan.targets, value, mergeTarget);
    else if (key === 'scenarios') out.scenarios = mergeEach(plan.scenarios, value, mergeScenario);
    else if (key === 'thresholds') out.thresholds = mergeEach(plan.thresholds, value, (_b, o) => o);
    else if (value === null) delete out[key];
    else out[key] = deepMerge(plan[key], value);
  }
  return out;
}

/** Does the profile itself set the value at this plan path (so a problem there is the profile's)? */
export function profileSets(profile: unknown, path: ReadonlyArray<string | number>): boolean {
  let node: unknown = profile;
  for (const seg of path) {
    if (!isObj(node) && !Array.isArray(node)) return true;
    const next: unknown = Array.isArray(node) ? node[Number(seg)] : node[String(seg)];
    if (next === undefined) return false;
    node = next;
  }
  return true;
}
