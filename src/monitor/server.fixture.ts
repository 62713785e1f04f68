// Small literal server records shared by the unit tests of the server figures (summary, reports, compare).
import type { MonitorSource, ServerRecord, ServerSeries } from './model.js';
import { SERVER_SERIES, type BuiltInSeriesId } from './model.js';

export function nodeSource(over: Partial<MonitorSource> = {}): MonitorSource {
  return {
    id: 'node',
    kind: 'node-exporter',
    address: 'http://10.0.0.5:9100/metrics',
    local: false,
    cores: 4,
    memoryBytes: 8 * 1024 ** 3,
    samples: 10,
    errors: [],
    ...over,
  };
}

export function processSource(over: Partial<MonitorSource> = {}): MonitorSource {
  return {
    id: 'process',
    kind: 'process',
    address: 'loadctl (built-in demo)',
    local: true,
    samples: 10,
    errors: [],
    ...over,
  };
}

/** A built-in series of one source with one value a second from t = 1. */
export function series(id: BuiltInSeriesId, values: readonly number[], source = 'node'): ServerSeries {
  const { label, unit } = SERVER_SERIES[id];
  return { id, source, label, unit, points: values.map((v, i): [number, number] => [i + 1, v]) };
}

/** A node_exporter record: CPU % and memory bytes a second. */
export function hostRecord(
  cpu: readonly number[],
  memory: readonly number[] = cpu.map(() => 2 ** 30),
): ServerRecord {
  return {
    target: 'api',
    intervalMs: 1000,
    sources: [nodeSource({ samples: cpu.length })],
    series: [series('cpu', cpu), series('memory', memory)],
  };
}
