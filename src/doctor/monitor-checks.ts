// Each monitor source of a target (plan `monitor:`) → a finding: node_exporter answers with its page,
// Prometheus answers each query (a PromQL mistake shown with Prometheus's own words and the query's name), the
// process is there. A source that does not answer is a warning, never a failure: a run without the server's
// figures still measures the client, and the warning says what the run will lack. Pure.
import { formatMs } from '../report/render/units.js';
import { count, mb, plural, type Finding } from './finding.js';
import {
  NODE_EXPORTER_TIMEOUT_MS,
  PROMETHEUS_TIMEOUT_MS,
  type MonitorSourceFacts,
  type QueryFacts,
} from './monitor-probe.js';

type Facts<K extends MonitorSourceFacts['kind']> = Extract<MonitorSourceFacts, { kind: K }>;

const seconds = (ms: number) => `${ms / 1000} s`;

function warning(
  id: string,
  title: string,
  observed: string,
  needed: string,
  missing: string,
  fix: string,
): Finding {
  return { id, title, status: 'warning', observed, needed, detail: `the run will have ${missing}`, fix };
}

export function checkNodeExporter(f: Facts<'node-exporter'>): Finding {
  const id = `monitor.${f.target}.${f.id}`;
  const title = `monitor ${f.target}: node_exporter${f.id === 'node' ? '' : ` ${f.id}`}`;
  const needed = `its metrics page within ${seconds(NODE_EXPORTER_TIMEOUT_MS)}`;
  const missing = `no host CPU, memory, load, network or sockets of ${f.target}`;
  const a = f.answer;
  if (!a.ok)
    return warning(
      id,
      title,
      `${f.url}: ${a.detail}`,
      needed,
      missing,
      `start node_exporter on ${f.target}'s host (Debian: apt install prometheus-node-exporter; it listens on :9100) and let this machine reach it, or correct monitor.nodeExporter in the plan`,
    );
  const page = a.status === 200 ? a.body : { error: `HTTP ${a.status}` };
  if ('error' in page)
    return warning(
      id,
      title,
      `${f.url}: ${page.error}`,
      needed,
      missing,
      "give node_exporter's metrics URL in monitor.nodeExporter, e.g. http://10.0.0.5:9100/metrics",
    );
  const memory = page.memTotalBytes !== undefined ? `, ${mb(page.memTotalBytes)} memory` : '';
  return {
    id,
    title,
    status: 'ok',
    observed: `${f.url} answered in ${formatMs(a.ms)}: ${plural(page.cores, 'core')}${memory}`,
    needed,
  };
}

function checkQuery(f: Facts<'prometheus'>, q: QueryFacts): Finding {
  const id = `monitor.${f.target}.prometheus.${q.name}`;
  const title = `monitor ${f.target}: Prometheus query ${q.name}`;
  const needed = `an answer to /api/v1/query within ${seconds(PROMETHEUS_TIMEOUT_MS)}`;
  const missing = `no series query:${q.name}`;
  const a = q.answer;
  if (!a.ok)
    return warning(id, title, `${f.url}: ${a.detail}`, needed, missing, 'check monitor.prometheus.url');
  const body = a.body;
  if (!Array.isArray(body)) {
    // bad_data is Prometheus saying the query itself is wrong (PromQL syntax, an unknown function).
    if (body.errorType === 'bad_data')
      return warning(
        id,
        title,
        `Prometheus refused query ${q.name} (${q.query}): ${body.error}`,
        needed,
        missing,
        `correct monitor.prometheus.queries.${q.name} in the plan (try it on Prometheus's /graph page)`,
      );
    return warning(
      id,
      title,
      `${f.url}: HTTP ${a.status}: ${body.error}`,
      needed,
      missing,
      "check monitor.prometheus.url: Prometheus's base URL, e.g. http://prometheus:9090",
    );
  }
  if (body.length === 0)
    return warning(
      id,
      title,
      `query ${q.name} answers no series now`,
      'at least one series',
      `an empty query:${q.name} unless its series appear under load`,
      'check the metric names and labels of the query (a metric that does not exist answers nothing too)',
    );
  return {
    id,
    title,
    status: 'ok',
    observed: `${count(body.length)} series in ${formatMs(a.ms)}`,
    needed,
  };
}

export function checkPrometheus(f: Facts<'prometheus'>): Finding[] {
  const unanswered = f.queries.filter((q) => !q.answer.ok);
  const first = unanswered[0]?.answer;
  // A Prometheus that does not answer at all is one finding, not one per query.
  if (first !== undefined && !first.ok && unanswered.length === f.queries.length)
    return [
      warning(
        `monitor.${f.target}.prometheus`,
        `monitor ${f.target}: Prometheus`,
        `${f.url}: ${first.detail}`,
        `an answer within ${seconds(PROMETHEUS_TIMEOUT_MS)}`,
        `none of the plan's queries (${f.queries.map((q) => q.name).join(', ')})`,
        'start Prometheus or correct monitor.prometheus.url (its base URL, e.g. http://prometheus:9090)',
      ),
    ];
  return f.queries.map((q) => checkQuery(f, q));
}

export function checkProcess(f: Facts<'process'> | Facts<'process-port'>): Finding {
  const id = `monitor.${f.target}.${f.id}`;
  const title = `monitor ${f.target}: process`;
  const missing = `no process CPU, memory or open files of ${f.target}`;
  if (f.kind === 'process')
    return f.found.ok
      ? { id, title, status: 'ok', observed: `pid ${f.pid} is running`, needed: 'a running process' }
      : warning(
          id,
          title,
          f.found.detail,
          'a running process',
          missing,
          "give the server's current pid (pgrep -f <name>) in monitor.process.pid, or the port it listens on as monitor.process.port",
        );
  return f.found.ok
    ? {
        id,
        title,
        status: 'ok',
        observed: `port ${f.port}: pid ${f.found.pid}`,
        needed: 'a process listening on it',
      }
    : warning(
        id,
        title,
        f.found.detail,
        `a process listening on port ${f.port}`,
        missing,
        'start the server on this machine, or correct monitor.process.port (a process on another host needs nodeExporter)',
      );
}

/** Every monitor source's findings, in the plan's order. */
export function checkMonitors(facts: readonly MonitorSourceFacts[]): Finding[] {
  return facts.flatMap((f) => {
    switch (f.kind) {
      case 'node-exporter':
        return [checkNodeExporter(f)];
      case 'prometheus':
        return checkPrometheus(f);
      case 'process':
      case 'process-port':
        return [checkProcess(f)];
    }
  });
}
