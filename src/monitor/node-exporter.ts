// node_exporter's metrics page (Prometheus text format, parsed by parse-prometheus-text-format) turned into
// the host figures loadctl keeps: CPU busy over all cores, memory used, load, network bytes, sockets. Pure.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One scrape's cumulative figures. */
export interface NodeReading {
  /** Seconds all cores spent in any mode, and in a busy one (not idle, not iowait), since boot. */
  cpuTotalS: number;
  cpuBusyS: number;
  cores: number;
  memTotalBytes?: number;
  memAvailableBytes?: number;
  load1?: number;
  /** Bytes received and sent since boot over every interface but loopback. */
  netRxBytes?: number;
  netTxBytes?: number;
  sockets?: number;
}

interface Family {
  name: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

const NOT_BUSY = new Set(['idle', 'iowait']);

/** node_exporter's collectors behind the figures kept, asked for by name (its `collect[]` parameter). */
export const NODE_COLLECTORS = ['cpu', 'meminfo', 'loadavg', 'netdev', 'sockstat'] as const;

/**
 * The URL that asks node_exporter for only the collectors loadctl reads: a page a third the size, and less
 * work for the monitored host. An exporter without one of them answers 400; the sampler then asks for all.
 */
export function filteredUrl(url: string): string {
  const u = new URL(url);
  for (const c of NODE_COLLECTORS) u.searchParams.append('collect[]', c);
  return u.toString();
}

// The families read below, with their HELP and TYPE lines: the parser sees only these (a page has hundreds).
const KEPT =
  /^(?:# (?:HELP|TYPE) )?(?:node_cpu_seconds_total|node_memory_MemTotal_bytes|node_memory_MemAvailable_bytes|node_load1|node_network_(?:receive|transmit)_bytes_total|node_sockstat_sockets_used)[\s{]/;

/** The lines of a page that parseNodeMetrics reads. */
export function keptLines(text: string): string {
  // Each line ends with a newline, the last one too: the parser drops a last line without one.
  return text
    .split('\n')
    .filter((line) => KEPT.test(line))
    .map((line) => `${line}\n`)
    .join('');
}

function gauge(families: Map<string, Family>, name: string): number | undefined {
  const v = Number(families.get(name)?.metrics[0]?.value);
  return Number.isFinite(v) ? v : undefined;
}

function sumBut(families: Map<string, Family>, name: string, skipDevice: RegExp): number | undefined {
  const family = families.get(name);
  if (!family) return undefined;
  let total = 0;
  for (const m of family.metrics) {
    const v = Number(m.value);
    if (Number.isFinite(v) && !skipDevice.test(m.labels?.['device'] ?? '')) total += v;
  }
  return total;
}

/** A scrape's figures, or why the page is not node_exporter's (no node_cpu_seconds_total). */
export function parseNodeMetrics(text: string): NodeReading | { error: string } {
  let parsed: Family[];
  try {
    parsed = parsePrometheusTextFormat(keptLines(text)) as Family[];
  } catch (err) {
    return { error: `not Prometheus text format (${err instanceof Error ? err.message : String(err)})` };
  }
  const families = new Map(parsed.map((f) => [f.name, f]));
  const cpu = families.get('node_cpu_seconds_total');
  if (!cpu || cpu.metrics.length === 0) {
    return { error: 'no node_cpu_seconds_total: is this a node_exporter with its cpu collector on?' };
  }
  let cpuTotalS = 0;
  let cpuBusyS = 0;
  const cores = new Set<string>();
  for (const m of cpu.metrics) {
    const v = Number(m.value);
    if (!Number.isFinite(v)) continue;
    cores.add(m.labels?.['cpu'] ?? '');
    cpuTotalS += v;
    if (!NOT_BUSY.has(m.labels?.['mode'] ?? '')) cpuBusyS += v;
  }
  const reading: NodeReading = { cpuTotalS, cpuBusyS, cores: cores.size };
  const optional = {
    memTotalBytes: gauge(families, 'node_memory_MemTotal_bytes'),
    memAvailableBytes: gauge(families, 'node_memory_MemAvailable_bytes'),
    load1: gauge(families, 'node_load1'),
    netRxBytes: sumBut(families, 'node_network_receive_bytes_total', /^lo$/),
    netTxBytes: sumBut(families, 'node_network_transmit_bytes_total', /^lo$/),
    sockets: gauge(families, 'node_sockstat_sockets_used'),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(reading, { [k]: v });
  return reading;
}

/** The series values of the interval between two scrapes `seconds` apart (ids of SERVER_SERIES). */
export function nodeValues(
  prev: NodeReading | undefined,
  cur: NodeReading,
  seconds: number,
): Partial<Record<'cpu' | 'memory' | 'load1' | 'netRx' | 'netTx' | 'sockets', number>> {
  const out: Partial<Record<'cpu' | 'memory' | 'load1' | 'netRx' | 'netTx' | 'sockets', number>> = {};
  if (cur.memTotalBytes !== undefined && cur.memAvailableBytes !== undefined)
    out.memory = cur.memTotalBytes - cur.memAvailableBytes;
  if (cur.load1 !== undefined) out.load1 = cur.load1;
  if (cur.sockets !== undefined) out.sockets = cur.sockets;
  if (!prev || seconds <= 0) return out;
  const total = cur.cpuTotalS - prev.cpuTotalS;
  const busy = cur.cpuBusyS - prev.cpuBusyS;
  // A counter going back means the host rebooted (or the exporter changed): no rate for that interval.
  if (total > 0 && busy >= 0) out.cpu = Math.min(100, (100 * busy) / total);
  const rate = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b >= a ? (b - a) / seconds : undefined;
  const rx = rate(prev.netRxBytes, cur.netRxBytes);
  const tx = rate(prev.netTxBytes, cur.netTxBytes);
  if (rx !== undefined) out.netRx = rx;
  if (tx !== undefined) out.netTx = tx;
  return out;
}
