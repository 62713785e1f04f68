// Every exit code loadctl documents (README, docs/plans.md, docs/results.md, `loadctl --help`), each triggered
// end to end: the built CLI as a real process, the real k6, the demo service. The table below says which test
// triggers which code; the codes with a test elsewhere are checked to still have it.
//
// | code | trigger                                                        | test                                            |
// | ---- | -------------------------------------------------------------- | ----------------------------------------------- |
// | 0    | a seat race that passes                                        | run.test.ts                                     |
// | 1    | a bug (an unexpected error); no user input can reach it        | test/commands/internal-error.test.ts (unit)     |
// | 2    | a plan whose script has a syntax error                         | user-mistakes.test.ts, and here: an invalid plan |
// | 3    | k6 missing                                                     | run.test.ts, and here                           |
// | 4    | the plan's own script throws at init (k6 exit 107)             | here                                            |
// | 5    | far too few VUs for the rate: generator saturated              | guard.test.ts                                   |
// | 6    | the demo double-books: an invariant fails                      | run.test.ts                                     |
// | 7    | compare --fail-on on a really slower target                    | compare.test.ts                                 |
// | 99   | the slowed-down demo breaks a threshold                        | run.test.ts                                     |
// | 130  | SIGINT (run.test.ts), SIGTERM and SIGHUP (here) mid-run        | run.test.ts, here                               |
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { REPO, runCli, startCli, tempDir, writePlan } from './helpers.js';

interface Trigger {
  code: number;
  /** Test file (under test/) and the title of the test in it that asserts this code. */
  file: string;
  title: string;
  /** How that file asserts the code, when not with `toBe(code)`. */
  asserts?: RegExp;
}

const ELSEWHERE: readonly Trigger[] = [
  { code: 0, file: 'e2e/run.test.ts', title: 'runs a seat race: one winner per seat' },
  { code: 1, file: 'commands/internal-error.test.ts', title: 'is exit 1, said as an internal error' },
  {
    code: 2,
    file: 'e2e/user-mistakes.test.ts',
    title: 'a syntax error is exit 2',
    asserts: /expectUserMistake\(r, 2, /,
  },
  { code: 3, file: 'e2e/run.test.ts', title: 'k6 missing: exit 3 with the fix' },
  { code: 5, file: 'e2e/guard.test.ts', title: 'as generator-saturated (exit 5)' },
  { code: 6, file: 'e2e/run.test.ts', title: 'a broken invariant exits 6' },
  { code: 7, file: 'e2e/compare.test.ts', title: 'the slow side regressed against x86 (exit 7)' },
  {
    code: 8,
    file: 'e2e/compare.test.ts',
    title: 'the slow side regressed against x86 (exit 7)',
    asserts: /expect\(improved\.code, improved\.stdout\)\.toBe\(8\)/,
  },
  { code: 99, file: 'e2e/run.test.ts', title: 'exits 99 naming the threshold' },
  { code: 130, file: 'e2e/run.test.ts', title: 'stops gracefully on Ctrl-C: exit 130' },
];
/** The codes this file triggers itself. */
const HERE = [2, 3, 4, 130];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function shortPlan(name: string, duration: string): string {
  return `
name: ${name}
targets:
  local: { demo: true }
scenarios:
  s: { executor: constant-vus, vus: 2, duration: ${duration}, gracefulStop: 2s, flow: f }
flows:
  f:
    steps:
      - name: health
        path: /health
        think: 50ms
`;
}

function onlyRunDir(results: string, plan: string): string {
  const runs = readdirSync(join(results, plan));
  expect(runs).toHaveLength(1);
  return join(results, plan, runs[0]!);
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** The codes of the table under a Markdown heading. */
function documentedCodes(doc: string, heading: string): number[] {
  const text = readFileSync(join(REPO, doc), 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  expect(start, `${doc} has "${heading}"`).toBeGreaterThan(-1);
  const section = text.slice(start + heading.length + 2).split(/\n#{1,3} /)[0] ?? '';
  return [...section.matchAll(/^\| (\d+)\s+\|/gm)].map((m) => Number(m[1]));
}

describe('the exit codes: documented alike, and each triggered by a test', () => {
  const codes = Object.values(EXIT).sort((a, b) => a - b);

  it('README, docs/plans.md, docs/results.md and --help list exactly the codes loadctl returns', async () => {
    expect(documentedCodes('README.md', '## Exit codes')).toEqual(codes);
    expect(documentedCodes('docs/plans.md', '## Exit codes')).toEqual(codes);
    expect(documentedCodes('docs/results.md', '## Exit codes of `loadctl run`')).toEqual(codes);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    const block = help.stdout.slice(help.stdout.indexOf('Exit codes:'));
    const listed = [...block.matchAll(/(?:^|\s{2})(\d{1,3}) +[a-z]/gm)].map((m) => Number(m[1]));
    expect(listed.sort((a, b) => a - b)).toEqual(codes);
    expect(block).toMatch(/130 interrupted \(Ctrl-C, SIGTERM, SIGHUP\)/);
    for (const doc of ['README.md', 'docs/plans.md', 'docs/results.md']) {
      const text = readFileSync(join(REPO, doc), 'utf8');
      expect(text, doc).not.toMatch(/reserved; no command returns it|7 is reserved/);
      expect(text, doc).toMatch(/\| 130 {2}\| .*SIGTERM.*SIGHUP/);
    }
  });

  it('every code has a test that triggers it, and those tests still exist', () => {
    const covered = new Set([...ELSEWHERE.map((t) => t.code), ...HERE]);
    expect([...covered].sort((a, b) => a - b)).toEqual(codes);
    for (const t of ELSEWHERE) {
      const text = readFileSync(join(REPO, 'test', t.file), 'utf8');
      expect(text, `${t.file} has "${t.title}"`).toContain(t.title);
      expect(text, `${t.file} asserts ${t.code}`).toMatch(t.asserts ?? new RegExp(`toBe\\(${t.code}\\)`));
    }
  });
});

describe('exit codes triggered here (real CLI, real k6, demo service)', () => {
  it('2: an invalid plan, before anything runs', async () => {
    const dir = await tempDir('exit2');
    const file = await writePlan(dir, 'bad.yaml', 'name: bad\nscenarios: { s: { executor: nope } }\n');
    const r = await runCli(['run', file, '--results', join(dir, 'results')], { cwd: dir });
    expect(r.stderr).toContain('bad.yaml:2:');
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, 'results', 'bad'))).toBe(false);
  });

  it('3: k6 missing', async () => {
    const dir = await tempDir('exit3');
    const file = await writePlan(dir, 'p.yaml', shortPlan('p', '1s'));
    const r = await runCli(['run', file, '--results', join(dir, 'results')], {
      cwd: dir,
      env: { LOADCTL_K6_BIN: join(dir, 'no-such-k6') },
    });
    expect(r.stderr).toContain('LOADCTL_K6_BIN');
    expect(r.code).toBe(3);
  });

  it('4: the plan’s own k6 script throws at init (k6 exit 107), explained, the run kept', async () => {
    const dir = await tempDir('exit4');
    await writeFile(
      join(dir, 'legacy.js'),
      "throw new Error('init failed on purpose');\nexport default function () {}\n",
    );
    await writePlan(
      dir,
      'legacy.yaml',
      'name: legacy\ntargets:\n  local: { demo: true }\nscript: legacy.js\nscenarios: {}\n',
    );
    const results = join(dir, 'results');
    const r = await runCli(['run', 'legacy.yaml', '--results', results, '--no-progress'], { cwd: dir });
    const output = r.stdout + r.stderr;
    expect(output).not.toContain('internal error');
    expect(output).toContain('init failed on purpose');
    expect(r.code).toBe(4);
    const summary = readJson<RunSummary>(join(onlyRunDir(results, 'legacy'), 'summary.json'));
    expect(summary.outcome).toMatchObject({ kind: 'k6-error', k6ExitCode: 107 });
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    '130: %s mid-run stops k6 gracefully and keeps the partial run',
    async (signal) => {
      const dir = await tempDir(`exit130-${signal}`);
      const results = join(dir, 'results');
      const file = await writePlan(dir, 'long.yaml', shortPlan('long', '60s'));
      const run = startCli(['run', file, '--results', results, '--no-progress'], { cwd: dir });
      const started = Date.now();
      // k6.log is opened just before k6 is spawned; 2 s later k6 has been sending requests for a while.
      const k6Log = () => {
        const plan = join(results, 'long');
        const ids = existsSync(plan) ? readdirSync(plan) : [];
        return ids.length === 1 && existsSync(join(plan, ids[0]!, 'k6.log'));
      };
      while (!k6Log() && Date.now() - started < 20_000) await sleep(100);
      await sleep(2000);
      run.child.kill(signal);
      const r = await run.done;
      expect(r.signal, 'loadctl handled the signal instead of dying of it').toBeNull();
      expect(r.code).toBe(130);
      // A 60 s plan: ended by the signal, not by its duration.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(r.stderr).toContain('stopping k6 gracefully');
      const runDir = onlyRunDir(results, 'long');
      const summary = readJson<RunSummary>(join(runDir, 'summary.json'));
      expect(summary.outcome.kind).toBe('interrupted');
      expect(summary.totals.requests).toBeGreaterThan(5);
      expect(readJson<{ exitCode: number }>(join(runDir, 'meta.json')).exitCode).toBe(130);
      // k6 stopped gracefully: its output wrote the final frame, so the summary covers the whole partial run.
      expect(summary.notes.join(' ')).not.toContain('did not write its last frame');
      expect(summary.endpoints.find((e) => e.name === 'health')?.requests).toBe(summary.totals.requests);
      expect(r.stdout).toContain('interrupted: the partial run was kept and summarized');
    },
  );
});
