// Built-in or custom: src/k6/metrics.ts has the one list of built-in metrics; everything else in a summary
// is a plan's or a script's own. Every output (the terminal table, HTML, Markdown, JUnit, compare) splits
// metrics with isBuiltinMetric, so a metric is never custom in one and hidden in another. Pure.

import { BUILTIN_METRICS } from '../../k6/metrics.js';

export { BUILTIN_METRICS, type MetricType } from '../../k6/metrics.js';

/**
 * k6's protocol modules (WebSockets, gRPC, browser) add their own built-in families; an existing script may
 * use them. http_req_* covers any timing k6 adds to HTTP.
 */
const BUILTIN_FAMILIES = /^(http_req_\w+|ws_\w+|grpc_\w+|browser_\w+)$/;

export function isBuiltinMetric(name: string): boolean {
  return Object.hasOwn(BUILTIN_METRICS, name) || BUILTIN_FAMILIES.test(name);
}

/** The entries of a summary's metrics that are a plan's or a script's own, in their order. */
export function customMetricEntries<M>(metrics: Readonly<Record<string, M>>): Array<[string, M]> {
  return Object.entries(metrics).filter(([name]) => !isBuiltinMetric(name));
}

/** What a value of a metric is: "time" (ms), "data" (bytes) or plain, and the metric's k6 type. */
export interface MetricUnit {
  contains?: string;
  type?: string;
}

/** The unit of a metric or of a sub-metric key ("http_req_duration{name:x}") from a summary's metrics. */
export function metricUnitOf(
  metrics: Readonly<Record<string, { contains: string; type: string }>>,
  key: string,
): MetricUnit {
  const metric = metrics[key.split('{')[0] ?? ''];
  return metric ? { contains: metric.contains, type: metric.type } : {};
}
