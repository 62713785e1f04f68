// A frame of loadctl's metric stream checked by hand, without copying it: the fast path of parseFrameLine
// (src/samples/frames.ts), whose schema explains a frame this refuses. Pure.
const SERIES_TYPES: ReadonlySet<unknown> = new Set(['counter', 'gauge', 'rate', 'trend']);

const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);

function isStringRecord(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const x of Object.values(v)) if (typeof x !== 'string') return false;
  return true;
}

function isSeries(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s['metric'] === 'string' &&
    SERIES_TYPES.has(s['type']) &&
    typeof s['name'] === 'string' &&
    typeof s['status'] === 'string' &&
    typeof s['scenario'] === 'string' &&
    optional(s['tags'], isStringRecord) &&
    isCount(s['count']) &&
    isNumber(s['sum']) &&
    optional(s['min'], isNumber) &&
    optional(s['max'], isNumber) &&
    optional(s['last'], isNumber) &&
    optional(s['values'], (a) => Array.isArray(a) && a.every((x) => Number.isInteger(x))) &&
    optional(s['hdr'], (h) => typeof h === 'string')
  );
}

/** What frames.ts's frameSchema accepts (a valid frame passes both; the schema explains a bad one). */
export function isFrameShape(v: unknown, schema: string): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  return (
    f['schema'] === schema &&
    typeof f['instance'] === 'string' &&
    isCount(f['seq']) &&
    Number.isInteger(f['periodMs']) &&
    (f['periodMs'] as number) > 0 &&
    isNumber(f['start']) &&
    typeof f['final'] === 'boolean' &&
    optional(f['runMs'], isCount) &&
    Array.isArray(f['series']) &&
    f['series'].every(isSeries)
  );
}
