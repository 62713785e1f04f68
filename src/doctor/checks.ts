// Facts about the host (probe.ts) and what a plan needs (needs.ts) → findings, each with the observed value,
// what is needed and the exact fix. Pure: every input is data, so every edge is a table row in a test.
import { openFilesNeeded } from './preflight.js';
import { STREAM_EXTENSION, STREAM_SETUP_HINT, resolveStreamSupport } from '../k6/stream-extension.js';
import { FIRST_UNSUPPORTED_K6_MAJOR, MIN_K6, parseSemVer, renderVersion } from '../k6/version.js';
import { expectedResultsBytes, type PlanNeeds } from './needs.js';
import type { DoctorFacts, TargetFacts } from './probe.js';

export type Status = 'ok' | 'warning' | 'failure';

export interface Finding {
  /** Stable id, e.g. `open-files` or `target.staging.tcp`. */
  id: string;
  title: string;
  status: Status;
  observed: string;
  needed: string;
  /** Commands or steps that fix it, one per line; only on warnings and failures. */
  fix?: string;
  /** Why it matters, for warnings and failures. */
  detail?: string;
}

export const MIN_NODE = '20.19.0';
/** k6 docs: roughly 1–5 MB per VU for simple scripts; we plan with the middle and fail below the low end. */
export const MB_PER_VU = 3;
export const MB_PER_VU_LOW = 1;
export const K6_BASE_MB = 100;
/** Linux keeps a closed connection's port in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN). */
export const TIME_WAIT_SECONDS = 60;
export const CERT_WARN_DAYS = 14;
const MB = 1e6;
const DAY_MS = 86_400_000;

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${count(Math.ceil(bytes / MB))} MB`;
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

function unknown(id: string, title: string, what: string, needed: string, fix?: string): Finding {
  return {
    id,
    title,
    status: 'warning',
    observed: 'unknown',
    needed,
    detail: `could not be checked: ${what}`,
    ...(fix !== undefined ? { fix } : {}),
  };
}

function sysctlFix(key: string, value: string | number): string {
  const v = String(value);
  const shown = v.includes(' ') ? `"${v}"` : v;
  return [
    `sudo sysctl -w ${key}=${shown}`,
    `echo '${key} = ${v}' | sudo tee -a /etc/sysctl.d/99-loadctl.conf   # persistent`,
  ].join('\n');
}

export function checkK6(f: DoctorFacts): Finding {
  const base = {
    id: 'k6',
    title: 'k6',
    needed: `v${MIN_K6} ≤ k6 < v${FIRST_UNSUPPORTED_K6_MAJOR}.0.0`,
  };
  const k6 = f.k6;
  switch (k6.kind) {
    case 'found': {
      const skipped = k6.skipped.map((s) => `; passed over ${s.path} (${s.problem})`).join('');
      return {
        ...base,
        status: 'ok',
        observed: `${renderVersion(k6.version)} at ${k6.path} (${k6.source})${skipped}`,
      };
    }
    case 'missing':
      return {
        ...base,
        status: 'failure',
        observed: 'not found',
        detail: `looked in ${k6.searched.join(', ')}`,
        fix: k6.hint,
      };
    case 'unsupported':
      return {
        ...base,
        status: 'failure',
        observed: `${renderVersion(k6.version)} at ${k6.path}`,
        detail: k6.reason,
        fix: k6.hint,
      };
    case 'broken':
      return { ...base, status: 'failure', observed: k6.path, detail: k6.detail, fix: k6.hint };
  }
}

/**
 * Whether the k6 in use can run steps with `stream:` (loadctl's k6/x/loadctl-sse extension), and whether the
 * project's k6 was built from the extension sources at hand. Only a plan with stream steps needs it.
 */
export function checkK6Streaming(f: DoctorFacts, needs: PlanNeeds | undefined): Finding | undefined {
  const k6 = f.k6;
  if (k6.kind !== 'found') return undefined;
  const steps = needs?.streamSteps ?? [];
  const base = {
    id: 'k6.streaming',
    title: 'k6 streaming (SSE)',
    needed:
      steps.length > 0
        ? `${STREAM_EXTENSION} for the stream steps ${steps.join(', ')}`
        : `${STREAM_EXTENSION} for plans with \`stream:\` steps`,
  };
  const support = resolveStreamSupport(k6.version);
  if (support.kind === 'none') {
    const fix =
      k6.source === 'env'
        ? `${STREAM_SETUP_HINT} Then unset LOADCTL_K6_BIN, or point it at a k6 built from k6ext/.`
        : STREAM_SETUP_HINT;
    return steps.length > 0
      ? {
          ...base,
          status: 'failure',
          observed: `no: ${k6.path} has no ${STREAM_EXTENSION}`,
          detail: 'stock k6 reads a body only once it is complete, so time to first token cannot be measured',
          fix,
        }
      : {
          ...base,
          status: 'ok',
          observed:
            needs === undefined
              ? `no (${k6.path}); only plans with \`stream:\` steps need it`
              : `no (${k6.path}); this plan has no stream steps`,
        };
  }
  const expected = f.streamExtensionStamp;
  if (k6.source === 'project' && expected !== undefined && support.stamp !== expected) {
    return {
      ...base,
      status: 'warning',
      observed: `${STREAM_EXTENSION} ${support.stamp}, but k6ext/ is now ${expected}`,
      detail: `${k6.path} was built from other extension sources than the ones in this project`,
      fix: 'npm run setup:k6',
    };
  }
  return { ...base, status: 'ok', observed: `yes: ${STREAM_EXTENSION} ${support.stamp}` };
}

export function checkNode(f: DoctorFacts): Finding {
  const v = parseSemVer(f.node);
  const min = parseSemVer(MIN_NODE);
  const ok =
    v !== undefined &&
    min !== undefined &&
    (v.major !== min.major
      ? v.major > min.major
      : v.minor !== min.minor
        ? v.minor > min.minor
        : v.patch >= min.patch);
  return {
    id: 'node',
    title: 'Node.js',
    status: ok ? 'ok' : 'failure',
    observed: f.node,
    needed: `≥ v${MIN_NODE}`,
    ...(ok ? {} : { fix: 'nvm install 22 && nvm use 22', detail: 'loadctl needs Node.js 20.19 or newer' }),
  };
}

export function checkCpu(f: DoctorFacts): Finding {
  const id = 'cpu';
  const title = 'CPU load';
  if (f.cores === undefined || f.loadAverage === undefined)
    return unknown(id, title, 'the load average is not available on this system', 'load < cores');
  const observed = `load ${f.loadAverage.toFixed(2)} on ${plural(f.cores, 'core')}`;
  const needed = `load < ${f.cores}`;
  if (f.loadAverage < f.cores) return { id, title, status: 'ok', observed, needed };
  return {
    id,
    title,
    status: 'warning',
    observed,
    needed,
    detail: 'the machine is already busy: k6 waits for CPU and its latencies include that wait',
    fix: 'find what keeps it busy with `top -o %CPU`, stop it, or use a quieter machine',
  };
}

/** k6's memory for a plan: 3 MB per VU + 100 MB (k6 docs: roughly 1–5 MB per VU for simple scripts). */
export function memoryNeeded(peakVUs: number, mbPerVU = MB_PER_VU): number {
  return (peakVUs * mbPerVU + K6_BASE_MB) * MB;
}

export function checkMemory(f: DoctorFacts, needs: PlanNeeds | undefined): Finding {
  const id = 'memory';
  const title = 'free memory';
  if (f.freeMemoryBytes === undefined)
    return unknown(id, title, 'free memory is not available on this system', '–');
  const observed = `${mb(f.freeMemoryBytes)} free${f.totalMemoryBytes ? ` of ${mb(f.totalMemoryBytes)}` : ''}`;
  if (!needs) return { id, title, status: 'ok', observed, needed: '–' };
  const estimate = memoryNeeded(needs.peakVUs);
  const low = memoryNeeded(needs.peakVUs, MB_PER_VU_LOW);
  const needed = `~${mb(estimate)} for ${plural(needs.peakVUs, 'VU')}`;
  const how = `estimated as ${MB_PER_VU} MB per VU + ${K6_BASE_MB} MB (k6 docs: roughly 1–5 MB per VU for simple scripts)`;
  if (f.freeMemoryBytes >= estimate) return { id, title, status: 'ok', observed, needed };
  return {
    id,
    title,
    status: f.freeMemoryBytes >= low ? 'warning' : 'failure',
    observed,
    needed,
    detail: `${how}; k6 killed for memory ends the run without results`,
    fix: 'stop memory-hungry processes, run a smaller profile (--profile) or use a larger machine',
  };
}

export function openFilesFix(need: number, hard: number | undefined): string {
  return [
    hard !== undefined && hard < need
      ? `sudo prlimit --pid $$ --nofile=${need}:${need}   # this shell (the hard limit is ${count(hard)})`
      : `ulimit -n ${need}   # this shell`,
    `printf '* soft nofile ${need}\\n* hard nofile ${need}\\n' | sudo tee -a /etc/security/limits.conf   # then log in again`,
    `LimitNOFILE=${need}   # in the [Service] section of a systemd unit`,
  ].join('\n');
}

export function checkOpenFiles(f: DoctorFacts, needs: PlanNeeds | undefined): Finding {
  const id = 'open-files';
  const title = 'open files (ulimit -n)';
  const need = needs ? openFilesNeeded(needs.peakVUs) : undefined;
  const needed = need === undefined ? '–' : `≥ ${count(need)} for ${plural(needs?.peakVUs ?? 0, 'VU')}`;
  if (!f.openFiles)
    return unknown(
      id,
      title,
      '/proc/self/limits is not readable here; `ulimit -n` shows the limit',
      needed,
      need === undefined ? undefined : openFilesFix(need, undefined),
    );
  const { soft, hard } = f.openFiles;
  const shown = (n: number) => (n >= Number.MAX_SAFE_INTEGER ? 'unlimited' : count(n));
  const observed = `soft ${shown(soft)}, hard ${shown(hard)}`;
  if (need === undefined || soft >= need) return { id, title, status: 'ok', observed, needed };
  return {
    id,
    title,
    status: 'failure',
    observed,
    needed,
    detail: `each VU holds a connection or two and k6 itself a few hundred files: k6 fails with "too many open files"`,
    fix: openFilesFix(need, hard),
  };
}

/** Local ports the plan's connections take at once, or undefined when the request rate is unknowable. */
export function portsNeeded(needs: PlanNeeds): number | undefined {
  if (needs.keepAlive) return needs.peakVUs;
  return needs.peakRequestsPerSecond === undefined
    ? undefined
    : Math.ceil(needs.peakRequestsPerSecond * TIME_WAIT_SECONDS);
}

export const PORT_RANGE_FIX = sysctlFix('net.ipv4.ip_local_port_range', '1024 65535');

export function checkEphemeralPorts(f: DoctorFacts, needs: PlanNeeds | undefined): Finding {
  const id = 'ephemeral-ports';
  const title = 'ephemeral ports';
  const need = needs ? portsNeeded(needs) : undefined;
  const needed = !needs
    ? '–'
    : need === undefined
      ? 'unknown (keep-alive off)'
      : needs.keepAlive
        ? `~${count(need)} (${plural(needs.peakVUs, 'VU')} keep their connections)`
        : `~${count(need)} (${count(needs.peakRequestsPerSecond ?? 0)} conn/s × ${TIME_WAIT_SECONDS} s TIME_WAIT)`;
  if (!f.portRange)
    return unknown(id, title, '/proc/sys/net/ipv4/ip_local_port_range is not readable here', needed);
  const width = f.portRange.high - f.portRange.low + 1;
  const observed = `${count(width)} (${f.portRange.low}–${f.portRange.high})`;
  if (needs && need === undefined)
    return {
      id,
      title,
      status: 'warning',
      observed,
      needed,
      detail:
        'keep-alive is off, so every request opens a connection whose port stays in TIME_WAIT for 60 s; with VU-based scenarios the rate depends on the target and cannot be estimated',
      fix: PORT_RANGE_FIX,
    };
  if (need === undefined || width >= need) return { id, title, status: 'ok', observed, needed };
  const reuse = twReuseApplies(f);
  return {
    id,
    title,
    status: reuse ? 'warning' : 'failure',
    observed,
    needed,
    detail: `connections fail with "cannot assign requested address" once the ports run out${reuse ? ' (tcp_tw_reuse lets new connections take TIME_WAIT ports, which may be enough)' : ''}`,
    fix: PORT_RANGE_FIX,
  };
}

function isLocal(address: string, localAddresses: readonly string[]): boolean {
  const a = address.replace(/^::ffff:/i, '');
  return a.startsWith('127.') || a === '::1' || a === '0.0.0.0' || a === '::' || localAddresses.includes(a);
}

/** Every URL target whose DNS answered resolves to this machine. */
function allTargetsLocal(f: DoctorFacts): boolean {
  const urls = f.targets.filter((t) => t.kind === 'url');
  return urls.every((t) => t.dns?.ok === true && t.dns.addresses.every((a) => isLocal(a, f.localAddresses)));
}

/** tcp_tw_reuse 1 covers every connection, 2 only loopback ones. */
function twReuseApplies(f: DoctorFacts): boolean {
  return f.tcpTwReuse === 1 || (f.tcpTwReuse === 2 && allTargetsLocal(f));
}

export function checkTwReuse(f: DoctorFacts, needs: PlanNeeds | undefined): Finding {
  const id = 'tcp-tw-reuse';
  const title = 'net.ipv4.tcp_tw_reuse';
  const relevant = needs !== undefined && !needs.keepAlive;
  const needed = relevant ? '1 (keep-alive off)' : '– (keep-alive on)';
  if (f.tcpTwReuse === undefined)
    return unknown(id, title, '/proc/sys/net/ipv4/tcp_tw_reuse is not readable here', needed);
  const v = f.tcpTwReuse;
  const observed = `${v} (${v === 0 ? 'off' : v === 1 ? 'on' : v === 2 ? 'loopback only' : 'unknown value'})`;
  const enough = twReuseApplies(f);
  if (!relevant || enough) return { id, title, status: 'ok', observed, needed };
  return {
    id,
    title,
    status: 'warning',
    observed,
    needed,
    detail: 'without it new connections cannot take ports still in TIME_WAIT',
    fix: sysctlFix('net.ipv4.tcp_tw_reuse', 1),
  };
}

/** A listen backlog matters where the server runs here: the demo service, or a target on this machine. */
function localServer(f: DoctorFacts, needs: PlanNeeds | undefined): boolean {
  return (
    needs?.localServer === true ||
    f.targets.some(
      (t) =>
        t.kind === 'url' && t.dns?.ok === true && t.dns.addresses.some((a) => isLocal(a, f.localAddresses)),
    )
  );
}

export function checkSomaxconn(f: DoctorFacts, needs: PlanNeeds | undefined): Finding | undefined {
  if (!needs || !localServer(f, needs)) return undefined;
  const id = 'somaxconn';
  const title = 'net.core.somaxconn';
  const needed = `≥ ${count(needs.peakVUs)} (peak VUs)`;
  if (f.somaxconn === undefined)
    return unknown(id, title, '/proc/sys/net/core/somaxconn is not readable here', needed);
  const observed = count(f.somaxconn);
  if (f.somaxconn >= needs.peakVUs) return { id, title, status: 'ok', observed, needed };
  return {
    id,
    title,
    status: 'warning',
    observed,
    needed,
    detail:
      'every VU may connect at once to the server on this machine; connections beyond the listen backlog are dropped and retried after 1 s: latency spikes that are the backlog, not the service',
    fix: sysctlFix('net.core.somaxconn', needs.peakVUs),
  };
}

export function checkFileMax(f: DoctorFacts, needs: PlanNeeds | undefined): Finding {
  const id = 'file-max';
  const title = 'fs.file-max';
  const need = needs ? openFilesNeeded(needs.peakVUs) : undefined;
  const needed = need === undefined ? '–' : `≥ ${count(need)}`;
  if (f.fileMax === undefined)
    return unknown(id, title, '/proc/sys/fs/file-max is not readable here', needed);
  const observed = count(f.fileMax);
  if (need === undefined || f.fileMax >= need) return { id, title, status: 'ok', observed, needed };
  return {
    id,
    title,
    status: 'warning',
    observed,
    needed,
    detail: 'the whole system cannot open as many files as k6 needs, whatever ulimit -n says',
    fix: sysctlFix('fs.file-max', need),
  };
}

export function checkResults(f: DoctorFacts, needs: PlanNeeds | undefined): Finding[] {
  const dir = f.results.dir;
  const writable: Finding =
    f.results.writeError === undefined
      ? {
          id: 'results-writable',
          title: 'results folder',
          status: 'ok',
          observed: `${dir} writable`,
          needed: 'writable',
        }
      : {
          id: 'results-writable',
          title: 'results folder',
          status: 'failure',
          observed: `${dir}: ${f.results.writeError}`,
          needed: 'writable',
          fix: `sudo chown -R "$USER" ${dir}   # or choose another folder with --results DIR`,
        };
  const need = expectedResultsBytes(needs);
  const why = needs?.samples ? 'raw samples (~300 bytes per request) and the run files' : 'the run files';
  const needed = need === undefined ? 'unknown (request count set by the target)' : `~${mb(need)} for ${why}`;
  const free = f.results.freeBytes;
  const disk: Finding =
    free === undefined
      ? unknown('disk', 'free disk', `free space under ${dir} is not available`, needed)
      : need === undefined
        ? {
            id: 'disk',
            title: 'free disk',
            status: 'warning',
            observed: `${mb(free)} free`,
            needed,
            detail:
              'raw samples take ~300 bytes per request and VU-based scenarios make the request count unknowable',
          }
        : free >= need
          ? { id: 'disk', title: 'free disk', status: 'ok', observed: `${mb(free)} free`, needed }
          : {
              id: 'disk',
              title: 'free disk',
              status: 'failure',
              observed: `${mb(free)} free`,
              needed,
              detail: 'a full disk ends the run and loses its results',
              fix: `du -sh ${dir}/* | sort -h   # delete old runs, or choose another folder with --results DIR`,
            };
  return [writable, disk];
}

export function checkTarget(t: TargetFacts, f: DoctorFacts): Finding[] {
  const id = `target.${t.name}`;
  const title = `target ${t.name}`;
  if (t.kind === 'demo')
    return [
      {
        id,
        title,
        status: 'ok',
        observed: 'demo service (`loadctl run` starts it)',
        needed: '–',
      },
    ];
  const out: Finding[] = [];
  if (!t.dns) {
    return [
      {
        id: `${id}.url`,
        title,
        status: 'failure',
        observed: t.url,
        needed: 'a valid URL',
        fix: 'correct the url in the plan',
      },
    ];
  }
  if (!t.dns.ok) {
    return [
      {
        id: `${id}.dns`,
        title: `${title}: DNS`,
        status: 'failure',
        observed: `${t.host}: ${t.dns.detail}`,
        needed: 'resolves',
        detail: 'the host name does not resolve from this machine',
        fix: `getent hosts ${t.host}   # check the name, or the url in the plan`,
      },
    ];
  }
  out.push({
    id: `${id}.dns`,
    title: `${title}: DNS`,
    status: 'ok',
    observed: `${t.host} → ${t.dns.addresses.join(', ')} (${t.dns.ms.toFixed(0)} ms)`,
    needed: 'resolves',
  });
  const local = t.dns.addresses.filter((a) => isLocal(a, f.localAddresses));
  out.push(
    local.length > 0
      ? {
          id: `${id}.host`,
          title: `${title}: host`,
          status: 'warning',
          observed: `${local.join(', ')} is this machine`,
          needed: 'another machine',
          detail: 'the target shares this machine with the load generator: numbers then measure both',
          fix: 'run the target, or loadctl, on another machine',
        }
      : {
          id: `${id}.host`,
          title: `${title}: host`,
          status: 'ok',
          observed: 'another machine',
          needed: 'another machine',
        },
  );
  const addr = `${t.dns.addresses[0] ?? t.host}:${t.port}`;
  const tcp = t.tcp;
  if (tcp) {
    const ok = tcp.kind === 'ok';
    out.push({
      id: `${id}.tcp`,
      title: `${title}: TCP connect`,
      status: ok ? 'ok' : 'failure',
      observed:
        tcp.kind === 'ok'
          ? `${addr} in ${tcp.ms} ms`
          : tcp.kind === 'refused'
            ? `${addr} refused the connection`
            : tcp.kind === 'timeout'
              ? `${addr} did not answer in 5 s`
              : `${addr}: ${tcp.detail}`,
      needed: 'connects',
      ...(ok
        ? {}
        : {
            detail:
              tcp.kind === 'refused'
                ? 'nothing listens on that port'
                : tcp.kind === 'timeout'
                  ? 'a firewall drops the packets, or the host is down'
                  : 'the connection failed',
            fix: `start the service, or correct the url in the plan; try \`nc -vz ${t.dns.addresses[0] ?? t.host} ${t.port}\``,
          }),
    });
  }
  if (t.http) {
    const h = t.http;
    const status: Status = !h.ok || h.status >= 500 ? 'failure' : h.status >= 400 ? 'warning' : 'ok';
    out.push({
      id: `${id}.health`,
      title: `${title}: health`,
      status,
      observed: h.ok ? `GET ${h.url} → ${h.status} in ${h.ms.toFixed(0)} ms` : `GET ${h.url}: ${h.detail}`,
      needed: 'status < 400',
      ...(status === 'ok'
        ? {}
        : {
            detail: 'the service is not healthy: a load test would measure its failures',
            fix: `curl -i ${h.url}   # fix the service, or the healthPath in the plan`,
          }),
    });
  }
  if (t.tls) {
    const tls = t.tls;
    const needed = `valid ≥ ${CERT_WARN_DAYS} days, trusted`;
    if (!tls.ok) {
      out.push({
        id: `${id}.tls`,
        title: `${title}: TLS certificate`,
        status: 'failure',
        observed: tls.detail,
        needed,
        fix: `openssl s_client -connect ${t.host}:${t.port} -servername ${t.host} </dev/null`,
      });
    } else {
      const days = (Date.parse(tls.validTo) - Date.parse(f.probedAt)) / DAY_MS;
      const observed = `valid until ${tls.validTo.slice(0, 10)} (${days < 0 ? `expired ${Math.ceil(-days)} days ago` : `${Math.floor(days)} days`})${tls.authorizationError ? `; not trusted: ${tls.authorizationError}` : ''}`;
      const status: Status =
        days < 0 ? 'failure' : days < CERT_WARN_DAYS || tls.authorizationError ? 'warning' : 'ok';
      out.push({
        id: `${id}.tls`,
        title: `${title}: TLS certificate`,
        status,
        observed,
        needed,
        ...(status === 'ok'
          ? {}
          : {
              detail:
                days < 0
                  ? 'k6 fails every request with an x509 error'
                  : tls.authorizationError
                    ? 'k6 fails every request with an x509 error unless the plan sets http.insecureSkipTLSVerify'
                    : 'the certificate expires soon',
              fix: 'renew the certificate on the target',
            }),
      });
    }
  }
  return out;
}

/** Every check, in the order they are printed. */
export function checkDoctor(f: DoctorFacts, needs: PlanNeeds | undefined): Finding[] {
  return [
    checkK6(f),
    checkK6Streaming(f, needs),
    checkNode(f),
    checkCpu(f),
    checkMemory(f, needs),
    checkOpenFiles(f, needs),
    checkFileMax(f, needs),
    checkEphemeralPorts(f, needs),
    checkTwReuse(f, needs),
    checkSomaxconn(f, needs),
    ...checkResults(f, needs),
    ...f.targets.flatMap((t) => checkTarget(t, f)),
  ].filter((x) => x !== undefined);
}

/** Failures always fail; warnings only with --strict. */
export function doctorFailed(findings: readonly Finding[], strict: boolean): boolean {
  return findings.some((x) => x.status === 'failure' || (strict && x.status === 'warning'));
}
