// Data sets loadctl prepares before k6 starts: JSON Lines files and CSV files with `fields` are read into
// rows of named columns, and synthetic prompts are generated; k6 then loads the rows as JSON into a
// SharedArray. Pure: the caller reads the file; problems carry the file's line numbers.
import type { DataSet, PathSegment } from '../k6-templates/runtime/model.js';
import { parseCsv } from '../k6-templates/runtime/plan-data.js';
import { readPath, setOwn } from '../k6-templates/runtime/values.js';
import { seededRandom, standardNormal } from '../k6-templates/runtime/seeded.js';
import { parseJsonPath } from './json-path.js';
import type { DataSetSpec, FileDataSetSpec, LengthSpec, SyntheticSpec } from './schema-dataset.js';

export type PreparedRow = Record<string, ColumnValue>;

export interface LineProblem {
  /** 1-based line of the data file; absent for the file as a whole. */
  line?: number;
  /** 1-based column, where the JSON parser says. */
  col?: number;
  message: string;
}

export type Prepared = { ok: true; rows: PreparedRow[] } | { ok: false; problems: LineProblem[] };

/** A file is JSON Lines by its name: .jsonl or .ndjson. Anything else is CSV. */
export function isJsonLinesFile(file: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(file);
}

/** Whether loadctl prepares the set's rows (else k6 parses the CSV file itself, as it always did). */
export function isPreparedSet(set: DataSetSpec): boolean {
  return !isFileSet(set) || isJsonLinesFile(set.file) || set.fields !== undefined;
}

/** A set read from a file (the schema allows exactly one of `file` and `synthetic`). */
export function isFileSet(set: DataSetSpec): set is FileDataSetSpec {
  return set.file !== undefined;
}

const CHARS_PER_TOKEN = 4;

/**
 * Tokens in a text, estimated at four characters a token (OpenAI's rule of thumb for English, and what the
 * demo counts): the same count on both sides of a demo run. A real model's tokenizer differs; a file that
 * knows its lengths gives `inputLen`.
 */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));
}

/** The columns a set's rows have when the plan alone says so (synthetic, `fields`); else undefined. */
export function knownColumns(set: DataSetSpec): string[] | undefined {
  if (set.synthetic !== undefined) return ['text', 'inputLen', 'outputLen'];
  if (set.fields === undefined) return undefined;
  const names = Object.keys(set.fields);
  return names.includes('text') && !names.includes('inputLen') ? [...names, 'inputLen'] : names;
}

// ---------------------------------------------------------------- files

const LENGTH_COLUMNS = ['inputLen', 'outputLen'];
/** More problems than this in one file say the same thing; the rest are counted. */
const MAX_PROBLEMS = 20;

/** A JSON value a column may hold; `text` and the lengths must be scalars. */
export type ColumnValue = string | number | boolean | null | ColumnValue[] | { [key: string]: ColumnValue };

function scalar(v: unknown): string | number | boolean | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

/**
 * A column's value, or why it cannot be one. Lengths are whole numbers of at least 1 and `text` is text;
 * another column may hold a list or an object (a chat's `messages`), sent as JSON by a lone reference.
 */
function columnValue(name: string, v: unknown, where: string): ColumnValue | Error {
  if (v === undefined) return new Error(`${where} finds nothing`);
  const value = scalar(v);
  if (value === undefined) {
    if (name !== 'text' && !LENGTH_COLUMNS.includes(name)) return v as ColumnValue;
    return new Error(`${where} is ${v === null ? 'null' : Array.isArray(v) ? 'a list' : 'an object'}`);
  }
  if (!LENGTH_COLUMNS.includes(name)) return value;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    return new Error(
      `${name} (${where}) must be a whole number of tokens, at least 1; got ${JSON.stringify(value)}`,
    );
  return n;
}

/** Adds inputLen, estimated from text, when the row has text and no inputLen of its own. */
function withInputLen(row: PreparedRow): PreparedRow {
  const text = row.text;
  if (text === undefined || row.inputLen !== undefined) return row;
  return { ...row, inputLen: estimateTokens(String(text)) };
}

interface Source {
  line: number;
  pick: (column: string) => unknown;
}

function buildRows(
  sources: Source[],
  columns: Array<[string, string, (s: Source) => unknown]>,
  problems: LineProblem[],
): PreparedRow[] {
  const rows: PreparedRow[] = [];
  for (const src of sources) {
    const row: PreparedRow = {};
    let ok = true;
    for (const [name, shown, read] of columns) {
      const value = columnValue(name, read(src), shown);
      if (value instanceof Error) {
        problems.push({ line: src.line, message: value.message });
        ok = false;
      } else setOwn(row, name, value); // a column named __proto__ stays a column
    }
    if (ok) rows.push(withInputLen(row));
  }
  return rows;
}

function jsonLineSources(text: string, problems: LineProblem[]): Source[] {
  const sources: Source[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch (err) {
      const message = (err as Error).message;
      const at = /at position (\d+)/.exec(message)?.[1];
      const col = at === undefined ? {} : { col: Number(at) + 1 };
      problems.push({
        line: i + 1,
        ...col,
        message: `not JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ line: i + 1, message: 'expected a JSON object on each line' });
      return;
    }
    sources.push({ line: i + 1, pick: () => value });
  });
  return sources;
}

function compilePaths(
  fields: Record<string, string>,
  problems: LineProblem[],
): Array<[string, PathSegment[]]> {
  const out: Array<[string, PathSegment[]]> = [];
  for (const [name, path] of Object.entries(fields)) {
    const parsed = parseJsonPath(path);
    if (parsed.ok) out.push([name, parsed.segments]);
    else problems.push({ message: `fields.${name}: ${parsed.message}` });
  }
  return out;
}

function prepareJsonLines(text: string, fields: Record<string, string> | undefined): Prepared {
  const problems: LineProblem[] = [];
  const paths = fields === undefined ? undefined : compilePaths(fields, problems);
  if (problems.length > 0) return { ok: false, problems };
  const sources = jsonLineSources(text, problems);
  // Without fields, a line's own top-level keys are its columns.
  const keys =
    paths ??
    [...new Set(sources.flatMap((s) => Object.keys(s.pick('') as object)))].map(
      (key): [string, PathSegment[]] => [key, [{ key }]],
    );
  const columns = keys.map(([name, path]): [string, string, (s: Source) => unknown] => [
    name,
    fields?.[name] ?? `$.${name}`,
    (s) => readPath(s.pick(''), path),
  ]);
  return finish(buildRows(sources, columns, problems), problems);
}

function prepareCsv(text: string, set: FileDataSetSpec): Prepared {
  const problems: LineProblem[] = [];
  let table: string[][];
  const lines: number[] = [];
  try {
    table = parseCsv(text, set.delimiter ?? ',', 'the file', lines);
  } catch (err) {
    return { ok: false, problems: [{ message: (err as Error).message }] };
  }
  const header = (table[0] ?? []).map((h) => h.trim());
  const fields = set.fields ?? Object.fromEntries(header.map((h) => [h, h]));
  for (const [name, column] of Object.entries(fields))
    if (!header.includes(column))
      problems.push({
        line: 1,
        message: `fields.${name}: no column ${JSON.stringify(column)} in the header`,
      });
  if (problems.length > 0) return { ok: false, problems };
  const sources = table.slice(1).map((cells, i): Source => ({
    line: lines[i + 1] ?? 0,
    pick: (column) => cells[header.indexOf(column)] ?? '',
  }));
  const columns = Object.entries(fields).map(([name, column]): [string, string, (s: Source) => unknown] => [
    name,
    `column ${JSON.stringify(column)}`,
    (s) => s.pick(column),
  ]);
  return finish(buildRows(sources, columns, problems), problems);
}

function finish(rows: PreparedRow[], problems: LineProblem[]): Prepared {
  if (problems.length === 0)
    return rows.length > 0
      ? { ok: true, rows }
      : { ok: false, problems: [{ message: 'the file has no rows' }] };
  if (problems.length <= MAX_PROBLEMS) return { ok: false, problems };
  const more = problems.length - MAX_PROBLEMS;
  return {
    ok: false,
    problems: [
      ...problems.slice(0, MAX_PROBLEMS),
      { message: `and ${more} more problem${more === 1 ? '' : 's'}` },
    ],
  };
}

/** A data file's rows as the k6 runtime reads them, or every problem with its line. */
export function prepareFileRows(set: FileDataSetSpec, text: string): Prepared {
  return isJsonLinesFile(set.file) ? prepareJsonLines(text, set.fields) : prepareCsv(text, set);
}

// ---------------------------------------------------------------- synthetic

export const DEFAULT_SYNTHETIC_COUNT = 1000;
/** Characters of synthetic text a run may generate: beyond this, the rows belong in a file. */
export const MAX_SYNTHETIC_CHARS = 64 * 1024 * 1024;

/** One length drawn from its distribution: fixed, uniform over mean × [1 − range, 1 + range], or normal. */
export function drawLength(spec: LengthSpec, random: () => number): number {
  if (spec.range !== undefined && spec.range > 0) {
    // vLLM's random dataset: a whole number in [⌊mean·(1−r)⌋, ⌊mean·(1+r)⌋], both ends included.
    const lo = Math.max(1, Math.floor(spec.mean * (1 - spec.range)));
    const hi = Math.max(lo, Math.floor(spec.mean * (1 + spec.range)));
    return lo + Math.floor(random() * (hi - lo + 1));
  }
  if (spec.sd !== undefined && spec.sd > 0) {
    return Math.max(1, Math.round(spec.mean + spec.sd * standardNormal(random)));
  }
  return spec.mean;
}

/** The largest length a distribution can draw (normal: mean + 6 sd, beyond which draws are negligible). */
export function maxLength(spec: LengthSpec): number {
  if (spec.range !== undefined) return Math.floor(spec.mean * (1 + spec.range));
  return spec.mean + Math.ceil(6 * (spec.sd ?? 0));
}

const WORDS = (
  'load test latency token stream server request model answer prompt queue batch cache memory ' +
  'throughput percentile window arrival rate budget user system measure compare ship'
).split(' ');

/** Text of exactly `tokens` × 4 characters: `tokens` tokens by estimateTokens, words that vary by row. */
export function syntheticText(tokens: number, random: () => number): string {
  const want = tokens * CHARS_PER_TOKEN;
  const parts: string[] = [];
  let length = 0;
  while (length < want) {
    const word = WORDS[Math.floor(random() * WORDS.length)] ?? 'load';
    length += (parts.length > 0 ? 1 : 0) + word.length;
    parts.push(word);
  }
  return parts.join(' ').slice(0, want);
}

/** Generated prompts: the same rows for the same spec and seed, on every machine. */
export function generateSyntheticRows(spec: SyntheticSpec, seed: number): PreparedRow[] {
  const random = seededRandom(seed);
  const rows: PreparedRow[] = [];
  for (let i = 0; i < (spec.count ?? DEFAULT_SYNTHETIC_COUNT); i++) {
    const inputLen = drawLength(spec.input, random);
    const outputLen = drawLength(spec.output, random);
    rows.push({ text: syntheticText(inputLen, random), inputLen, outputLen });
  }
  return rows;
}

/** Why a synthetic set is too large to generate, or undefined. */
export function syntheticSizeProblem(spec: SyntheticSpec): string | undefined {
  const chars = (spec.count ?? DEFAULT_SYNTHETIC_COUNT) * maxLength(spec.input) * CHARS_PER_TOKEN;
  if (chars <= MAX_SYNTHETIC_CHARS) return undefined;
  const mib = Math.ceil(chars / (1024 * 1024));
  return `up to ${mib} MiB of synthetic prompt text (count × input length × 4 characters), over the 64 MiB a run generates`;
}

// ---------------------------------------------------------------- the script's view

/** The set as the k6 runtime loads it; `file` is where the run folder keeps its rows (or the CSV). */
export function compileDataSet(set: DataSetSpec, file: string | undefined): DataSet {
  const prepared = isPreparedSet(set);
  return {
    file: file ?? set.file ?? '',
    mode: set.mode ?? 'unique',
    delimiter: set.delimiter ?? ',',
    ...(prepared ? { format: 'json' as const } : {}),
    ...(set.seed !== undefined ? { seed: set.seed } : {}),
  };
}
