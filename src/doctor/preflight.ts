// Run's preflight is doctor's checks, selected and printed for a run (pure). What a run cannot do without
// (checks.ts isRunEssential: k6, streaming when the plan streams, declared secrets, a writable results folder
// with room) is always checked; the plan-sized host and target checks are skipped with --skip-preflight.
import { isRunEssential } from './checks.js';
import type { Finding } from './finding.js';

export interface Readiness {
  /** Each a printable block: "  ✗ what: observed\n      fix: …". Non-empty means the run must not start. */
  failures: string[];
  /** One line each, printed before the run. */
  warnings: string[];
}

export const PREFLIGHT_SKIPPED =
  'preflight skipped (--skip-preflight): host limits and target reachability were not checked';

/** The findings a run acts on: all of doctor's, or only the essential ones with --skip-preflight. */
export function selectPreflight(findings: readonly Finding[], opts: { hostChecks: boolean }): Finding[] {
  return findings.filter((x) => opts.hostChecks || isRunEssential(x));
}

/** "title: observed (needs …) — why", the one-line form of a finding. */
export function renderFindingLine(x: Finding): string {
  const needs = x.needed && x.needed !== '–' ? ` (needs ${x.needed})` : '';
  return `${x.title}: ${x.observed}${needs}${x.detail ? ` — ${x.detail}` : ''}`;
}

export function renderPreflight(findings: readonly Finding[], opts: { skipped: boolean }): Readiness {
  const failures: string[] = [];
  const warnings: string[] = opts.skipped ? [PREFLIGHT_SKIPPED] : [];
  for (const x of findings) {
    if (x.status === 'failure') {
      const fix = x.fix ? `\n      fix: ${x.fix.split('\n').join('\n           ')}` : '';
      failures.push(`  ✗ ${renderFindingLine(x)}${fix}`);
    } else if (x.status === 'warning') {
      warnings.push(`⚠ ${renderFindingLine(x)}`);
    }
  }
  return { failures, warnings };
}
