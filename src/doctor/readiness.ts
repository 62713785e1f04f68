// `run`'s preflight: whether this host, k6 and the plan's target can give a valid run. The facts are probed
// once, doctor's checks judge them, and preflight.ts selects and prints what a run acts on.
import type { Io } from '../io/io.js';
import type { FindK6Result } from '../k6/locate.js';
import type { Plan } from '../plans/schema.js';
import { checkDoctor } from './checks.js';
import { computeNeeds, selectMonitors, selectTargets } from './needs.js';
import { renderPreflight, selectPreflight, type Readiness } from './preflight.js';
import { probeDoctorFacts } from './probe.js';

export type { Readiness } from './preflight.js';

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

export async function probeRunReadiness(io: Io, req: ReadinessRequest): Promise<Readiness> {
  const { plan, skipHostChecks } = req;
  const facts = await probeDoctorFacts(io, {
    resultsDir: req.resultsRoot,
    // With --skip-preflight the targets are not contacted at all.
    targets: skipHostChecks ? [] : selectTargets(plan, req.targetName),
    // A monitor source that does not answer is a warning: the run still measures the client.
    monitors: skipHostChecks ? [] : selectMonitors(plan, req.targetName),
    secrets: plan.secrets ?? [],
    k6: req.k6,
  });
  const needs = computeNeeds(plan, { samples: req.samples, target: req.targetName });
  const findings = selectPreflight(checkDoctor(facts, needs), { hostChecks: !skipHostChecks });
  return renderPreflight(findings, { skipped: skipHostChecks });
}
