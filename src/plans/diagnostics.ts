// A problem found in a plan: where (file:line:col and the plan path), what, and what to do about it.
import { terminalSafe, terminalSafeLines } from '../terminal-safe.js';

export type Severity = 'error' | 'warning';
export type PlanPath = ReadonlyArray<string | number>;

/** A problem before it has a place in the file (validation places it: placeFindings). */
export interface Finding {
  severity: Severity;
  path: PlanPath;
  message: string;
  hint?: string;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
}

export interface Diagnostic {
  severity: Severity;
  file: string;
  /** 1-based; absent when the problem has no place in the file (e.g. the file is empty). */
  line?: number;
  col?: number;
  path: PlanPath;
  message: string;
  hint?: string;
}

/** `scenarios.race.preAllocatedVUs`, `flows.book.steps[2].path`; keys that are not identifiers are quoted. */
export function formatPlanPath(path: PlanPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * One diagnostic per entry, `file:line:col: error: path: message` and an indented hint. Messages quote the
 * plan's keys and values, so every part is made terminal-safe.
 */
export function renderDiagnostic(d: Diagnostic): string {
  const file = terminalSafe(d.file);
  const where = d.line === undefined ? file : `${file}:${d.line}:${d.col ?? 1}`;
  const path = d.path.length > 0 ? `${terminalSafe(formatPlanPath(d.path))}: ` : '';
  const head = `${where}: ${d.severity}: ${path}${terminalSafeLines(d.message)}`;
  return d.hint ? `${head}\n    hint: ${terminalSafeLines(d.hint)}` : head;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      a.message.localeCompare(b.message),
  );
}

/** Damerau-free Levenshtein distance; small inputs only (keys, names). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** The closest candidate, when it is close enough to be what the user meant. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}
