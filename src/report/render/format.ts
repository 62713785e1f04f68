// Formatting shared by the report renderers (the terminal table's number formats are in ../table.ts). Pure.
import type { EndpointSummary } from '../model/summary.js';
import { formatCount } from './table.js';
import type { Messages } from './i18n.js';
import type { StoredMeta } from '../model/report.js';

/** "2026-11-22T04:32:29.784Z" → "2026-11-22 04:32:29 UTC"; other text unchanged. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const m = iso.match(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** "linux x64 · AMD EPYC · 2 cores · 23.5 GiB · kernel 6.1 · Node v20.20.2 · host vm" */
export function describeHost(host: NonNullable<StoredMeta['host']>, m: Messages): string {
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

/** Declared statuses, then status classes (raw samples) in parentheses: "201: 89 · 409: 925 (2xx 89 · 4xx 925)". */
export function statusText(e: EndpointSummary): string {
  const declared = Object.entries(e.statuses)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k}: ${formatCount(n)}`)
    .join(' · ');
  const classes = Object.entries(e.statusClasses ?? {})
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${formatCount(n)}`)
    .join(' · ');
  return declared && classes ? `${declared} (${classes})` : declared || classes;
}
