// Secrets end to end: the real CLI and k6 against the demo service, with a secret in a URL path, a query, a
// Basic credential and a JSON body, and k6 made to log the requests (K6_HTTP_DEBUG=full, a failed request's
// warning, console.log). No form of the secret may be left in any file of the run folder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writePlan } from './helpers.js';

// The characters that change under encoding: a path separator, the query's delimiters, a quote, non-ASCII,
// spaces, and the three Go's JSON escapes.
const SECRET = `p/a+s=s&w"o é x<y>-${Math.random().toString(36).slice(2, 8)}`;

const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const json = (s: string) => JSON.stringify(s).slice(1, -1);
const goJson = (s: string) =>
  json(s).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
// Go's URL.EscapedPath: everything but letters, digits, -_.~ and $&+,/:;=@ percent-encoded.
const goPath = (s: string) =>
  [...s]
    .map((c) => (/[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : encodeURIComponent(c).replace(/[!'()*]/g, escape)))
    .join('');

/** Base64 that any base64 of a text holding the secret contains, whatever byte it starts at. */
function base64Cores(s: string): string[] {
  const bytes = Buffer.from(s, 'utf8');
  return [0, 1, 2].flatMap((skip) => {
    const core = bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3);
    return [core.toString('base64'), core.toString('base64url')];
  });
}

function forms(s: string): Record<string, string> {
  const component = encodeURIComponent(s);
  return {
    raw: s,
    'logfmt-quoted': json(s),
    'JSON body in logfmt': json(json(s)),
    'Go JSON': goJson(s),
    encodeURIComponent: component,
    'encodeURIComponent, lower hex': lowerHex(component),
    'query with + for spaces': component.replace(/%20/g, '+'),
    encodeURI: encodeURI(s),
    'Go path': goPath(s),
    'the secret after é': s.slice(s.indexOf('é')),
    ...Object.fromEntries(base64Cores(s).map((core, i) => [`base64 core ${i}`, core])),
  };
}

/** Every file of the run folder (reports and data included), gzip files unpacked. */
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path);
    const bytes = readFileSync(path);
    return [{ path, text: (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8') }];
  });
}

function expectNoSecret(runDir: string): void {
  const leaks: string[] = [];
  for (const { path, text } of filesUnder(runDir))
    for (const [name, form] of Object.entries(forms(SECRET)))
      if (text.includes(form)) leaks.push(`${path}: ${name} (${form})`);
  expect(leaks).toEqual([]);
}

function onlyRunDir(results: string, plan: string): string {
  const runs = readdirSync(join(results, plan));
  expect(runs).toHaveLength(1);
  return join(results, plan, runs[0]!);
}

const FLOWS_PLAN = `
name: secret-flows
targets:
  local: { demo: true }
secrets: [LOADCTL_E2E_SECRET]
scenarios:
  main: { executor: shared-iterations, vus: 1, iterations: 2, flow: f }
flows:
  f:
    steps:
      - name: path and query
        path: /echo/\${secrets.LOADCTL_E2E_SECRET}
        query: { q: '\${secrets.LOADCTL_E2E_SECRET}' }
      - name: header
        path: /health
        headers: { X-Api-Key: '\${secrets.LOADCTL_E2E_SECRET}' }
      - name: body
        method: POST
        path: /auth/token
        json: { username: u, password: '\${secrets.LOADCTL_E2E_SECRET}' }
      # Nothing listens on port 1: k6 logs the failed request's URL as a warning.
      - name: refused
        path: 'http://127.0.0.1:1/y/\${secrets.LOADCTL_E2E_SECRET}'
        query: { q: '\${secrets.LOADCTL_E2E_SECRET}' }
`;

const SCRIPT_PLAN = `
name: secret-script
targets:
  local: { demo: true }
secrets: [LOADCTL_E2E_SECRET]
script: s.js
scenarios:
  main: { executor: shared-iterations, vus: 1, iterations: 1, exec: default }
`;

// A script's own use: a Basic credential built from the secret, and the secret in a log line and a check name.
const SCRIPT = `
import http from 'k6/http';
import encoding from 'k6/encoding';
import { check } from 'k6';
export const options = { httpDebug: 'full' };
export default function () {
  const s = __ENV.LOADCTL_E2E_SECRET;
  const base = __ENV.BASE_URL;
  const basic = encoding.b64encode('user:' + s);
  http.get(base + '/health', { headers: { Authorization: 'Basic ' + basic } });
  http.get(base + '/health?token=' + encodeURIComponent(s) + '&b=' + encoding.b64encode(s, 'url'));
  http.post(base + '/auth/token', JSON.stringify({ username: 'u', password: s }), {
    headers: { 'Content-Type': 'application/json' },
  });
  console.log('credential', JSON.stringify({ s: s, basic: basic }));
  check(null, { ['saw ' + s]: () => true });
}
`;

describe('secrets (real k6, demo service)', () => {
  it('no form of a secret in a plan’s URL path, query, header or JSON body is left in the run folder', async () => {
    const dir = await tempDir('secret-flows');
    const results = join(dir, 'results');
    const file = await writePlan(dir, 'plan.yaml', FLOWS_PLAN);
    const r = await runCli(['run', file, '--results', results, '--samples', '--report', 'html,md,junit'], {
      cwd: dir,
      env: { LOADCTL_E2E_SECRET: SECRET, K6_HTTP_DEBUG: 'full' },
    });
    expect(r.stderr).not.toContain('internal error');
    const runDir = onlyRunDir(results, 'secret-flows');
    const log = readFileSync(join(runDir, 'k6.log'), 'utf8');
    // The secret did reach k6's log, in every position, and was redacted there.
    expect(log).toContain('GET /echo/[redacted]?q=[redacted] HTTP/1.1');
    expect(log).toContain('X-Api-Key: [redacted]');
    expect(log).toContain('\\"password\\":\\"[redacted]\\"');
    expect(log).toMatch(
      /level=warning msg="Request Failed" error="Get \\"http:\/\/127\.0\.0\.1:1\/y\/\[redacted\]\?q=\[redacted\]\\"/,
    );
    expectNoSecret(runDir);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('a script’s Basic credential, base64 and logged JSON of the secret are redacted too', async () => {
    const dir = await tempDir('secret-script');
    const results = join(dir, 'results');
    await writeFile(join(dir, 's.js'), SCRIPT);
    const file = await writePlan(dir, 'plan.yaml', SCRIPT_PLAN);
    const r = await runCli(['run', file, '--results', results, '--report', 'html,md,junit'], {
      cwd: dir,
      env: { LOADCTL_E2E_SECRET: SECRET },
    });
    expect(r.code).toBe(0);
    const runDir = onlyRunDir(results, 'secret-script');
    const log = readFileSync(join(runDir, 'k6.log'), 'utf8');
    expect(log).toContain('Authorization: Basic [redacted]');
    expect(log).toContain('GET /health?token=[redacted]&b=[redacted] HTTP/1.1');
    expect(log).toContain('msg="credential {\\"s\\":\\"[redacted]\\",\\"basic\\":\\"[redacted]\\"}"');
    expect(readFileSync(join(runDir, 'k6-summary.json'), 'utf8')).toContain('saw [redacted]');
    expectNoSecret(runDir);
  });
});
