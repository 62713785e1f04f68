#!/usr/bin/env node
// How k6's memory grows with the requests of a long fixed-rate run (issue: flat memory in long runs). k6 keeps
// every sample of every Trend that a threshold or its end-of-test summary needs, per endpoint sub-metric too,
// so its RSS grows with the requests. Measured: k6's RSS (/proc/<pid>/status VmRSS) once a second, and its
// slope against the requests made, by least squares after a warm-up. Modes, interleaved per round:
//   bare        plain k6, with the per-endpoint sub-metric thresholds loadctl adds (what k6 users write)
//   loadctl     `loadctl run` of the same load, its default: k6 with --summary-mode=disabled --no-thresholds and loadctl's
//               output; the summary, sub-metrics and thresholds are rebuilt from the stream
//   loadctl-k6-summary  `loadctl run --k6-summary`: k6 keeps its own metrics (loadctl's default before the stream)
//   stream-only plain k6 with `--out loadctl`, `--summary-mode=disabled` and `--no-thresholds`: what k6 keeps when
//               loadctl's metric stream is the only collector. Both flags are needed: k6 v1.8.1 runs its
//               metrics engine, which keeps every Trend sample, when either the summary or thresholds are on
//               (internal/cmd/run.go: shouldProcessMetrics), thresholds declared or not.
//   none        the same without the output: k6's own growth with no collector at all (--modes … to add it)
// Usage: npm run build && node bench/k6-memory.mjs [--rate 2000] [--seconds 300] [--endpoints 10] [--rounds 1]
//        [--modes bare,loadctl,stream-only]
// Load goes to the demo service on 127.0.0.1 only; every run is bounded by --seconds.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, K6, K6_ENV, flag, listFlag } from './common.mjs';
import { startDemoService } from '../dist/demo/server.js';

const RATE = flag('rate', 2000);
const SECONDS = flag('seconds', 300);
const ENDPOINTS = flag('endpoints', 10);
const ROUNDS = flag('rounds', 1);
// Each iteration requests every endpoint once.
const ITERATIONS = Math.max(1, Math.round(RATE / ENDPOINTS));
// k6's heap settles in the first 20–30 s (its RSS climbs ~25 MB, then grows as its metrics do).
const WARMUP_S = Math.min(60, Math.floor(SECONDS / 4));
const MODES = listFlag('modes') ?? ['bare', 'loadctl', 'loadctl-k6-summary'];

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The k6 process: the pid itself, or its child named k6 (loadctl starts k6 as its child). */
function k6Pid(pid, direct) {
  if (direct) return pid;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`))
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/))
        if (child && readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'k6') return Number(child);
  } catch {
    // gone
  }
  return undefined;
}

/** Runs a command, sampling k6's RSS once a second; resolves with the samples and the exit code. */
function sampled(cmd, argv, env, direct) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => (err += d));
    const samples = [];
    let firstAt;
    const timer = setInterval(() => {
      const pid = k6Pid(child.pid, direct);
      const kb = pid === undefined ? undefined : rssKb(pid);
      if (kb === undefined) return;
      firstAt ??= Date.now();
      samples.push({ t: (Date.now() - firstAt) / 1000, mb: kb / 1024 });
    }, 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, samples, err });
    });
  });
}

function slope(points) {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.t, 0) / n;
  const my = points.reduce((a, p) => a + p.mb, 0) / n;
  const sxy = points.reduce((a, p) => a + (p.t - mx) * (p.mb - my), 0);
  const sxx = points.reduce((a, p) => a + (p.t - mx) ** 2, 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

const endpointNames = Array.from({ length: ENDPOINTS }, (_, i) => `e${i}`);
const demo = await startDemoService({ port: 0 });
const work = mkdtempSync(join(tmpdir(), 'loadctl-memory-'));
try {
  const planFile = join(work, 'memory.yaml');
  writeFileSync(
    planFile,
    `name: memory
targets:
  demo: { url: '${demo.url}' }
scenarios:
  load: { executor: constant-arrival-rate, rate: ${ITERATIONS}, timeUnit: 1s, duration: ${SECONDS}s, preAllocatedVUs: 100, maxVUs: 400, flow: f }
flows:
  f:
    steps:
${endpointNames.map((n) => `      - { name: ${n}, path: /health }`).join('\n')}
thresholds:
  http_req_duration: ['p(95)<500']
  'http_req_duration{name:e0}': ['p(99)<1000']
  http_req_failed: ['rate<0.01']
`,
  );
  // The plain k6 script: the same load and the same per-endpoint sub-metrics as loadctl asks for.
  const perEndpoint = [
    "'http_req_duration': ['p(95)<500']",
    "'http_req_failed': ['rate<0.01']",
    ...endpointNames.flatMap((n) => [
      `'http_req_duration{name:${n}}': []`,
      `'http_reqs{name:${n}}': []`,
      `'http_req_failed{name:${n}}': []`,
    ]),
  ];
  const script = (withThresholds) => `import http from 'k6/http';
const names = ${JSON.stringify(endpointNames)};
export const options = {
  scenarios: { load: { executor: 'constant-arrival-rate', rate: ${ITERATIONS}, timeUnit: '1s', duration: '${SECONDS}s', preAllocatedVUs: 100, maxVUs: 400 } },
  ${withThresholds ? `thresholds: { ${perEndpoint.join(', ')} },` : ''}
};
export default function () {
  for (const name of names) http.get(__ENV.BASE_URL + '/health', { tags: { name }, responseType: 'none' });
}
`;
  writeFileSync(join(work, 'bare.js'), script(true));
  writeFileSync(join(work, 'plain.js'), script(false));
  const loadctl = (i, extra) =>
    sampled(
      process.execPath,
      [
        join(REPO, 'bin', 'loadctl.js'),
        'run',
        planFile,
        '--results',
        join(work, `results-${i}-${extra.length}`),
        '--no-progress',
        '--skip-preflight',
        ...extra,
      ],
      { ...process.env, NO_COLOR: '1' },
      false,
    );
  const modes = {
    bare: () => sampled(K6, ['run', '-q', join(work, 'bare.js')], { ...K6_ENV, BASE_URL: demo.url }, true),
    loadctl: (i) => loadctl(i, []),
    'loadctl-k6-summary': (i) => loadctl(i, ['--k6-summary']),
    // Neither thresholds, summary nor output (--no-thresholds too): what k6 itself keeps without any collector.
    none: () =>
      sampled(
        K6,
        ['run', '-q', '--summary-mode=disabled', '--no-thresholds', join(work, 'plain.js')],
        { ...K6_ENV, BASE_URL: demo.url },
        true,
      ),
    'stream-only': (i) =>
      sampled(
        K6,
        [
          'run',
          '-q',
          '--summary-mode=disabled',
          '--no-thresholds',
          '--out',
          `loadctl=${join(work, `frames-${i}.ndjson`)}`,
          join(work, 'plain.js'),
        ],
        { ...K6_ENV, BASE_URL: demo.url },
        true,
      ),
  };
  console.log(
    `k6 RSS growth over ${SECONDS} s at ${RATE} req/s over ${ENDPOINTS} endpoints (slope after ${WARMUP_S} s)`,
  );
  for (let round = 0; round < ROUNDS; round++)
    for (const k of MODES.map((_, j) => MODES[(j + round) % MODES.length])) {
      const r = await modes[k](round);
      const after = r.samples.filter((s) => s.t >= WARMUP_S);
      const perSecond = slope(after);
      const perMillion = (perSecond / RATE) * 1e6;
      const peak = Math.max(...r.samples.map((s) => s.mb));
      console.log(
        `  ${k.padEnd(18)} exit ${r.code}  RSS ${r.samples[0]?.mb.toFixed(0)} → ${peak.toFixed(0)} MB  slope ${perSecond.toFixed(2)} MB/s = ${perMillion.toFixed(1)} MB per million requests`,
      );
      if (process.argv.includes('--trace'))
        console.log(
          `    RSS every 10 s: ${r.samples
            .filter((x, i) => i % 10 === 0)
            .map((x) => x.mb.toFixed(0))
            .join(' ')}`,
        );
      if (r.code !== 0 && r.code !== 99) console.log(r.err.split('\n').slice(-5).join('\n'));
    }
} finally {
  await demo.close();
  rmSync(work, { recursive: true, force: true });
}
