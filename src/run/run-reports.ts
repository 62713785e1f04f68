// `--report`: the reports of a run just finished, rendered from the texts its files were written with (so
// `loadctl report` of the folder later shows the same report), not read back from the folder.
import type { Io } from '../io/io.js';
import type { ReportFormat } from '../report/render/index.js';
import type { Lang } from '../report/render/i18n.js';
import type { RunSpec } from './prepare.js';
import type { WrittenReport } from './reports.js';
import type { RunFileTexts } from '../store/write.js';
import { terminalSafeLines } from '../terminal-safe.js';

/** The run's exit code stands whatever happens here: a report that cannot be written is a warning. */
export async function writeReportsOfRun(
  io: Io,
  spec: RunSpec,
  files: RunFileTexts,
  formats: readonly ReportFormat[],
  lang: Lang,
): Promise<WrittenReport[]> {
  if (formats.length === 0) return [];
  try {
    // Loaded only when asked: the report model, the renderers and the charting library are not every run's cost.
    const { parseRunReport } = await import('../report/model/report.js');
    const { writeRunReports } = await import('./reports.js');
    const report = parseRunReport({
      summary: files.summary,
      series: files.series,
      meta: files.meta,
      plan: spec.planDocument,
      server: files.server,
    });
    if (!report) throw new Error('the run has no summary');
    return await writeRunReports(io, spec.runDir, report, formats, lang);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    io.stderr.write(`⚠ the reports were not written: ${terminalSafeLines(why)}\n`);
    return [];
  }
}
