// A study's parts of the HTML run report: the plan's `about:` facts, the average response times and the
// recommendations. Every text from a plan is escaped. Pure.
import type { RunSections } from '../model/sections.js';
import { escapeHtml as h } from './escape.js';
import { section } from './html-page.js';
import type { Messages } from './messages.js';
import { richToHtml } from './rich.js';
import { responseTimeRows } from './study-words.js';
import { LLM_WORDS, llmRows } from './llm-words.js';

const definitions = (rows: ReadonlyArray<readonly [string, string]>) =>
  `<dl class="meta">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('\n')}</dl>`;

/** The plan's `about:` facts: what was measured (the model, the server, the settings). */
export function aboutSectionHtml(sec: RunSections, m: Messages): string[] {
  return sec.about.length === 0 ? [] : [section('about', m.study.about, definitions(sec.about))];
}

/** Average response times: all requests, and the stream's figures for stream steps. */
export function responseTimeSectionHtml(sec: RunSections, m: Messages): string[] {
  const rows = responseTimeRows(sec.responseTimes, m.study);
  return rows.length === 0 ? [] : [section('response-time', m.study.responseTime, definitions(rows))];
}

/** TTFT, TPOT, ITL, E2E, tokens and goodput of stream steps (docs/llm.md). */
export function llmSectionHtml(sec: RunSections, m: Messages): string[] {
  const w = LLM_WORDS[m.lang];
  const rows = llmRows(sec.llm, w);
  return rows.length === 0 ? [] : [section('llm', w.heading, definitions(rows))];
}

/** What to do about the run, the one to act on first. */
export function recommendationSectionHtml(sec: RunSections, m: Messages): string[] {
  if (sec.recommendations.length === 0) return [];
  const items = sec.recommendations.map((r) => `<li>${richToHtml(m.study.recommendation(r))}</li>`);
  return [
    section('recommendations', m.study.recommendations, `<ul class="observations">${items.join('\n')}</ul>`),
  ];
}
