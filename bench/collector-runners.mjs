#!/usr/bin/env node
// What `loadctl run --runners N` (and `loadctl collect`) costs on loadctl's host: the real collector
// (src/run/collector-server.ts) taking one push a second from each of 100 runners, appending their frames to
// the run's frames file, and the live loop following that file as loadctl runs it (src/run/live.ts: counts,
// latency, a windowed threshold and plan-like abortOnFail thresholds, each second). The runners are real k6
// frames, recorded once from the real k6 against the demo at a rate one runner of a 100-runner test does,
// replayed from a separate process (its CPU is not counted) under 100 instance ids, each runner's push at its
// own moment in the second. Goal: < 10 % of one core.
// Usage: npm run build && node bench/collector-runners.mjs [--runners 100] [--seconds 30] [--rounds 3] [--rate 100]
//   [--live 0: the collector alone]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { K6, K6_ENV, flag } from './common.mjs';

const RUNNERS = flag('runners', 100);
const SECONDS = flag('seconds', 30);
const ROUNDS = flag('rounds', 3);
// Iterations/s of the recorded runner; each iteration makes 4 requests: ~400 requests/s per runner.
const RATE = flag('rate', 100);
// Seconds pushed before the measured window (the collector's and the live loop's first periods, JIT warm-up).
const WARMUP = 5;
// --live 0: the collector alone, without the live loop (to tell their shares apart).
const LIVE = flag('live', 1) !== 0;
const RECORD_SECONDS = 10;

const ids = Array.from({ length: RUNNERS }, (_, i) => `runner-${i}`);

if (process.argv[2] === '--pusher') await runPusher(JSON.parse(process.argv[3]));
else await main();

async function main() {
  // loadctl run loads the plan schema, which turns zod's JIT off for the whole process (src/plans/schema.ts):
  // the frames' schema is checked the same way here.
  await import('../dist/plans/schema.js');
  const work = mkdtempSync(join(tmpdir(), 'loadctl-runners-'));
  try {
    const recorded = join(work, 'recorded.ndjson');
    await recordFrames(work, recorded);
    const frames = readFileSync(recorded, 'utf8').split('\n').filter(Boolean);
    const bytesPerFrame = frames.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) / frames.length;
    const seriesPerFrame = frames.reduce((n, l) => n + JSON.parse(l).series.length, 0) / frames.length;
    console.log(
      `recorded: k6 at ${RATE} iterations/s (4 requests each) for ${RECORD_SECONDS} s, ${frames.length} frames, ` +
        `${(bytesPerFrame / 1024).toFixed(1)} KiB and ${seriesPerFrame.toFixed(0)} series per frame`,
    );
    console.log(
      `replayed: ${RUNNERS} runners, one push a second each, ${WARMUP} s warm-up then ${SECONDS} s measured, ${ROUNDS} rounds`,
    );
    const results = [];
    for (let round = 0; round < ROUNDS; round++) {
      const r = await replayRound(work, recorded, round);
      results.push(r);
      console.log(
        `  round ${round + 1}: ${r.cpuPct.toFixed(2)} % of one core (${r.cpuMsPerS.toFixed(1)} ms CPU/s), ` +
          `${r.pushesPerS.toFixed(1)} pushes/s, ${r.framesPerS.toFixed(1)} frames/s, ` +
          `${(r.bytesPerS / 1024).toFixed(0)} KiB/s, push latency p99 ${r.p99Ms.toFixed(1)} ms max ${r.maxMs.toFixed(1)} ms, ` +
          `${r.refused} refused, load average ${r.load.map((l) => l.toFixed(2)).join(' ')}`,
      );
    }
    const pcts = results.map((r) => r.cpuPct);
    const median = [...pcts].sort((a, b) => a - b)[Math.floor(pcts.length / 2)];
    console.log(
      `  collector CPU at ${RUNNERS} runners: median ${median.toFixed(2)} % of one core (rounds ${pcts
        .map((p) => p.toFixed(2))
        .join(', ')})  goal < 10 % ${median < 10 ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One runner's frames: the real k6 with loadctl's output as `loadctl run` configures it, against the demo. */
async function recordFrames(work, out) {
  const { startDemoService } = await import('../dist/demo/server.js');
  const demo = await startDemoService({ latencyMs: 2, jitterMs: 8, errorRate: 0.05 });
  try {
    const script = join(work, 'script.js');
    writeFileSync(
      script,
      `import http from 'k6/http';
import { check, group } from 'k6';
export const options = {
  scenarios: {
    s: { executor: 'constant-arrival-rate', rate: ${RATE}, timeUnit: '1s', duration: '${RECORD_SECONDS}s', preAllocatedVUs: 20, maxVUs: 100 },
  },
};
const BASE = __ENV.BASE_URL;
export function setup() {
  const res = http.post(BASE + '/auth/token', JSON.stringify({ username: 'bench', password: 'bench' }), {
    headers: { 'Content-Type': 'application/json' },
    tags: { name: 'token' },
  });
  return { token: res.json('token') };
}
export default function (data) {
  const auth = { headers: { Authorization: 'Bearer ' + data.token } };
  group('browse', () => {
    const res = http.get(BASE + '/reservations/available/dates', { ...auth, tags: { name: 'dates' } });
    check(res, { 'dates ok': (r) => r.status === 200 });
    http.get(BASE + '/points/balance', { ...auth, tags: { name: 'balance' } });
  });
  group('misc', () => {
    http.get(BASE + '/health', { tags: { name: 'health' } });
    http.get(BASE + '/missing', { tags: { name: 'missing' } });
  });
}
`,
    );
    const code = await new Promise((resolve, reject) => {
      const child = spawn(
        K6,
        [
          'run',
          '-q',
          '--summary-mode=disabled',
          '--no-thresholds',
          '--out',
          `loadctl=${out}?maxNames=1000&tags=status,check,group`,
          script,
        ],
        { env: { ...K6_ENV, BASE_URL: demo.url }, stdio: 'ignore' },
      );
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`k6 exited ${code}`);
  } finally {
    await demo.close();
  }
}

/** The collector and the live loop in this process; the runners' pushes from a child process. */
async function replayRound(work, recorded, round) {
  const { realIo } = await import('../dist/io/io.js');
  const { startCollector } = await import('../dist/run/collector-server.js');
  const { FramesTail } = await import('../dist/run/frames-live.js');
  const { windowThresholds } = await import('../dist/report/model/window-thresholds.js');
  const { abortThresholds } = await import('../dist/report/model/run-judge.js');
  const { emptySnapshot } = await import('../dist/k6/live.js');
  const io = realIo();
  const framesPath = join(work, `frames-${round}.ndjson`);
  let tail;
  const collector = await startCollector(io, {
    hosts: ['127.0.0.1'],
    port: 0,
    framesPath,
    allowed: new Set(ids),
    redact: (text) => text,
    // As `loadctl run` and `collect` do: the live view takes the frames the collector parsed.
    onFrames: (frames) => {
      if (LIVE) tail.feed(frames);
    },
  });
  // A plan's thresholds as `loadctl run` judges them live: one over a window, whole-run ones with abortOnFail
  // (none fails: the run must go on).
  const plan = {
    'http_req_duration{name:dates}': [{ threshold: 'p(95)<2000', window: '10s', abortOnFail: true }],
    http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true }],
    'http_req_duration{name:balance}': [{ threshold: 'p(95)<2000', abortOnFail: true }],
    checks: [{ threshold: 'rate>0.5', abortOnFail: true }],
  };
  tail = new FramesTail(io, framesPath, windowThresholds(plan), abortThresholds(plan));
  let snap = emptySnapshot(0);
  let stopped;
  const live = setInterval(() => {
    if (!LIVE) return;
    void tail.poll();
    snap = tail.fillSnapshot({ ...snap, elapsedMs: snap.elapsedMs + 1000 });
    tail.latency();
    const broken = tail.failedWindow();
    const failed = tail.failedRunThreshold();
    if ((broken || failed) && stopped === undefined) {
      stopped = broken ? broken.threshold.key : failed.key;
      collector.requestStop(`the threshold ${stopped} failed`);
    }
  }, 1000);

  // Both processes keep the same schedule: second k of the replay starts at t0 + k s.
  const t0 = Date.now() + 1000;
  const spec = {
    url: collector.urlFor('127.0.0.1'),
    recorded,
    ids,
    t0,
    seconds: WARMUP + SECONDS,
    measureFrom: WARMUP,
  };
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--pusher', JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const at = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));
  await at(t0 + WARMUP * 1000);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await at(t0 + (WARMUP + SECONDS) * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - wall0) / 1000;
  const load = loadavg();
  const code = await done;
  clearInterval(live);
  await collector.close();
  if (code !== 0) throw new Error(`the pusher exited ${code}`);
  const pushed = JSON.parse(out);
  const states = collector.states();
  if (states.length !== RUNNERS || states.some((s) => !s.final))
    throw new Error(`expected ${RUNNERS} runners ended, got ${states.filter((s) => s.final).length}`);
  if (tail.failed !== undefined) throw new Error(`the live loop stopped following: ${tail.failed}`);
  const cpuMsPerS = (cpu.user + cpu.system) / 1000 / wallS;
  return {
    cpuMsPerS,
    cpuPct: cpuMsPerS / 10,
    pushesPerS: pushed.pushes / SECONDS,
    framesPerS: pushed.frames / SECONDS,
    bytesPerS: pushed.bytes / SECONDS,
    p99Ms: pushed.p99Ms,
    maxMs: pushed.maxMs,
    refused: collector.refusals().length + pushed.refused,
    load,
  };
}

/**
 * The runners: each pushes its frame of the last second once a second, at its own offset in the second, one
 * request in flight (frames queued meanwhile go with the next push), as loadctl's k6 output does. Prints what
 * it pushed in the measured seconds as JSON.
 */
async function runPusher(spec) {
  const recorded = readFileSync(spec.recorded, 'utf8').split('\n').filter(Boolean).map(JSON.parse);
  // A recording's first and last frames are partial seconds: replay the whole ones over and over.
  const whole = recorded.filter((f) => !f.final).slice(1);
  const finalFrame = recorded[recorded.length - 1];
  const periodMs = whole[0].periodMs;
  const firstStart = Math.floor(spec.t0 / periodMs) * periodMs - periodMs;
  const frameLine = (id, k, final) => {
    const f = final ? finalFrame : whole[k % whole.length];
    return `${JSON.stringify({ ...f, instance: id, seq: k, start: firstStart + k * periodMs, final })}\n`;
  };
  const stats = { pushes: 0, frames: 0, bytes: 0, refused: 0, latencies: [] };
  const spread = 1000 / spec.ids.length;
  const runners = spec.ids.map((id, r) => ({
    id,
    r,
    agent: new Agent({ keepAlive: true, maxSockets: 1 }),
    queue: [],
    busy: false,
  }));
  const post = (runner, measured) =>
    new Promise((resolve) => {
      const body = runner.queue.join('');
      const frames = runner.queue.length;
      runner.queue = [];
      runner.busy = true;
      const started = performance.now();
      const req = request(
        spec.url,
        {
          method: 'POST',
          agent: runner.agent,
          headers: {
            'content-type': 'application/x-ndjson',
            'content-length': Buffer.byteLength(body),
            'x-loadctl-instance': runner.id,
            'x-loadctl-clock': String(Date.now()),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            runner.busy = false;
            if (res.statusCode >= 300) stats.refused++;
            if (measured) {
              stats.pushes++;
              stats.frames += frames;
              stats.bytes += Buffer.byteLength(body);
              stats.latencies.push(performance.now() - started);
            }
            resolve();
          });
        },
      );
      req.on('error', (err) => {
        process.stderr.write(`push of ${runner.id} failed: ${err.message}\n`);
        runner.busy = false;
        stats.refused++;
        resolve();
      });
      req.end(body);
    });
  const at = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));
  const runOne = async (runner) => {
    const inflight = [];
    for (let k = 0; k <= spec.seconds; k++) {
      await at(spec.t0 + k * 1000 + runner.r * spread);
      const final = k === spec.seconds;
      runner.queue.push(frameLine(runner.id, k, final));
      const measured = k >= spec.measureFrom && k < spec.seconds;
      if (!runner.busy || final) {
        if (final) await Promise.all(inflight);
        inflight.push(post(runner, measured));
      }
    }
    await Promise.all(inflight);
    runner.agent.destroy();
  };
  await Promise.all(runners.map(runOne));
  const sorted = stats.latencies.sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      pushes: stats.pushes,
      frames: stats.frames,
      bytes: stats.bytes,
      refused: stats.refused,
      p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
      maxMs: sorted[sorted.length - 1] ?? 0,
    }),
  );
}
