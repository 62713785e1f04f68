// What loadctl costs over plain k6, measured in one run, interleaved A/B over several rounds:
//   1. `loadctl run` wall time vs `k6 run` of the same bundle          (goal ≤ 1.05×)
//   2. requests/s of k6 under loadctl's default data collection vs bare (goal ≥ 0.95×)
//   3. requests/s of the rendered script vs an equivalent hand-written k6 script, both under plain
//      `k6 run` against the same demo endpoint                          (goal ≥ 0.97×)
// Usage: npm run build && node bench/run-overhead.mjs [--rounds 5] [--seconds 8] [--vus 10]
//        [--modes bare,stream,loadctl,templated,hand-templated,hand]   (a subset, for more rounds of one ratio)
//   stream: bare k6 with loadctl's metric stream (`--out loadctl`, docs/stream.md)   (goal ≥ 0.97×)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, K6, K6_ENV, flag, listFlag } from './common.mjs';
import { startDemoService } from '../dist/demo/server.js';

const ROUNDS = flag('rounds', 5);
const SECONDS = flag('seconds', 8);
const VUS = flag('vus', 10);
const ONLY = listFlag('modes');

function run(cmd, argv, env = K6_ENV, cwd = REPO) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, out, err, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
    );
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const demo = await startDemoService({ port: 0 });
const work = mkdtempSync(join(tmpdir(), 'loadctl-bench-'));
try {
  const plan = join(work, 'bench.yaml');
  writeFileSync(
    plan,
    `name: bench
targets:
  demo: { url: '${demo.url}' }
scenarios:
  load: { executor: constant-vus, vus: ${VUS}, duration: ${SECONDS}s, flow: f }
flows:
  f:
    steps:
      - name: health
        path: /health
        checks: [{ status: 200 }]
`,
  );
  // The same request with a per-request template: the interpreter's general path (no fast path applies).
  const templatedPlan = join(work, 'templated.yaml');
  writeFileSync(
    templatedPlan,
    `name: templated
targets:
  demo: { url: '${demo.url}' }
scenarios:
  load: { executor: constant-vus, vus: ${VUS}, duration: ${SECONDS}s, flow: f }
flows:
  f:
    steps:
      - name: health
        path: /health
        query: { vu: '\${vu}' }
        checks: [{ status: 200 }]
`,
  );
  const handTemplated = join(work, 'hand-templated.js');
  writeFileSync(
    handTemplated,
    `import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
export const options = { scenarios: { load: { executor: 'constant-vus', vus: ${VUS}, duration: '${SECONDS}s' } } };
export default function () {
  const res = http.get(__ENV.BASE_URL + '/health?vu=' + encodeURIComponent(String(exec.vu.idInTest)), { tags: { name: 'health' }, responseType: 'none' });
  check(res, { 'health: status is 200': (r) => r.status === 200 });
}
`,
  );
  const handWritten = join(work, 'hand.js');
  writeFileSync(
    handWritten,
    `import http from 'k6/http';
import { check } from 'k6';
export const options = { scenarios: { load: { executor: 'constant-vus', vus: ${VUS}, duration: '${SECONDS}s' } } };
export default function () {
  const res = http.get(__ENV.BASE_URL + '/health', { tags: { name: 'health' }, responseType: 'none' });
  check(res, { 'health: status is 200': (r) => r.status === 200 });
}
`,
  );
  const rendered = join(work, 'rendered');
  const r = await run(process.execPath, [join(REPO, 'bin', 'loadctl.js'), 'render', plan, '-o', rendered]);
  if (r.code !== 0) throw new Error(`render failed: ${r.err}`);
  const script = join(rendered, 'script.js');
  const renderedTemplated = join(work, 'rendered-templated');
  const rt = await run(process.execPath, [
    join(REPO, 'bin', 'loadctl.js'),
    'render',
    templatedPlan,
    '-o',
    renderedTemplated,
  ]);
  if (rt.code !== 0) throw new Error(`render failed: ${rt.err}`);
  const templatedScript = join(renderedTemplated, 'script.js');

  // --summary-export costs nothing during the run (written once at the end) and is the same for both.
  const exportedRps = (file) => JSON.parse(readFileSync(file, 'utf8')).metrics.http_reqs.rate;
  // Plain `k6 run` of a script: --summary-export costs nothing during the run (written once at the end).
  const plainK6 =
    (label, file, env, extra = () => []) =>
    async (i) => {
      const summary = join(work, `${label}-${i}.json`);
      const x = await run(K6, ['run', '-q', '--summary-export', summary, ...extra(i), file], {
        ...K6_ENV,
        ...env,
      });
      return { ms: x.ms, rps: x.code === 0 ? exportedRps(summary) : NaN };
    };
  const allModes = {
    // Plain k6 on the rendered bundle: k6's own end-of-test summary, nothing else.
    'k6 run (bare)': plainK6('bare', script, { LOADCTL_BASE_URL: demo.url }),
    // The same with loadctl's metric stream (docs/stream.md): what the output itself costs k6.
    'k6 run --out loadctl': plainK6('stream', script, { LOADCTL_BASE_URL: demo.url }, (i) => [
      '--out',
      `loadctl=${join(work, `frames-${i}.ndjson`)}`,
    ]),
    'loadctl run': async (i) => {
      const results = join(work, `results-${i}`);
      const x = await run(
        process.execPath,
        [join(REPO, 'bin', 'loadctl.js'), 'run', plan, '--results', results, '--no-progress'],
        {
          ...process.env,
          NO_COLOR: '1',
        },
      );
      const dir = join(results, 'bench');
      const id = readdirSync(dir)[0];
      const s = JSON.parse(readFileSync(join(dir, id, 'summary.json'), 'utf8'));
      return { ms: x.ms, rps: x.code === 0 ? s.totals.rps : NaN };
    },
    'k6 run templated': plainK6('tbare', templatedScript, { LOADCTL_BASE_URL: demo.url }),
    'hand-written templated': plainK6('thand', handTemplated, { BASE_URL: demo.url }),
    'hand-written k6': plainK6('hand', handWritten, { BASE_URL: demo.url }),
  };
  const keys = {
    bare: 'k6 run (bare)',
    stream: 'k6 run --out loadctl',
    loadctl: 'loadctl run',
    templated: 'k6 run templated',
    'hand-templated': 'hand-written templated',
    hand: 'hand-written k6',
  };
  const unknown = (ONLY ?? []).filter((k) => keys[k] === undefined);
  if (unknown.length > 0) throw new Error(`unknown --modes ${unknown}; known: ${Object.keys(keys)}`);
  const modes = Object.fromEntries(
    Object.entries(allModes).filter(([name]) => ONLY === undefined || ONLY.some((k) => keys[k] === name)),
  );
  const names = Object.keys(modes);
  const results = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so drift and warm-up hit every mode alike.
    const order = names.map((_, k) => names[(k + round) % names.length]);
    for (const name of order) {
      results[name].push(await modes[name](round));
      process.stderr.write(
        `round ${round + 1}/${ROUNDS} ${name}: ${results[name].at(-1).rps.toFixed(0)} req/s, ${results[name].at(-1).ms.toFixed(0)} ms\n`,
      );
    }
  }
  const perRound = (a, b, key) => results[a].map((x, k) => x[key] / results[b][k][key]);
  const fmt = (xs) =>
    `${median(xs).toFixed(3)}× (rounds ${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)})`;
  const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
  console.log(
    `\nloadctl overhead: ${ROUNDS} interleaved rounds, ${VUS} VUs × ${SECONDS}s against the demo service, k6 ${K6}`,
  );
  for (const n of names)
    console.log(
      `  ${n.padEnd(18)} median ${median(results[n].map((x) => x.rps)).toFixed(0)} req/s, ${median(results[n].map((x) => x.ms)).toFixed(0)} ms wall`,
    );
  // Each ratio needs both of its modes (--modes may leave some out).
  const ratio = (label, a, b, key, goal) => {
    if (modes[a] === undefined || modes[b] === undefined) return;
    const xs = perRound(a, b, key);
    const judged =
      goal === undefined
        ? '(reported; no goal)'
        : `goal ${goal.op} ${goal.value}  ${verdict(goal.op === '≤' ? median(xs) <= goal.value : median(xs) >= goal.value)}`;
    console.log(`  ${label.padEnd(44)} ${fmt(xs)}  ${judged}`);
  };
  ratio('loadctl run wall time / k6 run wall time:', 'loadctl run', 'k6 run (bare)', 'ms', {
    op: '≤',
    value: 1.05,
  });
  ratio("req/s under loadctl's collection / bare:", 'loadctl run', 'k6 run (bare)', 'rps', {
    op: '≥',
    value: 0.95,
  });
  ratio("req/s with loadctl's metric stream / bare:", 'k6 run --out loadctl', 'k6 run (bare)', 'rps', {
    op: '≥',
    value: 0.97,
  });
  ratio('rendered script req/s / hand-written k6:', 'k6 run (bare)', 'hand-written k6', 'rps', {
    op: '≥',
    value: 0.97,
  });
  ratio('templated step (general path) / hand-written:', 'k6 run templated', 'hand-written templated', 'rps');
  // The same fixed cost in seconds: loadctl's start-up, preflight, bundling and summary over bare k6.
  if (modes['loadctl run'] !== undefined && modes['k6 run (bare)'] !== undefined) {
    const diffs = results['loadctl run'].map((x, k) => (x.ms - results['k6 run (bare)'][k].ms) / 1000);
    console.log(
      `  ${'loadctl run − k6 run wall time:'.padEnd(44)} +${median(diffs).toFixed(2)} s (rounds ${Math.min(...diffs).toFixed(2)}–${Math.max(...diffs).toFixed(2)} s)`,
    );
  }
} finally {
  await demo.close();
  rmSync(work, { recursive: true, force: true });
}
