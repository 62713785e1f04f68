// The report formats and the files they are written to, apart from the renderers: `run` checks its
// --report option before anything else, without loading the HTML, Markdown and JUnit renderers. Pure.

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
