#!/usr/bin/env node
// How k6's start-up (time to first request), end of test and memory grow with the number of sub-metric
// thresholds loadctl declares per endpoint (src/report/model/k6-submetrics.ts). One k6 run per count: a
// generated script with N endpoints and, per endpoint, the thresholds `loadctl run` adds (`full`: 3 + one
// status + 2 per batch × 10 batches = 24; `nobatch`: 4; `none`: 0), one VU for --seconds against a local
// server that notes its first request. Prints one line per run (see docs/benchmarks.md, "Plan size").
//
//   node bench/plan-size.mjs [--mode full|nobatch|none] [--seconds 2] [--limit-s 300] 10 100 500 1000
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mode: { type: 'string', default: 'full' },
    seconds: { type: 'string', default: '2' },
    'limit-s': { type: 'string', default: '300' },
    k6: { type: 'string', default: join(import.meta.dirname, '..', '.tools', 'bin', 'k6') },
  },
});

const SCRIPT = `import http from 'k6/http';
const N = Number(__ENV.N), MODE = __ENV.MODE, thresholds = {};
for (let i = 0; MODE !== 'none' && i < N; i++) {
  for (const m of ['http_reqs', 'http_req_duration', 'http_req_failed']) thresholds[m + '{name:e' + i + '}'] = [];
  thresholds['http_reqs{name:e' + i + ',status:200}'] = [];
  for (let b = 0; MODE === 'full' && b < 10; b++) {
    thresholds['http_req_duration{name:e' + i + ',lc_batch:' + b + '}'] = [];
    thresholds['http_req_failed{name:e' + i + ',lc_batch:' + b + '}'] = [];
  }
}
export const options = { thresholds, scenarios: { s: { executor: 'constant-vus', vus: 1, duration: __ENV.DUR } } };
let i = 0;
export default function () { http.get(__ENV.URL, { tags: { name: 'e' + (i++ % N) } }); }
export function handleSummary(d) { return { stdout: 'METRICS ' + Object.keys(d.metrics).length + '\\n' }; }
`;

const dir = mkdtempSync(join(tmpdir(), 'loadctl-plan-size-'));
const script = join(dir, 'script.js');
writeFileSync(script, SCRIPT);

async function measure(n) {
  let first = 0;
  let count = 0;
  const server = http.createServer((_req, res) => {
    if (count++ === 0) first = Date.now();
    res.end('ok');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const env = { N: String(n), MODE: values.mode, DUR: `${values.seconds}s`, URL: url };
  const args = ['-f', 'RSS %M', values.k6, 'run', '--quiet', '--no-usage-report'];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  const t0 = Date.now();
  const out = await new Promise((resolve) => {
    const child = spawn('/usr/bin/time', [...args, script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), Number(values['limit-s']) * 1000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ text, code });
    });
  });
  const wall = Date.now() - t0;
  server.close();
  const rssMb = Number(out.text.match(/RSS (\d+)/)?.[1] ?? 0) / 1024;
  const firstMs = first ? first - t0 : undefined;
  const endMs = firstMs === undefined ? undefined : wall - firstMs - Number(values.seconds) * 1000;
  console.log(
    [
      `mode=${values.mode}`,
      `endpoints=${n}`,
      `metrics=${out.text.match(/METRICS (\d+)/)?.[1] ?? '?'}`,
      `first_request_ms=${firstMs ?? 'none'}`,
      `after_load_ms=${endMs ?? '?'}`,
      `wall_ms=${wall}`,
      `rss_mb=${rssMb.toFixed(0)}`,
      `requests=${count}`,
      `exit=${out.code}`,
    ].join(' '),
  );
}

try {
  for (const n of positionals.map(Number)) await measure(n);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
