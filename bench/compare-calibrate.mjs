#!/usr/bin/env node
// The calibration of `loadctl compare` and its gate (issue 19): how often it raises a false alarm when
// nothing differs, and how often it finds a known change, at the smoke scale of plans/graviton-vs-x86.yaml
// (its ramp 0→10→10→0 VUs over 9 s, 500 ms think time: about 250 requests a run), with the real k6.
//
// Each series is one `run --targets a,a2,p95,err,avg --rounds 3` (a warm-up first, the order rotated each
// round), on five demo instances started by loadctl:
//   a, a2  the same service (40 ms per request, 300 SHA-256 rounds): a vs a2 is an A/A comparison;
//   p95    its latency raised by 10 % of a's p95 (measured in a pilot run, rounded to whole ms);
//   err    1 % of its requests fail (the demo's errorRate 0.01): +1 pp of errors;
//   avg    its latency raised by 5 % of a's average.
// Every series is then compared pair by pair (`compare a a2`, `compare a p95`, …), each comparison on its own
// so that its false-alarm control covers its own table, with the gate
// "p95>+5%,error_rate>+0.5pp,avg>+2.5%" (half of each effect: a change of the effect's size crosses it).
// Printed: the family-wise false-alarm rate (A/A comparisons with any ✓ or ✗ anywhere in the table, and
// with a failed gate rule), and per effect how often it was found (✗ on that number), how often the gate
// failed, said inconclusive, or passed silently. Asserts nothing. docs/compare.md records the figures.
//
//   npm run build && node bench/compare-calibrate.mjs [--series 20] [--rounds 3]
//
// Load goes to 127.0.0.1 only; a series is 15 runs of ~10 s plus five 3 s warm-ups (about 4 minutes).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { flag, REPO } from './common.mjs';

const BIN = join(REPO, 'bin', 'loadctl.js');
const SERIES = flag('series', 20);
const ROUNDS = flag('rounds', 3);
const BASE_MS = 40;
const RULES = 'p95>+5%,error_rate>+0.5pp,avg>+2.5%';
/** The effects: the side, the number it changes, and the gate rule that must notice it. */
const EFFECTS = [
  { side: 'p95', label: '+10% p95', key: 'p(95)', rule: 'p(95)' },
  { side: 'err', label: '+1 pp errors', key: 'error_rate', rule: 'error_rate' },
  { side: 'avg', label: '+5% avg', key: 'avg', rule: 'avg' },
];

function plan({ p95Ms, avgMs }) {
  const demo = (addMs, extra = '') => `{ demo: { rootWork: 300, latencyMs: ${BASE_MS + addMs}${extra} } }`;
  return `name: calibrate
targets:
  a: ${demo(0)}
  a2: ${demo(0)}
  p95: ${demo(p95Ms)}
  err: ${demo(0, ', errorRate: 0.01')}
  avg: ${demo(avgMs)}
http: { keepAlive: true }
scenarios:
  users:
    executor: ramping-vus
    startVUs: 0
    stages:
      - { duration: 3s, target: 10 }
      - { duration: 4s, target: 10 }
      - { duration: 2s, target: 0 }
    gracefulRampDown: 2s
    flow: home
flows:
  home:
    think: 500ms
    steps:
      - { name: home, path: / }
`;
}

function cli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function compare(dir, sides) {
  const out = await cli([
    'compare',
    ...sides,
    '--plan',
    'calibrate',
    '--results',
    dir,
    '--format',
    'json',
    '--fail-on',
    RULES,
  ]);
  if (out.stdout.trim() === '') throw new Error(`compare ${sides.join(' ')}: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

const flagged = (v) => v === 'better' || v === 'worse';
const overall = (c, key) => c.overall.find((r) => r.key === key);
const allRows = (c) => [...c.overall, ...c.endpoints.flatMap((e) => e.rows)];

async function series(dir, file) {
  const out = await cli([
    'run',
    file,
    '--targets',
    'a,a2,p95,err,avg',
    '--rounds',
    String(ROUNDS),
    '--warmup',
    '3s',
    '--cooldown',
    '0s',
    '--results',
    dir,
    '--no-progress',
    '--json',
  ]);
  if (![0, 7, 8].includes(out.code)) throw new Error(`run exited ${out.code}: ${out.stderr.slice(-2000)}`);
  const aa = await compare(dir, ['a', 'a2']);
  const ab = {};
  for (const e of EFFECTS) ab[e.side] = await compare(dir, ['a', e.side]);
  return { aa, ab };
}

/** The pilot: a's whole-run p95 and average with this load, to size the latency effects. */
async function pilot(dir) {
  const file = join(dir, 'pilot.yaml');
  await writeFile(file, plan({ p95Ms: 0, avgMs: 0 }));
  const out = await cli([
    'run',
    file,
    '--targets',
    'a,a2',
    '--warmup',
    '3s',
    '--cooldown',
    '0s',
    '--results',
    dir,
  ]);
  if (out.code !== 0 && out.code !== 8)
    throw new Error(`pilot exited ${out.code}: ${out.stderr.slice(-2000)}`);
  const c = await compare(dir, ['a', 'a2']);
  const mean = (key) => (overall(c, key).cells[0].value + overall(c, key).cells[1].value) / 2;
  return { p95: mean('p(95)'), avg: mean('avg') };
}

const pct = (a, b) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(0)}%`);

function report(results, sized) {
  const n = results.length;
  const aaAny = results.filter((r) => allRows(r.aa).some((row) => flagged(row.cells[1]?.verdict))).length;
  const aaJudged = results.reduce(
    (s, r) => s + allRows(r.aa).filter((row) => row.cells[1]?.verdict !== 'unknown').length,
    0,
  );
  const aaMarks = results.reduce(
    (s, r) => s + allRows(r.aa).filter((row) => flagged(row.cells[1]?.verdict)).length,
    0,
  );
  const aaGate = results.filter((r) => r.aa.gate.some((g) => g.status === 'failed')).length;
  const aaInconclusive = results.filter((r) => r.aa.gate.some((g) => g.status === 'inconclusive')).length;
  console.log(`\nA/A (a vs a2), ${n} comparisons of ${ROUNDS} rounds:`);
  console.log(`  any ✓ or ✗ in the table (family-wise)   ${aaAny} of ${n} (${pct(aaAny, n)})`);
  console.log(`  numbers marked, of numbers judged        ${aaMarks} of ${aaJudged}`);
  console.log(`  gate failed (exit 7)                     ${aaGate} of ${n} (${pct(aaGate, n)})`);
  console.log(`  gate inconclusive on some rule           ${aaInconclusive} of ${n}`);
  console.log(`\nknown effects, ${n} comparisons each (gate "${RULES}"):`);
  console.log(
    '  effect         realised   found ✗   gate failed   inconclusive   passed silently   detectable (median)',
  );
  for (const e of EFFECTS) {
    const cs = results.map((r) => r.ab[e.side]);
    const found = cs.filter((c) => overall(c, e.key)?.cells[1]?.verdict === 'worse').length;
    const status = (s) => cs.filter((c) => c.gate.find((g) => g.rule.metric === e.rule)?.status === s).length;
    const realised = cs.map((c) => {
      const row = overall(c, e.key);
      return e.key === 'error_rate'
        ? row.cells[1].value - row.cells[0].value
        : row.cells[1].value / row.cells[0].value - 1;
    });
    const mean = realised.reduce((s, x) => s + x, 0) / realised.length;
    const det = cs
      .map((c) => overall(c, e.key)?.cells[1]?.detectable)
      .filter((d) => typeof d === 'number')
      .sort((x, y) => x - y);
    const median = det.length ? det[Math.floor(det.length / 2)] : undefined;
    const unit = (x) => (e.key === 'error_rate' ? `${(100 * x).toFixed(2)}pp` : `${(100 * x).toFixed(1)}%`);
    console.log(
      `  ${e.label.padEnd(14)} ${unit(mean).padStart(8)}   ${pct(found, n).padStart(7)}   ${pct(status('failed'), n).padStart(11)}   ${pct(status('inconclusive'), n).padStart(12)}   ${pct(status('passed'), n).padStart(15)}   ${median === undefined ? '–' : unit(median)}`,
    );
  }
  console.log(
    `\nlatency effects sized on the pilot: p95 ${sized.p95.toFixed(1)} ms, avg ${sized.avg.toFixed(1)} ms`,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'loadctl-calibrate-'));
try {
  console.log(
    `host: ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)} at start; ${SERIES} series of ${ROUNDS} rounds`,
  );
  const sized = await pilot(dir);
  const effects = {
    p95Ms: Math.max(1, Math.round(0.1 * sized.p95)),
    avgMs: Math.max(1, Math.round(0.05 * sized.avg)),
  };
  console.log(
    `pilot: p95 ${sized.p95.toFixed(1)} ms, avg ${sized.avg.toFixed(1)} ms → p95 side +${effects.p95Ms} ms, avg side +${effects.avgMs} ms`,
  );
  const file = join(dir, 'calibrate.yaml');
  await writeFile(file, plan(effects));
  const results = [];
  for (let i = 0; i < SERIES; i++) {
    try {
      results.push(await series(dir, file));
    } catch (err) {
      console.error(`series ${i + 1}: ${err.message}; skipped`);
    }
    process.stderr.write(`series ${i + 1}/${SERIES} (load average ${loadavg()[0].toFixed(2)})\n`);
  }
  report(results, sized);
  console.log(`load average ${loadavg()[0].toFixed(2)} at the end`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
