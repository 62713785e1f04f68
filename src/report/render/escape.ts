// Escaping for every text that reaches a report: plan names, endpoint names, check names, tags, URLs and
// error messages all come from a plan or a response, so none of them is ever trusted as markup. Pure.
import { terminalSafe } from '../../terminal-safe.js';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

// XML 1.0 allows tab, newline, carriage return and the characters from U+0020 up, minus lone surrogates
// and U+FFFE/U+FFFF; anything else makes the whole file unreadable to a CI's parser, so it is replaced.
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for XML element content and quoted attribute values (JUnit). */
export function escapeXml(text: string): string {
  return escapeHtml(text.replace(XML_INVALID, '\uFFFD')).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;');
}

/** Text for XML element content where line breaks should stay line breaks. */
export function escapeXmlText(text: string): string {
  return escapeHtml(text.replace(XML_INVALID, '\uFFFD'));
}

/**
 * JSON for a `<script type="application/json">` block: `<` is written as \u003c so no `</script>` (or
 * `<!--`) inside a string can end the block; U+2028/U+2029 likewise, for older parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A third-party script or stylesheet inlined into the page: `</script` / `</style` would end the element
 * early. In JavaScript, `<\/` inside a string, regular expression or comment means the same as `</`.
 */
export function inlineSafe(source: string, element: 'script' | 'style'): string {
  const re = element === 'script' ? /<\/(script)/gi : /<\/(style)/gi;
  return source.replace(re, '<\\/$1');
}

/**
 * Inline Markdown text: markup characters are backslash-escaped and `<`, `>` and `&` become entities, so a
 * wiki or a pull request shows the text, never HTML from it. Line breaks become spaces (a table cell is one line);
 * other control and invisible characters are shown as terminalSafe shows them (Markdown is printed to terminals).
 */
export function escapeMarkdown(text: string): string {
  return terminalSafe(text.replace(/[\r\n]+/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1');
}

/**
 * Inline code in Markdown: a backtick fence longer than any run of backticks in the text. A code span shows
 * `<` as text, but inside a table a `|` still splits the cell, so there it is escaped (GFM).
 */
export function markdownCode(text: string, inTable = false): string {
  const oneLine = terminalSafe(text.replace(/[\r\n]+/g, ' '));
  const flat = inTable ? oneLine.replace(/\|/g, '\\|') : oneLine;
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.length === 0 ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
