// Rules about a plan's stream steps' LLM fields (docs/llm.md). Pure.
import type { Finding } from './diagnostics.js';
import type { Plan } from './schema.js';
import { streamSlos } from './walk.js';

/** A `goodput` threshold in a plan whose stream steps have no `slo` is never judged: goodput gets no samples. */
export function checkGoodputThresholds(plan: Plan, out: Finding[]): void {
  if (plan.script !== undefined || plan.metrics?.['goodput'] !== undefined || streamSlos(plan).length > 0)
    return;
  for (const key of Object.keys(plan.thresholds ?? {})) {
    if (key !== 'goodput' && !key.startsWith('goodput{')) continue;
    out.push({
      severity: 'warning',
      path: ['thresholds', key],
      atKey: true,
      message: 'no stream step has an `slo`, so `goodput` gets no samples and this threshold is never judged',
      hint: "give the streaming step's `stream:` an `slo`, e.g. { ttft: 2s, tpot: 50ms }",
    });
  }
}
