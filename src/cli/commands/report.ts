// `loadctl report <run-id|latest>`: a report of a stored run, from its folder alone (summary.json, and
// series.json, meta.json, plan.resolved.json when there), in HTML, Markdown, JUnit XML or JSON.
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseLang, type Lang } from '../../report/render/i18n.js';
import { parseReportFormat, renderReport, REPORT_FILES, REPORT_FORMATS } from '../../report/render/index.js';
import { RUN_ID_RE } from '../../store/run-id.js';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { readChartAssets, readRunReport } from '../../run/reports.js';
import { VERSION } from '../../version.js';
import { readStoredRuns } from './runs.js';

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

/** The run folder `which` names: `latest`, a run id, or a path to a run folder. */
async function findRunDir(io: Io, which: string, opts: ReportOptions): Promise<string> {
  const results = opts.results ?? 'results';
  const looksLikePath = which.includes('/') || which.includes('\\') || which.startsWith('.');
  if (looksLikePath || !(which === 'latest' || RUN_ID_RE.test(which))) {
    const dir = resolve(io.cwd, which);
    if (await io.exists(join(dir, 'summary.json'))) return dir;
    if (looksLikePath) throw usageError(`${which} is not a run folder (it has no summary.json)`);
    throw usageError(
      `${JSON.stringify(which)} is neither a run id, latest, nor a run folder`,
      'run ids look like 20261122T015538Z-3c2cfd; `loadctl runs` lists them',
    );
  }
  const runs = await readStoredRuns(io, results, opts.plan);
  const where = `${results}${opts.plan ? `/${opts.plan}` : ''}`;
  if (runs.length === 0)
    throw usageError(
      `no stored runs in ${where}`,
      opts.plan
        ? `check the plan name (\`loadctl runs\` lists every run), or --results`
        : '`loadctl run plans/seat-race.yaml` makes one; --results picks another results folder',
    );
  if (which === 'latest') return runs[runs.length - 1]!.dir;
  const matches = runs.filter((r) => r.summary.runId === which);
  if (matches.length === 0)
    throw usageError(`no run ${which} in ${where}`, '`loadctl runs` lists the stored runs');
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
  const dir = await findRunDir(io, which, opts);
  const report = await readRunReport(io, dir);
  const assets = format === 'html' ? await readChartAssets(io) : undefined;
  const text = renderReport(format, report, { lang, version: VERSION, ...(assets ? { assets } : {}) });

  // HTML goes to a file (the run folder unless -o), the others to stdout unless -o.
  const target =
    opts.out !== undefined
      ? isAbsolute(opts.out)
        ? opts.out
        : resolve(io.cwd, opts.out)
      : format === 'html'
        ? join(dir, REPORT_FILES.html)
        : undefined;
  if (target === undefined) {
    io.stdout.write(text);
    return EXIT.ok;
  }
  await io.writeFileAtomic(target, text);
  const shown = relative(io.cwd, target).startsWith('..') ? target : relative(io.cwd, target);
  io.stdout.write(`${shown}\n`);
  return EXIT.ok;
}
