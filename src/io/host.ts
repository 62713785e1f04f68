// Facts about the load generator, stored with every run so comparisons can say what ran where.
import { lookup } from 'node:dns/promises';
import {
  arch,
  cpus,
  freemem,
  hostname,
  loadavg,
  networkInterfaces,
  platform,
  release,
  totalmem,
} from 'node:os';

export interface HostFacts {
  arch: string;
  platform: string;
  cpuModel: string;
  cores: number;
  kernel: string;
  memoryBytes: number;
  hostname: string;
  node: string;
}

export function probeHostFacts(): HostFacts {
  const cpu = cpus();
  return {
    arch: arch(),
    platform: platform(),
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    kernel: release(),
    memoryBytes: totalmem(),
    hostname: hostname(),
    node: process.version,
  };
}

/** What the host has free right now: doctor's sizing checks read these. */
export interface HostLoad {
  /** 1-minute load average; undefined where the OS has none (Windows reports 0). */
  loadAverage: number | undefined;
  freeMemoryBytes: number;
  totalMemoryBytes: number;
  /** Every address of this machine's interfaces. */
  localAddresses: string[];
}

export function probeHostLoad(): HostLoad {
  return {
    loadAverage: platform() === 'win32' ? undefined : (loadavg()[0] ?? 0),
    freeMemoryBytes: freemem(),
    totalMemoryBytes: totalmem(),
    localAddresses: Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)),
  };
}

/** Every address a host name resolves to (DNS or /etc/hosts). Rejects when it resolves to none. */
export async function probeDns(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true });
  return found.map((a) => a.address);
}
