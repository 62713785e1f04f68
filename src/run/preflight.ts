// Preflight: everything that would make k6 fail or its numbers lie, reported together with fixes
// (src/doctor/readiness.ts decides; this prints its warnings and refuses the run on a failure).
import { probeRunReadiness, type ReadinessRequest } from '../doctor/readiness.js';
import { environmentError } from '../errors.js';
import type { Io } from '../io/io.js';
import { terminalSafeLines } from '../terminal-safe.js';
import type { FoundK6 } from './facts.js';

/** The k6 to run, once the run may start; an environment error listing every problem otherwise. */
export async function runPreflight(io: Io, req: ReadinessRequest): Promise<FoundK6> {
  const readiness = await probeRunReadiness(io, req);
  for (const w of readiness.warnings) io.stderr.write(`${terminalSafeLines(w)}\n`);
  const { k6 } = req;
  if (readiness.failures.length > 0 || k6.kind !== 'found') {
    throw environmentError(
      `preflight failed:\n${readiness.failures.join('\n')}`,
      'fix the problems above and run again (`loadctl doctor --plan …` shows every check)',
    );
  }
  return k6;
}
