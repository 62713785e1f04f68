// A plan's data sets inside k6: loaded once into SharedArrays in the init context, a row picked per
// iteration, and a prompt set's lengths recorded as the rows are used.
import { SharedArray } from 'k6/data';
import { Trend } from 'k6/metrics';
import type { DataSet } from './model.js';
import { parseCsvRecords, pickRowIndex, promptLengths, type Row } from './plan-data.js';
import { seededUnit } from './seeded.js';
import { setOwn } from './values.js';

/** Tokens of the prompts the run used (a data set's inputLen), one sample per row used. */
export const INPUT_LEN_METRIC = 'dataset_input_len';
/** Expected output tokens of the prompts the run used (outputLen, what max_tokens asked for). */
export const OUTPUT_LEN_METRIC = 'dataset_output_len';

export interface LoadedDataSet {
  mode: DataSet['mode'];
  rows: ReadonlyArray<Row>;
  seed?: number;
  /** Present for a prompt set (rows with inputLen or outputLen). */
  lengths?: { input: Trend; output: Trend };
}

/** Call in the init context only: SharedArray and metrics exist only there. */
export function loadDataSets(
  sets: Readonly<Record<string, DataSet>>,
  read: (file: string) => string,
): Record<string, LoadedDataSet> {
  const data: Record<string, LoadedDataSet> = {};
  let lengths: LoadedDataSet['lengths'];
  for (const name of Object.keys(sets)) {
    const ds = sets[name];
    if (ds === undefined) continue;
    const source = `loadctl: data set "${name}" (${ds.file})`;
    // SharedArray parses the file once and shares the rows read-only with every VU instead of one copy each.
    const rows = new SharedArray(`loadctl:data:${name}`, () =>
      ds.format === 'json'
        ? (JSON.parse(read(ds.file)) as Row[])
        : parseCsvRecords(read(ds.file), ds.delimiter, source),
    ) as ReadonlyArray<Row>;
    const first = rows[0];
    const prompt = first !== undefined && promptLengths(first).some((n) => n !== undefined);
    if (prompt) lengths ??= { input: new Trend(INPUT_LEN_METRIC), output: new Trend(OUTPUT_LEN_METRIC) };
    setOwn(data, name, {
      mode: ds.mode,
      rows,
      ...(ds.seed !== undefined ? { seed: ds.seed } : {}),
      ...(prompt ? { lengths } : {}),
    });
  }
  return data;
}

/** This iteration's row of a set (null for an empty one); a prompt set records the lengths it used. */
export function pickRow(ds: LoadedDataSet, at: { vu: number; iterInTest: number }): Row | null {
  const seed = ds.seed;
  const random = seed === undefined ? Math.random : () => seededUnit(seed, at.iterInTest);
  const row = ds.rows[pickRowIndex(ds.mode, ds.rows.length, { ...at, random })];
  if (row === undefined) return null;
  if (ds.lengths !== undefined) {
    const [input, output] = promptLengths(row);
    if (input !== undefined) ds.lengths.input.add(input);
    if (output !== undefined) ds.lengths.output.add(output);
  }
  return row;
}
