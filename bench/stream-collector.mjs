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
import { K6, flag } from './common.mjs';
import { startDemoService } from '../dist/demo/server.js';
import { FrameReader } from '../dist/samples/frames.js';
import { windowThresholds } from '../dist/report/model/window-thresholds.js';
import { FramesTail } from '../dist/run/frames-live.js';

const SECONDS = flag('seconds', 10);
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
    const child = spawn(K6, ['run', '-q', '--no-summary', '--out', `loadctl=${frames}`, script], {
      env: {
        ...process.env,
        BASE_URL: demo.url,
        K6_NO_USAGE_REPORT: 'true',
        K6_AUTO_EXTENSION_RESOLUTION: 'false',
      },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`k6 exited ${code}`);
  const text = readFileSync(frames, 'utf8');
  const lines = text.split('\n').filter(Boolean);

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
  const tail = new FramesTail(io, frames, [threshold]);
  const started = process.cpuUsage();
  for (const line of lines) {
    available += Buffer.byteLength(line) + 1;
    await tail.poll();
    tail.latency();
    tail.failedWindow();
  }
  const liveCpu = process.cpuUsage(started);
  // The end of the run: the whole file read again, merged, and the per-second series of every endpoint.
  const endStarted = process.cpuUsage();
  const end = new FrameReader();
  end.push(text);
  end.frames.perPeriod();
  for (const name of end.frames.endpoints()) end.frames.perPeriod({ endpoint: name });
  const endCpu = process.cpuUsage(endStarted);

  const requests = end.frames.total().requests;
  const runSeconds = end.frames.starts().length;
  const rate = requests / SECONDS;
  const cpuS = (u) => (u.user + u.system) / 1e6;
  const livePerSecond = cpuS(liveCpu) / runSeconds;
  console.log(
    `k6 with --out loadctl: ${requests} requests in ${SECONDS} s (${rate.toFixed(0)}/s) over ${ENDPOINTS} endpoints, ${lines.length} frames, ${(text.length / 1024).toFixed(0)} KiB`,
  );
  console.log(
    `  collector, live (each second):   ${(livePerSecond * 1000).toFixed(1)} ms CPU per second = ${(livePerSecond * 100).toFixed(2)} % of one core`,
  );
  console.log(
    `  collector, end of run (once):    ${(cpuS(endCpu) * 1000).toFixed(0)} ms CPU for the whole file`,
  );
  console.log(
    `  per second of run at 20,000 req/s (scaled by requests; a series past 256 values costs the same whatever its count, so this over-states): ${((livePerSecond * 100 * 20_000) / rate).toFixed(2)} % of one core  goal ≤ 5 %`,
  );
} finally {
  await demo.close();
  rmSync(work, { recursive: true, force: true });
}
