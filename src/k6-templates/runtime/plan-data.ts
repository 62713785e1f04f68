// The k6 runtime's pacing, data rows, flows of the plan and the CSV parser. Pure, like values.ts.
import type { ScriptPlan, Step, Think } from './model.js';
import { SCRIPT_PLAN_VERSION } from './model.js';
import { getOwn, hasOwn, setOwn } from './values.js';

// ---------------------------------------------------------------- pacing, data, plan

export function thinkSeconds(think: Think, random: () => number): number {
  return think.min + (think.max - think.min) * random();
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** A data set's row: CSV gives strings; loadctl's prepared rows (JSONL, synthetic) keep numbers. */
export type Row = Readonly<Record<string, unknown>>;

function wholeTokens(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return isFinite(n) && n >= 0 ? n : undefined;
}

/** A prompt row's [inputLen, outputLen] in tokens; undefined where the row has none. */
export function promptLengths(row: Row): [number | undefined, number | undefined] {
  return [wholeTokens(getOwn(row, 'inputLen')), wholeTokens(getOwn(row, 'outputLen'))];
}

/** Which row of a data set this iteration uses; -1 for an empty set. */
export function pickRowIndex(
  mode: 'unique' | 'sequential' | 'random',
  rows: number,
  at: { vu: number; iterInTest: number; random: () => number },
): number {
  if (rows <= 0) return -1;
  switch (mode) {
    case 'unique':
      return mod(at.vu - 1, rows);
    case 'sequential':
      return mod(at.iterInTest, rows);
    case 'random':
      return Math.floor(at.random() * rows);
  }
}

/**
 * The flow a scenario runs. `k6 run --vus/--duration/--iterations` replaces the plan's scenarios with one
 * named "default"; when every scenario runs the same flow, that one still has an unambiguous answer.
 */
export function resolveFlowName(
  plan: Pick<ScriptPlan, 'scenarioFlows'>,
  scenario: string,
): string | undefined {
  const mapped = getOwn(plan.scenarioFlows, scenario);
  if (typeof mapped === 'string') return mapped;
  const names: string[] = [];
  for (const key of Object.keys(plan.scenarioFlows)) {
    const name = plan.scenarioFlows[key];
    if (name !== undefined && names.indexOf(name) < 0) names.push(name);
  }
  return names.length === 1 ? names[0] : undefined;
}

export function forEachStep(steps: Step[], visit: (step: Step) => void): void {
  for (const step of steps) {
    visit(step);
    if (step.kind === 'group') forEachStep(step.steps, visit);
    else if (step.kind === 'if') {
      forEachStep(step.then, visit);
      forEachStep(step.else, visit);
    }
  }
}

export function planFlows(plan: ScriptPlan): Array<[string, { steps: Step[] }]> {
  const flows: Array<[string, { steps: Step[] }]> = Object.keys(plan.flows).map((name) => {
    const flow = plan.flows[name];
    return [`flows.${name}`, { steps: flow === undefined ? [] : flow.steps }];
  });
  if (plan.setup !== undefined) flows.push(['setup', plan.setup]);
  if (plan.teardown !== undefined) flows.push(['teardown', plan.teardown]);
  return flows;
}

/** Problems that would otherwise surface as a TypeError in every iteration; all of them, at once. */
export function validateScriptPlan(plan: ScriptPlan): string[] {
  const problems: string[] = [];
  if (plan.version !== SCRIPT_PLAN_VERSION) {
    problems.push(
      `script plan version ${String(plan.version)} is not ${SCRIPT_PLAN_VERSION}: re-render the script`,
    );
    return problems;
  }
  for (const scenario of Object.keys(plan.scenarioFlows)) {
    const flow = plan.scenarioFlows[scenario];
    if (flow === undefined || !hasOwn(plan.flows, flow)) {
      problems.push(`scenario "${scenario}" runs flow "${String(flow)}", which the script does not contain`);
    }
  }
  for (const [where, flow] of planFlows(plan)) {
    forEachStep(flow.steps, (step) => {
      if (step.kind !== 'http') return;
      for (const rec of step.record) {
        if (!hasOwn(plan.metrics, rec.metric)) {
          problems.push(`${where}: step "${step.name}" records into undeclared metric "${rec.metric}"`);
        }
      }
      for (const [, ex] of step.extract) {
        if ('regex' in ex) {
          try {
            new RegExp(ex.regex);
          } catch {
            problems.push(`${where}: step "${step.name}" has an invalid regex /${ex.regex}/`);
          }
        }
      }
    });
  }
  return problems;
}

// ---------------------------------------------------------------- CSV

/**
 * RFC 4180: fields may be quoted, a quoted field may hold the delimiter, line breaks and "" for a quote;
 * CRLF, LF and CR end records. A byte order mark is dropped and blank lines are skipped. `rowLines`, when
 * given, receives the line each record starts on.
 */
export function parseCsv(text: string, delimiter = ',', source = 'CSV', rowLines?: number[]): string[][] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(
      `${source}: the delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`,
    );
  }
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = (): void => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) {
      rows.push(row);
      rowLines?.push(rowLine);
    }
    row = [];
  };
  while (i < src.length) {
    const c = src.charAt(i);
    if (quoted) {
      if (c === '"') {
        if (src.charAt(i + 1) === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src.charAt(i + 1) === '\n') i++;
      line++;
      endRow();
      rowLine = line;
    } else {
      field += c;
    }
    i++;
  }
  if (quoted) throw new Error(`${source}: the quoted field opened on line ${quoteLine} is never closed`);
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** Rows as objects keyed by the header row; a short row reads '' for its missing columns. */
export function parseCsvRecords(
  text: string,
  delimiter = ',',
  source = 'CSV',
): Array<Record<string, string>> {
  const rows = parseCsv(text, delimiter, source);
  const header = (rows[0] ?? []).map((name) => name.trim());
  const records: Array<Record<string, string>> = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r] ?? [];
    const record: Record<string, string> = {};
    header.forEach((name, c) => setOwn(record, name, row[c] ?? ''));
    records.push(record);
  }
  return records;
}
