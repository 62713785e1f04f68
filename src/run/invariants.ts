// Invariants: after the load, ask the target about its business state (no double bookings, coupons issued
// == stock) and check the answers. The HTTP request is the effect; judging the answer is the runtime's pure
// matcher, the same code the k6 checks use. A failure to ask is a failed invariant, never a crash.
import {
  evaluate,
  matchResponse,
  readPath,
  ResponseView,
  toText,
  type EvalContext,
} from '../k6-templates/runtime/values.js';
import { joinUrl, resolveBaseUrl } from '../k6-templates/runtime/requests.js';
import { compileMatcher } from '../plans/compile.js';
import type { Invariant } from '../plans/schema.js';
import { compileValue } from '../plans/templates.js';
import type { InvariantSummary } from '../report/model/summary.js';
import type { Io } from '../io/io.js';
import { invariantCheckLabel } from './invariant-label.js';

/**
 * Invariants run outside k6, after the load: ${env.NAME} and ${secrets.NAME} mean something there (rules.ts
 * refuses other references in an invariant's own fields).
 */
function invariantContext(
  env: (name: string) => string | undefined,
  secret: (name: string) => string | undefined,
  now: () => number,
): EvalContext {
  const unavailable = (what: string) => () => {
    throw new Error(`${what} is not available in invariants`);
  };
  return {
    vars: {},
    env,
    secret: (name) => {
      const value = secret(name);
      if (value === undefined || value === '') throw new Error(`the secret ${name} is not set`);
      return value;
    },
    data: unavailable('a data set'),
    vu: () => 0,
    iter: () => 0,
    iterInTest: () => 0,
    scenario: () => 'invariants',
    now,
    random: Math.random,
  };
}

export interface InvariantTarget {
  baseUrl: string;
  /** Headers every request to the target carries (plan `http.headers`, then the target's), as written. */
  headers: Readonly<Record<string, string>>;
  /** ${env.NAME}: the environment first, then the plan's defaults. */
  env: (name: string) => string | undefined;
  /** ${secrets.NAME}: declared secrets, from the environment loadctl was started with. */
  secret?: (name: string) => string | undefined;
  /** Removes secret values from a detail (an env value may be a secret's; spec.redact). */
  redact?: (text: string) => string;
}

export async function runInvariants(
  io: Io,
  target: InvariantTarget,
  invariants: readonly Invariant[],
): Promise<InvariantSummary[]> {
  const out: InvariantSummary[] = [];
  const now = () => io.now().getTime();
  const ctx = invariantContext(target.env, target.secret ?? (() => undefined), now);
  const base = resolveBaseUrl(undefined, target.baseUrl);
  const redact = target.redact ?? ((text: string) => text);
  for (const inv of invariants) {
    try {
      const headers: Record<string, string> = {};
      // Shared headers may use what only exists inside k6 (a variable, a data row): those are left out here,
      // as the runtime leaves out a header whose variable is unset. The invariant's own headers must work.
      for (const [k, v] of Object.entries(target.headers)) {
        try {
          headers[k] = toText(evaluate(compileValue(v), ctx));
        } catch {
          // not available outside k6
        }
      }
      for (const [k, v] of Object.entries(inv.headers ?? {}))
        headers[k] = toText(evaluate(compileValue(v), ctx));
      const url = joinUrl(base, toText(evaluate(compileValue(inv.path), ctx)));
      const started = now();
      const res = await io.fetch(url, {
        method: inv.method ?? 'GET',
        headers,
        signal: AbortSignal.timeout(10_000),
      });
      const body = await res.text();
      const view = new ResponseView({
        status: res.status,
        headers: Object.fromEntries(res.headers.entries()),
        body,
        cookies: {},
        timings: { duration: now() - started, waiting: 0 },
      });
      const failures: string[] = [];
      const passed: string[] = [];
      for (const check of inv.expect) {
        const matcher = compileMatcher(check);
        const label = invariantCheckLabel(inv.path, check, ctx);
        const seen = matcher.json
          ? ` (observed ${JSON.stringify(readPath(view.json(), matcher.json)) ?? 'nothing'})`
          : ` (status ${view.status})`;
        if (matchResponse(matcher, view, ctx)) passed.push(`${label}${seen}`);
        else failures.push(`expected ${label}${seen}`);
      }
      out.push({
        name: inv.name,
        ok: failures.length === 0,
        detail: redact((failures.length ? failures : passed).join('; ')),
      });
    } catch (err) {
      out.push({
        name: inv.name,
        ok: false,
        detail: redact(`could not check it: ${(err as Error).message}`),
      });
    }
  }
  return out;
}
