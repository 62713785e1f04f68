// Facts about the host (probe.ts) and what a plan needs (needs.ts) → findings, each with the observed value,
// what is needed and the exact fix. Pure: every input is data, so every edge is a table row in a test.
// The checks live by subject: run-checks.ts (what a run cannot do without), host-checks.ts, target-checks.ts.
import {
  checkCpu,
  checkEphemeralPorts,
  checkFileMax,
  checkMemory,
  checkNode,
  checkOpenFiles,
  checkSomaxconn,
  checkTwReuse,
} from './host-checks.js';
import type { Finding } from './finding.js';
import { checkMonitors } from './monitor-checks.js';
import type { PlanNeeds } from './needs.js';
import type { DoctorFacts } from './probe.js';
import { checkK6, checkK6Streaming, checkResults, checkSecret } from './run-checks.js';
import { checkTarget } from './target-checks.js';

export { doctorFailed, type Finding, type Status } from './finding.js';
export * from './host-checks.js';
export * from './run-checks.js';
export { CERT_WARN_DAYS, checkTarget } from './target-checks.js';

/** Every check, in the order they are printed. */
export function checkDoctor(f: DoctorFacts, needs: PlanNeeds | undefined): Finding[] {
  return [
    checkK6(f),
    checkK6Streaming(f, needs),
    checkNode(f),
    checkCpu(f),
    checkMemory(f, needs),
    checkOpenFiles(f, needs),
    checkFileMax(f, needs),
    checkEphemeralPorts(f, needs),
    checkTwReuse(f, needs),
    checkSomaxconn(f, needs),
    ...checkResults(f, needs),
    ...f.secrets.map(checkSecret),
    ...f.targets.flatMap((t) => checkTarget(t, f)),
    ...checkMonitors(f.monitors),
  ].filter((x) => x !== undefined);
}

/** The checks a run cannot do without: run's preflight makes them even with --skip-preflight. */
const RUN_ESSENTIAL = new Set(['k6', 'k6.streaming', 'results-writable', 'disk']);

export function isRunEssential(x: Finding): boolean {
  return RUN_ESSENTIAL.has(x.id) || x.id.startsWith('secret.');
}
