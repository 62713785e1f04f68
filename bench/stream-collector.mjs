#!/usr/bin/env node
// What loadctl's side of the metric stream costs (docs/stream.md): the real k6 with `--out loadctl` at its
// full speed against the demo over 20 endpoints, then the collector's work on those frames timed in CPU
// seconds per second of run — the live loop (following the file each second, p95 of the last second and last
// 10 s overall and per endpoint, a windowed threshold) and the end-of-run read. Goal: ≤ 5 % of one core at
// 20,000 requests/s over 20 endpoints.
// Usage: npm run build && node bench/stream-collector.mjs [--seconds 10] [--vus 20]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K6, K6_ENV, flag } from './common.mjs';
import { startDemoService } from '../dist/demo/server.js';
import { FrameReader } from '../dist/samples/frames.js';
import { windowThresholds } from '../dist/report/model/window-thresholds.js';
import { FramesTail } from '../dist/run/frames-live.js';
import { abortThresholds } from '../dist/report/model/run-judge.js';
import { k6SummaryFromFrames } from '../dist/report/model/stream-summary.js';
import { emptySnapshot } from '../dist/k6/live.js';

const SECONDS = flag('seconds', 10);
// The recorded frames replayed as this many k6 instances (a copy under another instance id each): two
// generators' worth of real frames, the rate one k6 on this machine does not reach.
const COPIES = flag('copies', 2);
const VUS = flag('vus', 20);
const ENDPOINTS = 20;

const demo = await startDemoService({ port: 0 });
const work = mkdtempSync(join(tmpdir(), 'loadctl-collector-'));
try {
  const script = join(work, 'script.js');
  writeFileSync(
    script,
    `import http from 'k6/http';
import exec from 'k6/execution';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: ${VUS}, duration: '${SECONDS}s' } } };
export default function () {
  http.get(__ENV.BASE_URL + '/health', { tags: { name: 'e' + (exec.scenario.iterationInTest % ${ENDPOINTS}) }, responseType: 'none' });
}
`,
  );
  const frames = join(work, 'frames.ndjson');
  const code = await new Promise((resolve, reject) => {
    const child = spawn(K6, ['run', '-q', '--summary-mode=disabled', '--out', `loadctl=${frames}`, script], {
      env: { ...K6_ENV, BASE_URL: demo.url },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`k6 exited ${code}`);
  const recorded = readFileSync(frames, 'utf8').split('\n').filter(Boolean);
  // Each second's frames of every copy arrive together, as from several runners.
  const lines = recorded.flatMap((line) =>
    Array.from({ length: COPIES }, (_, i) => {
      if (i === 0) return line;
      const f = JSON.parse(line);
      return JSON.stringify({ ...f, instance: `${f.instance}-copy${i}` });
    }),
  );
  const text = lines.map((l) => `${l}\n`).join('');

  // The live loop as `loadctl run` runs it (src/run/frames-live.ts): one frame arrives a second; then the
  // file is followed, the p95 of the last second and last 10 s computed overall and per endpoint, and a
  // windowed threshold judged.
  const [threshold] = windowThresholds({
    'http_req_duration{name:e0}': [{ threshold: 'p(95)<500', window: '10s' }],
  });
  let available = 0;
  const bytes = Buffer.from(text);
  const io = {
    exists: async () => true,
    readFrom: async (_path, offset, max) => bytes.subarray(offset, Math.min(available, offset + max)),
  };
  // And what the default adds (k6 keeps no metrics): live counts and latency from the stream, and a
  // whole-run threshold with abortOnFail judged each second.
  const aborts = abortThresholds({ http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true }] });
  const tail = new FramesTail(io, frames, [threshold], aborts);
  const snap = emptySnapshot(0);
  const started = process.cpuUsage();
  for (let i = 0; i < lines.length; i += COPIES) {
    for (const line of lines.slice(i, i + COPIES)) available += Buffer.byteLength(line) + 1;
    await tail.poll();
    tail.latency();
    tail.failedWindow();
    tail.fillSnapshot(snap);
    tail.failedRunThreshold();
  }
  const liveCpu = process.cpuUsage(started);
  // The end of the run: the whole file read again, merged, and the per-second series of every endpoint.
  const endStarted = process.cpuUsage();
  const end = new FrameReader();
  end.push(text);
  end.frames.perPeriod();
  const names = end.frames.endpoints();
  for (const name of names) end.frames.perPeriod({ endpoint: name });
  // ...and k6's end-of-test data rebuilt from it, with the sub-metrics loadctl asks for per endpoint.
  k6SummaryFromFrames(end.frames, {
    keys: names.flatMap((n) => [
      `http_reqs{name:${n}}`,
      `http_req_duration{name:${n}}`,
      `http_req_failed{name:${n}}`,
    ]),
    trendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    thresholds: { http_req_duration: ['p(95)<500'] },
    fallbackMs: SECONDS * 1000,
  });
  const endCpu = process.cpuUsage(endStarted);

  const requests = end.frames.total().requests;
  const runSeconds = end.frames.starts().length;
  const rate = requests / SECONDS;
  const cpuS = (u) => (u.user + u.system) / 1e6;
  const livePerSecond = cpuS(liveCpu) / runSeconds;
  console.log(
    `k6 with --out loadctl: ${requests / COPIES} requests in ${SECONDS} s, replayed as ${COPIES} instances: ${requests} requests (${rate.toFixed(0)}/s) over ${ENDPOINTS} endpoints, ${lines.length} frames, ${(text.length / 1024).toFixed(0)} KiB`,
  );
  console.log(
    `  collector, live (each second):   ${(livePerSecond * 1000).toFixed(1)} ms CPU per second = ${(livePerSecond * 100).toFixed(2)} % of one core`,
  );
  console.log(
    `  collector, end of run (once):    ${(cpuS(endCpu) * 1000).toFixed(0)} ms CPU for the whole file`,
  );
  const live = livePerSecond * 100;
  console.log(
    rate >= 20_000
      ? `  goal: ≤ 5 % of one core at 20,000 req/s over 20 endpoints: ${live.toFixed(2)} % at ${rate.toFixed(0)}/s ${live <= 5 ? 'PASS' : 'FAIL'}`
      : `  goal: ≤ 5 % of one core at 20,000 req/s: not shown, ${rate.toFixed(0)}/s replayed (raise --copies)`,
  );
} finally {
  await demo.close();
  rmSync(work, { recursive: true, force: true });
}
