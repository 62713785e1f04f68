// Start-up cost of the CLI, measured in one run against `node -e 0` (the floor any Node program pays),
// interleaved over several rounds (the order rotated each round) and reported as medians of per-round
// ratios and differences, so a busy machine slows both sides of each comparison alike:
//   loadctl --version                       (commander and the entry only)
//   loadctl validate plans/seat-race.yaml   (goal: 0.2 s where node -e 0 takes 0.1 s: ≤ 2× node -e 0)
//   loadctl render plans/seat-race.yaml     (plan, compile and esbuild)
// Usage: npm run build && node bench/startup.mjs [--rounds 20] [--bin bin/loadctl.js]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const ROUNDS = Number(flag('rounds', '20'));
const BIN = join(REPO, flag('bin', 'bin/loadctl.js'));
const PLAN = 'plans/seat-race.yaml';
// validate's goal, 0.2 s where `node -e 0` takes 0.1 s, as a ratio: a busy machine slows both alike.
const VALIDATE_GOAL_RATIO = 2;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function time(argv) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return ms;
}

const out = mkdtempSync(join(tmpdir(), 'loadctl-startup-'));
try {
  const cases = {
    'node -e 0': ['-e', '0'],
    'loadctl --version': [BIN, '--version'],
    'loadctl validate': [BIN, 'validate', PLAN],
    'loadctl render': [BIN, 'render', PLAN, '-o', out],
  };
  const names = Object.keys(cases);
  const ms = Object.fromEntries(names.map((n) => [n, []]));
  time(cases['loadctl render']); // warm the file cache once, outside the rounds
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, k) => names[(k + round) % names.length]);
    for (const name of order) ms[name].push(time(cases[name]));
  }
  const floor = ms['node -e 0'];
  console.log(`loadctl start-up: ${ROUNDS} interleaved rounds, node ${process.version}, medians`);
  console.log(`  ${'node -e 0'.padEnd(20)} ${median(floor).toFixed(0).padStart(5)} ms`);
  for (const name of names.slice(1)) {
    const ratio = median(ms[name].map((x, k) => x / floor[k]));
    const over = median(ms[name].map((x, k) => x - floor[k]));
    const goal =
      name === 'loadctl validate'
        ? `  goal ≤ ${VALIDATE_GOAL_RATIO}× ${ratio <= VALIDATE_GOAL_RATIO ? 'PASS' : 'FAIL'}`
        : '';
    console.log(
      `  ${name.padEnd(20)} ${median(ms[name]).toFixed(0).padStart(5)} ms  ${ratio.toFixed(2)}× node -e 0, ` +
        `+${(over / 1000).toFixed(3)} s${goal}`,
    );
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
