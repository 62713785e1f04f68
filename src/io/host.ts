// Facts about the load generator, stored with every run so comparisons can say what ran where.
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';

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
