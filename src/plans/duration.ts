// k6 durations: Go-style unit sequences ("30s", "1h30m", "1.5s", "250ms"), optionally after k6's whole
// days ("1d", "2d12h"). k6 reads "Nd" only as a leading whole number: "1.5d" and "1h1d" are refused.
const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};

const GO_PART = '\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h)';
export const DURATION_PATTERN = `^(\\d+d(${GO_PART})*|(${GO_PART})+)$`;
const DURATION_RE = new RegExp(DURATION_PATTERN);
const PART_RE = /(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h|d)/g;

/**
 * The longest duration k6 holds: Go's time.Duration is int64 nanoseconds. Longer ones k6 refuses
 * ("invalid duration") or, written in days, silently wraps to a negative duration.
 */
const MAX_DURATION_NS = 2n ** 63n - 1n;
export const MAX_DURATION_TEXT = '2562047h47m16s';

export function isDuration(text: string): boolean {
  return DURATION_RE.test(text);
}

/** Whole nanoseconds in a k6 duration as Go reads it (each part's fraction below 1ns is dropped). */
export function durationNanos(text: string): bigint | undefined {
  if (!isDuration(text)) return undefined;
  let total = 0n;
  for (const match of text.matchAll(PART_RE)) {
    const unit = UNIT_NS[match[3] ?? ''];
    if (unit === undefined) return undefined;
    const fraction = match[2] ?? '';
    total += BigInt(match[1] ?? '0') * unit;
    if (fraction) total += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
  }
  return total;
}

/** Milliseconds in a k6 duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const ns = durationNanos(text);
  return ns === undefined ? undefined : Number(ns) / 1e6;
}

/** A duration k6 can hold: at most MAX_DURATION_TEXT (about 292 years). Not-a-duration is someone else's. */
export function withinK6Range(text: string): boolean {
  const ns = durationNanos(text);
  return ns === undefined || ns <= MAX_DURATION_NS;
}

/** A duration for people: "2m30s", "1.5s", "250ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1))}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}
