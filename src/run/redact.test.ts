import { describe, expect, it } from 'vitest';
import { makeRedactor, REDACTED } from './redact.js';

// The characters the brief names: a path separator, the query's delimiters, a quote, non-ASCII and spaces.
const SECRET = 'p/a+s=s&w"o é x<y>';
const SECRETS = [SECRET, 'pass word', 'tok/en+=', 'naïve&"quoted"', 'sk-live-0123456789'];

const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const json = (s: string) => JSON.stringify(s).slice(1, -1);
const goJson = (s: string) =>
  json(s).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Each form a secret may take in k6's log or a stored file, written the way its producer writes it. */
function forms(secret: string): Record<string, string> {
  const component = encodeURIComponent(secret);
  return {
    raw: secret,
    encodeURIComponent: component,
    'encodeURIComponent, lower hex': lowerHex(component),
    'query with + for spaces': component.replace(/%20/g, '+'),
    encodeURI: encodeURI(secret),
    'encodeURI, lower hex': lowerHex(encodeURI(secret)),
    'JSON-escaped': json(secret),
    'Go JSON-escaped': goJson(secret),
    'JSON-escaped twice (a JSON body in a logfmt field)': json(json(secret)),
    'HTML-escaped': secret
      .replace(/&/g, '&amp;')
      .replace(/"/g, '&quot;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;'),
    base64: b64(secret),
    base64url: b64url(secret),
    'Basic user:secret': `Basic ${b64(`user:${secret}`)}`,
    'Basic u:secret': `Basic ${b64(`u:${secret}`)}`,
    'Basic us:secret': `Basic ${b64(`us:${secret}`)}`,
    'Basic secret:x, URL-safe': `Basic ${b64url(`${secret}:x`)}`,
  };
}

describe('makeRedactor', () => {
  for (const secret of SECRETS) {
    const redact = makeRedactor([secret]);
    for (const [name, form] of Object.entries(forms(secret))) {
      it(`redacts ${JSON.stringify(secret)} ${name}`, () => {
        const line = `time="t" level=info msg="before ${form} after"`;
        const out = redact(line);
        expect(out).toContain(REDACTED);
        expect(out).not.toContain(form);
        expect(out.startsWith('time="t" level=info msg="before ')).toBe(true);
        expect(out.endsWith(' after"')).toBe(true);
      });
    }
  }

  it('redacts every form in lines k6 v1.8 wrote with K6_HTTP_DEBUG=full (path, query, header, JSON body)', () => {
    const secret = 'p/a+s=s&w"o é x';
    const lines = [
      'time="2026-12-02T18:35:02Z" level=info msg="Request:\\nGET /x/p/a+s=s&w%22o%20%C3%A9%20x?q=p%2Fa%2Bs%3Ds%26w%22o%20%C3%A9%20x HTTP/1.1\\nHost: 127.0.0.1:34717\\n\\n\\n" name=pathq source=http-debug vu=1',
      'time="2026-12-02T18:35:02Z" level=info msg="Request:\\nGET /health HTTP/1.1\\nAuthorization: Basic p/a+s=s&w\\"o é x\\nAccept-Encoding: gzip\\n\\n\\n" name=basic source=http-debug vu=1',
      'time="2026-12-02T18:35:02Z" level=info msg="Request:\\nPOST /auth/token HTTP/1.1\\n\\n{\\"username\\":\\"u\\",\\"password\\":\\"p/a+s=s&w\\\\\\"o é x\\"}\\n" name=body source=http-debug vu=1',
      'time="2026-12-02T18:35:02Z" level=warning msg="Request Failed" error="Get \\"http://127.0.0.1:1/y/p/a+s=s&w%22o%20%C3%A9%20x?q=p%2Fa%2Bs%3Ds%26w%22o%20%C3%A9%20x\\": dial tcp 127.0.0.1:1: connect: connection refused"',
      'time="2026-12-02T18:35:26Z" level=warning msg="Request Failed" error="invalid URL: parse \\"http://user:p/a+s=s&w\\\\\\"o é x@127.0.0.1:1/y\\": invalid port \\":p\\" after host"',
    ];
    const redact = makeRedactor([secret]);
    const out = lines.map(redact);
    expect(out[0]).toContain(`GET /x/${REDACTED}?q=${REDACTED} HTTP/1.1`);
    expect(out[1]).toContain(`Authorization: Basic ${REDACTED}\\n`);
    expect(out[2]).toContain(`\\"password\\":\\"${REDACTED}\\"}`);
    expect(out[3]).toContain(`/y/${REDACTED}?q=${REDACTED}\\":`);
    expect(out[4]).toContain(`user:${REDACTED}@127.0.0.1:1/y`);
    for (const line of out) expect(line).not.toMatch(/w%22o|w\\+"o|o é x|%C3%A9/);
  });

  it('leaves text without a secret as it was, base64 and URLs included', () => {
    const redact = makeRedactor(['p/a+s=s&w"o é x', 'hunter22']);
    const text = [
      'Authorization: Basic dXNlcjpvdGhlcg==',
      'GET /x/p/a%2Bq?q=p%2Fa HTTP/1.1',
      '{"token":"78e47611-301d-4203-a06b-c44f0deba592","userId":1}',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abc',
    ].join('\n');
    expect(redact(text)).toBe(text);
  });

  it('ignores values under 4 characters and no secrets at all', () => {
    expect(makeRedactor(['abc', undefined])('abc Basic YWJj')).toBe('abc Basic YWJj');
    expect(makeRedactor([])('anything')).toBe('anything');
  });

  it('redacts the longer of two secrets that overlap whole', () => {
    expect(makeRedactor(['hunter22', 'hunter22-admin'])('x hunter22-admin y hunter22')).toBe(
      `x ${REDACTED} y ${REDACTED}`,
    );
  });
});
