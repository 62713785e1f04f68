#!/usr/bin/env node
// The false-alarm rate of `loadctl compare`, measured: A/A comparisons (one demo-service instance named as two
// targets, so every difference is noise) run with the real k6, and the share of numbers compare calls
// significant. Two modes: one round (noise from paired time batches inside the runs) and several rounds (noise
// from paired rounds). Prints the figures; asserts nothing.
//
//   npx tsc -p tsconfig.build.json && node bench/compare-aa.mjs [pairs=8] [groups=3] [rounds=3]
//
// Load goes to 127.0.0.1 only, each run is 8 s of 5 VUs (5 s in the three-round mode).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'loadctl.js');
const { startDemoService } = await import(join(REPO, 'dist', 'demo', 'index.js'));

const pairs = Number(process.argv[2] ?? 8);
const groups = Number(process.argv[3] ?? 3);
const rounds = Number(process.argv[4] ?? 3);

function plan(url, duration) {
  return `name: aa
targets:
  a: { url: '${url}' }
  b: { url: '${url}' }
scenarios:
  users: { executor: constant-vus, vus: 5, duration: ${duration}, flow: browse }
setup:
  steps:
    - { name: token, method: POST, path: /auth/token, json: { username: aa, password: aa }, extract: { token: { json: $.token } } }
flows:
  browse:
    headers: { Authorization: 'Bearer \${vars.token}' }
    think: 100ms
    steps:
      - { name: dates, path: /reservations/available/dates, checks: [{ status: 200 }] }
      - { name: seats, path: /reservations/available/seat, query: { scheduleId: '1' }, checks: [{ status: 200 }] }
`;
}

function cli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

function tally(c, into) {
  const rows = [...c.overall, ...c.endpoints.filter((e) => e.name !== 'token').flatMap((e) => e.rows)];
  for (const r of rows) {
    const v = r.cells[1]?.verdict;
    if (v === undefined || v === 'unknown') continue;
    into.judged++;
    if (v === 'better' || v === 'worse') {
      into.flagged++;
      into.byMetric[r.label] = (into.byMetric[r.label] ?? 0) + 1;
    }
  }
  into.comparisons++;
  if (rows.some((r) => r.cells[1]?.verdict === 'better' || r.cells[1]?.verdict === 'worse'))
    into.anyFlagged++;
  const p95 = c.overall.find((r) => r.key === 'p(95)')?.cells[1]?.verdict;
  if (p95 === 'better' || p95 === 'worse') into.p95Flagged++;
}

async function mode(label, dir, file, extra, n) {
  const t = { comparisons: 0, judged: 0, flagged: 0, anyFlagged: 0, p95Flagged: 0, byMetric: {} };
  for (let i = 0; i < n; i++) {
    const out = await cli([
      'run',
      file,
      '--targets',
      'a,b',
      '--cooldown',
      '1s',
      '--results',
      dir,
      '--no-progress',
      '--json',
      ...extra,
    ]);
    if (out.code !== 0) {
      console.error(`${label}: run ${i + 1} exited ${out.code}; skipped`);
      continue;
    }
    tally(JSON.parse(out.stdout), t);
    process.stderr.write(`${label}: ${i + 1}/${n}\r`);
  }
  const pct = (a, b) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);
  console.log(`\n${label}`);
  console.log(`  A/A comparisons                      ${t.comparisons}`);
  console.log(`  numbers judged (overall + endpoints) ${t.judged}`);
  console.log(`  numbers called significant           ${t.flagged} (${pct(t.flagged, t.judged)})`);
  console.log(`  comparisons with any such number     ${t.anyFlagged} (${pct(t.anyFlagged, t.comparisons)})`);
  console.log(`  comparisons with overall p95 called  ${t.p95Flagged} (${pct(t.p95Flagged, t.comparisons)})`);
  console.log(`  by metric: ${JSON.stringify(t.byMetric)}`);
}

const demo = await startDemoService({ latencyMs: 5 });
const dir = await mkdtemp(join(tmpdir(), 'loadctl-aa-'));
try {
  console.log(
    `host: ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)} at start; demo at ${demo.url} (5 ms per request)`,
  );
  const one = join(dir, 'one.yaml');
  await writeFile(one, plan(demo.url, '8s'));
  await mode('one round (paired time batches)', dir, one, [], pairs);
  const three = join(dir, 'three.yaml');
  await writeFile(three, plan(demo.url, '5s'));
  await mode(`${rounds} rounds (paired rounds)`, dir, three, ['--rounds', String(rounds)], groups);
  console.log(`load average ${loadavg()[0].toFixed(2)} at the end`);
} finally {
  await demo.close();
  await rm(dir, { recursive: true, force: true });
}
