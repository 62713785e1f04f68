// k6's REST API (api/v1 in k6) as loadctl drives runners with it: status, setup once, its data handed to the
// others, resume together, teardown once. Each call's failure is a value, with k6's own words when it gave any.
import type { Io } from '../io/io.js';

export type RestResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/** k6's lib.ExecutionStatus values loadctl waits for. */
export const K6_STATUS = { pausedBeforeRun: 4, ended: 9 } as const;

export interface K6Status {
  status: number;
  paused: boolean;
  running: boolean;
  stopped: boolean;
}

async function call(
  io: Pick<Io, 'fetch'>,
  address: string,
  path: string,
  init: { method: string; body?: string; timeoutMs: number },
): Promise<RestResult<unknown>> {
  try {
    const res = await io.fetch(`http://${address}${path}`, {
      method: init.method,
      ...(init.body !== undefined
        ? { body: init.body, headers: { 'content-type': 'application/json' } }
        : {}),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok)
      return { ok: false, problem: `${init.method} ${path}: HTTP ${res.status}: ${k6ErrorOf(text)}` };
    return { ok: true, value: text === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch (err) {
    return { ok: false, problem: `${init.method} ${path}: ${(err as Error).message}` };
  }
}

/** k6 answers errors as {"errors":[{"title":…,"detail":…}]}: its detail, else the text, cut short. */
function k6ErrorOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { errors?: Array<{ title?: string; detail?: string }> };
    const first = parsed.errors?.[0];
    if (first) return [first.title, first.detail].filter(Boolean).join(': ');
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 300);
}

function attributes(body: unknown): Record<string, unknown> {
  const data = (body as { data?: { attributes?: unknown } } | undefined)?.data;
  const attrs = data?.attributes;
  return typeof attrs === 'object' && attrs !== null ? (attrs as Record<string, unknown>) : {};
}

export async function fetchK6Status(io: Pick<Io, 'fetch'>, address: string): Promise<RestResult<K6Status>> {
  const r = await call(io, address, '/v1/status', { method: 'GET', timeoutMs: 1000 });
  if (!r.ok) return r;
  const a = attributes(r.value);
  return {
    ok: true,
    value: {
      status: typeof a['status'] === 'number' ? a['status'] : -1,
      paused: a['paused'] === true,
      running: a['running'] === true,
      stopped: a['stopped'] === true,
    },
  };
}

/**
 * Runs setup() on this k6 and returns its data as JSON text (`null` when setup returned nothing). The data
 * can hold tokens: it is handed to the other runners and never written anywhere.
 */
export async function runK6Setup(
  io: Pick<Io, 'fetch'>,
  address: string,
  timeoutMs: number,
): Promise<RestResult<string>> {
  const r = await call(io, address, '/v1/setup', { method: 'POST', timeoutMs });
  if (!r.ok) return r;
  return { ok: true, value: JSON.stringify(attributes(r.value)['data'] ?? null) };
}

export async function putK6SetupData(
  io: Pick<Io, 'fetch'>,
  address: string,
  data: string,
): Promise<RestResult<undefined>> {
  // k6 takes an empty body as "no data"; `null` would be data that is null.
  const body = data === 'null' ? '' : data;
  const r = await call(io, address, '/v1/setup', { method: 'PUT', body, timeoutMs: 10_000 });
  return r.ok ? { ok: true, value: undefined } : r;
}

export async function resumeK6(io: Pick<Io, 'fetch'>, address: string): Promise<RestResult<undefined>> {
  const body = JSON.stringify({ data: { type: 'status', id: 'default', attributes: { paused: false } } });
  const r = await call(io, address, '/v1/status', { method: 'PATCH', body, timeoutMs: 5000 });
  return r.ok ? { ok: true, value: undefined } : r;
}

export async function runK6Teardown(
  io: Pick<Io, 'fetch'>,
  address: string,
  timeoutMs: number,
): Promise<RestResult<undefined>> {
  const r = await call(io, address, '/v1/teardown', { method: 'POST', timeoutMs });
  return r.ok ? { ok: true, value: undefined } : r;
}
