// The words of every report, in English and Korean (`--lang ko`). English is the default and the reference:
// a key missing from a language is a type error, not a fallback (messages.ts has the shape, i18n-en.ts and
// i18n-ko.ts the words). Pure.
import { EN } from './i18n-en.js';
import { KO } from './i18n-ko.js';
import type { Lang, Messages } from './messages.js';

export type { Lang, Messages } from './messages.js';
// The verdict is part of the section model; re-exported for the renderers and tests that import it here.
export { verdictOf, type Verdict } from '../model/sections.js';

export const LANGS: readonly Lang[] = ['en', 'ko'];

export function parseLang(text: string | undefined): Lang | undefined {
  const t = (text ?? 'en').trim().toLowerCase();
  return (LANGS as readonly string[]).includes(t) ? (t as Lang) : undefined;
}

const MESSAGES: Readonly<Record<Lang, Messages>> = { en: EN, ko: KO };

export function messages(lang: Lang = 'en'): Messages {
  return MESSAGES[lang];
}
