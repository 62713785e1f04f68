// The words of every report in Korean (`--lang ko`). Numbers, units, names and k6's own terms (p95, VUs, req/s,
// metric and threshold expressions) stay as they are. Pure.
import {
  arrivalsText,
  str,
  stages,
  statusClasses,
  share,
  checkLabel,
  observedText,
  type Messages,
} from './messages.js';
import { code, rich, strong } from './rich.js';
import { SERVER_WORDS } from './server-words.js';
import { STUDY_WORDS } from './study-words.js';
import { TABLE_WORDS } from './table-words.js';
import { formatCount, formatMs, formatPercent, formatRate } from './units.js';

/** How a scenario with `arrivals:` starts its iterations, after its rate. */
const arrivals = (s: Record<string, unknown>): string =>
  arrivalsText(
    s,
    (seed) => `, 포아송 도착 (시드 ${seed})`,
    (b, seed) => `, 감마 도착, burstiness ${b} (시드 ${seed})`,
  );

export const KO: Messages = {
  lang: 'ko',
  htmlLang: 'ko',
  title: (plan) => `부하 테스트 보고서: ${plan}`,
  verdict: {
    passed: '통과',
    'thresholds-failed': '임계값 실패',
    aborted: '중단됨',
    'generator-saturated': '부하 발생기 포화',
    'k6-error': 'k6 오류',
    'invariants-failed': '불변 조건 실패',
  },
  section: {
    summary: '요약',
    observations: '주요 관찰 사항',
    environment: '환경',
    configuration: '구성',
    results: '결과',
    endpoints: '엔드포인트별 통계',
    thresholds: '임계값',
    checks: '체크',
    invariants: '불변 조건 (실행 후 확인)',
    customMetrics: '사용자 정의 메트릭',
    generator: '부하 발생기',
    runners: '러너',
    notes: '참고',
    charts: '시간별 추이',
    metadata: '실행 정보',
  },
  field: {
    date: '일시',
    plan: '플랜',
    profile: '프로필',
    overrides: '명령줄 재정의',
    target: '대상',
    run: '실행 ID',
    duration: '실행 시간',
    description: '설명',
    k6: 'k6',
    loadctl: 'loadctl',
    generator: '부하 발생기',
    tags: '태그',
    planFile: '플랜 파일',
    started: '시작',
    ended: '종료',
    exitCode: '종료 코드',
    k6Path: 'k6 실행 파일',
    demo: '내장 데모 서비스',
    none: '없음',
    cores: (n) => `코어 ${n}개`,
  },
  col: {
    endpoint: '엔드포인트',
    requests: '요청 수',
    rps: '초당 요청',
    errors: '오류율',
    statuses: '상태 코드',
    metric: '메트릭',
    threshold: '임계값',
    observed: '측정값',
    result: '결과',
    check: '체크',
    group: '그룹',
    passed: '통과',
    failed: '실패',
    passRate: '통과율',
    invariant: '불변 조건',
    detail: '내용',
    runner: '러너',
    segment: '세그먼트',
    iterations: '반복 수',
    exit: '종료',
    type: '유형',
    value: '값',
    description: '설명',
    scenario: '시나리오',
    executor: '실행기',
    load: '부하',
    flow: '흐름',
    reason: '원인',
    fix: '조치',
  },
  total: {
    requests: '요청 수',
    rps: '초당 요청',
    failed: '실패율',
    iterations: '반복 횟수',
    vusMax: '최대 VU',
    checks: '체크 통과율',
    p95: 'p95 지연 시간',
    data: '송신 / 수신 데이터',
  },
  ok: '통과',
  notOk: '실패',
  noSamples: '데이터 없음',
  abortOnFail: 'abortOnFail',
  overWindow: (window) => `(${window} 구간마다)`,
  topLevel: '(최상위)',
  chart: {
    vus: '가상 사용자 수',
    rps: '초당 요청 수',
    requests: '초당 요청',
    errors: '초당 실패 요청 수',
    latency: '지연 시간',
    latencyCumulative:
      '실행 시작부터의 누적값 (기본 k6의 REST API는 초 단위 백분위수를 제공하지 않습니다. `npm run setup:k6`로 loadctl 메트릭 스트림이 있는 k6를 빌드하거나 --samples로 실행하세요)',
    latencyWindowed: '초 단위, loadctl 메트릭 스트림 또는 원시 샘플 기준',
    endpointLatency: '엔드포인트별 p95 지연 시간',
    percentiles: '엔드포인트별 지연 시간 백분위수',
    percentilesCaption: '전체 실행 기준, k6 종료 시점 데이터',
    responses: '엔드포인트별 응답',
    responsesCaption: '상태 코드 계열(원시 샘플) 또는 선언된 상태 코드 기준',
    failed: '실패',
    seconds: '초',
    percentile: '백분위수',
    endpoint: '엔드포인트',
    other: '기타 (성공)',
    noSeries: (ms) =>
      `초 단위 데이터가 없습니다: k6가 ${formatMs(ms)} 동안 실행되었고, 첫 실시간 샘플은 1초 후에 수집됩니다. 아래 차트는 k6 종료 시점 데이터입니다. 시간별 차트가 필요하면 더 길게 실행하거나 --samples를 사용하세요.`,
  },
  serverChart: {
    cpuTitle: '서버 CPU와 지연 시간, 초당 요청 수',
    cpuCaption: (whose, local) =>
      `${whose === 'host' ? '대상 호스트의 전체 코어 CPU 사용률' : '대상 프로세스의 CPU (100 % = 코어 1개)'}은 오른쪽 축, p95 지연 시간과 초당 요청 수는 왼쪽 축${whose === 'host' && local ? ' — 이 머신: 부하 생성기의 CPU도 포함됩니다' : ''}`,
    cpu: 'CPU',
    processCpu: '프로세스 CPU',
    p95: 'p95',
    requests: '초당 요청',
    memoryTitle: '서버 메모리',
    memoryCaption: (host, process) =>
      [
        host ? '호스트의 사용 메모리 (전체 − 사용 가능, 점선: 전체)' : '',
        process ? '프로세스의 상주 메모리' : '',
      ]
        .filter(Boolean)
        .join(', '),
    memoryUsed: '사용 메모리',
    processMemory: '프로세스 메모리 (RSS)',
    memoryTotal: '전체',
    compareCpuTitle: '서버 CPU',
    compareCpuCaption:
      '각 실행의 서버: 호스트의 전체 코어 CPU 사용률, 없으면 프로세스의 CPU (100 % = 코어 1개)',
  },
  load: (s) => {
    switch (s['executor']) {
      case 'shared-iterations':
        return `VU ${str(s['vus'] ?? 1)}개가 반복 ${str(s['iterations'] ?? 1)}회를 나누어 실행`;
      case 'per-vu-iterations':
        return `VU ${str(s['vus'] ?? 1)}개 × VU당 반복 ${str(s['iterations'] ?? 1)}회`;
      case 'constant-vus':
        return `VU ${str(s['vus'] ?? 1)}개, ${str(s['duration'])} 동안`;
      case 'ramping-vus':
        return `VU ${str(s['startVUs'] ?? 1)}개에서 시작: ${stages(s, ' VU')}`;
      case 'constant-arrival-rate':
        return (
          `${str(s['timeUnit'] ?? '1s')}당 반복 ${str(s['rate'])}회, ${str(s['duration'])} 동안 (VU ${str(s['preAllocatedVUs'])}–${str(s['maxVUs'] ?? s['preAllocatedVUs'])}개)` +
          arrivals(s)
        );
      case 'ramping-arrival-rate':
        return (
          `${str(s['startRate'] ?? 0)}/${str(s['timeUnit'] ?? '1s')}에서 시작: ${stages(s, '/' + str(s['timeUnit'] ?? '1s'))} (VU ${str(s['preAllocatedVUs'])}–${str(s['maxVUs'] ?? s['preAllocatedVUs'])}개)` +
          arrivals(s)
        );
      default:
        return '';
    }
  },
  observation: (o) => {
    switch (o.kind) {
      case 'threshold-failed': {
        const t = o.threshold;
        const stat = t.stat.replace(/^p\(([\d.]+)\)$/, 'p$1');
        const head = o.endpoint
          ? rich`${code(o.endpoint)}의 ${stat}가 임계값을 넘었습니다: 측정값 ${observedText(o) ?? '샘플 없음'}, 기준 ${code(t.expression)}`
          : rich`임계값 ${code(`${t.metric} ${t.expression}`)} 실패: 측정값 ${observedText(o) ?? '샘플 없음'}`;
        return o.expected
          ? [
              ...head,
              ...rich`. 응답의 ${share(o.expected.share)}가 ${o.expected.status}이며, 플랜이 예상한 응답(${code('expect')})이므로 오류로 세지 않습니다`,
            ]
          : head;
      }
      case 'expected-status':
        return rich`${code(o.endpoint)} 응답의 ${share(o.share)}가 ${o.status}입니다: 예상된 응답으로 선언되어(${code('expect')}) 오류로 세지 않습니다`;
      case 'errors':
        return rich`${code(o.endpoint)}: 요청의 ${formatPercent(o.failed / o.requests)}가 실패했습니다 (${formatCount(o.requests)}건 중 ${formatCount(o.failed)}건)${o.classes ? `. 상태 코드 계열별 응답: ${statusClasses(o.classes)}` : ''}`;
      case 'checks-failed':
        return rich`체크 ${code(checkLabel(o.name, o.group))} 실패: ${formatCount(o.total)}회 중 ${formatCount(o.fails)}회 (${formatPercent(o.fails / o.total)})`;
      case 'invariant-failed':
        return rich`불변 조건 ${code(o.name)}: 실행 후 확인에서 실패했습니다 — ${o.detail}`;
      case 'saturated':
        return rich`${strong('부하 발생기가 포화되었습니다: 이 수치는 대상이 아니라 부하 발생기를 측정한 것입니다')} — ${o.reasons.map((r) => `${r.detail} (조치: ${r.fix})`).join('; ')}`;
      case 'k6-error':
        return rich`${strong('k6 오류')}: ${o.reason}${o.detail ? ` — ${o.detail}` : ''}`;
      case 'interrupted':
        return rich`${strong('실행이 중단되었습니다')}: 수치는 실행된 부분만 포함합니다`;
      case 'aborted-by-threshold':
        return rich`${code('abortOnFail')} 임계값 때문에 ${strong('실행이 일찍 중단되었습니다')}`;
      case 'dropped':
        return rich`k6가 반복 ${formatCount(o.count)}회를 건너뛰었습니다: 플랜이 요구한 부하를 VU가 모두 시작하지 못했습니다`;
      case 'slowest':
        return rich`가장 느린 엔드포인트: ${code(o.endpoint)} (p95 ${formatMs(o.p95)})`;
      case 'peak':
        return rich`처리량은 ${String(o.t)}초 시점에 VU ${formatCount(o.vus)}개로 최고 ${formatRate(o.rps)} req/s였습니다`;
      case 'no-series':
        return rich`k6가 ${formatMs(o.durationMs)}만 실행되어 초 단위 데이터가 없습니다. 합계는 정확합니다`;
      case 'all-passed':
        return rich`모두 통과했습니다: 임계값 ${String(o.thresholds)}개, 체크 ${String(o.checks)}개, 불변 조건 ${String(o.invariants)}개`;
    }
  },
  table: TABLE_WORDS.ko,
  server: SERVER_WORDS.ko,
  study: STUDY_WORDS.ko,
  generatedBy: (v) => `저장된 실행 결과로 생성한 보고서입니다 (loadctl ${v}).`,
};
