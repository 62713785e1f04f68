// YAML text → plain value, keeping a map back to source positions so every later problem can point at
// file:line:col. Pure: the caller reads the bytes.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic, PlanPath } from './diagnostics.js';

// Far above any real plan; a plan this large is a mistake (or an attack) and YAML parsing it would hog memory.
export const MAX_PLAN_BYTES = 2 * 1024 * 1024;
// An alias bomb expands a few lines into billions of nodes; yaml's guard throws past this count.
const MAX_ALIAS_COUNT = 200;

export interface Position {
  line: number;
  col: number;
}

export interface PlanSource {
  file: string;
  /** The parsed value: what zod validates. */
  value: unknown;
  /** Where a plan path is in the file: the value's node, or with `key: true` the key of the last segment. */
  locate(path: PlanPath, opts?: { key?: boolean }): Position | undefined;
}

export type ParseResult =
  { ok: true; source: PlanSource; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

function fail(file: string, message: string, hint?: string, pos?: Position): ParseResult {
  const d: Diagnostic = {
    severity: 'error',
    file,
    path: [],
    message,
    ...(hint ? { hint } : {}),
    ...(pos ?? {}),
  };
  return { ok: false, diagnostics: [d] };
}

/** Bytes as read from disk → text, refusing what is not a text plan. */
export function decodePlanBytes(
  file: string,
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] } {
  if (bytes.length > MAX_PLAN_BYTES) {
    const r = fail(
      file,
      `the plan is ${bytes.length} bytes; plans larger than ${MAX_PLAN_BYTES} bytes are refused`,
    );
    return { ok: false, diagnostics: r.diagnostics };
  }
  if (bytes.includes(0)) {
    const r = fail(file, 'this is a binary file, not a YAML plan', 'pass the path of a .yaml plan');
    return { ok: false, diagnostics: r.diagnostics };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    const r = fail(file, 'the plan is not valid UTF-8 text', 'save the plan as UTF-8');
    return { ok: false, diagnostics: r.diagnostics };
  }
}

function nodeChild(node: unknown, seg: string | number, wantKey: boolean): unknown {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? item.key.value : item.key;
      if (String(key) === String(seg)) return wantKey ? item.key : item.value;
    }
    return undefined;
  }
  if (isSeq(node) && typeof seg === 'number') return node.items[seg];
  return undefined;
}

function makeLocator(doc: Document, counter: LineCounter) {
  return (path: PlanPath, opts?: { key?: boolean }): Position | undefined => {
    // Walk as deep as the document goes: a missing key is reported at its parent.
    let node: unknown = doc.contents;
    let found: unknown = node;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (seg === undefined) break;
      const last = i === path.length - 1;
      const next = nodeChild(node, seg, last && opts?.key === true);
      if (next === undefined || next === null) break;
      node = next;
      found = next;
    }
    const range = (found as Node | null)?.range;
    if (!range) return undefined;
    const { line, col } = counter.linePos(range[0]);
    return { line, col };
  };
}

export function parsePlanText(file: string, text: string): ParseResult {
  if (text.trim() === '') {
    return fail(
      file,
      'the plan is empty',
      'a plan needs at least `name`, `targets` and `scenarios`; see docs/plans.md',
    );
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: counter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
  });
  const diagnostics: Diagnostic[] = [];
  for (const err of doc.errors) {
    const { line, col } = counter.linePos(err.pos[0]);
    const message = err.message.split('\n')[0] ?? err.message;
    diagnostics.push({ severity: 'error', file, line, col, path: [], message: `YAML syntax: ${message}` });
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  for (const warn of doc.warnings) {
    const { line, col } = counter.linePos(warn.pos[0]);
    diagnostics.push({
      severity: 'warning',
      file,
      line,
      col,
      path: [],
      message: `YAML: ${warn.message.split('\n')[0]}`,
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(message)) {
      return fail(
        file,
        'the plan expands too many YAML aliases (an alias bomb?)',
        'write the repeated parts out or use fewer aliases',
      );
    }
    return fail(file, `the YAML could not be read: ${message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(file, 'the plan must be a YAML mapping (key: value pairs) at the top level', undefined, {
      line: 1,
      col: 1,
    });
  }
  return { ok: true, source: { file, value, locate: makeLocator(doc, counter) }, diagnostics };
}
