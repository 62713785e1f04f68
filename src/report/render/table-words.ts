// Headings of the terminal summary table (src/report/render/table.ts) in each report language. Kept apart from
// i18n.ts so the table can import them without importing the reports. English is byte-for-byte what the
// table always printed. Pure.
export type TableLang = 'en' | 'ko';

export interface TableWords {
  endpoint: string;
  requests: string;
  rps: string;
  errors: string;
  statuses: string;
  all: string;
  thresholds: string;
  metric: string;
  threshold: string;
  observed: string;
  checks: string;
  check: string;
  passed: string;
  customMetrics: string;
  type: string;
  value: string;
  invariants: string;
  /** A threshold judged over every window of this length (`over 30s`). */
  overWindow: (window: string) => string;
  runners: string;
  runner: string;
  segment: string;
  iterations: string;
  exit: string;
}

export const TABLE_WORDS: Readonly<Record<TableLang, TableWords>> = {
  en: {
    endpoint: 'endpoint',
    requests: 'requests',
    rps: 'req/s',
    errors: 'errors',
    statuses: 'statuses',
    all: 'all',
    thresholds: 'thresholds',
    metric: 'metric',
    threshold: 'threshold',
    observed: 'observed',
    checks: 'checks',
    check: 'check',
    passed: 'passed',
    customMetrics: 'custom metrics',
    type: 'type',
    value: 'value',
    invariants: 'invariants (checked after the run)',
    overWindow: (window) => `over ${window}`,
    runners: 'runners',
    runner: 'runner',
    segment: 'segment',
    iterations: 'iterations',
    exit: 'exit',
  },
  ko: {
    endpoint: '엔드포인트',
    requests: '요청 수',
    rps: '초당 요청',
    errors: '오류율',
    statuses: '상태 코드',
    all: '전체',
    thresholds: '임계값',
    metric: '메트릭',
    threshold: '임계값',
    observed: '측정값',
    checks: '체크',
    check: '체크',
    passed: '통과',
    customMetrics: '사용자 정의 메트릭',
    type: '유형',
    value: '값',
    invariants: '불변 조건 (실행 후 확인)',
    overWindow: (window) => `(${window} 구간마다)`,
    runners: '러너',
    runner: '러너',
    segment: '세그먼트',
    iterations: '반복 수',
    exit: '종료',
  },
};
