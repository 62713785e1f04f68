import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { K6JsonScanner, newSample, parseTimeText, sampleFromParsed, type SampleFields } from './scan.js';

const FIXTURES = new URL('../../test/fixtures/k6-json/', import.meta.url);
const fixtureLines = (name: string): string[] =>
  gunzipSync(readFileSync(new URL(`${name}.ndjson.gz`, FIXTURES)))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');

const bytes = (line: string) => Buffer.from(line, 'utf8');

function scan(line: string) {
  return new K6JsonScanner().scanLine(bytes(line));
}

/** What JSON.parse says the line holds: the reference the byte scanner must agree with. */
function reference(line: string): SampleFields | null {
  const out = newSample();
  return sampleFromParsed(JSON.parse(line), out) === 'point' ? out : null;
}

// Real lines from k6 v1.8.1 (`k6 run --out json=…`), including its quirks.
const HTTP_LINE =
  '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-22T01:40:41.117443481Z","value":12.254986,"tags":{"expected_response":"true","group":"","method":"GET","name":"ok \\"quoted\\"","proto":"HTTP/1.1","scenario":"default","status":"200","url":"ok \\"quoted\\""}}}';
const NETWORK_ERROR_LINE =
  '{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-22T01:40:41.123942436Z","value":1,"tags":{"error":"dial: connection refused","error_code":"1212","expected_response":"false","group":"","method":"GET","name":"http://127.0.0.1:1/nothing","scenario":"default","status":"0","url":"http://127.0.0.1:1/nothing"}}}';
const AMP_LINE =
  '{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-22T07:26:23.589027231+05:30","value":1,"tags":{"expected_response":"true","group":"","method":"GET","name":"http://127.0.0.1:36127/api/items?page=1\\u0026sort=\\u003cname\\u003e","proto":"HTTP/1.1","scenario":"default","status":"200","url":"http://127.0.0.1:36127/api/items?page=1\\u0026sort=\\u003cname\\u003e"}}}';
const METADATA_LINE =
  '{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-22T01:46:00.09047974Z","value":1,"tags":{"expected_response":"true","name":"a","status":"200"},"metadata":{"trace_id":"abc"}}}';
const VUS_LINE =
  '{"metric":"vus","type":"Point","data":{"time":"2026-11-22T01:40:42.104553722Z","value":2,"tags":{}}}';
const CHECK_LINE =
  '{"metric":"checks","type":"Point","data":{"time":"2026-11-22T01:40:41.117640357Z","value":1,"tags":{"check":"is 200","group":"","scenario":"default"}}}';
const DECLARATION =
  '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":[{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}]},"metric":"http_req_duration"}';

describe('K6JsonScanner.scanLine', () => {
  it('reads an HTTP sample, with escaped quotes in the name, on the fast path', () => {
    const r = scan(HTTP_LINE);
    expect(r).toEqual({
      kind: 'point',
      fast: true,
      sample: {
        metric: 'http_req_duration',
        sec: Date.UTC(2026, 10, 22, 1, 40, 41) / 1000,
        nanos: 117443481,
        value: 12.254986,
        name: 'ok "quoted"',
        statusClass: 2,
        expected: 1,
      },
    });
  });

  it('status 0 (network error) has no status class; expected_response false', () => {
    const r = scan(NETWORK_ERROR_LINE);
    expect(r.kind === 'point' && r.sample).toMatchObject({
      statusClass: 0,
      expected: 2,
      name: 'http://127.0.0.1:1/nothing',
    });
  });

  it('decodes \\u escapes in names (k6 escapes & < > in URLs) and reads +05:30 offsets', () => {
    const r = scan(AMP_LINE);
    expect(r).toMatchObject({ kind: 'point', fast: true });
    expect(r.kind === 'point' && r.sample).toMatchObject({
      name: 'http://127.0.0.1:36127/api/items?page=1&sort=<name>',
      sec: Date.UTC(2026, 10, 22, 1, 56, 23) / 1000,
      nanos: 589027231,
    });
  });

  it('missing name tag, empty tags, null tags', () => {
    expect(scan(CHECK_LINE)).toMatchObject({
      kind: 'point',
      fast: true,
      sample: { name: null, statusClass: 0, expected: 0 },
    });
    expect(scan(VUS_LINE)).toMatchObject({
      kind: 'point',
      fast: true,
      sample: { metric: 'vus', value: 2, name: null },
    });
    const nullTags = VUS_LINE.replace('"tags":{}', '"tags":null');
    expect(scan(nullTags)).toMatchObject({
      kind: 'point',
      fast: true,
      sample: { metric: 'vus', name: null },
    });
  });

  it.each([
    ['1e-05', 0.00001],
    ['1.2345675e+06', 1234567.5],
    ['-3.5', -3.5],
    ['1e+21', 1e21],
    ['1.2345678912345679e+08', 123456789.12345679],
    ['0', 0],
    ['-0.000001', -0.000001],
    ['0.1', 0.1],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['4.9e-324', 5e-324],
    ['9007199254740993', 9007199254740992],
    ['0.9007199254740993', 0.9007199254740993],
    ['1.7976931348623157e+308', 1.7976931348623157e308],
  ])('parses the number %s exactly like JSON.parse', (text, value) => {
    const r = scan(VUS_LINE.replace('"value":2', `"value":${text}`));
    expect(r.kind === 'point' && r.sample.value).toBe(value);
    expect(r.kind === 'point' && r.sample.value).toBe(JSON.parse(text));
  });

  it('handles any tag order and keys that only look like ours', () => {
    const line =
      '{"metric":"http_reqs","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":1,"tags":{"url":"/x\\"name\\":\\"evil","status":"503","xname":"no","name":"real","expected_response":"false"}}}';
    expect(scan(line)).toMatchObject({
      kind: 'point',
      fast: true,
      sample: { name: 'real', statusClass: 5, expected: 2, sec: Date.UTC(2026, 0, 1) / 1000, nanos: 0 },
    });
  });

  it('a duplicate key: the last one wins, as with JSON.parse', () => {
    const line = VUS_LINE.replace('"tags":{}', '"tags":{"name":"first","name":"second"}');
    expect(scan(line)).toMatchObject({ kind: 'point', sample: { name: 'second' } });
  });

  it.each([
    ['metadata after the tags', METADATA_LINE],
    ['an escaped tag key', VUS_LINE.replace('"tags":{}', '"tags":{"team \\"core\\"":"a\\\\b","name":"n"}')],
    ['a non-string tag value', VUS_LINE.replace('"tags":{}', '"tags":{"name":5}')],
    [
      'keys in another order',
      '{"type":"Point","metric":"vus","data":{"value":2,"time":"2026-11-22T01:40:42Z","tags":{}}}',
    ],
    ['spaces', VUS_LINE.replace('"value":2', '"value": 2')],
  ])('falls back to JSON.parse for %s and still gets it right', (_what, line) => {
    const r = scan(line);
    expect(r).toMatchObject({ kind: 'point', fast: false });
    expect(r.kind === 'point' && r.sample).toEqual(reference(line));
  });

  it('metric declarations, blank, CRLF, garbage and truncated lines', () => {
    expect(scan(DECLARATION)).toEqual({
      kind: 'metric',
      declaration: { name: 'http_req_duration', type: 'trend', contains: 'time' },
    });
    expect(scan('')).toEqual({ kind: 'blank' });
    expect(scan(`${VUS_LINE}\r`)).toMatchObject({ kind: 'point', fast: true });
    expect(scan('{"something":"else"}')).toEqual({ kind: 'ignored' });
    expect(scan('not json')).toMatchObject({ kind: 'invalid' });
    expect(scan(HTTP_LINE.slice(0, 120))).toMatchObject({ kind: 'invalid' });
    expect(
      scan('{"metric":"x","type":"Point","data":{"time":"yesterday","value":1,"tags":null}}'),
    ).toMatchObject({
      kind: 'invalid',
    });
  });

  it('counts what it saw and says which lines were invalid', () => {
    const s = new K6JsonScanner();
    const text = [DECLARATION, HTTP_LINE, '', METADATA_LINE, 'garbage', VUS_LINE].join('\n');
    const seen: string[] = [];
    s.scanLines(Buffer.from(text), 0, text.length, {
      point: (p) => seen.push(p.metric),
      declare: (d) => seen.push(`declare ${d.name}`),
    });
    expect(seen).toEqual(['declare http_req_duration', 'http_req_duration', 'http_reqs', 'vus']);
    expect(s.stats).toEqual({
      lines: 6,
      fastPoints: 2,
      parsedPoints: 1,
      declarations: 1,
      blank: 1,
      ignored: 0,
      invalid: 1,
      invalidLines: [5],
    });
  });
});

describe('the fast path agrees with JSON.parse', () => {
  it.each(['basic', 'escapes'])('on every line of the %s fixture', (name) => {
    const scanner = new K6JsonScanner();
    let fast = 0;
    for (const line of fixtureLines(name)) {
      const r = scanner.scanLine(bytes(line));
      if (r.kind !== 'point') continue;
      if (r.fast) fast++;
      expect(r.sample).toEqual(reference(line));
    }
    expect(fast).toBeGreaterThan(1000);
  });

  it('on generated lines (tags with quotes, backslashes, braces, unicode; any numbers and offsets)', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'n', '"', '\\', '{', '}', ':', ',', '[', 'é', '✓', '\u0001', ' '),
    });
    const tags = fc.dictionary(
      fc.oneof(fc.constantFrom('name', 'status', 'expected_response'), text),
      fc.oneof(text, fc.constantFrom('200', '404', '0', 'true', 'false')),
    );
    const line = fc.record({
      metric: fc.constantFrom('http_reqs', 'my"metric', 'x'),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      tags: fc.oneof(tags, fc.constant(null)),
      ms: fc.integer({ min: 0, max: 4102444800000 }),
      nanos: fc.integer({ min: 0, max: 999999 }),
      zone: fc.constantFrom('Z', '+05:30', '-08:00'),
    });
    fc.assert(
      fc.property(line, (l) => {
        const iso = new Date(l.ms)
          .toISOString()
          .replace(/\.(\d{3})Z$/, `.$1${String(l.nanos).padStart(6, '0')}`);
        const time = `${iso}${l.zone}`;
        const text = JSON.stringify({
          metric: l.metric,
          type: 'Point',
          data: { time, value: l.value, tags: l.tags },
        });
        const r = new K6JsonScanner().scanLine(bytes(text));
        expect(r.kind).toBe('point');
        expect(r.kind === 'point' && r.sample).toEqual(reference(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseTimeText', () => {
  it('reads RFC 3339 with nanoseconds and offsets', () => {
    const out = { sec: 0, nanos: 0 };
    expect(parseTimeText('2026-11-22T07:26:23.5+05:30', out)).toBe(true);
    expect(out).toEqual({ sec: Date.UTC(2026, 10, 22, 1, 56, 23) / 1000, nanos: 500000000 });
    expect(parseTimeText('1969-12-31T23:59:59.999999999Z', out)).toBe(true);
    expect(out).toEqual({ sec: -1, nanos: 999999999 });
    expect(parseTimeText('2026-11-22 07:26:23Z', out)).toBe(false);
  });
});
