// The words of a study's report in each language: the plan's `about:` facts, the average response times and
// the recommendations (src/report/model/recommendations.ts). Kept apart from i18n.ts, like table-words.ts,
// so the terminal summary can import them without the reports. English is the reference: a key missing
// from a language is a type error. Pure.
import type { Recommendation } from '../model/recommendations.js';
import type { ResponseTimes } from '../model/response-time.js';
import { code, rich, strong, type Rich } from './rich.js';
import { formatCount, formatMs, formatPercent, formatRate } from './units.js';
import { formatObserved } from './values.js';

export type StudyLang = 'en' | 'ko';

export interface StudyWords {
  /** The heading of the `about:` facts. */
  about: string;
  fact: string;
  value: string;
  responseTime: string;
  /** Labels of the average response times; units are the figures' own. */
  average: string;
  ttft: string;
  interTokenLatency: string;
  tokens: string;
  tokensPerSecond: string;
  completed: string;
  recommendations: string;
  /** The terminal summary's label of the first recommendation. */
  nextStep: string;
  recommendation: (r: Recommendation) => Rich;
}

type Of<K extends Recommendation['kind']> = Extract<Recommendation, { kind: K }>;

const statName = (stat: string) => stat.replace(/^p\(([\d.]+)\)$/, 'p$1');
const observed = (r: Of<'lower-concurrency'>) => formatObserved(r, r.unit);
const subject = (r: Of<'lower-concurrency'>): Rich =>
  r.endpoint !== undefined ? rich`${code(r.endpoint)}` : rich`${code(r.metric)}`;
const fixes = (r: Of<'fix-generator'>) => r.reasons.map((x) => x.fix).join('; ');
const checkName = (r: Of<'checks'>) => [...r.group.split('::').filter(Boolean), r.name].join(' › ');

function errorsEn(r: Of<'errors'>): Rich {
  switch (r.cause) {
    case 'server':
      return rich`${code(r.endpoint)}: most failed responses were 5xx, the target's own errors: ${strong("read the target's logs for them and check its capacity")} (CPU, memory, worker and connection pools) at this load`;
    case 'client':
      return rich`${code(r.endpoint)}: most failed responses were 4xx, refused requests: ${strong('check the request data, the credentials and any rate limit')} (429) before reading the figures as speed`;
    case 'network':
      return rich`${code(r.endpoint)}: most failed requests got no response (timeouts, refused or reset connections): ${strong("check the target's connection limits and timeouts")} and the network in between`;
    case 'unknown':
      return rich`${code(r.endpoint)}: ${formatPercent(r.failed / r.requests)} of requests failed: rerun with ${code('--samples')} to see their status classes (5xx: the target, 4xx: the requests, none: the network)`;
  }
}

function recommendationEn(r: Recommendation): Rich {
  switch (r.kind) {
    case 'lower-concurrency':
      return [
        ...rich`${statName(r.stat)} of `,
        ...subject(r),
        ...(r.vus > 0
          ? rich` was ${observed(r)} against ${code(r.expression)} at up to ${formatCount(r.vus)} VUs: ${strong(`lower the concurrency below ${formatCount(r.vus)} VUs or add capacity`)} (more replicas, a larger instance), then find the level that holds with ${code('loadctl breakpoint')}`
          : rich` was ${observed(r)} against ${code(r.expression)}: ${strong('lower the load or add capacity')}, then find the level that holds with ${code('loadctl breakpoint')}`),
      ];
    case 'fix-generator':
      return rich`${strong('fix the load generator first')}, until then the figures measure it, not the target: ${fixes(r)}`;
    case 'errors':
      return errorsEn(r);
    case 'invariant':
      return rich`invariant ${code(r.name)} broke under load: ${strong('look for a race between concurrent requests')} (a missing lock, an update that is not atomic) in what it checks`;
    case 'dropped':
      return rich`k6 dropped ${formatCount(r.count)} iterations: ${strong("raise the scenario's maxVUs")} (or preAllocatedVUs) so the asked rate is reached; the figures cover less load than planned`;
    case 'checks':
      return rich`check ${code(checkName(r))} failed under load: ${strong('compare a failing response with what the check expects')} before raising the load`;
  }
}

function errorsKo(r: Of<'errors'>): Rich {
  switch (r.cause) {
    case 'server':
      return rich`${code(r.endpoint)}: 실패한 응답 대부분이 5xx(대상 자체의 오류)입니다: ${strong('대상의 로그를 확인하고 이 부하에서의 용량을 점검하십시오')} (CPU, 메모리, 워커·연결 풀)`;
    case 'client':
      return rich`${code(r.endpoint)}: 실패한 응답 대부분이 4xx(거부된 요청)입니다: 수치를 속도로 읽기 전에 ${strong('요청 데이터, 인증 정보, 요청 한도(429)를 확인하십시오')}`;
    case 'network':
      return rich`${code(r.endpoint)}: 실패한 요청 대부분이 응답을 받지 못했습니다 (타임아웃, 연결 거부·재설정): ${strong('대상의 연결 한도와 타임아웃')}, 그리고 그 사이의 네트워크를 확인하십시오`;
    case 'unknown':
      return rich`${code(r.endpoint)}: 요청의 ${formatPercent(r.failed / r.requests)}가 실패했습니다: ${code('--samples')}로 다시 실행해 상태 코드 계열을 확인하십시오 (5xx: 대상, 4xx: 요청, 응답 없음: 네트워크)`;
  }
}

function recommendationKo(r: Recommendation): Rich {
  switch (r.kind) {
    case 'lower-concurrency':
      return [
        ...subject(r),
        ...(r.vus > 0
          ? rich`의 ${statName(r.stat)}가 최대 VU ${formatCount(r.vus)}개에서 ${observed(r)}로 기준 ${code(r.expression)}을 넘었습니다: ${strong(`동시 사용자를 VU ${formatCount(r.vus)}개 미만으로 낮추거나 용량을 늘리십시오`)} (복제본 추가, 더 큰 인스턴스). 그다음 ${code('loadctl breakpoint')}로 버티는 수준을 찾으십시오`
          : rich`의 ${statName(r.stat)}가 ${observed(r)}로 기준 ${code(r.expression)}을 넘었습니다: ${strong('부하를 낮추거나 용량을 늘리십시오')}. 그다음 ${code('loadctl breakpoint')}로 버티는 수준을 찾으십시오`),
      ];
    case 'fix-generator':
      return rich`${strong('부하 발생기부터 고치십시오')}. 그 전까지 수치는 대상이 아니라 부하 발생기를 측정한 것입니다: ${fixes(r)}`;
    case 'errors':
      return errorsKo(r);
    case 'invariant':
      return rich`불변 조건 ${code(r.name)}이 부하에서 깨졌습니다: 확인 대상에서 ${strong('동시 요청 사이의 경쟁 상태를 찾으십시오')} (빠진 잠금, 원자적이지 않은 갱신)`;
    case 'dropped':
      return rich`k6가 반복 ${formatCount(r.count)}회를 건너뛰었습니다: 요청한 도착률에 이르도록 ${strong('시나리오의 maxVUs를 늘리십시오')} (또는 preAllocatedVUs). 지금 수치는 계획보다 적은 부하를 다룹니다`;
    case 'checks':
      return rich`체크 ${code(checkName(r))}가 부하에서 실패했습니다: 부하를 높이기 전에 ${strong('실패한 응답을 체크가 기대하는 값과 비교하십시오')}`;
  }
}

export const STUDY_WORDS: Readonly<Record<StudyLang, StudyWords>> = {
  en: {
    about: 'About this study',
    fact: 'Fact',
    value: 'Value',
    responseTime: 'Response time',
    average: 'Average response time (all requests)',
    ttft: 'Time to first token (avg)',
    interTokenLatency: 'Inter-token latency (avg)',
    tokens: 'Tokens per answer (avg)',
    tokensPerSecond: 'Tokens per second (avg)',
    completed: 'Streams completed',
    recommendations: 'Recommendations',
    nextStep: 'next step',
    recommendation: recommendationEn,
  },
  ko: {
    about: '측정 조건',
    fact: '항목',
    value: '값',
    responseTime: '응답 시간',
    average: '평균 응답 시간 (전체 요청)',
    ttft: '첫 토큰까지 시간 (평균)',
    interTokenLatency: '토큰 간 지연 (평균)',
    tokens: '응답당 토큰 수 (평균)',
    tokensPerSecond: '초당 토큰 수 (평균)',
    completed: '완료된 스트림',
    recommendations: '권장 조치',
    nextStep: '다음 조치',
    recommendation: recommendationKo,
  },
};

/** The average response times as label → formatted figure, in the order a reader compares them. */
export function responseTimeRows(t: ResponseTimes, w: StudyWords): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (t.average !== undefined) rows.push([w.average, formatMs(t.average)]);
  const s = t.stream;
  if (s?.ttft !== undefined) rows.push([w.ttft, formatMs(s.ttft)]);
  if (s?.interTokenLatency !== undefined) rows.push([w.interTokenLatency, formatMs(s.interTokenLatency)]);
  if (s?.tokens !== undefined) rows.push([w.tokens, formatRate(s.tokens)]);
  if (s?.tokensPerSecond !== undefined) rows.push([w.tokensPerSecond, formatRate(s.tokensPerSecond)]);
  if (s?.completed !== undefined) rows.push([w.completed, formatPercent(s.completed)]);
  return rows;
}
