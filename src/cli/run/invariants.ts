// Invariants: after the load, ask the target about its business state (no double bookings, coupons issued
// == stock) and check the answers. The HTTP request is the effect; judging the answer is the runtime's pure
// matcher, the same code the k6 checks use.
import {
  ResponseView,
  matchResponse,
  readPath,
  type EvalContext,
} from '../../k6-templates/runtime/values.js';
import { compileMatcher, describeCheck } from '../../plans/compile.js';
import type { Invariant } from '../../plans/schema.js';
import type { InvariantSummary } from '../../report/summary.js';

function staticContext(env: Readonly<Record<string, string>>): EvalContext {
  return {
    vars: {},
    env: (name) => env[name],
    secret: (name) => {
      throw new Error(`invariants cannot use secrets (${name})`);
    },
    data: () => undefined,
    vu: () => 0,
    iter: () => 0,
    iterInTest: () => 0,
    scenario: () => 'invariants',
    now: () => Date.now(),
    random: Math.random,
  };
}

export async function runInvariants(
  baseUrl: string,
  invariants: readonly Invariant[],
  env: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>>,
): Promise<InvariantSummary[]> {
  const out: InvariantSummary[] = [];
  const ctx = staticContext(env);
  for (const inv of invariants) {
    const url = new URL(inv.path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
    let view: ResponseView;
    try {
      const res = await fetch(url, {
        method: inv.method ?? 'GET',
        headers: { ...headers, ...(inv.headers ?? {}) },
        signal: AbortSignal.timeout(10_000),
      });
      const started = Date.now();
      const body = await res.text();
      view = new ResponseView({
        status: res.status,
        headers: Object.fromEntries(res.headers.entries()),
        body,
        cookies: {},
        timings: { duration: Date.now() - started, waiting: 0 },
      });
    } catch (err) {
      out.push({ name: inv.name, ok: false, detail: `could not ask ${url}: ${(err as Error).message}` });
      continue;
    }
    const failures: string[] = [];
    const observed: string[] = [];
    for (const check of inv.expect) {
      const matcher = compileMatcher(check);
      const label = describeCheck(inv.path, check).slice(inv.path.length + 2);
      const value = matcher.json ? readPath(view.json(), matcher.json) : undefined;
      const seen = matcher.json
        ? ` (observed ${JSON.stringify(value) ?? 'nothing'})`
        : ` (status ${view.status})`;
      if (matchResponse(matcher, view, ctx)) observed.push(`${label}${seen}`);
      else failures.push(`expected ${label}${seen}`);
    }
    out.push({
      name: inv.name,
      ok: failures.length === 0,
      detail: (failures.length ? failures : observed).join('; '),
    });
  }
  return out;
}
