// Hostile names end to end: a plan whose endpoint, group and check names hold terminal control sequences
// (clear screen, set the window title, BEL, NUL, a right-to-left override, CR LF) runs with the real k6;
// nothing loadctl prints then — the run's table, `runs`, the Markdown report — carries them raw.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writePlan } from './helpers.js';

// YAML double-quoted escapes: \e ESC, \a BEL, \0 NUL, \u202E RIGHT-TO-LEFT OVERRIDE, \r\n CR LF.
const EVIL = String.raw`\e[2J\e]0;pwned\a\0\u202E\r\nX`;

const PLAN = `
name: hostile
targets:
  local: { demo: {} }
scenarios:
  once:
    executor: shared-iterations
    vus: 1
    iterations: 3
    flow: f
flows:
  f:
    steps:
      - group: "group${EVIL}"
        steps:
          - name: "health${EVIL}"
            path: /health
            checks:
              - name: "ok${EVIL}"
                status: 200
`;

// With NO_COLOR (the helper's default) loadctl writes no escape sequence of its own, so any ESC, BEL,
// NUL, CR, bidi override or C1 control in the output came from a name.
const RAW = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/; // eslint-disable-line no-control-regex

function expectClean(what: string, text: string): void {
  const at = RAW.exec(text);
  expect(
    at,
    `${what}: raw U+${at?.[0].codePointAt(0)?.toString(16)} in ${JSON.stringify(text.slice(Math.max(0, (at?.index ?? 0) - 40), (at?.index ?? 0) + 40))}`,
  ).toBeNull();
}

describe('hostile names (real k6, demo service)', () => {
  it('run, runs and report print them visibly and never raw', async () => {
    const dir = await tempDir('hostile');
    const results = join(dir, 'results');
    const file = await writePlan(dir, 'hostile.yaml', PLAN);
    const run = await runCli(['run', file, '--results', results, '--no-progress'], { cwd: dir });
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(0);
    expectClean('run stdout', run.stdout);
    expectClean('run stderr', run.stderr);
    // The names are there, shown: ␛ for ESC, ␇ BEL, ␀ NUL, \u{202e} for the override, ␍␊ for CR LF.
    // (Long names are cut to the table's width.)
    expect(run.stdout).toContain(' health␛[2J␛]0;pwned␇');
    expect(run.stdout).toContain('group␛[2J␛]0;pwned␇␀\\u{202e}␍␊X › ok␛[2J');

    const runs = await runCli(['runs', '--results', results], { cwd: dir });
    expect(runs.code).toBe(0);
    expectClean('runs stdout', runs.stdout);
    expectClean('runs stderr', runs.stderr);

    const md = await runCli(['report', 'latest', '--results', results, '--format', 'markdown'], {
      cwd: dir,
    });
    expect(md.code).toBe(0);
    expectClean('report stdout', md.stdout);
    expectClean('report stderr', md.stderr);
    expect(md.stdout).toContain('| `ok␛[2J␛]0;pwned␇␀\\u{202e}␍␊X` |');
  });

  it("an error quoting the user's input shows its control characters (printError)", async () => {
    const dir = await tempDir('hostile-ref');
    const r = await runCli(['report', 'x\u001b[2J\u0007\u202Ey', '--results', join(dir, 'results')], {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expectClean('report stderr', r.stderr);
    expect(r.stderr).toContain('\\u{202e}y');
  });
});
