// Rich text: a sentence of plain text and code (names from a plan or a response), so one message can be
// rendered as Markdown (`code`) or HTML (<code>) with each part escaped for its format. Pure.
import { escapeHtml, escapeMarkdown, markdownCode } from './escape.js';

export type RichPart = string | { code: string } | { strong: string };
export type Rich = RichPart[];

export const code = (text: string): RichPart => ({ code: text });
export const strong = (text: string): RichPart => ({ strong: text });

/** A tagged template: `rich\`p95 of ${code(name)} broke its threshold\``. */
export function rich(strings: TemplateStringsArray, ...values: RichPart[]): Rich {
  const out: Rich = [];
  strings.forEach((s, i) => {
    if (s) out.push(s);
    const v = values[i];
    if (v !== undefined && v !== '') out.push(v);
  });
  return out;
}

export function richToMarkdown(r: Rich): string {
  return r
    .map((p) =>
      typeof p === 'string'
        ? escapeMarkdown(p)
        : 'code' in p
          ? markdownCode(p.code)
          : `**${escapeMarkdown(p.strong)}**`,
    )
    .join('');
}

export function richToHtml(r: Rich): string {
  return r
    .map((p) =>
      typeof p === 'string'
        ? escapeHtml(p)
        : 'code' in p
          ? `<code>${escapeHtml(p.code)}</code>`
          : `<strong>${escapeHtml(p.strong)}</strong>`,
    )
    .join('');
}

export function richToText(r: Rich): string {
  return r.map((p) => (typeof p === 'string' ? p : 'code' in p ? p.code : p.strong)).join('');
}
