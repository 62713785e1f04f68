// Secret values must never reach a file loadctl writes, in any form they take on the way: k6 logs a URL
// percent-encoded (Go's path escaping, the runtime's encodeURIComponent for a query), a header or JSON body
// escaped for its logfmt quotes (`"` → `\"`, and `\\\"` once more inside a quoted error), a body echoed as
// JSON (Go escapes <, > and & as \u003c…), a report escapes it for HTML, and a Basic credential is base64 of
// `user:secret`. Values shorter than 4 characters are not redacted: they would blank out common text and are
// not secrets worth the name. Pure.
export const REDACTED = '[redacted]';

const MIN_LENGTH = 4;

const utf8 = new TextEncoder();

/** Percent-encodes every UTF-8 byte of `value` except the characters in `keep`. */
function percentEncode(value: string, keep: RegExp, opts: { plus: boolean; lower: boolean }): string {
  let out = '';
  for (const ch of value) {
    if (keep.test(ch)) out += ch;
    else if (ch === ' ' && opts.plus) out += '+';
    else
      for (const byte of utf8.encode(ch)) {
        const hex = byte.toString(16).padStart(2, '0');
        out += `%${opts.lower ? hex : hex.toUpperCase()}`;
      }
  }
  return out;
}

// The characters each encoder leaves alone (besides letters and digits).
const KEEP = {
  // Go url.QueryEscape / PathEscape's strictest: unreserved only.
  unreserved: /^[A-Za-z0-9\-_.~]$/,
  // JavaScript encodeURIComponent.
  component: /^[A-Za-z0-9\-_.~!*'()]$/,
  // JavaScript encodeURI.
  uri: /^[A-Za-z0-9\-_.~!*'();,/?:@&=+$#]$/,
  // Go's URL.EscapedPath (what k6 logs for a path it had to re-escape).
  goPath: /^[A-Za-z0-9\-_.~$&+,/:;=@]$/,
  // Go's url.PathEscape (one path segment).
  goSegment: /^[A-Za-z0-9\-_.~$&+:=@]$/,
};

function urlForms(value: string): string[] {
  const forms = [value];
  for (const keep of Object.values(KEEP))
    for (const plus of [false, true])
      for (const lower of [false, true]) forms.push(percentEncode(value, keep, { plus, lower }));
  return forms;
}

const jsonInner = (s: string): string => JSON.stringify(s).slice(1, -1);

// Text escapings, applied once or twice (a JSON body inside a quoted logfmt field is escaped twice).
const ESCAPES: Array<(s: string) => string> = [
  // JSON.stringify, and Go's %q (strconv.Quote), which agree on everything a secret holds but control bytes.
  jsonInner,
  // Go's encoding/json: <, >, & and the line separators as \u escapes.
  (s) =>
    jsonInner(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  // JSON with every non-ASCII character escaped (Python's json.dumps, many proxies).
  (s) => jsonInner(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  // JSON that escapes `/` (PHP and others).
  (s) => jsonInner(s).replace(/\//g, '\\/'),
  // HTML text and attributes: the common entities, and Go html/template's numeric ones.
  (s) =>
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;'),
  (s) =>
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&#34;')
      .replace(/'/g, '&#39;'),
];

/** Every form of a secret value that a log line or stored file may carry, longest first. */
export function secretForms(value: string): string[] {
  const forms = new Set<string>();
  for (const u of urlForms(value)) {
    forms.add(u);
    for (const once of ESCAPES) {
      const e1 = once(u);
      forms.add(e1);
      for (const twice of ESCAPES) forms.add(twice(e1));
    }
  }
  return [...forms].filter((f) => f.length >= MIN_LENGTH).sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// A run of base64 (standard or URL-safe): `Basic <b64>`, a JWT's segments.
const BASE64_RUN = /[A-Za-z0-9+/_-]+={0,2}/g;

/**
 * The base64 text that any base64 holding `value` contains: for each of the three byte alignments the value
 * can start at, the encoding of its bytes from the first whole group of three to the last (standard and
 * URL-safe). Undefined when the value is too short for every alignment to have a group of its own.
 */
function base64Cores(value: string): string[] | undefined {
  const bytes = utf8.encode(value);
  const cores: string[] = [];
  for (const skip of [0, 1, 2]) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    if (whole < 3) return undefined;
    const core = Buffer.from(bytes.subarray(skip, skip + whole)).toString('base64');
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/**
 * Whether the base64 run, decoded from any of its first four characters (the secret's text may begin at
 * any byte, and the run may have other characters glued in front), holds a secret.
 */
function base64Holds(run: string, minLength: number, holds: (text: string) => boolean): boolean {
  for (let start = 0; start < 4 && run.length - start >= minLength; start += 1) {
    const decoded = Buffer.from(run.slice(start), 'base64').toString('utf8');
    if (holds(decoded)) return true;
  }
  return false;
}

/**
 * Every form keeps the secret's letters and digits in a row (the encodings only replace other characters), so
 * a text without the longest such run of some secret holds none of its forms: most lines skip the
 * expression. A secret whose longest run is under 3 characters always runs it.
 */
function anchorsOf(values: string[]): string[] | undefined {
  const anchors = values.map((v) =>
    (v.match(/[A-Za-z0-9]+/g) ?? []).reduce((a, b) => (b.length > a.length ? b : a), ''),
  );
  return anchors.every((a) => a.length >= 3) ? anchors : undefined;
}

export function makeRedactor(secretValues: Iterable<string | undefined>): (text: string) => string {
  const values = [
    ...new Set([...secretValues].filter((v): v is string => typeof v === 'string' && v.length >= MIN_LENGTH)),
  ];
  if (values.length === 0) return (text) => text;
  const forms = [...new Set(values.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  const anchors = anchorsOf(values);
  const mayHold = (text: string): boolean => !anchors || anchors.some((a) => text.includes(a));
  const holds = (text: string): boolean => {
    if (!mayHold(text)) return false;
    pattern.lastIndex = 0;
    return pattern.test(text);
  };
  // The shortest base64 that can hold a whole secret, and what it must contain (decoding every run of
  // letters in a log line is most of the work otherwise).
  const minBase64 = Math.ceil((Math.min(...values.map((v) => utf8.encode(v).length)) * 4) / 3);
  const cores = values.map(base64Cores);
  const coreSets = cores.every((c) => c !== undefined) ? cores.flat() : undefined;
  const mayEncode = (run: string): boolean =>
    run.length >= minBase64 && (!coreSets || coreSets.some((c) => run.includes(c)));
  return (text) => {
    const plain = mayHold(text) ? text.replace(pattern, REDACTED) : text;
    return plain.replace(BASE64_RUN, (run) =>
      mayEncode(run) && base64Holds(run, minBase64, holds) ? REDACTED : run,
    );
  };
}
