// The data sets' side of reading a plan: files exist, and the files loadctl prepares (JSON Lines, CSV with
// `fields`) parse, with every problem at its file:line; synthetic sets are not too large to generate.
import type { Diagnostic } from './diagnostics.js';
import {
  isFileSet,
  isPreparedSet,
  prepareFileRows,
  syntheticSizeProblem,
  type LineProblem,
} from './datasets.js';
import type { Plan } from './schema.js';
import type { Finding } from './validate.js';
import type { Io } from '../io/io.js';

/** A data file is copied into the run folder and loaded by every k6 instance: large, but not unbounded. */
export const MAX_DATA_FILE_BYTES = 256 * 1024 * 1024;

export interface DataSetProblems {
  /** Problems in the plan, placed at its keys. */
  findings: Finding[];
  /** Problems inside the data files, at their own lines. */
  diagnostics: Diagnostic[];
}

/** Problems inside a data file as diagnostics of that file (a path of the plan says which set). */
export function fileDiagnostics(
  shownFile: string,
  set: string,
  problems: ReadonlyArray<LineProblem>,
): Diagnostic[] {
  return problems.map((p) => ({
    severity: 'error',
    file: shownFile,
    ...(p.line !== undefined ? { line: p.line } : {}),
    ...(p.col !== undefined ? { col: p.col } : {}),
    path: ['data', set],
    message: p.message,
  }));
}

export async function checkDataSets(
  io: Io,
  plan: Plan,
  where: { resolve: (file: string) => string; show: (absPath: string) => string },
): Promise<DataSetProblems> {
  const out: DataSetProblems = { findings: [], diagnostics: [] };
  for (const [name, set] of Object.entries(plan.data ?? {})) {
    if (!isFileSet(set)) {
      if (set.synthetic === undefined) continue; // the schema reported it
      const problem = syntheticSizeProblem(set.synthetic);
      if (problem !== undefined)
        out.findings.push({
          severity: 'error',
          path: ['data', name, 'synthetic'],
          message: problem,
          hint: 'lower `count` or the input length; keep larger prompt sets in a JSONL file',
        });
      continue;
    }
    const absPath = where.resolve(set.file);
    if (!(await io.exists(absPath))) {
      out.findings.push({
        severity: 'error',
        path: ['data', name, 'file'],
        message: `data file ${JSON.stringify(set.file)} does not exist`,
        hint: 'paths are relative to the plan file',
      });
      continue;
    }
    if (!isPreparedSet(set)) continue;
    let text: string;
    try {
      text = await io.readText(absPath, MAX_DATA_FILE_BYTES);
    } catch {
      continue; // preparing the run reports an unreadable file with its reason and hint
    }
    const prepared = prepareFileRows(set, text);
    if (!prepared.ok) out.diagnostics.push(...fileDiagnostics(where.show(absPath), name, prepared.problems));
  }
  return out;
}
