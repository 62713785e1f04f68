// One plan's line in `loadctl suite`'s summary and reports (src/run/suite.ts fills it). Types only.
import type { ServerStat } from '../../monitor/model.js';
import type { ExitCode } from '../../errors.js';

export interface SuiteRow {
  file: string;
  plan: string;
  target: string;
  /** passed, thresholds-failed, …, error, not run. */
  outcome: string;
  exitCode?: ExitCode;
  requests?: number;
  p95Ms?: number;
  errorRate?: number;
  runId?: string;
  /** The run folder, for links to its reports. */
  runDir?: string;
  /** The server's headline CPU (summary.server), when the run has one. */
  cpu?: ServerStat;
  message?: string;
}
