// Stored runs as the commands see them: a run folder with its checked summary.json, or a damaged one with
// what is wrong. Types only; src/store/read.ts reads them, src/report/render/runs-table.ts lists them.
import type { RunSummary } from '../report/model/summary.js';
import type { StoredMeta, StoredPlanResolved, StoredSeries } from './schemas/files.js';
import type { StoredServer } from './schemas/server.js';

export interface StoredRun {
  dir: string;
  summary: RunSummary;
}

/** A run folder whose summary.json cannot be used. */
export interface DamagedRun {
  dir: string;
  /** The plan folder's name. */
  plan: string;
  /** The folder's name (a run id, unless someone renamed it). */
  id: string;
  /** The file that is damaged, as named in the folder. */
  file: string;
  /** One line: the file's path and what is wrong, e.g. `…/summary.json: totals.requests: expected number, got string`. */
  message: string;
  hint?: string;
}

/** A run folder without summary.json: a run still going, or one killed before it could finish. */
export interface UnfinishedRun {
  dir: string;
  plan: string;
  id: string;
}

export interface StoredRuns {
  runs: StoredRun[];
  damaged: DamagedRun[];
  unfinished: UnfinishedRun[];
}

/** The files of a run folder a report is made of; only summary.json is required. */
export interface StoredRunFiles {
  summary: RunSummary;
  series?: StoredSeries;
  meta?: StoredMeta;
  plan?: StoredPlanResolved;
  /** server.json: the target's server side (plan `monitor:`, or the built-in demo). */
  server?: StoredServer;
}
