// The load generator itself, sized to the plan: Node, CPU, memory, open files, ports and the kernel's
// connection limits. Pure, from the probed facts.
import { parseSemVer } from '../k6/version.js';
import { count, mb, plural, sysctlFix, unknown, type Finding } from './finding.js';
import type { PlanNeeds } from './needs.js';
import type { DoctorFacts } from './probe.js';
import { allTargetsLocal, anyTargetLocal } from './target-checks.js';

export const MIN_NODE = '20.19.0';
/** k6 docs: roughly 1–5 MB per VU for simple scripts; we plan with the middle and fail below the low end. */
export const MB_PER_VU = 3;
export const MB_PER_VU_LOW = 1;
export const K6_BASE_MB = 100;
/** Linux keeps a closed connection's port in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN). */
export const TIME_WAIT_SECONDS = 60;
const MB = 1e6;

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

/** Each VU keeps a connection or two open; k6 itself needs a few hundred descriptors. */
export function openFilesNeeded(peakVUs: number): number {
  return peakVUs * 2 + 256;
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
      'neither /proc/self/limits nor `ulimit -n` could be read',
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

/** Local ports the plan's connections take at once, or undefined when the request rate is unknowable. */
export function portsNeeded(needs: PlanNeeds): number | undefined {
  if (needs.keepAlive) return needs.peakVUs;
  return needs.peakRequestsPerSecond === undefined
    ? undefined
    : Math.ceil(needs.peakRequestsPerSecond * TIME_WAIT_SECONDS);
}

export const PORT_RANGE_FIX = sysctlFix('net.ipv4.ip_local_port_range', '1024 65535');

function portsNeededText(needs: PlanNeeds | undefined, need: number | undefined): string {
  if (!needs) return '–';
  if (need === undefined) return 'unknown (keep-alive off)';
  return needs.keepAlive
    ? `~${count(need)} (${plural(needs.peakVUs, 'VU')} keep their connections)`
    : `~${count(need)} (${count(needs.peakRequestsPerSecond ?? 0)} conn/s × ${TIME_WAIT_SECONDS} s TIME_WAIT)`;
}

export function checkEphemeralPorts(f: DoctorFacts, needs: PlanNeeds | undefined): Finding {
  const id = 'ephemeral-ports';
  const title = 'ephemeral ports';
  const need = needs ? portsNeeded(needs) : undefined;
  const needed = portsNeededText(needs, need);
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
  if (!relevant || twReuseApplies(f)) return { id, title, status: 'ok', observed, needed };
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
export function checkSomaxconn(f: DoctorFacts, needs: PlanNeeds | undefined): Finding | undefined {
  if (!needs || !(needs.localServer || anyTargetLocal(f))) return undefined;
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
