// `loadctl compare`: stored runs of one plan side by side — targets, or runs before and after a change —
// with noise-aware verdicts and an optional regression gate. Reads each run's summary and meta (and, for the
// HTML report's charts, its series) through src/store, writes the comparison as a table, Markdown, JSON,
// HTML or JUnit.
import { dirname, join } from 'node:path';
import {
  compareRuns,
  DEFAULT_MIN_EFFECT,
  type ByTagRef,
  type CompareRun,
  type CompareSideInput,
  type MinEffect,
  type RunFacts,
} from '../../report/compare/compare.js';
import { parseBy, tagSides } from '../../report/compare/by-tag.js';
import { judgeGate, parseFailOn, type GateResult, type GateRule } from '../../report/compare/gate.js';
import { renderCompareMarkdown, renderCompareTable } from '../../report/render/compare-table.js';
import { selectComparison, selectRun, type SelectedSide } from '../../report/compare/select.js';
import type { ChartRun } from '../../report/render/charts.js';
import { renderCompareHtml } from '../../report/render/compare-html.js';
import { renderCompareJUnit } from '../../report/render/compare-junit.js';
import {
  damagedRunError,
  readOptionalStoredFile,
  readStoredRuns,
  unfinishedRunError,
} from '../../store/read.js';
import type { StoredRun } from '../../store/runs.js';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { readChartAssets } from '../../run/reports.js';
import { VERSION } from '../../version.js';
import { parseLangOption, resolveOutPath, writeOutput } from './report.js';
import { terminalSafeLines } from '../../terminal-safe.js';

export const COMPARE_FORMATS = ['table', 'markdown', 'json', 'html', 'junit'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

export interface CompareOptions {
  plan?: string;
  baseline?: string;
  results?: string;
  format?: string;
  failOn?: string;
  minEffect?: string;
  /** Write here instead of stdout (html: instead of results/<plan>/compare-<run ids>.html). */
  out?: string;
  lang?: string;
  /** `tag:KEY[=V1,V2…]`: the groups of one run that differ in this tag, not runs. */
  by?: string;
}

/** "3%", "0.2pp" or both, comma-separated: the smallest change called a difference. */
export function parseMinEffect(text: string): MinEffect | undefined {
  const out = { ...DEFAULT_MIN_EFFECT };
  for (const part of text.split(',')) {
    const m = part.trim().match(/^(\d+(?:\.\d+)?)\s*(%|pp)$/);
    if (!m) return undefined;
    const v = Number(m[1]) / 100;
    if (m[2] === '%') out.relative = v;
    else out.points = v;
  }
  return out;
}

function parseFormat(text: string | undefined): CompareFormat {
  const f = text ?? 'table';
  const alias: Readonly<Record<string, CompareFormat>> = { md: 'markdown', xml: 'junit' };
  if ((COMPARE_FORMATS as readonly string[]).includes(f)) return f as CompareFormat;
  if (alias[f]) return alias[f];
  throw usageError(`--format ${f} is not one of ${COMPARE_FORMATS.join(', ')}`);
}

/**
 * Where the HTML report goes without -o: next to the runs, named by the first run of each side, so the same
 * comparison always lands in the same file: results/<plan>/compare-<run id>_<run id>.html.
 */
export function defaultHtmlPath(sides: readonly SelectedSide[]): string {
  const first = sides[0]?.runs[0];
  const ids = sides.map((s) => s.runs[0]?.summary.runId ?? '').filter(Boolean);
  return join(first ? dirname(first.dir) : '.', `compare-${ids.join('_')}.html`);
}

/** The charts overlay one run per side, its first round (a side's later rounds would double the lines). */
async function readChartRuns(io: Io, sides: readonly SelectedSide[]): Promise<ChartRun[]> {
  const firsts = sides.flatMap((s) => (s.runs[0] ? [{ label: s.label, run: s.runs[0] }] : []));
  return Promise.all(
    firsts.map(async ({ label, run }): Promise<ChartRun> => ({
      label,
      summary: run.summary,
      // series.json is optional: without it the page draws the charts made from the summaries.
      series: await readOptionalStoredFile(io, run.dir, 'series'),
      // server.json too: the page overlays each run's server CPU when the runs were monitored.
      server: await readOptionalStoredFile(io, run.dir, 'server'),
    })),
  );
}

async function readFacts(io: Io, run: StoredRun): Promise<RunFacts> {
  const meta = await readOptionalStoredFile(io, run.dir, 'meta');
  const host = meta?.host;
  return {
    ...(meta?.k6?.version ? { k6Version: meta.k6.version } : {}),
    ...(host?.arch !== undefined && host.cpuModel !== undefined && host.cores !== undefined
      ? {
          host: {
            arch: host.arch,
            cpuModel: host.cpuModel,
            cores: host.cores,
            ...(host.hostname !== undefined ? { hostname: host.hostname } : {}),
          },
        }
      : {}),
    ...(meta?.target?.description !== undefined ? { targetDescription: meta.target.description } : {}),
    ...(meta?.target?.demo !== undefined ? { targetDemo: meta.target.demo } : {}),
  };
}

const names = (id: string, ref: string): boolean =>
  id === ref || (/^\d{8}T/.test(ref) && ref.length >= 8 && id.startsWith(ref));

/** A damaged or unfinished run a ref names (its id, or a long enough prefix of it): comparing without it would mislead. */
function findNamed<T extends { id: string }>(folders: readonly T[], refs: readonly string[]): T | undefined {
  return folders.find((d) => refs.some((ref) => names(d.id, ref)));
}

export function gateExitCode(gate: readonly GateResult[]): ExitCode {
  if (gate.some((g) => g.status === 'failed')) return EXIT.regression;
  return gate.some((g) => g.status === 'inconclusive') ? EXIT.inconclusive : EXIT.ok;
}

interface Chosen {
  plan: string;
  sides: CompareSideInput[];
  baseline: number;
  by?: ByTagRef;
  /** The HTML report's default file. */
  htmlPath: string;
  chartRuns: () => Promise<ChartRun[]>;
}

/** Runs as the sides: targets, or runs by id. */
async function chooseRuns(
  io: Io,
  stored: readonly StoredRun[],
  refs: readonly string[],
  opts: CompareOptions,
): Promise<Chosen> {
  const selection = selectComparison(stored, refs, {
    ...(opts.plan !== undefined ? { plan: opts.plan } : {}),
    ...(opts.baseline !== undefined ? { baseline: opts.baseline } : {}),
  });
  if (!selection.ok) throw usageError(selection.message, selection.hint);
  const sides = await Promise.all(
    selection.sides.map(async (s) => ({
      label: s.label,
      runs: await Promise.all(
        s.runs.map(async (r): Promise<CompareRun> => ({ summary: r.summary, facts: await readFacts(io, r) })),
      ),
    })),
  );
  return {
    plan: selection.plan,
    sides,
    baseline: selection.baseline,
    htmlPath: defaultHtmlPath(selection.sides),
    chartRuns: () => readChartRuns(io, selection.sides),
  };
}

/** The groups of one run that differ in a tag as the sides (`--by tag:KEY`). */
async function chooseGroups(
  io: Io,
  stored: readonly StoredRun[],
  refs: readonly string[],
  opts: CompareOptions & { by: string },
): Promise<Chosen> {
  const by = parseBy(opts.by);
  if (!by.ok) throw usageError(by.message, by.hint);
  if (refs.length !== 1)
    throw usageError(
      `--by compares the groups of one run, and ${refs.length} runs or targets were given`,
      'e.g. `loadctl compare <run-id> --by tag:model` (`loadctl runs` lists the runs)',
    );
  const found = selectRun(stored, refs[0] as string, opts.plan !== undefined ? { plan: opts.plan } : {});
  if (!found.ok) throw usageError(found.message, found.hint);
  const run = found.run;
  const chosen = tagSides({ summary: run.summary, facts: await readFacts(io, run) }, by.by, opts.baseline);
  if (!chosen.ok) throw usageError(chosen.message, chosen.hint);
  return {
    plan: run.summary.plan,
    sides: chosen.sides,
    baseline: chosen.baseline,
    by: { run: run.summary.runId, tag: by.by.key },
    htmlPath: join(dirname(run.dir), `compare-${run.summary.runId}-by-${by.by.key}.html`),
    // The run's series and server figures are the whole run's: the page draws each group from its summary.
    chartRuns: async () =>
      chosen.sides.map((s) => ({ label: s.label, summary: s.runs[0]?.summary ?? run.summary })),
  };
}

function parseOptions(opts: CompareOptions) {
  const format = parseFormat(opts.format);
  const lang = parseLangOption(opts.lang);
  let rules: ReturnType<typeof parseFailOn> | undefined;
  if (opts.failOn !== undefined) {
    rules = parseFailOn(opts.failOn);
    if (!rules.ok)
      throw usageError(
        `--fail-on: ${rules.problems.join('; ')}`,
        'e.g. --fail-on "p95>+10%,error_rate>+0.5pp,rps<-5%"',
      );
  }
  const minEffect = opts.minEffect === undefined ? DEFAULT_MIN_EFFECT : parseMinEffect(opts.minEffect);
  if (minEffect === undefined)
    throw usageError(
      `--min-effect ${opts.minEffect ?? ''} is not a percentage and/or points`,
      'e.g. --min-effect 5%,0.2pp',
    );
  return { format, lang, rules: rules?.ok ? rules.rules : undefined, minEffect };
}

/** The stored runs named by `refs` compared, and the gate judged: what `compare` prints, and `--rounds auto` reads. */
async function loadComparison(
  io: Io,
  refs: readonly string[],
  opts: CompareOptions,
  { rules, minEffect }: { rules: GateRule[] | undefined; minEffect: MinEffect },
) {
  const { runs: stored, damaged, unfinished } = await readStoredRuns(io, opts.results ?? 'results');
  const named = findNamed(damaged, refs);
  if (named) throw damagedRunError(named);
  const unmatched = refs.filter((ref) => !stored.some((r) => names(r.summary.runId, ref)));
  const cut = findNamed(unfinished, unmatched);
  if (cut) throw unfinishedRunError(io, cut);
  const chosen =
    opts.by === undefined
      ? await chooseRuns(io, stored, refs, opts)
      : await chooseGroups(io, stored, refs, { ...opts, by: opts.by });
  if (chosen.by === undefined)
    for (const d of damaged.filter((d) => d.plan === chosen.plan))
      io.stderr.write(`⚠ left out a damaged run: ${terminalSafeLines(d.message)}\n`);
  const comparison = compareRuns(chosen.sides, {
    baseline: chosen.baseline,
    minEffect,
    ...(chosen.by ? { by: chosen.by } : {}),
  });
  const gate = rules ? judgeGate(comparison, rules) : undefined;
  return { chosen, comparison, gate };
}

/** The gate on the latest comparison group of `targets` (`run --targets --rounds auto`), nothing printed. */
export async function judgeTargets(
  io: Io,
  targets: readonly string[],
  opts: { plan: string; results?: string; failOn: string },
): Promise<GateResult[]> {
  const { rules, minEffect } = parseOptions({ failOn: opts.failOn });
  const { gate } = await loadComparison(io, targets, opts, { rules, minEffect });
  return gate ?? [];
}

export async function runCompare(io: Io, refs: readonly string[], opts: CompareOptions): Promise<ExitCode> {
  const { format, lang, rules, minEffect } = parseOptions(opts);
  const out = opts.out === undefined ? undefined : await resolveOutPath(io, opts.out);
  const { chosen, comparison, gate } = await loadComparison(io, refs, opts, { rules, minEffect });

  let text: string;
  if (format === 'json') text = `${JSON.stringify({ ...comparison, ...(gate ? { gate } : {}) }, null, 2)}\n`;
  else if (format === 'markdown') text = renderCompareMarkdown(comparison, gate ? { gate } : {});
  else if (format === 'junit') text = renderCompareJUnit(comparison, { gate });
  else if (format === 'html') {
    const [assets, chartRuns] = await Promise.all([readChartAssets(io), chosen.chartRuns()]);
    text = renderCompareHtml(comparison, { lang, assets, version: VERSION, gate, chartRuns });
  } else
    text = renderCompareTable(comparison, {
      // A table written to a file has no colour.
      color: opts.out === undefined && io.stdout.isTTY && !io.env.NO_COLOR,
      ...(gate ? { gate } : {}),
    });

  // HTML goes to a file (next to the runs unless -o), the others to stdout unless -o; a written file's path
  // is printed.
  const target = out ?? (format === 'html' ? chosen.htmlPath : undefined);
  if (target === undefined) io.stdout.write(text);
  else await writeOutput(io, target, text, out !== undefined);
  for (const g of gate ?? [])
    if (g.status === 'inconclusive')
      io.stderr.write(
        `⚠ --fail-on ${g.rule.text} ${g.reason ?? ''} (${terminalSafeLines(g.side)}); more rounds (--rounds 3 or more, or auto) or a longer run narrow it\n`,
      );
    else if (g.status === 'unjudged')
      io.stderr.write(
        `⚠ --fail-on ${g.rule.text} was not judged for ${terminalSafeLines(g.side)}: ${g.reason ?? ''}${
          g.verdict === 'unknown' && chosen.by === undefined
            ? ' — `run --targets … --rounds 3` gives every number a noise estimate'
            : ''
        }\n`,
      );
  return gate ? gateExitCode(gate) : EXIT.ok;
}
