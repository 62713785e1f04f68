// The effects around reports: reading the charting library from node_modules and writing report files
// (a stored run is read by src/store). `loadctl report` and `loadctl run --report` share them; rendering is in
// src/report/render (pure).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { renderReport, REPORT_FILES, type ReportFormat } from '../report/render/index.js';
import type { ChartAssets } from '../report/render/html.js';
import type { Lang } from '../report/render/i18n.js';
import type { RunReport } from '../report/model/report.js';
import { environmentError } from '../errors.js';
import type { Io } from '../io/io.js';
import { VERSION } from '../version.js';

/**
 * uPlot's browser build and stylesheet, inlined into every HTML report so it opens with no network. Read
 * from the installed package (a dependency of loadctl), never fetched.
 */
// uPlot's files are ~50 KiB; the limit only keeps every read bounded.
const MAX_CHART_ASSET_BYTES = 4 * 1024 * 1024;

export async function readChartAssets(io: Io): Promise<ChartAssets> {
  const require = createRequire(import.meta.url);
  try {
    const js = require.resolve('uplot/dist/uPlot.iife.min.js');
    const css = require.resolve('uplot/dist/uPlot.min.css');
    const [uplotJs, uplotCss] = await Promise.all([
      io.readText(js, MAX_CHART_ASSET_BYTES),
      io.readText(css, MAX_CHART_ASSET_BYTES),
    ]);
    return { uplotJs, uplotCss };
  } catch (err) {
    throw environmentError(
      `the charting library (uplot) is not installed: ${err instanceof Error ? err.message : String(err)}`,
      'run `npm install` in the loadctl folder',
    );
  }
}

export interface WrittenReport {
  format: ReportFormat;
  path: string;
}

/** Renders the formats and writes each as its REPORT_FILES name in the run folder. */
export async function writeRunReports(
  io: Io,
  dir: string,
  report: RunReport,
  formats: readonly ReportFormat[],
  lang: Lang,
): Promise<WrittenReport[]> {
  const assets = formats.includes('html') ? await readChartAssets(io) : undefined;
  const written: WrittenReport[] = [];
  for (const format of formats) {
    const path = join(dir, REPORT_FILES[format]);
    await io.writeFileAtomic(
      path,
      renderReport(format, report, { lang, version: VERSION, ...(assets ? { assets } : {}) }),
    );
    written.push({ format, path });
  }
  return written;
}
