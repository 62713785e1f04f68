// Which sources a run reads for its target (plan `monitor:`; the built-in demo is loadctl's own process):
// the plan's words turned into specs the sampler reads. Pure.
import type { Monitor } from '../plans/schema.js';
import type { SourceKind } from './model.js';

export type SourceSpec =
  | { kind: 'node-exporter'; id: string; url: string }
  | { kind: 'process'; id: string; pid: number; address: string; local: true }
  | { kind: 'process-port'; id: string; port: number }
  | { kind: 'prometheus'; id: string; url: string; queries: Record<string, string> };

const LOOPBACK = /^(127\.|localhost$|\[::1\]$)/;

/** Whether a source's URL points at this machine (a loopback host): its figures share the generator's. */
export function isLoopbackUrl(url: string): boolean {
  return LOOPBACK.test(new URL(url).hostname);
}

export function kindOf(spec: SourceSpec): SourceKind {
  return spec.kind === 'process-port' ? 'process' : spec.kind;
}

export function addressOf(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'node-exporter':
    case 'prometheus':
      return spec.url;
    case 'process':
      return spec.address;
    case 'process-port':
      return `port ${spec.port}`;
  }
}

/**
 * The sources of a target: each node_exporter URL (ids node, node-2, …), its Prometheus, and its process:
 * the plan's pid or port, or for the built-in demo loadctl's own process (`selfPid`), which serves it.
 */
export function monitorSources(
  monitor: Monitor | undefined,
  demo: { selfPid: number } | undefined,
): SourceSpec[] {
  const specs: SourceSpec[] = [];
  const nodes = monitor?.nodeExporter;
  const urls = nodes === undefined ? [] : typeof nodes === 'string' ? [nodes] : nodes;
  urls.forEach((url, i) =>
    specs.push({ kind: 'node-exporter', id: i === 0 ? 'node' : `node-${i + 1}`, url }),
  );
  const proc = monitor?.process;
  if (proc !== undefined && 'pid' in proc) {
    specs.push({ kind: 'process', id: 'process', pid: proc.pid, address: `pid ${proc.pid}`, local: true });
  } else if (proc !== undefined) {
    specs.push({ kind: 'process-port', id: 'process', port: proc.port });
  } else if (demo !== undefined) {
    specs.push({
      kind: 'process',
      id: 'process',
      pid: demo.selfPid,
      address: 'loadctl (it serves the built-in demo)',
      local: true,
    });
  }
  if (monitor?.prometheus) {
    specs.push({
      kind: 'prometheus',
      id: 'prometheus',
      url: monitor.prometheus.url,
      queries: monitor.prometheus.queries,
    });
  }
  return specs;
}
