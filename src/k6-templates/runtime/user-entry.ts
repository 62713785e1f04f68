// The wrapper around an existing k6 script (plans with `script:`). The script runs as written; the plan's
// options overlay its own, and loadctl gets k6's end-of-test data beside whatever the script's own
// handleSummary writes. Like entry.ts, it reads the plan only as data from line 1.
import * as user from 'loadctl:user-script';
import type { ScriptOverlay } from './model.js';
import { mergeOptions } from './overlay.js';

declare const __LOADCTL_PLAN__: string;
const overlay = JSON.parse(__LOADCTL_PLAN__) as ScriptOverlay;

// The script's exec functions (and setup/teardown) pass through under their own names.
export * from 'loadctl:user-script';

export const options = mergeOptions(user.options, overlay.options);

export default user.default;

export function handleSummary(data: Record<string, unknown>): unknown {
  const own = typeof user.handleSummary === 'function' ? user.handleSummary(data) : undefined;
  const path = overlay.summaryExport === undefined ? undefined : __ENV[overlay.summaryExport.envVar];
  if (path === undefined || path === '') return own;
  const out: Record<string, unknown> = {};
  if (typeof own === 'object' && own !== null)
    for (const key of Object.keys(own)) out[key] = (own as Record<string, unknown>)[key];
  // setup()'s return value may hold tokens: keep it out of stored results.
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(data)) if (key !== 'setup_data') kept[key] = data[key];
  out[path] = JSON.stringify(kept);
  return out;
}
