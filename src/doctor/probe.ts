// Everything `loadctl doctor` reads from the world, in one place: the host, k6, the results folder and the
// targets. Effects only; every field that cannot be read (no /proc on macOS, a timeout) is undefined, and
// the pure checks (checks.ts) decide what that means.
import { lookup } from 'node:dns/promises';
import { cpus, freemem, loadavg, networkInterfaces, platform, totalmem } from 'node:os';
import type { FindK6Result } from '../k6/locate.js';
import { findK6, projectRoot } from '../k6/locate.js';
import { probeExtensionStamp } from '../k6/stream-extension.js';
import type { Io } from '../io/io.js';
import { probeTcp, type Reachability } from '../io/net.js';
import { parseOpenFilesLimit, probeWritable } from './preflight.js';
import type { TargetToProbe } from './needs.js';

export type DnsFacts = { ok: true; addresses: string[]; ms: number } | { ok: false; detail: string };
export type HttpFacts =
  { ok: true; url: string; status: number; ms: number } | { ok: false; url: string; detail: string };
export type TlsFacts =
  { ok: true; validTo: string; authorizationError?: string } | { ok: false; detail: string };

export type TargetFacts =
  | { name: string; kind: 'demo' }
  | {
      name: string;
      kind: 'url';
      url: string;
      host: string;
      port: number;
      /** undefined when the URL is not valid (the plan validator makes that rare). */
      dns?: DnsFacts;
      /** Only tried when DNS answered. */
      tcp?: Reachability;
      /** Only tried when TCP connected and the target has a healthPath. */
      http?: HttpFacts;
      /** Only for https, when TCP connected. */
      tls?: TlsFacts;
    };

export interface DoctorFacts {
  /** When the facts were read: certificate expiry is measured from here. */
  probedAt: string;
  platform: string;
  k6: FindK6Result;
  node: string;
  cores?: number;
  /** 1-minute load average; undefined where the OS has none (Windows reports 0). */
  loadAverage?: number;
  freeMemoryBytes?: number;
  totalMemoryBytes?: number;
  openFiles?: { soft: number; hard: number };
  portRange?: { low: number; high: number };
  tcpTwReuse?: number;
  somaxconn?: number;
  fileMax?: number;
  results: { dir: string; writeError?: string; freeBytes?: number };
  /** Every address of this machine's interfaces. */
  localAddresses: string[];
  targets: TargetFacts[];
  /** The stamp of the streaming extension's sources in this project (k6ext/); undefined without them. */
  streamExtensionStamp?: string;
}

const TARGET_TIMEOUT_MS = 5000;

async function readProc(io: Io, path: string): Promise<string | undefined> {
  try {
    return (await io.readText(path)).trim();
  } catch {
    return undefined;
  }
}

function int(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

function range(text: string | undefined): { low: number; high: number } | undefined {
  const m = text?.match(/^(\d+)\s+(\d+)$/);
  return m ? { low: Number(m[1]), high: Number(m[2]) } : undefined;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms).unref()),
  ]);
}

async function probeDns(host: string): Promise<DnsFacts> {
  const started = performance.now();
  try {
    const found = await withTimeout(lookup(host, { all: true }), TARGET_TIMEOUT_MS, 'DNS lookup');
    return { ok: true, addresses: found.map((a) => a.address), ms: performance.now() - started };
  } catch (err) {
    return { ok: false, detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

async function probeHttp(url: string): Promise<HttpFacts> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TARGET_TIMEOUT_MS), redirect: 'manual' });
    await res.arrayBuffer();
    return { ok: true, url, status: res.status, ms: performance.now() - started };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { ok: false, url, detail: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}

async function probeTls(host: string, port: number): Promise<TlsFacts> {
  const { connect } = await import('node:tls');
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  return await new Promise<TlsFacts>((resolve) => {
    // Not verifying here on purpose: an untrusted or expired certificate is a finding, not an error.
    const socket = connect({ host, port, rejectUnauthorized: false, ...(isIp ? {} : { servername: host }) });
    const done = (r: TlsFacts) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(TARGET_TIMEOUT_MS, () => done({ ok: false, detail: 'TLS handshake timed out' }));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const validTo = cert.valid_to ? new Date(cert.valid_to) : undefined;
      if (!validTo || Number.isNaN(validTo.getTime())) {
        done({ ok: false, detail: 'the server sent no certificate' });
        return;
      }
      const authError = socket.authorizationError;
      done({
        ok: true,
        validTo: validTo.toISOString(),
        ...(authError ? { authorizationError: String(authError) } : {}),
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, detail: err.code ?? err.message }),
    );
  });
}

async function probeTarget(t: TargetToProbe): Promise<TargetFacts> {
  if (t.url === undefined) return { name: t.name, kind: 'demo' };
  let u: URL;
  try {
    u = new URL(t.url);
  } catch {
    return { name: t.name, kind: 'url', url: t.url, host: '', port: 0 };
  }
  const https = u.protocol === 'https:';
  const port = Number(u.port || (https ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const base = { name: t.name, kind: 'url' as const, url: t.url, host, port };
  const dns = await probeDns(host);
  if (!dns.ok) return { ...base, dns };
  // Connect to the address k6 would use first, so the time is the TCP handshake alone.
  const tcp = await probeTcp(dns.addresses[0] ?? host, port, TARGET_TIMEOUT_MS);
  if (tcp.kind !== 'ok') return { ...base, dns, tcp };
  const [http, tls] = await Promise.all([
    t.healthPath === undefined ? undefined : probeHttp(`${t.url.replace(/\/+$/, '')}${t.healthPath}`),
    https ? probeTls(host, port) : undefined,
  ]);
  return { ...base, dns, tcp, ...(http ? { http } : {}), ...(tls ? { tls } : {}) };
}

export interface ProbeRequest {
  resultsDir: string;
  targets: TargetToProbe[];
  /** k6 as the caller already found it (`run` looks it up while reading the plan): not looked up again. */
  k6?: FindK6Result;
}

/** Reads every fact doctor checks. Nothing here judges them. */
export async function probeDoctorFacts(io: Io, req: ProbeRequest): Promise<DoctorFacts> {
  const probedAt = io.now().toISOString();
  const k6 = req.k6 ?? findK6({ env: io.env, projectRoot: projectRoot(), cwd: io.cwd });
  const targets = Promise.all(req.targets.map(probeTarget));
  const [limits, ports, twReuse, somaxconn, fileMax] = await Promise.all([
    readProc(io, '/proc/self/limits'),
    readProc(io, '/proc/sys/net/ipv4/ip_local_port_range'),
    readProc(io, '/proc/sys/net/ipv4/tcp_tw_reuse'),
    readProc(io, '/proc/sys/net/core/somaxconn'),
    readProc(io, '/proc/sys/fs/file-max'),
  ]);
  const stamp = probeExtensionStamp(io, projectRoot());
  const writeError = await probeWritable(io, req.resultsDir);
  const freeBytes = await io.freeBytes(req.resultsDir);
  const os = platform();
  const cores = cpus().length;
  const openFiles = limits === undefined ? undefined : parseOpenFilesLimit(limits);
  const portRange = range(ports);
  const tcpTwReuse = int(twReuse);
  const somax = int(somaxconn);
  const fileMaxN = int(fileMax);
  return {
    probedAt,
    platform: os,
    k6: await k6,
    node: process.version,
    ...(cores > 0 ? { cores } : {}),
    ...(os !== 'win32' ? { loadAverage: loadavg()[0] ?? 0 } : {}),
    freeMemoryBytes: freemem(),
    totalMemoryBytes: totalmem(),
    ...(openFiles ? { openFiles } : {}),
    ...(portRange ? { portRange } : {}),
    ...(tcpTwReuse !== undefined ? { tcpTwReuse } : {}),
    ...(somax !== undefined ? { somaxconn: somax } : {}),
    ...(fileMaxN !== undefined ? { fileMax: fileMaxN } : {}),
    results: {
      dir: req.resultsDir,
      ...(writeError !== undefined ? { writeError } : {}),
      ...(freeBytes !== undefined ? { freeBytes } : {}),
    },
    localAddresses: Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)),
    targets: await targets,
    ...(await stamp.then((s) => (s === undefined ? {} : { streamExtensionStamp: s }))),
  };
}
