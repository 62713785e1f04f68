// How an invariant's check reads in the summary and every report: with its `${env.NAME}` values resolved, so
// `equals: '${env.COUPON_STOCK}'` shows as `== 20`, the figure the run was judged against. A `${secrets.*}`
// stays written as the reference (rules.ts refuses one in an invariant's own fields; this is the second
// line), and the caller redacts secret values an env value may hold. Pure.
import { evaluate, type EvalContext } from '../k6-templates/runtime/values.js';
import { describeCheck } from '../plans/compile.js';
import type { Check } from '../plans/schema.js';
import { compileValue } from '../plans/templates.js';

/** A resolved expected value as shown: text that is a plain number reads as the number (20, not "20"). */
function shownValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) && String(n) === value.trim() ? n : value;
}

/** One expected value resolved for display; as written when it cannot be evaluated (an unset variable). */
function resolveShown(value: unknown, ctx: EvalContext): unknown {
  if (typeof value !== 'string' || !value.includes('${')) return value;
  try {
    const resolved = evaluate(compileValue(value), ctx);
    return resolved === undefined ? value : shownValue(resolved);
  } catch {
    return value;
  }
}

/** A context that shows a secret by its reference, never its value. */
export function displayContext(ctx: EvalContext): EvalContext {
  return { ...ctx, secret: (name) => `\${secrets.${name}}` };
}

/** `json $.couponsIssued == 20`: the check as the invariant's detail names it, its values resolved. */
export function invariantCheckLabel(path: string, check: Check, ctx: EvalContext): string {
  const shown: Check = { ...check };
  const display = displayContext(ctx);
  if (check.equals !== undefined) shown.equals = resolveShown(check.equals, display) as Check['equals'];
  if (check.notEquals !== undefined)
    shown.notEquals = resolveShown(check.notEquals, display) as Check['notEquals'];
  return describeCheck(path, shown).slice(path.length + 2);
}
