// Everything `loadctl doctor` and run's preflight read from the world, in one place: the host, k6, the
// results folder, the secrets and the targets. Effects only, and only through the injected Io; every field
// that cannot be read (no /proc on macOS, a timeout) is undefined, and the pure checks decide what that
// means.
import { resolve } from 'node:path';
import { MakeDirError } from '../io/bounded-fs.js';
import type { Io } from '../io/io.js';
import type { Reachability } from '../io/net.js';
import type { TlsCertificate } from '../io/net-tls.js';
import type { FindK6Result } from '../k6/locate.js';
import { findK6, projectRoot } from '../k6/locate.js';
import { probeExtensionStamp } from '../k6/stream-extension.js';
import { probeMonitors, type MonitorSourceFacts } from './monitor-probe.js';
import type { MonitorToProbe, TargetToProbe } from './needs.js';
import {
  parseOpenFilesLimit,
  parseProcInt,
  parseProcRange,
  parseUlimitOutput,
  type OpenFilesLimit,
} from './proc.js';

export type DnsFacts = { ok: true; addresses: string[]; ms: number } | { ok: false; detail: string };
export type HttpFacts =
  { ok: true; url: string; status: number; ms: number } | { ok: false; url: string; detail: string };
export type TlsFacts = TlsCertificate;
export type TlsProbe = (host: string, port: number, timeoutMs: number) => Promise<TlsFacts>;

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

/** Whether a secret the plan declares has a value in the environment (the value itself is never kept). */
export interface SecretFacts {
  name: string;
  set: boolean;
}

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
  openFiles?: OpenFilesLimit;
  portRange?: { low: number; high: number };
  tcpTwReuse?: number;
  somaxconn?: number;
  fileMax?: number;
  results: { dir: string; writeError?: string; freeBytes?: number };
  /** Every address of this machine's interfaces. */
  localAddresses: string[];
  targets: TargetFacts[];
  /** The plan's declared secrets; empty without a plan. */
  secrets: SecretFacts[];
  /** Each source of the targets' `monitor:` (monitor-probe.ts); empty without one. */
  monitors: MonitorSourceFacts[];
  /** The stamp of the streaming extension's sources in this project (k6ext/); undefined without them. */
  streamExtensionStamp?: string;
}

const TARGET_TIMEOUT_MS = 5000;

// /proc files read by doctor are a line or a table of a few KiB; /proc reports their size as 0, so the
// limit applies while reading.
const MAX_PROC_FILE_BYTES = 64 * 1024;

async function readOptional(io: Io, path: string): Promise<string | undefined> {
  try {
    return await io.readText(path, MAX_PROC_FILE_BYTES);
  } catch {
    return undefined;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms).unref()),
  ]);
}

const since = (io: Io, started: number) => io.now().getTime() - started;

async function probeDns(io: Io, host: string): Promise<DnsFacts> {
  const started = io.now().getTime();
  try {
    const addresses = await withTimeout(io.lookup(host), TARGET_TIMEOUT_MS, 'DNS lookup');
    return { ok: true, addresses, ms: since(io, started) };
  } catch (err) {
    return { ok: false, detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

async function probeHttp(io: Io, url: string): Promise<HttpFacts> {
  const started = io.now().getTime();
  try {
    const res = await io.fetch(url, { signal: AbortSignal.timeout(TARGET_TIMEOUT_MS), redirect: 'manual' });
    await res.arrayBuffer();
    return { ok: true, url, status: res.status, ms: since(io, started) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { ok: false, url, detail: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}

async function probeTarget(io: Io, t: TargetToProbe, probeTls: TlsProbe): Promise<TargetFacts> {
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
  const dns = await probeDns(io, host);
  if (!dns.ok) return { ...base, dns };
  // Connect to the address k6 would use first, so the time is the TCP handshake alone.
  const tcp = await io.probeTcp(dns.addresses[0] ?? host, port, TARGET_TIMEOUT_MS);
  if (tcp.kind !== 'ok') return { ...base, dns, tcp };
  const [http, tls] = await Promise.all([
    t.healthPath === undefined ? undefined : probeHttp(io, `${t.url.replace(/\/+$/, '')}${t.healthPath}`),
    https ? probeTls(host, port, TARGET_TIMEOUT_MS) : undefined,
  ]);
  return { ...base, dns, tcp, ...(http ? { http } : {}), ...(tls ? { tls } : {}) };
}

/** The open-files limits k6 inherits: /proc on Linux, else what a shell's `ulimit` says (macOS). */
async function probeOpenFiles(io: Io): Promise<OpenFilesLimit | undefined> {
  const limits = await readOptional(io, '/proc/self/limits');
  const fromProc = limits === undefined ? undefined : parseOpenFilesLimit(limits);
  if (fromProc) return fromProc;
  const r = await io.runCommand('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { timeoutMs: TARGET_TIMEOUT_MS });
  return r.kind === 'exited' && r.exitCode === 0 ? parseUlimitOutput(r.stdout) : undefined;
}

/** undefined when a file can be written under `dir` (created if missing), else why not. */
export async function probeWritable(io: Io, dir: string): Promise<string | undefined> {
  try {
    await io.mkdirp(dir);
    const probe = `${dir}/.loadctl-write-test`;
    await io.writeFileAtomic(probe, 'ok');
    await io.remove(probe);
    return undefined;
  } catch (err) {
    // A folder above `dir` may be the one that failed (/proc/x under /proc, a file in the path): say which.
    if (err instanceof MakeDirError)
      return err.path === resolve(dir) ? err.reason : `cannot create ${err.path}: ${err.reason}`;
    const e = err as NodeJS.ErrnoException;
    return e.code === 'EACCES' || e.code === 'EPERM'
      ? 'permission denied'
      : e.code === 'ENOSPC'
        ? 'the disk is full'
        : e.code === 'EROFS'
          ? 'read-only file system'
          : (e.message ?? String(err));
  }
}

type HostPart = Omit<DoctorFacts, 'probedAt' | 'k6' | 'results' | 'targets' | 'secrets' | 'monitors'>;

async function probeHost(io: Io): Promise<HostPart> {
  const [openFiles, ports, twReuse, somaxconn, fileMax, stamp] = await Promise.all([
    probeOpenFiles(io),
    readOptional(io, '/proc/sys/net/ipv4/ip_local_port_range'),
    readOptional(io, '/proc/sys/net/ipv4/tcp_tw_reuse'),
    readOptional(io, '/proc/sys/net/core/somaxconn'),
    readOptional(io, '/proc/sys/fs/file-max'),
    probeExtensionStamp(io, projectRoot()),
  ]);
  const host = io.hostFacts();
  const load = io.hostLoad();
  const portRange = parseProcRange(ports);
  const tcpTwReuse = parseProcInt(twReuse);
  const somax = parseProcInt(somaxconn);
  const fileMaxN = parseProcInt(fileMax);
  return {
    platform: host.platform,
    node: host.node,
    ...(host.cores > 0 ? { cores: host.cores } : {}),
    ...(load.loadAverage !== undefined ? { loadAverage: load.loadAverage } : {}),
    freeMemoryBytes: load.freeMemoryBytes,
    totalMemoryBytes: load.totalMemoryBytes,
    localAddresses: load.localAddresses,
    ...(openFiles ? { openFiles } : {}),
    ...(portRange ? { portRange } : {}),
    ...(tcpTwReuse !== undefined ? { tcpTwReuse } : {}),
    ...(somax !== undefined ? { somaxconn: somax } : {}),
    ...(fileMaxN !== undefined ? { fileMax: fileMaxN } : {}),
    ...(stamp !== undefined ? { streamExtensionStamp: stamp } : {}),
  };
}

async function probeResults(io: Io, dir: string): Promise<DoctorFacts['results']> {
  const writeError = await probeWritable(io, dir);
  const freeBytes = await io.freeBytes(dir);
  return {
    dir,
    ...(writeError !== undefined ? { writeError } : {}),
    ...(freeBytes !== undefined ? { freeBytes } : {}),
  };
}

export interface ProbeRequest {
  resultsDir: string;
  targets: TargetToProbe[];
  /** The targets' monitor sources (needs.ts selectMonitors): whether each answers. */
  monitors?: MonitorToProbe[];
  /** Names of the plan's declared secrets: whether each is set is read from io.env. */
  secrets?: string[];
  /** k6 as the caller already found it (`run` looks it up while reading the plan): not looked up again. */
  k6?: FindK6Result;
  /** The TLS handshake; io.probeTls unless a test passes its own. */
  probeTls?: TlsProbe;
}

/** Reads every fact doctor checks, each once. Nothing here judges them. */
export async function probeDoctorFacts(io: Io, req: ProbeRequest): Promise<DoctorFacts> {
  const probedAt = io.now().toISOString();
  const probeTls: TlsProbe = req.probeTls ?? ((host, port, ms) => io.probeTls(host, port, ms));
  const k6 = req.k6 ?? findK6(io, { projectRoot: projectRoot() });
  const [host, results, targets, monitors] = await Promise.all([
    probeHost(io),
    probeResults(io, req.resultsDir),
    Promise.all(req.targets.map((t) => probeTarget(io, t, probeTls))),
    probeMonitors(io, req.monitors ?? []),
  ]);
  return {
    probedAt,
    k6: await k6,
    ...host,
    results,
    targets,
    secrets: (req.secrets ?? []).map((name) => ({ name, set: !!io.env[name] })),
    monitors,
  };
}
