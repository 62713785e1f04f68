// Numbers and units as every loadctl output prints them: the terminal tables, the reports, the live
// progress line, breakpoint and doctor. A leaf: it imports nothing from the project, so anything may use it.
// Pure.

/** Milliseconds: "850µs", "3.25ms", "412.0ms", "1.52s"; "–" when there is no value. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1) return `${(ms * 1000).toFixed(0)}µs`;
  if (ms < 10) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${ms.toFixed(1)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** A whole number with thousands separators: "12,345". */
export function formatCount(n: number): string {
  return formatGrouped(Math.round(n), 0);
}

/**
 * A number with exactly `digits` decimals and thousands separators: "12,345.60", as
 * toLocaleString('en-US') writes it. Grouped here instead: the first toLocaleString of a process loads
 * ICU's number formatting, about 20 ms of a command's start-up. (A value written with a 5 just past the last
 * digit may round the other way: toFixed rounds the binary value, ICU its shortest decimal.)
 */
export function formatGrouped(n: number, digits: number): string {
  const fixed = n.toFixed(digits);
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(fixed);
  // NaN, Infinity and numbers toFixed writes with an exponent are shown as they are.
  if (match === null) return fixed;
  const [, sign, whole = '', fraction = ''] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction}`;
}

/** Per second, without the unit: "1234", "12.5". */
export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1);
}

/** A share as a percentage: "12.50%"; a tiny non-zero share is "<0.01%", never "0.00%". */
export function formatPercent(fraction: number): string {
  if (fraction > 0 && fraction < 0.0001) return '<0.01%';
  return `${(fraction * 100).toFixed(2)}%`;
}

/** Bytes in binary units: "512 B", "23.5 GiB". */
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

/** "2026-11-22T04:32:29.784Z" → "2026-11-22 04:32:29 UTC"; other text unchanged. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const m = iso.match(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}
