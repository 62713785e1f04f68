// The server side's words in each report language (the run summary, the reports and compare) and its values
// in their units. Kept apart from i18n.ts, like table-words.ts, so the terminal table can import them without
// the reports. English is the reference: a key missing from a language is a type error. Pure.
import type { MonitorSource, ServerStat, ServerUnit } from '../../monitor/model.js';
import { ALL_HOSTS } from '../../monitor/stats.js';
import type { SharedMachine } from '../model/server-section.js';
import { formatBytes, formatCount, formatGrouped } from './units.js';

export type ServerLang = 'en' | 'ko';

export interface ServerWords {
  /** The heading of the server figures in the terminal. */
  title: string;
  /** The heading of the server figures in a report. */
  section: string;
  figure: string;
  avg: string;
  max: string;
  source: string;
  /** Labels of loadctl's own series by id (a PromQL query keeps its name). */
  label: Readonly<Record<string, string>>;
  allHosts: string;
  /** "2,345 requests per CPU-second". */
  perCpuSecond: (value: string) => string;
  /** "CPU 12.3% per 1,000 req/s". */
  perKiloRps: (value: string) => string;
  /** The short row labels of the efficiency figures in tables. */
  perCpuSecondLabel: string;
  perKiloRpsLabel: string;
  /** "node_exporter http://…", "process loadctl (built-in demo)". */
  kind: Readonly<Record<MonitorSource['kind'], string>>;
  /** "node_exporter at http://… failed 3 of 60 reads: connection refused". */
  readErrors: (kind: string, address: string, failed: number, total: number, messages: string) => string;
  shared: Readonly<Record<SharedMachine, string>>;
  noFigures: string;
}

const EN: ServerWords = {
  title: 'server',
  section: 'Server',
  figure: 'figure',
  avg: 'avg',
  max: 'max',
  source: 'read from',
  label: {},
  allHosts: 'all hosts',
  perCpuSecond: (v) => `${v} requests per CPU-second`,
  perKiloRps: (v) => `CPU ${v} per 1,000 req/s`,
  perCpuSecondLabel: 'requests per CPU-second',
  perKiloRpsLabel: 'CPU % per 1,000 req/s',
  kind: { 'node-exporter': 'node_exporter', process: 'process', prometheus: 'Prometheus' },
  readErrors: (kind, address, failed, total, msgs) =>
    `${kind} at ${address} failed ${formatCount(failed)} of ${formatCount(total)} reads: ${msgs}`,
  shared: {
    demo: 'the target is a built-in demo instance on this machine: its CPU and memory are shared with the load generator, so its figures are no hardware result',
    local:
      'the target runs on this machine: its CPU and memory are shared with the load generator, so its figures are no hardware result',
  },
  noFigures: 'no server figures',
};

const KO: ServerWords = {
  title: '서버',
  section: '서버',
  figure: '항목',
  avg: '평균',
  max: '최대',
  source: '측정 출처',
  label: {
    cpu: 'CPU',
    memory: '사용 메모리',
    load1: '부하 (1분)',
    netRx: '네트워크 수신',
    netTx: '네트워크 송신',
    sockets: '소켓',
    processCpu: '프로세스 CPU',
    processMemory: '프로세스 메모리 (RSS)',
    processFds: '프로세스 열린 파일',
  },
  allHosts: '전체 호스트',
  perCpuSecond: (v) => `CPU 1초당 요청 ${v}건`,
  perKiloRps: (v) => `초당 요청 1,000건당 CPU ${v}`,
  perCpuSecondLabel: 'CPU 1초당 요청',
  perKiloRpsLabel: '초당 요청 1,000건당 CPU %',
  kind: { 'node-exporter': 'node_exporter', process: '프로세스', prometheus: 'Prometheus' },
  readErrors: (kind, address, failed, total, msgs) =>
    `${kind} (${address}) 읽기 ${formatCount(total)}회 중 ${formatCount(failed)}회 실패: ${msgs}`,
  shared: {
    demo: '대상은 이 머신의 내장 데모 인스턴스입니다: CPU와 메모리를 부하 발생기와 함께 쓰므로 이 수치는 하드웨어 결과가 아닙니다',
    local:
      '대상이 이 머신에서 실행됩니다: CPU와 메모리를 부하 발생기와 함께 쓰므로 이 수치는 하드웨어 결과가 아닙니다',
  },
  noFigures: '서버 수치 없음',
};

export const SERVER_WORDS: Readonly<Record<ServerLang, ServerWords>> = { en: EN, ko: KO };

/** A server figure in its unit: "64.0%", "3.2 GiB", "1.2 MiB/s", "1,204", "2.10". */
export function formatServerValue(unit: ServerUnit, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'percent':
      return `${formatGrouped(v, 1)}%`;
    case 'bytes':
      return formatBytes(Math.round(v));
    case 'bytes-per-second':
      return `${formatBytes(Math.round(v))}/s`;
    case 'count':
      return formatCount(v);
    case 'number':
      return formatGrouped(v, 2);
  }
}

/** A stat's label in the language, with its host when the run read several sources ("CPU (node-2)"). */
export function serverStatLabel(stat: ServerStat, w: ServerWords, severalSources: boolean): string {
  const label = w.label[stat.id] ?? stat.label;
  if (stat.source === ALL_HOSTS) return `${label} (${w.allHosts})`;
  return severalSources ? `${label} (${stat.source})` : label;
}

/** "node_exporter http://10.0.0.5:9100/metrics", one per source. */
export function sourceText(s: MonitorSource, w: ServerWords): string {
  return `${w.kind[s.kind]} ${s.address}`;
}

/** "node_exporter at … failed 3 of 60 reads: connection refused (2), timeout (1)"; undefined without errors. */
export function readErrorText(s: MonitorSource, w: ServerWords): string | undefined {
  if (s.errors.length === 0) return undefined;
  const failed = s.errors.reduce((a, e) => a + e.count, 0);
  const msgs =
    s.errors.length === 1
      ? (s.errors[0]?.message ?? '')
      : s.errors.map((e) => `${e.message} (${formatCount(e.count)})`).join(', ');
  // samples counts the readings taken, so the reads tried are those and the failed ones.
  return w.readErrors(w.kind[s.kind], s.address, failed, s.samples + failed, msgs);
}

/** Whether a run's figures came from more than one source (several hosts, or a host and a process). */
export function severalSources(stats: readonly ServerStat[]): boolean {
  return new Set(stats.map((s) => s.source).filter((id) => id !== ALL_HOSTS)).size > 1;
}
