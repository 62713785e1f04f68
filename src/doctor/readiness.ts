// `run`'s preflight: whether this host, k6 and the plan's target can give a valid run, as doctor checks it.
// What a run cannot do without (k6, the secrets, a writable results folder) is always checked; the
// plan-sized host and target checks are skipped with --skip-preflight.
import type { Io } from '../io/io.js';
import type { FindK6Result } from '../k6/locate.js';
import { peakVUs } from '../plans/resolve.js';
import { streamStepNames } from '../plans/rules.js';
import type { Plan } from '../plans/schema.js';
import { checkPreflight, probeWritable } from './preflight.js';

export interface ReadinessRequest {
  plan: Plan;
  targetName: string;
  resultsRoot: string;
  k6: FindK6Result;
  /** The run keeps raw samples (sizes the disk check). */
  samples: boolean;
  /** --skip-preflight: only what a run cannot do without. */
  skipHostChecks: boolean;
}

export interface Readiness {
  /** Each a printable block: "  ✗ what: observed\n      fix: …". Non-empty means the run must not start. */
  failures: string[];
  /** One line each, printed before the run. */
  warnings: string[];
}

export async function probeRunReadiness(io: Io, req: ReadinessRequest): Promise<Readiness> {
  const { plan, k6, resultsRoot } = req;
  const resultsWriteError = await probeWritable(io, resultsRoot);
  const failures = checkPreflight(
    {
      k6,
      resultsDir: resultsRoot,
      ...(resultsWriteError !== undefined ? { resultsWriteError } : {}),
      missingSecrets: (plan.secrets ?? []).filter((name) => !io.env[name]),
    },
    { peakVUs: peakVUs(plan), expectedBytes: 0, streamSteps: streamStepNames(plan) },
  ).map((p) => `  ✗ ${p.check}: ${p.message}\n      fix: ${p.fix}`);
  const warnings: string[] = [];
  if (req.skipHostChecks) {
    warnings.push(
      'preflight skipped (--skip-preflight): host limits and target reachability were not checked',
    );
  } else if (failures.length === 0) {
    const { probeDoctorFacts } = await import('./probe.js');
    const { computeNeeds, selectTargets } = await import('./needs.js');
    const { checkDoctor } = await import('./checks.js');
    const facts = await probeDoctorFacts(io, {
      resultsDir: resultsRoot,
      targets: selectTargets(plan, req.targetName),
      k6,
    });
    for (const f of checkDoctor(
      facts,
      computeNeeds(plan, { samples: req.samples, target: req.targetName }),
    )) {
      const line = `${f.title}: ${f.observed}${f.needed && f.needed !== '–' ? ` (needs ${f.needed})` : ''}`;
      const fix = f.fix ? `\n      fix: ${f.fix.split('\n').join('\n           ')}` : '';
      if (f.status === 'failure') failures.push(`  ✗ ${line}${fix}`);
      else if (f.status === 'warning') warnings.push(`⚠ ${line}${f.detail ? ` — ${f.detail}` : ''}`);
    }
  }
  return { failures, warnings };
}
