// Reports of a stored run in every format: `loadctl report` and `loadctl run --report`. Pure.
import { renderHtmlReport, type ChartAssets } from './html.js';
import type { Lang } from './i18n.js';
import { renderJUnitReport } from './junit.js';
import { renderMarkdownReport } from './markdown.js';
import type { RunReport } from '../model/report.js';

export const REPORT_FORMATS = ['html', 'markdown', 'junit', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The file each format is written to in a run folder. */
export const REPORT_FILES: Readonly<Record<ReportFormat, string>> = {
  html: 'report.html',
  markdown: 'report.md',
  junit: 'junit.xml',
  json: 'report.json',
};

const ALIASES: Readonly<Record<string, ReportFormat>> = { md: 'markdown', xml: 'junit' };

export function parseReportFormat(text: string): ReportFormat | undefined {
  const t = text.trim().toLowerCase();
  return (REPORT_FORMATS as readonly string[]).includes(t) ? (t as ReportFormat) : ALIASES[t];
}

/** "html,junit" → formats, or the names that are not formats. */
export function parseReportFormats(
  text: string,
): { ok: true; formats: ReportFormat[] } | { ok: false; unknown: string[] } {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => parseReportFormat(n) === undefined);
  if (unknown.length > 0 || names.length === 0)
    return { ok: false, unknown: unknown.length ? unknown : [text] };
  return { ok: true, formats: [...new Set(names.map((n) => parseReportFormat(n) as ReportFormat))] };
}

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
      return renderJUnitReport(report.summary, { lang: opts.lang });
    case 'json':
      return renderJsonReport(report);
  }
}
