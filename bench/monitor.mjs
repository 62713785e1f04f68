#!/usr/bin/env node
// What the monitor costs loadctl (plan `monitor:`, docs/monitor.md): the real sampler (src/monitor/sampler.ts)
// scraping a real node_exporter (Debian's, started here on a loopback port) and reading a process's /proc
// (this one's) once a second, as `loadctl run` does for a target with both. Measured as this process's CPU
// time in rounds with the sampler running, interleaved with rounds of the same length without it (the
// difference is the sampler's); the node_exporter's own CPU is the monitored host's, not loadctl's.
// Goal: < 1 % of one core.
// Usage: npm run build && node bench/monitor.mjs [--seconds 10] [--rounds 8]
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { flag } from './common.mjs';

const SECONDS = flag('seconds', 10);
const ROUNDS = flag('rounds', 8);
const GOAL_PCT = 1;

function onPath(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function freePort() {
  return await new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** CPU milliseconds this process used over `seconds`, while `during` (if any) runs. */
async function cpuMsOver(seconds, start) {
  const stop = start?.();
  const before = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const used = process.cpuUsage(before);
  const wallMs = performance.now() - t0;
  await stop?.();
  return { cpuMs: (used.user + used.system) / 1000, wallMs };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const exporter = onPath('prometheus-node-exporter') ?? onPath('node_exporter');
  if (!exporter) {
    console.log('monitor bench: skipped, node_exporter not found (npm run setup:monitoring installs it)');
    return;
  }
  const port = await freePort();
  const child = spawn(exporter, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}/metrics`;
    await waitFor(url);
    const { realIo } = await import('../dist/io/io.js');
    const { startMonitor } = await import('../dist/monitor/sampler.js');
    const io = realIo();
    const specs = [
      { kind: 'node-exporter', id: 'node', url },
      { kind: 'process', id: 'process', pid: process.pid, address: `pid ${process.pid}`, local: true },
    ];
    const page = await (await fetch(url)).text();
    console.log(
      `monitor: node_exporter with its default collectors (${(page.length / 1024).toFixed(0)} KiB a page) and /proc of one process, once a second; ${ROUNDS} rounds of ${SECONDS} s each way, interleaved`,
    );
    const costs = [];
    // One round each way first, not counted: the first reads load and compile code that every later one reuses.
    const start = () => {
      const m = startMonitor(io, specs, 1000);
      return async () => void (await m.stop());
    };
    await cpuMsOver(3);
    await cpuMsOver(3, start);
    for (let round = 1; round <= ROUNDS; round++) {
      const idle = await cpuMsOver(SECONDS);
      let readings = 0;
      const on = await cpuMsOver(SECONDS, () => {
        const m = startMonitor(io, specs, 1000);
        return async () => {
          const rec = await m.stop();
          readings = rec.reduce((n, s) => n + s.readings.length, 0);
        };
      });
      const pct = ((on.cpuMs - idle.cpuMs) / on.wallMs) * 100;
      costs.push(pct);
      console.log(
        `  round ${round}: ${pct.toFixed(3)} % of one core (with ${on.cpuMs.toFixed(0)} ms CPU, without ${idle.cpuMs.toFixed(0)} ms, ${readings} readings)`,
      );
    }
    const m = median(costs);
    console.log(
      `  monitor CPU: median ${m.toFixed(3)} % of one core (rounds ${costs.map((c) => c.toFixed(3)).join(', ')})  goal < ${GOAL_PCT} % ${m < GOAL_PCT ? 'PASS' : 'FAIL'}`,
    );
    if (m >= GOAL_PCT) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
  }
}

await main();
