// What a run saw of its target's server side (plan `monitor:`, docs/monitor.md): the sources read, the series
// on the run's clock (server.json), and the figures a summary, compare, a report and breakpoint read. Pure.

export type SourceKind = 'node-exporter' | 'process' | 'prometheus';

export type ServerUnit = 'percent' | 'bytes' | 'bytes-per-second' | 'count' | 'number';

/** One place the run read server figures from. */
export interface MonitorSource {
  /** `node` (`node-2`, … with several node_exporters), `process` or `prometheus`. */
  id: string;
  kind: SourceKind;
  /** Where it was read: a URL, `pid 1234`, `port 8080 (pid 1234)`, `loadctl (built-in demo)`. */
  address: string;
  /** On this machine: the load generator shares its CPU and memory. */
  local: boolean;
  /** Cores of the host (node_exporter) or of this machine (a process). */
  cores?: number;
  /** Memory of the host (node_exporter's MemTotal) or of this machine (a process). */
  memoryBytes?: number;
  /** Readings taken (scrapes, /proc reads; a Prometheus query's points). */
  samples: number;
  /** Reads that failed, each distinct message once with how often it happened. */
  errors: { message: string; count: number }[];
}

/** The ids of the series loadctl reads itself; a PromQL query's series are `query:<name>`. */
export const SERVER_SERIES = {
  /** node_exporter: the host busy over all its cores, 0–100 (idle and iowait count as not busy). */
  cpu: { label: 'CPU', unit: 'percent' },
  /** node_exporter: MemTotal − MemAvailable. */
  memory: { label: 'memory used', unit: 'bytes' },
  load1: { label: 'load (1 min)', unit: 'number' },
  /** node_exporter: bytes received per second over every interface but loopback. */
  netRx: { label: 'network in', unit: 'bytes-per-second' },
  netTx: { label: 'network out', unit: 'bytes-per-second' },
  /** node_exporter: sockets in use (node_sockstat_sockets_used). */
  sockets: { label: 'sockets', unit: 'count' },
  /** /proc/<pid>/stat: CPU the process kept busy, 100 = one core (as top shows it). */
  processCpu: { label: 'process CPU', unit: 'percent' },
  /** /proc/<pid>/status VmRSS. */
  processMemory: { label: 'process memory (RSS)', unit: 'bytes' },
  /** /proc/<pid>/fd entries: files and sockets it holds open. */
  processFds: { label: 'process open files', unit: 'count' },
} as const satisfies Record<string, { label: string; unit: ServerUnit }>;

export type BuiltInSeriesId = keyof typeof SERVER_SERIES;

export const QUERY_SERIES_PREFIX = 'query:';

/** One series of one source. */
export interface ServerSeries {
  /** A key of SERVER_SERIES, or `query:<name>` for a plan's PromQL query. */
  id: string;
  /** The MonitorSource it came from. */
  source: string;
  label: string;
  unit: ServerUnit;
  /** [seconds since k6 started, value], one per interval, the same clock as series.json's `t`. */
  points: [number, number][];
}

/** server.json: everything a run saw of its target's server side. */
export interface ServerRecord {
  target: string;
  intervalMs: number;
  sources: MonitorSource[];
  series: ServerSeries[];
}

/** avg, p95, max (and min) of one series over the run, as summary.json keeps them. */
export interface ServerStat {
  id: string;
  source: string;
  label: string;
  unit: ServerUnit;
  avg: number;
  p95: number;
  max: number;
  min: number;
  samples: number;
}

/** The layout of a run's time batches: each `ms` long, the last one also taking whatever runs past it. */
export interface ServerBatchLayout {
  ms: number;
  count: number;
}

/** Per time batch (null: no reading fell in it): the headline CPU's mean and the CPU-seconds spent. */
export interface ServerBatches {
  cpu: Array<number | null>;
  cpuSeconds: Array<number | null>;
}

/** summary.json's `server`: the target's server side in figures. */
export interface ServerSummary {
  target: string;
  /** Every source is on this machine (the built-in demo, a local process): the load generator shares it. */
  onThisMachine: boolean;
  stats: ServerStat[];
  /**
   * CPU-seconds the server spent during the run: node_exporter's busy share × cores × seconds (summed over
   * hosts), else the process's own CPU time. Requests per CPU-second divide the run's requests by it.
   */
  cpuSeconds?: number;
  /** Where cpuSeconds came from. */
  cpuSource?: 'node-exporter' | 'process';
  /** The sources read, with their failed reads: what a summary, a report and compare say the figures stand on. */
  sources?: MonitorSource[];
  /** The CPU figures per time batch of the run (summary.json's `batches`): compare's noise estimate for them. */
  batches?: ServerBatches;
}
