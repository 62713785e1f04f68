// How a plan's options overlay an existing script's own `options`. Pure (no k6 imports), runs inside k6.
// The script's scenarios stay as written unless the plan names the same scenario (its fields win; a changed
// executor replaces the scenario) or adds one.

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeByKey(base: unknown, over: unknown, merge: (b: unknown, o: unknown) => unknown): Obj {
  const out: Obj = {};
  if (isObj(base)) for (const key of Object.keys(base)) out[key] = base[key];
  if (isObj(over)) for (const key of Object.keys(over)) out[key] = merge(out[key], over[key]);
  return out;
}

function mergeScenario(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over;
  if (over.executor !== undefined && over.executor !== base.executor) return over;
  return mergeByKey(base, over, (_b, o) => o);
}

// k6's shortcut options: together they define an implicit "default" scenario.
const SHORTCUTS = ['vus', 'duration', 'iterations', 'stages'];

export function mergeOptions(script: unknown, plan: Obj): Obj {
  const out: Obj = {};
  if (isObj(script)) for (const key of Object.keys(script)) out[key] = script[key];
  // Scenarios from the plan replace a script's shortcuts: k6 refuses both at once.
  const planScenarios = plan.scenarios;
  if (isObj(planScenarios) && Object.keys(planScenarios).length > 0 && out.scenarios === undefined) {
    for (const key of SHORTCUTS) delete out[key];
  }
  for (const key of Object.keys(plan)) {
    const value = plan[key];
    if (key === 'scenarios') {
      if (isObj(value) && Object.keys(value).length > 0)
        out.scenarios = mergeByKey(out.scenarios, value, mergeScenario);
    } else if (key === 'summaryTrendStats' && Array.isArray(out[key]) && Array.isArray(value)) {
      // The script's own statistics stay; the plan adds those its summary and thresholds need.
      const stats = (out[key] as unknown[]).slice();
      for (const stat of value) if (stats.indexOf(stat) < 0) stats.push(stat);
      out[key] = stats;
    } else if (key === 'thresholds' || key === 'tags') {
      out[key] = mergeByKey(out[key], value, (_b, o) => o);
    } else {
      out[key] = value;
    }
  }
  return out;
}
