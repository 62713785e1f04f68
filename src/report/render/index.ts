// Reports of a stored run in every format: `loadctl report` and `loadctl run --report`. Pure.
import { renderHtmlReport, type ChartAssets } from './html.js';
import type { Lang } from './i18n.js';
import { renderJUnitReport } from './junit.js';
import { renderMarkdownReport } from './markdown.js';
import type { RunReport } from '../model/report.js';
import type { ReportFormat } from './formats.js';

export {
  parseReportFormat,
  parseReportFormats,
  REPORT_FILES,
  REPORT_FORMATS,
  type ReportFormat,
} from './formats.js';

/** The summary model as JSON (docs/results.md, `loadctl.summary/v1`). */
export function renderJsonReport(report: RunReport): string {
  return `${JSON.stringify(report.summary, null, 2)}\n`;
}

export interface RenderReportOptions {
  lang: Lang;
  version: string;
  /** Needed for html only: the inlined charting library. */
  assets?: ChartAssets;
}

export function renderReport(format: ReportFormat, report: RunReport, opts: RenderReportOptions): string {
  switch (format) {
    case 'html':
      if (!opts.assets) throw new Error('the HTML report needs the charting library');
      return renderHtmlReport(report, { lang: opts.lang, assets: opts.assets, version: opts.version });
    case 'markdown':
      return renderMarkdownReport(report, { lang: opts.lang, version: opts.version });
    case 'junit':
      return renderJUnitReport(report.summary, {
        lang: opts.lang,
        ...(report.meta?.target?.demo !== undefined ? { demo: report.meta.target.demo } : {}),
        ...(report.plan?.about ? { about: report.plan.about } : {}),
        ...(report.meta?.overrides ? { overrides: report.meta.overrides } : {}),
      });
    case 'json':
      return renderJsonReport(report);
  }
}
