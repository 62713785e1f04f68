// The LLM serving section of every run output (terminal, Markdown, HTML; English and Korean): one list of
// label → figure rows from summary.json's `llm` (src/report/model/llm.ts), so each renderer draws the same
// numbers. Definitions in docs/llm.md. Pure.
import { renderSlo, type LlmSummary, type TokenTotals } from '../model/llm.js';
import { formatCount, formatMs, formatPercent, formatRate } from './units.js';

export type LlmLang = 'en' | 'ko';

export interface LlmWords {
  heading: string;
  ttft: string;
  tpot: string;
  itl: string;
  e2e: string;
  outputTokens: string;
  inputTokens: string;
  outputPerRequest: string;
  requestThroughput: string;
  goodput: string;
  perSecond: string;
  /** Where token counts came from: the API's usage, loadctl's tokenizer, the count of token events. */
  source: Record<keyof TokenTotals['bySource'], string>;
  completed: (n: string) => string;
  of: (good: string, all: string) => string;
}

export const LLM_WORDS: Readonly<Record<LlmLang, LlmWords>> = {
  en: {
    heading: 'LLM serving',
    ttft: 'Time to first token (TTFT)',
    tpot: 'Time per output token (TPOT)',
    itl: 'Inter-token latency (ITL)',
    e2e: 'End-to-end latency',
    outputTokens: 'Output tokens',
    inputTokens: 'Input tokens',
    outputPerRequest: 'Output tokens/s per request',
    requestThroughput: 'Request throughput',
    goodput: 'Goodput',
    perSecond: '/s',
    source: { usage: 'from usage', tokenizer: "by loadctl's tokenizer", events: 'counted as events' },
    completed: (n) => `${n} completed`,
    of: (good, all) => `${good} of ${all}`,
  },
  ko: {
    heading: 'LLM 서빙',
    ttft: '첫 토큰까지 시간 (TTFT)',
    tpot: '출력 토큰당 시간 (TPOT)',
    itl: '토큰 간 지연 (ITL)',
    e2e: '종단 간 지연',
    outputTokens: '출력 토큰',
    inputTokens: '입력 토큰',
    outputPerRequest: '요청당 초당 출력 토큰',
    requestThroughput: '요청 처리량',
    goodput: '굿풋 (goodput)',
    perSecond: '/초',
    source: { usage: 'usage 기준', tokenizer: 'loadctl 토크나이저 기준', events: '이벤트 수 기준' },
    completed: (n) => `${n}건 완료`,
    of: (good, all) => `${all}건 중 ${good}건`,
  },
};

/** A trend as "avg 307.1ms · p50 304.7ms · p95 313.5ms", with the statistics the run has. */
function trendText(values: Readonly<Record<string, number>>, format: (v: number) => string): string {
  return (
    [
      ['avg', 'avg'],
      ['med', 'p50'],
      ['p(95)', 'p95'],
      ['p(99)', 'p99'],
    ] as const
  )
    .flatMap(([key, label]) => (values[key] !== undefined ? [`${label} ${format(values[key])}`] : []))
    .join(' · ');
}

function tokenText(t: TokenTotals, w: LlmWords): string {
  const sources = (Object.keys(t.bySource) as Array<keyof TokenTotals['bySource']>).map(
    (k) => `${w.source[k]} ${formatCount(t.bySource[k] ?? 0)}`,
  );
  const total = `${formatCount(t.total)} (${formatRate(t.perSecond)}${w.perSecond})`;
  return sources.length > 0 ? `${total} · ${sources.join(', ')}` : total;
}

/** The LLM figures as label → text, in the order vLLM's `bench serve` prints them. */
export function llmRows(llm: LlmSummary | undefined, w: LlmWords): Array<[string, string]> {
  if (llm === undefined) return [];
  const rows: Array<[string, string]> = [];
  if (llm.ttft) rows.push([w.ttft, trendText(llm.ttft, formatMs)]);
  if (llm.tpot) rows.push([w.tpot, trendText(llm.tpot, formatMs)]);
  if (llm.itl) rows.push([w.itl, trendText(llm.itl, formatMs)]);
  if (llm.e2e) rows.push([w.e2e, trendText(llm.e2e, formatMs)]);
  if (llm.outputTokens) rows.push([w.outputTokens, tokenText(llm.outputTokens, w)]);
  if (llm.inputTokens) rows.push([w.inputTokens, tokenText(llm.inputTokens, w)]);
  if (llm.outputTokensPerSecond)
    rows.push([w.outputPerRequest, trendText(llm.outputTokensPerSecond, formatRate)]);
  rows.push([
    w.requestThroughput,
    `${formatRate(llm.completedPerSecond)}${w.perSecond} (${w.completed(formatCount(llm.completed))})`,
  ]);
  const g = llm.goodput;
  if (g) {
    const slos = g.slos.map((s) => `${s.step}: ${renderSlo(s.slo)}`).join('; ');
    rows.push([
      w.goodput,
      `${formatPercent(g.share)} (${w.of(formatCount(g.good), formatCount(g.requests))}) · ` +
        `${formatRate(g.perSecond)}${w.perSecond} · SLO ${slos}`,
    ]);
  }
  return rows;
}
