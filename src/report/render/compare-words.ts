// The words of the comparison report (`loadctl compare --format html`) in English and Korean. English is
// the reference: a key missing from a language is a type error. Pure.
import type { Comparison, SideSummary } from '../compare/compare.js';
import { SERVER_WORDS } from './server-words.js';
import type { Lang } from './messages.js';

/** What a side amounts to against the baseline, from its significant changes. */
export type SideVerdict = 'baseline' | 'better' | 'worse' | 'mixed' | 'same' | 'unknown';

export interface CompareWords {
  title: (plan: string) => string;
  /** Under the title of a comparison of one run's groups (`compare --by tag:KEY`). */
  byTag: (run: string, tag: string) => string;
  baseline: string;
  vs: string;
  /** "graviton vs x86", from HTML already escaped: the word order differs by language. */
  versus: (sideHtml: string, baseHtml: string) => string;
  sideVerdict: Record<SideVerdict, string>;
  worse: string;
  better: string;
  endpointsWorse: string;
  section: {
    verdict: string;
    sides: string;
    gate: string;
    overall: string;
    endpoints: string;
    custom: string;
    server: string;
    thresholds: string;
    charts: string;
    notes: string;
  };
  fact: {
    target: string;
    description: string;
    generator: string;
    k6: string;
    profile: string;
    duration: string;
    runs: string;
    /** Where a side's server figures were read. */
    server: string;
    unknown: string;
  };
  col: { metric: string; threshold: string; rule: string; side: string; change: string; result: string };
  /** Row labels that are words (the rest are k6's terms or metric names and stay as they are). */
  rowLabel: Partial<Record<string, string>>;
  gate: {
    failed: string;
    passed: string;
    unjudged: string;
    overLimit: string;
    withinNoise: string;
    withinLimit: string;
    noNoise: string;
    noMetric: (metric: string, endpoint?: string) => string;
    inconclusive: string;
    /** The rule's limit is under the smallest change the data could show (`size` like "18%" or "2.1pp"). */
    undetectable: (size: string) => string;
  };
  legend: string;
  method: (c: Comparison) => string;
  ci: (lo: string, hi: string, pairs: number, kind: 'batches' | 'rounds' | 'requests') => string;
  /** Caption of every chart when a side has several rounds: only the first is drawn. */
  firstRound: (rounds: number) => string;
  latencyP95: string;
  percentilesAll: string;
  endpointP95: string;
  /** Caption of the charts drawn from the tables' numbers. */
  wholeRun: (rounds: number) => string;
  generatedBy: (version: string) => string;
  /** "both targets are built-in demo instances on this machine: …"; undefined when no target shares it. */
  sharedMachine: (c: Comparison) => string | undefined;
  /** "node_exporter http://…", or "no server figures". */
  serverSource: (s: SideSummary) => string;
  /** Under the server table: what the rows are and how they are judged. */
  serverLegend: string;
}

/** The labels of the sides whose target shares this machine, by why. */
function sharedSides(c: Comparison): { demo: string[]; local: string[]; all: boolean } {
  const demo = c.sides.filter((s) => s.server.shared === 'demo').map((s) => s.label);
  const local = c.sides.filter((s) => s.server.shared === 'local').map((s) => s.label);
  return { demo, local, all: demo.length + local.length === c.sides.length };
}

function sourceOf(s: SideSummary, lang: Lang): string {
  const w = SERVER_WORDS[lang];
  if (s.server.sources === null) return w.noFigures;
  return s.server.sources
    .map((x) => `${w.kind[x.kind as keyof typeof w.kind] ?? x.kind} ${x.address}`)
    .join(', ');
}

function sharedEn(c: Comparison): string | undefined {
  const { demo, local, all } = sharedSides(c);
  if (demo.length + local.length === 0) return undefined;
  const n = c.sides.length;
  let who: string;
  if (all && local.length === 0)
    who =
      n === 2
        ? 'both targets are built-in demo instances on this machine'
        : 'every target is a built-in demo instance on this machine';
  else if (all) who = 'every target runs on this machine';
  else
    who = [
      demo.length > 0
        ? `${demo.join(', ')} ${demo.length === 1 ? 'is a built-in demo instance' : 'are built-in demo instances'} on this machine`
        : '',
      local.length > 0 ? `${local.join(', ')} ${local.length === 1 ? 'runs' : 'run'} on this machine` : '',
    ]
      .filter(Boolean)
      .join('; ');
  return `${who}: CPU and memory are shared with the load generator, so this comparison is no hardware result`;
}

function sharedKo(c: Comparison): string | undefined {
  const { demo, local, all } = sharedSides(c);
  if (demo.length + local.length === 0) return undefined;
  let who: string;
  if (all && local.length === 0)
    who =
      c.sides.length === 2
        ? '두 대상 모두 이 머신의 내장 데모 인스턴스입니다'
        : '모든 대상이 이 머신의 내장 데모 인스턴스입니다';
  else if (all) who = '모든 대상이 이 머신에서 실행됩니다';
  else
    who = [
      demo.length > 0 ? `${demo.join(', ')}: 이 머신의 내장 데모 인스턴스` : '',
      local.length > 0 ? `${local.join(', ')}: 이 머신에서 실행` : '',
    ]
      .filter(Boolean)
      .join('; ');
  return `${who}. CPU와 메모리를 부하 발생기와 함께 쓰므로 이 비교는 하드웨어 결과가 아닙니다`;
}

function basisText(c: Comparison, en: boolean): string {
  const m = c.method;
  if (m.noise === 'rounds') return en ? `${m.rounds} paired rounds` : `짝지은 라운드 ${m.rounds}개`;
  if (m.noise === 'batches')
    return en
      ? `${m.batchesPerRun ?? 0} paired time batches per run`
      : `실행마다 짝지은 시간 구간 ${m.batchesPerRun ?? 0}개`;
  return en ? 'nothing (not judged)' : '없음 (판정하지 않음)';
}

function falseAlarmText(c: Comparison, en: boolean): string {
  const fa = c.method.falseAlarms;
  if (fa.tested === 0) return '';
  const q = `${(fa.q * 100).toFixed(0)}%`;
  return en
    ? `; ✓/✗ are held to a ${q} false-discovery rate over the ${fa.tested} judged numbers (Benjamini–Hochberg)`
    : `; ✓/✗는 판정한 ${fa.tested}개 수치 전체에서 거짓 발견율 ${q} 이하 (Benjamini–Hochberg)`;
}

const relativeFloor = (c: Comparison) => `${(c.method.minEffect.relative * 100).toFixed(0)}%`;
const pointsFloor = (c: Comparison) => `${(c.method.minEffect.points * 100).toFixed(1)}pp`;

const EN: CompareWords = {
  title: (plan) => `Comparison: ${plan}`,
  byTag: (run, tag) =>
    `the groups of run ${run} by tag ${tag}: they ran at the same time, each time batch of one paired with the same batch of the others`,
  baseline: 'baseline',
  vs: 'vs',
  versus: (side, base) => `${side} vs ${base}`,
  sideVerdict: {
    baseline: 'baseline',
    better: 'better',
    worse: 'worse',
    mixed: 'mixed',
    same: 'no significant difference',
    unknown: 'not judged',
  },
  worse: 'worse',
  better: 'better',
  endpointsWorse: 'endpoints worse',
  section: {
    verdict: 'Verdict',
    sides: 'Runs compared',
    gate: 'Regression gate',
    overall: 'Overall',
    endpoints: 'Endpoints',
    custom: 'Custom metrics',
    server: 'Server',
    thresholds: 'Thresholds',
    charts: 'Charts',
    notes: 'Notes',
  },
  fact: {
    target: 'target',
    description: 'described',
    generator: 'load generator',
    k6: 'k6',
    profile: 'profile',
    duration: 'duration',
    runs: 'runs',
    server: 'server figures',
    unknown: 'unknown',
  },
  col: {
    metric: 'metric',
    threshold: 'threshold',
    rule: 'rule',
    side: 'side',
    change: 'change',
    result: 'result',
  },
  rowLabel: {},
  gate: {
    failed: 'failed',
    passed: 'passed',
    unjudged: 'not judged',
    overLimit: 'significant, over the limit',
    withinNoise: 'within the noise',
    withinLimit: 'within the limit',
    noNoise: 'no noise estimate (no time batches and fewer than 3 rounds)',
    noMetric: (metric, endpoint) =>
      endpoint ? `no ${metric} of endpoint ${endpoint} on both sides` : `no ${metric} on both sides`,
    inconclusive: 'inconclusive',
    undetectable: (size) => `cannot be judged with this much data: detectable change is ±${size}`,
  },
  legend:
    '✓ better than the baseline · ✗ worse · ≈ no significant difference · ? not judged (no noise estimate) · max: shown, never judged · detectable: the smallest change this data would show 4 times in 5 (a ≈ says nothing about smaller ones)',
  method: (c) =>
    `95% confidence from ${basisText(c, true)}${falseAlarmText(c, true)}; smaller than ${relativeFloor(c)} or ${pointsFloor(c)} counts as ≈`,
  ci: (lo, hi, pairs, kind) =>
    kind === 'requests'
      ? `95% CI ${lo} … ${hi} (${pairs} requests or checks, a test for proportions)`
      : `95% CI ${lo} … ${hi} (${pairs} paired ${kind === 'rounds' ? 'rounds' : 'time batches'})`,
  firstRound: (rounds) => `round 1 of each side drawn (the tables average all ${rounds} rounds)`,
  latencyP95: 'Latency p95',
  percentilesAll: 'Latency percentiles, all requests',
  endpointP95: 'p95 latency per endpoint, whole run',
  wholeRun: (rounds) =>
    rounds > 1
      ? `the tables' numbers: mean over ${rounds} rounds`
      : "the tables' numbers, from k6's end-of-test data",
  generatedBy: (v) => `Generated by loadctl ${v} from the stored runs.`,
  sharedMachine: sharedEn,
  serverSource: (s) => sourceOf(s, 'en'),
  serverLegend:
    'CPU: the mean over the run (a host: % busy over all its cores; a process: 100 = one core) · requests per CPU-second: requests / CPU-seconds the server spent · CPU % per 1,000 req/s: CPU / (req/s / 1,000) · judged like latency; memory is shown, never judged',
};

const KO: CompareWords = {
  title: (plan) => `비교 보고서: ${plan}`,
  byTag: (run, tag) =>
    `실행 ${run}의 태그 ${tag}별 그룹: 같은 시간에 실행되었으므로 각 시간 구간을 다른 그룹의 같은 구간과 짝지어 비교합니다`,
  baseline: '기준',
  vs: '대비',
  versus: (side, base) => `${side} (${base} 대비)`,
  sideVerdict: {
    baseline: '기준',
    better: '개선',
    worse: '악화',
    mixed: '혼재',
    same: '유의한 차이 없음',
    unknown: '판정 불가',
  },
  worse: '악화',
  better: '개선',
  endpointsWorse: '악화된 엔드포인트',
  section: {
    verdict: '판정',
    sides: '비교한 실행',
    gate: '회귀 게이트',
    overall: '전체',
    endpoints: '엔드포인트별 비교',
    custom: '사용자 정의 메트릭',
    server: '서버',
    thresholds: '임계값',
    charts: '차트',
    notes: '참고',
  },
  fact: {
    target: '대상',
    description: '설명',
    generator: '부하 발생기',
    k6: 'k6',
    profile: '프로필',
    duration: '실행 시간',
    runs: '실행',
    server: '서버 수치',
    unknown: '알 수 없음',
  },
  col: {
    metric: '메트릭',
    threshold: '임계값',
    rule: '규칙',
    side: '비교 대상',
    change: '변화',
    result: '결과',
  },
  rowLabel: {
    requests: '요청 수',
    error_rate: '오류율',
    checks: '체크 통과율',
    goodput: '굿풋',
    memory: '메모리',
    req_per_cpu_s: 'CPU 1초당 요청',
    cpu_per_1k_rps: '초당 요청 1,000건당 CPU %',
  },
  gate: {
    failed: '실패',
    passed: '통과',
    unjudged: '판정 불가',
    overLimit: '유의하며 한도를 넘음',
    withinNoise: '잡음 범위 안',
    withinLimit: '한도 안',
    noNoise: '잡음 추정치 없음 (시간 구간이 없고 라운드가 3개 미만)',
    noMetric: (metric, endpoint) =>
      endpoint ? `엔드포인트 ${endpoint}의 ${metric}가 양쪽에 없음` : `${metric}가 양쪽에 없음`,
    inconclusive: '판정 보류',
    undetectable: (size) => `이 데이터로는 판정할 수 없음: 검출 가능한 변화는 ±${size}`,
  },
  legend:
    '✓ 기준보다 개선 · ✗ 악화 · ≈ 유의한 차이 없음 · ? 판정 불가 (잡음 추정치 없음) · max: 표시만, 판정하지 않음 · detectable: 이 데이터가 5번 중 4번 찾아낼 수 있는 가장 작은 변화 (≈는 그보다 작은 변화에 대해 말하지 않음)',
  method: (c) =>
    `95% 신뢰수준, ${basisText(c, false)} 기준${falseAlarmText(c, false)}; ${relativeFloor(c)} 또는 ${pointsFloor(c)}보다 작은 변화는 ≈`,
  ci: (lo, hi, pairs, kind) =>
    kind === 'requests'
      ? `95% 신뢰구간 ${lo} … ${hi} (요청 또는 체크 ${pairs}개, 비율 검정)`
      : `95% 신뢰구간 ${lo} … ${hi} (짝지은 ${kind === 'rounds' ? '라운드' : '시간 구간'} ${pairs}개)`,
  firstRound: (rounds) => `각 대상의 1라운드만 표시 (표는 ${rounds}라운드 전체의 평균)`,
  latencyP95: '지연 시간 p95',
  percentilesAll: '전체 요청의 지연 시간 백분위수',
  endpointP95: '엔드포인트별 p95 지연 시간 (전체 실행)',
  wholeRun: (rounds) => (rounds > 1 ? `표의 수치: ${rounds}라운드 평균` : '표의 수치, k6 종료 시점 데이터'),
  generatedBy: (v) => `저장된 실행 결과로 생성한 비교 보고서입니다 (loadctl ${v}).`,
  sharedMachine: sharedKo,
  serverSource: (s) => sourceOf(s, 'ko'),
  serverLegend:
    'CPU: 실행 전체 평균 (호스트: 전체 코어 대비 사용률 %, 프로세스: 100 = 코어 1개) · CPU 1초당 요청: 요청 수 / 서버가 쓴 CPU 초 · 초당 요청 1,000건당 CPU %: CPU / (초당 요청 / 1,000) · 지연 시간과 같은 방법으로 판정; 메모리는 표시만, 판정하지 않음',
};

const WORDS: Readonly<Record<Lang, CompareWords>> = { en: EN, ko: KO };

export function compareWords(lang: Lang = 'en'): CompareWords {
  return WORDS[lang];
}
