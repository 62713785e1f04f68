/* eslint-disable max-lines -- one byte-level scanner of k6 JSON lines (the ingest hot loop, ~390 lines) and the byte helpers it calls; it reads top to bottom as one piece */
// Pulls the fields loadctl aggregates out of the lines of `k6 run --out json=FILE` without JSON.parse.
//
// A k6 sample line has a fixed shape (k6 writes it with easyjson, keys in this order):
//   {"metric":"http_req_duration","type":"Point","data":{"time":"…","value":1.23,"tags":{…}}}
// optionally followed by ,"metadata":{…} inside data. Metric declarations look different
// ({"type":"Metric","data":{"name":…,"type":"trend","contains":"time",…},"metric":…}) and are rare, so
// they go through JSON.parse. The fast path checks every fixed byte it relies on and hands any line it
// does not fully understand to JSON.parse, so results never depend on the fast path.
//
// Pure: no I/O. The scanner keeps caches (interned metric and endpoint names, the last calendar day,
// the tags of the previous line in the same chunk) that make it faster and never change what it returns.

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

/** A `"type":"Metric"` line: k6 declares each metric once, before its first sample. */
export interface MetricDeclaration {
  name: string;
  type: MetricType;
  /** "time" (values in ms), "data" (bytes) or "default". */
  contains: string;
}

/** 0 = no usable status (non-HTTP metric, network error with status 0); 1..5 = 1xx..5xx. */
export type StatusClassCode = 0 | 1 | 2 | 3 | 4 | 5;
/** The `expected_response` tag: 0 = absent, 1 = "true", 2 = "false". */
export type ExpectedCode = 0 | 1 | 2;

/**
 * One sample. The scanner reuses a single instance for every line (no allocation per line); copy what
 * you keep.
 */
export interface SampleFields {
  metric: string;
  /** Whole seconds since the Unix epoch (floor of the sample time). */
  sec: number;
  /** Nanoseconds within `sec`, 0..999_999_999. */
  nanos: number;
  value: number;
  /** The `name` tag (k6 sets it to the URL when the script gives none); null when absent. */
  name: string | null;
  statusClass: StatusClassCode;
  expected: ExpectedCode;
}

/** Receives what the scanner finds, in file order. */
export interface SampleSink {
  point(sample: SampleFields): void;
  declare(declaration: MetricDeclaration): void;
}

/** How the lines of the input were handled. */
export interface ScanStats {
  lines: number;
  /** Sample lines read by the byte scanner. */
  fastPoints: number;
  /** Sample lines that needed JSON.parse (escapes where they matter, metadata, unusual shape). */
  parsedPoints: number;
  declarations: number;
  blank: number;
  /** Valid JSON of another kind (k6 writes none today): skipped. */
  ignored: number;
  /** Not JSON, or a sample without a metric, time or numeric value (e.g. a truncated last line). */
  invalid: number;
  /** 1-based numbers of the first invalid lines, to say where. */
  invalidLines: number[];
}

export type ScanResult =
  | { kind: 'point'; fast: boolean; sample: SampleFields }
  | { kind: 'metric'; declaration: MetricDeclaration }
  | { kind: 'blank' }
  | { kind: 'ignored' }
  | { kind: 'invalid'; reason: string };

const MAX_INVALID_LINES_KEPT = 20;

// What scanOne found; numbers rather than objects so the per-line path allocates nothing.
type Found = 0 | 1 | 2 | 3 | 4;
const FOUND_BLANK = 0;
const FOUND_POINT = 1;
const FOUND_DECLARATION = 2;
const FOUND_IGNORED = 3;
const FOUND_INVALID = 4;

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const RBRACE = 125;
const NEWLINE = 10;
const CR = 13;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const LOWER_E = 101;
const UPPER_E = 69;
const COLON = 58;
const LOWER_N = 110;
const LOWER_S = 115;

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

const POINT_PREFIX = pattern('{"metric":"');
// Starts at the quote that closes the metric name.
const AFTER_METRIC = pattern('","type":"Point","data":{"time":"');
// Starts at the quote that closes the time.
const AFTER_TIME = pattern('","value":');
// Starts right after the number.
const TAGS_KEY = pattern(',"tags":');
const NULL_END = ascii('null}}');

const NAME = ascii('name');
const STATUS = ascii('status');
const EXPECTED_RESPONSE = ascii('expected_response');
const TRUE = ascii('true');
const FALSE = ascii('false');

// Exact powers of ten for the Clinger fast path (10^22 is the largest exact double power of ten).
const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p);
const MAX_EXACT_MANTISSA = 2 ** 53;

const METRIC_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'rate', 'trend']);

/** A fixed byte string, also as little-endian 32-bit words to compare four bytes at a time. */
interface Pattern {
  bytes: Uint8Array;
  words: Uint32Array;
}

function pattern(text: string): Pattern {
  const bytes = ascii(text);
  const words = new Uint32Array(bytes.length >> 2);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let k = 0; k < words.length; k++) words[k] = dv.getUint32(k * 4, true);
  return { bytes, words };
}

function matchWords(view: DataView, buf: Uint8Array, at: number, p: Pattern, end: number): boolean {
  const bytes = p.bytes;
  const n = bytes.length;
  if (at + n > end) return false;
  const words = p.words;
  let i = 0;
  for (let k = 0; k < words.length; k++, i += 4) if (view.getUint32(at + i, true) !== words[k]) return false;
  for (; i < n; i++) if (buf[at + i] !== bytes[i]) return false;
  return true;
}

function matchAt(buf: Uint8Array, at: number, pattern: Uint8Array, end: number): boolean {
  const n = pattern.length;
  if (at + n > end) return false;
  for (let i = 0; i < n; i++) if (buf[at + i] !== pattern[i]) return false;
  return true;
}

interface InternEntry {
  bytes: Uint8Array;
  text: string;
  next: InternEntry | null;
}

/** Gives the same string object for the same bytes, so map lookups downstream hit cached hashes. */
class Interner {
  private readonly table = new Map<number, InternEntry>();

  /** Null when an escaped value is not valid JSON string content. */
  get(buf: Uint8Array, start: number, end: number, hash: number, escaped: boolean): string | null {
    let entry: InternEntry | null = this.table.get(hash) ?? null;
    const first = entry;
    const len = end - start;
    while (entry) {
      const bytes = entry.bytes;
      if (bytes.length === len) {
        let i = 0;
        while (i < len && bytes[i] === buf[start + i]) i++;
        if (i === len) return entry.text;
      }
      entry = entry.next;
    }
    const raw = Buffer.from(buf.buffer, buf.byteOffset + start, len);
    let text = raw.toString('utf8');
    if (escaped) {
      // A value with escapes (\u0026 in URLs, \" in names) is decoded by JSON.parse itself.
      try {
        text = JSON.parse(`"${text}"`) as string;
      } catch {
        return null;
      }
    }
    this.table.set(hash, { bytes: Uint8Array.from(raw), text, next: first ?? null });
    return text;
  }
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 time as k6 writes it (Go's RFC3339Nano) into out.sec/out.nanos; false if not. */
export function parseTimeText(text: string, out: { sec: number; nanos: number }): boolean {
  const m = TIME_RE.exec(text);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    offset = (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60) * (zone[0] === '-' ? -1 : 1);
  }
  out.sec =
    daysFromCivil(Number(y), month, day) * 86400 + Number(h) * 3600 + Number(mi) * 60 + Number(s) - offset;
  out.nanos = frac === undefined ? 0 : Number(frac.padEnd(9, '0'));
  return true;
}

function statusClassOf(status: unknown): StatusClassCode {
  if (typeof status !== 'string' || status.length !== 3) return 0;
  const c = status.charCodeAt(0) - 48;
  const d1 = status.charCodeAt(1) - 48;
  const d2 = status.charCodeAt(2) - 48;
  if (c < 1 || c > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return 0;
  return c as StatusClassCode;
}

function expectedOf(value: unknown): ExpectedCode {
  return value === 'true' ? 1 : value === 'false' ? 2 : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function emptyScanStats(): ScanStats {
  return {
    lines: 0,
    fastPoints: 0,
    parsedPoints: 0,
    declarations: 0,
    blank: 0,
    ignored: 0,
    invalid: 0,
    invalidLines: [],
  };
}

export function newSample(): SampleFields {
  return { metric: '', sec: 0, nanos: 0, value: 0, name: null, statusClass: 0, expected: 0 };
}

/**
 * Fills `out` from an already parsed k6 JSON line. Shared by the fallback path and by anyone who has
 * objects rather than bytes (the benchmark's naive reader uses it).
 */
export function sampleFromParsed(
  obj: unknown,
  out: SampleFields,
): 'point' | MetricDeclaration | 'ignored' | 'invalid' {
  if (!isRecord(obj)) return 'invalid';
  const data = obj['data'];
  if (obj['type'] === 'Point') {
    const metric = obj['metric'];
    if (typeof metric !== 'string' || !isRecord(data)) return 'invalid';
    const time = data['time'];
    const value = data['value'];
    if (typeof time !== 'string' || typeof value !== 'number' || !parseTimeText(time, out)) return 'invalid';
    const tags = data['tags'];
    const t = isRecord(tags) ? tags : {};
    out.metric = metric;
    out.value = value;
    out.name = typeof t['name'] === 'string' ? t['name'] : null;
    out.statusClass = statusClassOf(t['status']);
    out.expected = expectedOf(t['expected_response']);
    return 'point';
  }
  if (obj['type'] === 'Metric') {
    if (!isRecord(data)) return 'invalid';
    const name = typeof data['name'] === 'string' ? data['name'] : obj['metric'];
    const type = data['type'];
    const contains = data['contains'];
    if (typeof name !== 'string' || typeof type !== 'string' || !METRIC_TYPES.has(type)) return 'invalid';
    return { name, type: type as MetricType, contains: typeof contains === 'string' ? contains : 'default' };
  }
  return 'ignored';
}

/**
 * Scans k6 JSON output. Feed it chunks of complete lines with scanLines (the caller splits the stream
 * and carries a partial last line over), or single lines with scanLine.
 */
export class K6JsonScanner {
  readonly stats: ScanStats = emptyScanStats();
  private readonly sample: SampleFields = newSample();
  private readonly metrics = new Interner();
  private readonly names = new Interner();
  private declaration: MetricDeclaration | null = null;
  private lastDateKey = -1;
  private lastDays = 0;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewBuf: Buffer | null = null;
  // The tags of the last line the fast path read, as a place in the current chunk.
  private tagsBuf: Buffer | null = null;
  private tagsStart = 0;
  private tagsLength = -1;
  private tagsName: string | null = null;
  private tagsStatus: StatusClassCode = 0;
  private tagsExpected: ExpectedCode = 0;

  /**
   * Scans the lines in buf[start, end): each ends at a '\n' or at `end`. Pass whole lines (end just after
   * a '\n'), or the unterminated tail at the end of the input.
   */
  scanLines(buf: Buffer, start: number, end: number, sink: SampleSink): void {
    // The caller may refill the same buffer between calls.
    this.tagsBuf = null;
    this.viewBuf = null;
    let s = start;
    while (s < end) {
      let nl = buf.indexOf(NEWLINE, s);
      if (nl === -1 || nl >= end) nl = end;
      const found = this.scanOne(buf, s, nl);
      if (found === FOUND_POINT) sink.point(this.sample);
      else if (found === FOUND_DECLARATION) sink.declare(this.declaration!);
      s = nl + 1;
    }
  }

  /** Scans one line (without its '\n') and returns a copy of what it found. */
  scanLine(line: Uint8Array): ScanResult {
    const buf = Buffer.from(line.buffer, line.byteOffset, line.length);
    this.tagsBuf = null;
    this.viewBuf = null;
    const fastBefore = this.stats.fastPoints;
    switch (this.scanOne(buf, 0, buf.length)) {
      case FOUND_POINT:
        return { kind: 'point', fast: this.stats.fastPoints > fastBefore, sample: { ...this.sample } };
      case FOUND_DECLARATION:
        return { kind: 'metric', declaration: { ...this.declaration! } };
      case FOUND_BLANK:
        return { kind: 'blank' };
      case FOUND_IGNORED:
        return { kind: 'ignored' };
      default:
        return { kind: 'invalid', reason: 'not a k6 JSON sample or metric line' };
    }
  }

  private scanOne(buf: Buffer, start: number, end: number): Found {
    const stats = this.stats;
    stats.lines++;
    let e = end;
    if (e > start && buf[e - 1] === CR) e--;
    if (e === start) {
      stats.blank++;
      return FOUND_BLANK;
    }
    if (this.scanPointFast(buf, start, e)) {
      stats.fastPoints++;
      return FOUND_POINT;
    }
    return this.scanSlow(buf, start, e);
  }

  private scanSlow(buf: Buffer, start: number, end: number): Found {
    const stats = this.stats;
    let obj: unknown;
    try {
      obj = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      return this.invalid();
    }
    const found = sampleFromParsed(obj, this.sample);
    if (found === 'point') {
      stats.parsedPoints++;
      return FOUND_POINT;
    }
    if (found === 'ignored') {
      if (!isRecord(obj)) return this.invalid();
      stats.ignored++;
      return FOUND_IGNORED;
    }
    if (found === 'invalid') return this.invalid();
    stats.declarations++;
    this.declaration = found;
    return FOUND_DECLARATION;
  }

  /** A line the caller did not pass in (too long to keep): counted as invalid, at its place. */
  countSkippedLine(): void {
    this.stats.lines++;
    this.invalid();
  }

  private invalid(): Found {
    const stats = this.stats;
    stats.invalid++;
    if (stats.invalidLines.length < MAX_INVALID_LINES_KEPT) stats.invalidLines.push(stats.lines);
    return FOUND_INVALID;
  }

  /** The byte scanner. Returns false (and leaves the line to JSON.parse) on anything unexpected. */
  private scanPointFast(buf: Buffer, start: number, end: number): boolean {
    let view = this.view;
    if (this.viewBuf !== buf) {
      view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.view = view;
      this.viewBuf = buf;
    }
    if (!matchWords(view, buf, start, POINT_PREFIX, end)) return false;
    const out = this.sample;

    // Metric name, hashed (FNV-1a) on the way for interning.
    let p = start + POINT_PREFIX.bytes.length;
    const metricStart = p;
    let hash = 0x811c9dc5;
    for (;;) {
      if (p >= end) return false;
      const b = buf[p]!;
      if (b === QUOTE) break;
      if (b === BACKSLASH) return false;
      hash = Math.imul(hash ^ b, 0x01000193);
      p++;
    }
    const metricEnd = p;
    if (!matchWords(view, buf, p, AFTER_METRIC, end)) return false;
    p += AFTER_METRIC.bytes.length;

    p = this.scanTime(buf, p, end);
    if (p < 0 || !matchWords(view, buf, p, AFTER_TIME, end)) return false;
    p += AFTER_TIME.bytes.length;

    p = this.scanNumber(buf, p, end);
    if (p < 0 || !matchWords(view, buf, p, TAGS_KEY, end)) return false;
    p += TAGS_KEY.bytes.length;

    if (buf[p] === LOWER_N) {
      if (p + NULL_END.length !== end || !matchAt(buf, p, NULL_END, end)) return false;
      out.name = null;
      out.statusClass = 0;
      out.expected = 0;
    } else if (
      // k6 writes the samples of one request (9 metrics) with the same tags, one after the other: when
      // the rest of the line is byte for byte the previous fast line's, its tags are too.
      end - p === this.tagsLength &&
      buf === this.tagsBuf &&
      sameBytes(view, buf, this.tagsStart, p, end - p)
    ) {
      out.name = this.tagsName;
      out.statusClass = this.tagsStatus;
      out.expected = this.tagsExpected;
    } else {
      if (!this.scanTags(buf, p, end)) return false;
      this.tagsBuf = buf;
      this.tagsStart = p;
      this.tagsLength = end - p;
      this.tagsName = out.name;
      this.tagsStatus = out.statusClass;
      this.tagsExpected = out.expected;
    }
    out.metric = this.metrics.get(buf, metricStart, metricEnd, hash, false)!;
    return true;
  }

  /** RFC 3339 with optional fraction and Z or ±hh:mm. Returns the index of the closing quote or -1. */
  private scanTime(buf: Buffer, p: number, end: number): number {
    if (p + 20 > end) return -1;
    const year = digits4(buf, p);
    const month = digits2(buf, p + 5);
    const day = digits2(buf, p + 8);
    const hour = digits2(buf, p + 11);
    const minute = digits2(buf, p + 14);
    const second = digits2(buf, p + 17);
    if (
      (year | month | day | hour | minute | second) < 0 ||
      buf[p + 4] !== MINUS ||
      buf[p + 7] !== MINUS ||
      buf[p + 10] !== 84 /* T */ ||
      buf[p + 13] !== COLON ||
      buf[p + 16] !== COLON ||
      month < 1 ||
      month > 12 ||
      day < 1 ||
      day > 31
    ) {
      return -1;
    }
    let q = p + 19;
    let nanos = 0;
    if (buf[q] === DOT) {
      q++;
      let n = 0;
      for (;;) {
        const d = buf[q]! - 48;
        if (d < 0 || d > 9 || q >= end) break;
        if (n < 9) nanos = nanos * 10 + d;
        n++;
        q++;
      }
      if (n === 0) return -1;
      for (; n < 9; n++) nanos *= 10;
    }
    let offset = 0;
    const z = buf[q];
    if (z === 90 /* Z */) {
      q++;
    } else if (z === PLUS || z === MINUS) {
      const oh = digits2(buf, q + 1);
      const om = digits2(buf, q + 4);
      if (oh < 0 || om < 0 || buf[q + 3] !== COLON) return -1;
      offset = (oh * 3600 + om * 60) * (z === MINUS ? -1 : 1);
      q += 6;
    } else {
      return -1;
    }
    if (buf[q] !== QUOTE) return -1;
    const dateKey = year * 10000 + month * 100 + day;
    if (dateKey !== this.lastDateKey) {
      this.lastDateKey = dateKey;
      this.lastDays = daysFromCivil(year, month, day);
    }
    this.sample.sec = this.lastDays * 86400 + hour * 3600 + minute * 60 + second - offset;
    this.sample.nanos = nanos;
    return q;
  }

  /**
   * A JSON number. Exact like JSON.parse: with the digits' value below 2^53 and a power of ten up to
   * 10^22, one multiplication or division of two exact doubles is correctly rounded (Clinger's fast
   * path). Anything longer goes to the JS number parser. Returns the index after the number or -1.
   */
  private scanNumber(buf: Buffer, p: number, end: number): number {
    const start = p;
    let negative = false;
    if (buf[p] === MINUS) {
      negative = true;
      p++;
    }
    let mantissa = 0;
    let intDigits = 0;
    let fracDigits = 0;
    let slow = false;
    const first = buf[p];
    if (first === 48) {
      p++;
      intDigits = 1;
    } else {
      for (;;) {
        const d = buf[p]! - 48;
        if (d < 0 || d > 9 || p >= end) break;
        mantissa = mantissa * 10 + d;
        intDigits++;
        p++;
      }
    }
    if (intDigits === 0) return -1;
    if (buf[p] === DOT) {
      p++;
      for (;;) {
        const d = buf[p]! - 48;
        if (d < 0 || d > 9 || p >= end) break;
        mantissa = mantissa * 10 + d;
        fracDigits++;
        p++;
      }
      if (fracDigits === 0) return -1;
    }
    let exp = 0;
    const e = buf[p];
    if (e === LOWER_E || e === UPPER_E) {
      p++;
      let expNegative = false;
      if (buf[p] === MINUS) {
        expNegative = true;
        p++;
      } else if (buf[p] === PLUS) {
        p++;
      }
      let expDigits = 0;
      for (;;) {
        const d = buf[p]! - 48;
        if (d < 0 || d > 9 || p >= end) break;
        exp = exp * 10 + d;
        expDigits++;
        p++;
      }
      if (expDigits === 0) return -1;
      if (expDigits > 3) slow = true;
      if (expNegative) exp = -exp;
    }
    // At 2^53 and above the digits may already have been rounded while accumulating.
    if (mantissa >= MAX_EXACT_MANTISSA) slow = true;
    let value: number;
    const scale = exp - fracDigits;
    if (slow || scale > 22 || scale < -22) {
      value = Number(buf.toString('latin1', start, p));
      if (!Number.isFinite(value)) return -1;
    } else {
      value = scale >= 0 ? mantissa * POW10[scale]! : mantissa / POW10[-scale]!;
      if (negative) value = -value;
    }
    this.sample.value = value;
    return p;
  }

  /**
   * The tags object from `{` at p, then `}}` ending the line. Walks every key: the ones loadctl uses
   * (name, status, expected_response) are read, other values skipped with their escapes. A later
   * duplicate key wins, as with JSON.parse. Anything else (metadata after the tags, a non-string value,
   * an escaped key) returns false.
   */
  private scanTags(buf: Buffer, p: number, end: number): boolean {
    const out = this.sample;
    out.name = null;
    out.statusClass = 0;
    out.expected = 0;
    let i = p + 1;
    let b: number | undefined;
    if (buf[i] === RBRACE) {
      i++;
    } else {
      for (;;) {
        if (buf[i] !== QUOTE) return false;
        const ks = ++i;
        while ((b = buf[i]) !== QUOTE) {
          if (b === BACKSLASH || i >= end) return false;
          i++;
        }
        const klen = i - ks;
        if (buf[i + 1] !== COLON || buf[i + 2] !== QUOTE) return false;
        i += 3;
        const vs = i;
        const k0 = buf[ks];
        if (klen === 4 && k0 === LOWER_N && matchAt(buf, ks, NAME, end)) {
          let hash = 0x811c9dc5;
          let escaped = false;
          while ((b = buf[i]) !== QUOTE) {
            if (i >= end) return false;
            if (b === BACKSLASH) {
              escaped = true;
              hash = Math.imul(hash ^ b, 0x01000193);
              b = buf[++i]!;
            }
            hash = Math.imul(hash ^ b!, 0x01000193);
            i++;
          }
          const name = this.names.get(buf, vs, i, hash, escaped);
          if (name === null) return false;
          out.name = name;
        } else if (klen === 6 && k0 === LOWER_S && matchAt(buf, ks, STATUS, end)) {
          while ((b = buf[i]) !== QUOTE) {
            if (b === BACKSLASH || i >= end) return false;
            i++;
          }
          out.statusClass = i - vs === 3 ? statusClassOfBytes(buf, vs) : 0;
        } else if (klen === 17 && k0 === LOWER_E && matchAt(buf, ks, EXPECTED_RESPONSE, end)) {
          while ((b = buf[i]) !== QUOTE) {
            if (b === BACKSLASH || i >= end) return false;
            i++;
          }
          const len = i - vs;
          out.expected =
            len === 4 && matchAt(buf, vs, TRUE, i) ? 1 : len === 5 && matchAt(buf, vs, FALSE, i) ? 2 : 0;
        } else {
          while ((b = buf[i]) !== QUOTE) {
            if (i >= end) return false;
            if (b === BACKSLASH) i++;
            i++;
          }
        }
        b = buf[++i];
        if (b === COMMA) {
          i++;
        } else if (b === RBRACE) {
          i++;
          break;
        } else {
          return false;
        }
      }
    }
    // `}` of data, `}` of the line, and nothing after.
    return i + 2 === end && buf[i] === RBRACE && buf[i + 1] === RBRACE;
  }
}

function statusClassOfBytes(buf: Buffer, at: number): StatusClassCode {
  const c = buf[at]! - 48;
  return c >= 1 && c <= 5 && isDigit(buf[at + 1]) && isDigit(buf[at + 2]) ? (c as StatusClassCode) : 0;
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 48 && b <= 57;
}

/** buf[a, a+n) equals buf[b, b+n), four bytes at a time. */
function sameBytes(view: DataView, buf: Uint8Array, a: number, b: number, n: number): boolean {
  let i = 0;
  for (; i + 4 <= n; i += 4) if (view.getUint32(a + i, true) !== view.getUint32(b + i, true)) return false;
  for (; i < n; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

function digits2(buf: Buffer, p: number): number {
  const a = buf[p]! - 48;
  const b = buf[p + 1]! - 48;
  // Written so that NaN (a byte past the end of the buffer) is rejected too.
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}

function digits4(buf: Buffer, p: number): number {
  const hi = digits2(buf, p);
  const lo = digits2(buf, p + 2);
  if (hi < 0 || lo < 0) return -1;
  return hi * 100 + lo;
}
