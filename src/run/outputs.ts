// k6's own outputs in a run (docs/outputs.md): the `--out` arguments, loadctl's tags that go with every metric,
// k6's environment for the outputs (secrets resolved here, in memory only), and what k6 logged when an output
// could not write. Pure.
import { isAbsolute, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { checkOutputs, type Output } from '../plans/outputs.js';
import type { Plan } from '../plans/schema.js';
import { parseTemplate } from '../plans/templates.js';

export type { Output };

/** What K6_PROMETHEUS_RW_TREND_STATS is unless said otherwise: the statistics docs/grafana's dashboard shows. */
export const DEFAULT_PROM_TREND_STATS = ['avg', 'p(95)', 'p(99)', 'max'];

/** `--out none` runs without the plan's outputs. */
export const NO_OUTPUTS = 'none';

/**
 * The outputs of a run: `run --out` replaces the plan's (as --runner does), each checked as a plan's entry is
 * (the plan's were checked when it was read); undefined keeps the plan's.
 */
export function resolveOutputs(plan: Plan, cli: readonly string[] | undefined): Output[] {
  if (cli === undefined || cli.length === 0) return checkOutputs(plan.outputs, plan.secrets ?? []).outputs;
  if (cli.includes(NO_OUTPUTS)) {
    if (cli.length > 1) throw usageError(`--out ${NO_OUTPUTS} leaves out every output; give it alone`);
    return [];
  }
  const checked = checkOutputs(cli, [], []);
  const errors = checked.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0];
    const index = typeof first?.path[0] === 'number' ? first.path[0] : 0;
    throw usageError(
      `--out ${JSON.stringify(cli[index])}: ${errors.map((f) => f.message).join('; ')}`,
      first?.hint ?? 'e.g. --out influxdb=http://localhost:8086/k6 or --out experimental-prometheus-rw',
    );
  }
  return checked.outputs;
}

/** An output's file: relative to the run folder unless absolute. */
export function outputFile(runDir: string, file: string): string {
  return isAbsolute(file) ? file : resolve(runDir, file);
}

/** k6's --out arguments for the outputs, and the files they write (which must not be loadctl's own). */
export function outputArgs(
  outputs: readonly Output[],
  runDir: string,
  ownFiles: readonly string[],
): string[] {
  return outputs.flatMap((o) => {
    if (o.file !== undefined) {
      const path = outputFile(runDir, o.file);
      if (ownFiles.includes(path))
        throw usageError(
          `the ${o.type} output's file ${o.file} is one loadctl writes itself`,
          'give it another name',
        );
      return ['--out', `${o.type}=${path}`];
    }
    // The remote-write URL goes through K6_PROMETHEUS_RW_SERVER_URL (outputEnv).
    if (o.type === 'influxdb' && o.url !== undefined) return ['--out', `influxdb=${o.url}`];
    return ['--out', o.type];
  });
}

/** loadctl's tags on every metric a run sends to an output: what a dashboard filters by. */
export function runTags(run: {
  plan: string;
  runId: string;
  target: string;
  profile: string | undefined;
}): Record<string, string> {
  return {
    plan: run.plan,
    run_id: run.runId,
    target: run.target,
    ...(run.profile !== undefined ? { profile: run.profile } : {}),
  };
}

function resolveValue(name: string, text: string, secret: (name: string) => string | undefined): string {
  const parsed = parseTemplate(text);
  // The plan's checks refused anything else: what is left is literal text and declared secrets.
  if (!parsed.ok) throw usageError(`${name}: ${parsed.message}`);
  return parsed.parts
    .map((part) => {
      if ('lit' in part) return part.lit;
      if (part.ref.ns !== 'secrets') throw usageError(`${name}: only \${secrets.NAME} is allowed`);
      const value = secret(part.ref.name);
      if (value === undefined || value === '')
        throw usageError(`${name}: the secret ${part.ref.name} is not set`);
      return value;
    })
    .join('');
}

/**
 * k6's environment for the outputs: each one's options, the remote-write URL and trend statistics, secrets
 * resolved. Kept in memory for k6's process only; nothing of it is written.
 */
export function outputEnv(
  outputs: readonly Output[],
  processEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  const secret = (name: string) => processEnv[name];
  for (const o of outputs) {
    if (o.type === 'experimental-prometheus-rw') {
      if (o.url !== undefined) env.K6_PROMETHEUS_RW_SERVER_URL = o.url;
      if (o.trendStats !== undefined) env.K6_PROMETHEUS_RW_TREND_STATS = o.trendStats.join(',');
      else if (
        processEnv.K6_PROMETHEUS_RW_TREND_STATS === undefined &&
        o.env.K6_PROMETHEUS_RW_TREND_STATS === undefined
      )
        env.K6_PROMETHEUS_RW_TREND_STATS = DEFAULT_PROM_TREND_STATS.join(',');
    }
    for (const [name, value] of Object.entries(o.env)) env[name] = resolveValue(name, value, secret);
  }
  return env;
}

/** The outputs as meta.json keeps them: where each went, and the names (never the values) of its options. */
export function storedOutputs(
  outputs: readonly Output[],
  runDir: string,
): Array<{ type: string; url?: string; file?: string; env: string[] }> {
  return outputs.map((o) => ({
    type: o.type,
    ...(o.url !== undefined ? { url: o.url } : {}),
    ...(o.file !== undefined ? { file: outputFile(runDir, o.file) } : {}),
    env: Object.keys(o.env),
  }));
}

/** One line per output for the start of a run: where k6 also sends its metrics. */
export function describeOutputs(outputs: readonly Output[], runDir: string): string[] {
  return outputs.map((o) => {
    const where =
      o.file !== undefined
        ? outputFile(runDir, o.file)
        : (o.url ??
          (o.type === 'experimental-prometheus-rw'
            ? '$K6_PROMETHEUS_RW_SERVER_URL or k6’s default'
            : undefined));
    return where === undefined ? o.type : `${o.type} (${where})`;
  });
}

export interface OutputProblem {
  /** k6's name of the output, as its log lines give it (`InfluxDBv1`, `Prometheus remote write`). */
  output: string;
  count: number;
  first: string;
}

function logfmtField(line: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${key}=("(?:[^"\\\\]|\\\\.)*"|\\S+)`).exec(line);
  const raw = m?.[1];
  if (raw === undefined) return undefined;
  if (!raw.startsWith('"')) return raw;
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

/** k6's errors from its outputs (lines with `output=`), one entry per output: an output that could not write. */
export function outputProblems(errorLines: readonly string[]): OutputProblem[] {
  const byOutput = new Map<string, OutputProblem>();
  for (const line of errorLines) {
    const output = logfmtField(line, 'output');
    if (output === undefined) continue;
    const problem = byOutput.get(output);
    if (problem) problem.count += 1;
    else {
      const msg = logfmtField(line, 'msg') ?? '';
      const err = logfmtField(line, 'error');
      byOutput.set(output, { output, count: 1, first: err !== undefined ? `${msg}: ${err}` : msg });
    }
  }
  return [...byOutput.values()];
}

/** What the terminal says after a run whose outputs could not write: the run itself is whole. */
export function renderOutputProblems(problems: readonly OutputProblem[], logPath: string): string {
  return problems
    .map(
      (p) =>
        `warning: k6's ${p.output} output could not send its metrics (${p.count} error${p.count === 1 ? '' : 's'}; first: ${p.first}). ` +
        `The run and its results here are complete; that output's data is missing or partial. See ${logPath}\n`,
    )
    .join('');
}
