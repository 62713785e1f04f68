// Words of the report model that depend on the report language. Pure.
import type { HostFacts } from '../model/sections.js';
import type { Messages } from './messages.js';
import { formatBytes } from './units.js';

/** "linux x64 · AMD EPYC · 2 cores · 23.5 GiB · kernel 6.1 · Node v20.20.2 · host vm" */
export function describeHost(host: HostFacts, m: Messages): string {
  return [
    [host.platform, host.arch].filter(Boolean).join(' '),
    host.cpuModel,
    host.cores !== undefined ? m.field.cores(host.cores) : '',
    host.memoryBytes !== undefined ? formatBytes(host.memoryBytes) : '',
    host.kernel ? `kernel ${host.kernel}` : '',
    host.node ? `Node ${host.node}` : '',
    host.hostname ? `host ${host.hostname}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A check's group path for people: "::booking::pay" → "booking › pay"; top level as the messages say. */
export function groupLabel(group: string, m: Messages): string {
  const path = group.replace(/^::/, '').split('::').filter(Boolean);
  return path.length ? path.join(' › ') : m.topLevel;
}
