// The facts of each target's `monitor:` before a run: whether each node_exporter answers with its page,
// whether Prometheus answers each of the plan's queries, whether the process is there. Effects only, through
// the injected Io; monitor-checks.ts judges them.
import type { Io } from '../io/io.js';
import { parseNodeMetrics, type NodeReading } from '../monitor/node-exporter.js';
import { pidOnPort } from '../monitor/process.js';
import { instantQueryUrl, parseQueryAnswer, type QuerySeries } from '../monitor/prometheus.js';
import type { SourceSpec } from '../monitor/sources.js';
import type { MonitorToProbe } from './needs.js';

/** An HTTP exchange: its status, time and what its body came to, or why there was none. */
export type Answer<T> = { ok: true; status: number; ms: number; body: T } | { ok: false; detail: string };

export interface QueryFacts {
  name: string;
  query: string;
  /** Prometheus's answer: its series, or its error and errorType (`bad_data` is a query the user got wrong). */
  answer: Answer<QuerySeries[] | { error: string; errorType?: string }>;
}

export type MonitorSourceFacts = { target: string; id: string } & (
  | { kind: 'node-exporter'; url: string; answer: Answer<NodeReading | { error: string }> }
  | { kind: 'prometheus'; url: string; queries: QueryFacts[] }
  | { kind: 'process'; pid: number; address: string; found: { ok: true } | { ok: false; detail: string } }
  | { kind: 'process-port'; port: number; found: { ok: true; pid: number } | { ok: false; detail: string } }
);

/** A run scrapes node_exporter once a second: a page that takes longer is as good as none. */
export const NODE_EXPORTER_TIMEOUT_MS = 2000;
export const PROMETHEUS_TIMEOUT_MS = 3000;
// A node_exporter page is a few hundred KiB; a Prometheus instant answer for a query a plan charts is small.
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_PROC_STAT_BYTES = 4096;

function failure(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** The body as text, or undefined once it passes `max` bytes (the rest is not read). */
async function boundedText(res: Response, max: number): Promise<string | undefined> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function ask<T>(
  io: Io,
  url: string,
  timeoutMs: number,
  read: (text: string, status: number) => T,
): Promise<Answer<T>> {
  const started = io.now().getTime();
  try {
    const res = await io.fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    const text = await boundedText(res, MAX_BODY_BYTES);
    if (text === undefined) return { ok: false, detail: `an answer of more than ${MAX_BODY_BYTES} bytes` };
    return { ok: true, status: res.status, ms: io.now().getTime() - started, body: read(text, res.status) };
  } catch (err) {
    return { ok: false, detail: failure(err) };
  }
}

function readPrometheus(text: string): QuerySeries[] | { error: string; errorType?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { error: 'not a Prometheus API answer (not JSON)' };
  }
  const parsed = parseQueryAnswer(body);
  if (Array.isArray(parsed)) return parsed;
  const errorType = (body as { errorType?: unknown } | null)?.errorType;
  return typeof errorType === 'string' ? { ...parsed, errorType } : parsed;
}

async function probeProcess(io: Io, pid: number): Promise<{ ok: true } | { ok: false; detail: string }> {
  try {
    await io.readText(`/proc/${pid}/stat`, MAX_PROC_STAT_BYTES);
    return { ok: true };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, detail: code === 'ENOENT' ? `no process ${pid} on this machine` : failure(err) };
  }
}

async function probeSource(io: Io, target: string, spec: SourceSpec): Promise<MonitorSourceFacts> {
  const base = { target, id: spec.id };
  switch (spec.kind) {
    case 'node-exporter':
      return {
        ...base,
        kind: spec.kind,
        url: spec.url,
        answer: await ask(io, spec.url, NODE_EXPORTER_TIMEOUT_MS, (text) => parseNodeMetrics(text)),
      };
    case 'prometheus': {
      const queries = await Promise.all(
        Object.entries(spec.queries).map(async ([name, query]) => ({
          name,
          query,
          answer: await ask(io, instantQueryUrl(spec.url, query), PROMETHEUS_TIMEOUT_MS, readPrometheus),
        })),
      );
      return { ...base, kind: spec.kind, url: spec.url, queries };
    }
    case 'process':
      return {
        ...base,
        kind: spec.kind,
        pid: spec.pid,
        address: spec.address,
        found: await probeProcess(io, spec.pid),
      };
    case 'process-port': {
      const found = await pidOnPort(io, spec.port);
      return {
        ...base,
        kind: spec.kind,
        port: spec.port,
        found: 'pid' in found ? { ok: true, pid: found.pid } : { ok: false, detail: found.error },
      };
    }
  }
}

/** Every source of every monitored target, at once. */
export async function probeMonitors(
  io: Io,
  monitors: readonly MonitorToProbe[],
): Promise<MonitorSourceFacts[]> {
  return Promise.all(monitors.flatMap((m) => m.sources.map((s) => probeSource(io, m.target, s))));
}
