// Text for a terminal: names from a plan, a response or a stored run are printed through here, so none of
// them can move the cursor, clear the screen, set the window title, ring the bell, reorder the line (bidi
// overrides) or split a table row. Each such character is shown, not dropped, so the user sees that the
// name holds it:
//   - C0 controls and DEL as their Unicode Control Picture: ESC → ␛, BEL → ␇, NUL → ␀, CR → ␍, LF → ␊,
//     TAB → ␉, DEL → ␡ (one column wide, so tables stay aligned);
//   - every other invisible character — C1 controls (U+0080–U+009F), bidi controls (U+061C, U+200E/F,
//     U+202A–U+202E, U+2066–U+2069), zero-width and other format characters (Unicode Cf), line and paragraph
//     separators (U+2028/U+2029) — as `\u{202e}` (its code point in hex).
// Ordinary text (Korean, emoji, including emoji joined with U+200D) is unchanged. A leaf: the plan
// diagnostics and errors.ts use it too. Pure.

// A zero-width joiner right after an emoji (optionally with its variation selector or skin tone) is part of
// an emoji sequence such as 👩‍💻; anywhere else it only hides a difference between two names.
const UNSAFE =
  /[\p{Cc}\p{Zl}\p{Zp}]|(?<!\p{Extended_Pictographic}(?:\u{FE0F}|\p{Emoji_Modifier})?)\u200D|(?!\u200D)\p{Cf}/gu;

function visible(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20) return String.fromCodePoint(0x2400 + cp);
  if (cp === 0x7f) return '\u2421';
  return `\\u{${cp.toString(16)}}`;
}

/** One line of text for a terminal (a table cell, a progress line, a name in a sentence). */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** Like terminalSafe, but line breaks (LF) stay line breaks: a multi-line message. CR is still shown. */
export function terminalSafeLines(text: string): string {
  return text.split('\n').map(terminalSafe).join('\n');
}

/**
 * A renderer's input with every string in it (values and keys, at any depth) made terminalSafe: a renderer
 * that starts with this cannot forget a name. Plain data only (objects, arrays, strings, numbers, …).
 */
export function terminalSafeDeep<T>(value: T): T {
  return deep(value) as T;
}

function deep(value: unknown): unknown {
  if (typeof value === 'string') return terminalSafe(value);
  if (Array.isArray(value)) return value.map(deep);
  if (value === null || typeof value !== 'object') return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [terminalSafe(k), deep(v)]));
}
