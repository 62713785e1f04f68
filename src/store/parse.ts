// A stored file's text → its value, or what is wrong with it: not JSON, another schema or version
// (foreign), or the first field that does not fit the schema. Pure.
import type { z } from 'zod';
import { RUN_FILES } from './layout.js';
import { STORED_FILES, type StoredFile, type StoredValue } from './schemas/index.js';

export type StoreProblem =
  | { kind: 'not-json'; detail: string }
  /** Another schema or version than this loadctl reads; `found` says what the file is instead. */
  | { kind: 'foreign'; expected: string; found: string }
  /** `field` is the zod issue path, e.g. totals.requests; "(root)" for the file as a whole. */
  | { kind: 'invalid'; field: string; detail: string };

export type StoreParse<T> = { ok: true; value: T } | { ok: false; problem: StoreProblem };

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** totals.requests, endpoints[2].duration, metrics["http_req_duration"]: the issue path as a reader types it. */
export function renderIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const got = kindOf(valueAt(input, issue.path));
  switch (issue.code) {
    case 'invalid_type':
      return got === 'nothing'
        ? `missing (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${got}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${got}`;
    case 'invalid_union':
      return `${got} is none of the allowed shapes`;
    default:
      return issue.message;
  }
}

function declaredVersion(found: unknown): string {
  return found === undefined ? 'it has no schema field' : `it declares ${JSON.stringify(found)}`;
}

/** Checks the JSON of a stored file against its schema. */
export function parseStoredFile<F extends StoredFile>(file: F, text: string): StoreParse<StoredValue<F>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: { kind: 'not-json', detail: (err as Error).message } };
  }
  const spec: {
    schema: z.ZodType;
    version?: string;
    versionOf?: (o: Record<string, unknown>) => unknown;
    versionOptional?: boolean;
  } = STORED_FILES[file];
  if (spec.version !== undefined) {
    const expected = spec.version;
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      return { ok: false, problem: { kind: 'foreign', expected, found: `it is ${kindOf(json)}` } };
    const found = spec.versionOf?.(json as Record<string, unknown>);
    if (found !== expected && !(found === undefined && spec.versionOptional))
      return { ok: false, problem: { kind: 'foreign', expected, found: declaredVersion(found) } };
  }
  const parsed = spec.schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      problem: {
        kind: 'invalid',
        field: renderIssuePath(issue?.path ?? []),
        detail: issue ? describeIssue(issue, json) : 'does not fit its schema',
      },
    };
  }
  // The file as written, checked: its own key order and any field a later v1 added stay (`report
  // --format json` and `runs --json` print it back).
  return { ok: true, value: json as StoredValue<F> };
}

/** One line naming the file and the problem, e.g. `…/summary.json: totals.requests: expected number, got string`. */
export function renderStoreProblem(shownPath: string, file: StoredFile, problem: StoreProblem): string {
  switch (problem.kind) {
    case 'not-json':
      return `${shownPath} is not JSON (${problem.detail})`;
    case 'foreign':
      return `${shownPath} is foreign: not a ${problem.expected} ${RUN_FILES[file]} (${problem.found})`;
    case 'invalid':
      return `${shownPath}: ${problem.field}: ${problem.detail}`;
  }
}

/** What to do about a damaged or foreign file. */
export function renderStoreHint(problem: StoreProblem): string {
  return problem.kind === 'foreign'
    ? 'it was written by another version of loadctl (or is not loadctl’s): read it with that version, re-run, or remove the run folder'
    : 're-run, or remove the run folder';
}
