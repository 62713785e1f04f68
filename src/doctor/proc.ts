// What /proc and `ulimit` print, read into numbers. Pure: the probe reads the text, these parse it.

export interface OpenFilesLimit {
  soft: number;
  hard: number;
}

const limit = (s: string | undefined) => (s === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(s));

/** "Max open files  1024  4096  files" from /proc/self/limits. */
export function parseOpenFilesLimit(limits: string): OpenFilesLimit | undefined {
  const m = limits.match(/^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m);
  return m ? { soft: limit(m[1]), hard: limit(m[2]) } : undefined;
}

/** Two lines, `ulimit -Sn` then `ulimit -Hn`, where there is no /proc (macOS). */
export function parseUlimitOutput(text: string): OpenFilesLimit | undefined {
  const m = text.trim().match(/^(\d+|unlimited)\s*\n\s*(\d+|unlimited)$/);
  return m ? { soft: limit(m[1]), hard: limit(m[2]) } : undefined;
}

/** A /proc/sys value holding one whole number. */
export function parseProcInt(text: string | undefined): number | undefined {
  const t = text?.trim();
  return t === undefined || !/^\d+$/.test(t) ? undefined : Number(t);
}

/** A /proc/sys value holding two whole numbers, e.g. ip_local_port_range. */
export function parseProcRange(text: string | undefined): { low: number; high: number } | undefined {
  const m = text?.trim().match(/^(\d+)\s+(\d+)$/);
  return m ? { low: Number(m[1]), high: Number(m[2]) } : undefined;
}
