// `loadctl report <run-id|latest>`: a report of a stored run, from its folder alone (summary.json, and
// series.json, meta.json, plan.resolved.json when there), in HTML, Markdown, JUnit XML or JSON.
import { dirname, join, resolve } from 'node:path';
import { parseLang, type Lang } from '../../report/render/i18n.js';
import { parseReportFormat, renderReport, REPORT_FILES, REPORT_FORMATS } from '../../report/render/index.js';
import { toRunReport } from '../../report/model/report.js';
import { RUN_FILES, runFile } from '../../store/layout.js';
import { damagedRunError, readStoredRunFiles, readStoredRuns, shownPath } from '../../store/read.js';
import { RUN_ID_RE } from '../../store/run-id.js';
import { EXIT, environmentError, usageError, type ExitCode } from '../../errors.js';
import { MakeDirError } from '../../io/bounded-fs.js';
import type { Io } from '../../io/io.js';
import { readChartAssets } from '../../run/reports.js';
import { VERSION } from '../../version.js';

export interface ReportOptions {
  plan?: string;
  results?: string;
  format?: string;
  out?: string;
  lang?: string;
}

export function parseLangOption(text: string | undefined): Lang {
  const lang = parseLang(text);
  if (!lang) throw usageError(`--lang ${JSON.stringify(text)} is not a report language`, 'use en or ko');
  return lang;
}

const isFolder = (io: Io, path: string): Promise<boolean> =>
  io.listDir(path).then(
    () => true,
    () => false,
  );

/** -o as an absolute path; a usage error when it is a folder or lies under a file (nothing is written then). */
export async function resolveOutPath(io: Io, out: string): Promise<string> {
  const target = resolve(io.cwd, out);
  if (await isFolder(io, target))
    throw usageError(`-o ${out} is a folder`, 'give a file name, e.g. -o report.html');
  for (let dir = dirname(target); dir !== dirname(dir); dir = dirname(dir)) {
    if (!(await io.exists(dir))) continue;
    if (!(await isFolder(io, dir)))
      throw usageError(
        `-o ${out} lies under ${shownPath(io, dir)}, which is a file`,
        'choose a path in a folder',
      );
    break;
  }
  return target;
}

// Failures that come of where the file is to go: the user's to change when they chose it with -o.
const PATH_FAILURES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

/**
 * Writes a report or comparison and prints where. A failed write is the environment's (exit 3), except
 * that a path given with -o (`given`) that cannot be written is the user's to change (exit 2).
 */
export async function writeOutput(io: Io, target: string, text: string, given = false): Promise<void> {
  try {
    await io.writeFileAtomic(target, text);
  } catch (err) {
    const message = `cannot write ${shownPath(io, target)}: ${(err as Error).message}`;
    const code = (err as NodeJS.ErrnoException).code;
    if (given && (err instanceof MakeDirError || PATH_FAILURES.has(code ?? '')))
      throw usageError(message, 'choose another path with -o');
    throw environmentError(message);
  }
  io.stdout.write(`${shownPath(io, target)}\n`);
}

/** The run folder `which` names: `latest`, a run id, or a path to a run folder. */
async function findRunDir(io: Io, which: string, opts: ReportOptions): Promise<string> {
  const results = opts.results ?? 'results';
  const looksLikePath = which.includes('/') || which.includes('\\') || which.startsWith('.');
  if (looksLikePath || !(which === 'latest' || RUN_ID_RE.test(which))) {
    const dir = resolve(io.cwd, which);
    if (await io.exists(runFile(dir, 'summary'))) return dir;
    if (looksLikePath) throw usageError(`${which} is not a run folder (it has no ${RUN_FILES.summary})`);
    throw usageError(
      `${JSON.stringify(which)} is neither a run id, latest, nor a run folder`,
      'run ids look like 20261122T015538Z-3c2cfd; `loadctl runs` lists them',
    );
  }
  const { runs, damaged } = await readStoredRuns(io, results, opts.plan);
  const where = `${results}${opts.plan ? `/${opts.plan}` : ''}`;
  if (runs.length === 0 && damaged.length === 0)
    throw usageError(
      `no stored runs in ${where}`,
      opts.plan
        ? `check the plan name (\`loadctl runs\` lists every run), or --results`
        : '`loadctl run plans/seat-race.yaml` makes one; --results picks another results folder',
    );
  if (which === 'latest') {
    // The newest run folder, damaged or not: an older run in its place would be a report of the wrong run.
    const newest = runs[runs.length - 1];
    const newestDamaged = damaged[damaged.length - 1];
    if (newestDamaged && (!newest || newestDamaged.id.localeCompare(newest.summary.runId) > 0))
      throw damagedRunError(newestDamaged);
    return newest!.dir;
  }
  const matches = runs.filter((r) => r.summary.runId === which);
  if (matches.length === 0) {
    const bad = damaged.find((d) => d.id === which);
    if (bad) throw damagedRunError(bad);
    throw usageError(`no run ${which} in ${where}`, '`loadctl runs` lists the stored runs');
  }
  if (matches.length > 1)
    throw usageError(
      `run id ${which} is in several plans: ${matches.map((r) => r.summary.plan).join(', ')}`,
      'pick one with --plan',
    );
  return matches[0]!.dir;
}

export async function runReport(io: Io, which: string, opts: ReportOptions): Promise<ExitCode> {
  const format = parseReportFormat(opts.format ?? 'html');
  if (!format)
    throw usageError(
      `--format ${JSON.stringify(opts.format)} is not a report format`,
      `use one of ${REPORT_FORMATS.join(', ')}`,
    );
  const lang = parseLangOption(opts.lang);
  const out = opts.out === undefined ? undefined : await resolveOutPath(io, opts.out);
  const dir = await findRunDir(io, which, opts);
  const report = toRunReport(await readStoredRunFiles(io, dir));
  const assets = format === 'html' ? await readChartAssets(io) : undefined;
  const text = renderReport(format, report, { lang, version: VERSION, ...(assets ? { assets } : {}) });

  // HTML goes to a file (the run folder unless -o), the others to stdout unless -o.
  const target = out ?? (format === 'html' ? join(dir, REPORT_FILES.html) : undefined);
  if (target === undefined) io.stdout.write(text);
  else await writeOutput(io, target, text, out !== undefined);
  return EXIT.ok;
}
