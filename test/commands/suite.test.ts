// `loadctl suite` against the fake Io: plans run one after another through the same run as `loadctl run`,
// every plan checked before the first starts, one table, the worst exit code and the suite's reports.
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  copyChartLibraryIntoFake,
  fakeIo,
  runCli,
  runDirs,
  SHOP,
  type FakeIoOptions,
} from '../harness/index.js';

const SHOP_TEXT = readFileSync(new URL(`../../${SHOP.plan}`, import.meta.url), 'utf8');
const SUITE = ['suite', 'plans/suite', '--skip-preflight', '--no-progress', '--cooldown', '0s'];

/** plans/suite/a.yaml and b.yaml (the shop plan under two names), and a file that is no plan. */
function suiteIo(k6: FakeIoOptions['k6'], b = SHOP_TEXT.replace('name: shop', 'name: shop-b')) {
  const io = fakeIo({ k6 });
  copyChartLibraryIntoFake(io.fs);
  io.fs.writeSync('plans/suite/a.yaml', SHOP_TEXT);
  io.fs.writeSync('plans/suite/b.yaml', b);
  io.fs.writeSync('plans/suite/README.md', '# not a plan\n');
  return io;
}

function suiteFiles(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) {
    const m = /^results\/suite-[^/]+\/(.+)$/.exec(path);
    if (m) out[m[1]!] = text;
  }
  return out;
}

describe('loadctl suite (fake k6)', () => {
  it('runs a folder’s plans in name order: one table, the worst exit code, the suite’s reports', async () => {
    const io = suiteIo([SHOP.passed(), SHOP.thresholdsFailed()]);
    const r = await runCli([...SUITE, '--report', 'html,markdown,junit'], io);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(99);
    expect(io.k6.runs).toHaveLength(2);
    const [a] = runDirs(r.files, 'shop');
    const [b] = runDirs(r.files, 'shop-b');
    expect(a && b).toBeTruthy();
    expect(r.stderr.indexOf('plans/suite/a.yaml')).toBeLessThan(r.stderr.indexOf('plans/suite/b.yaml'));
    const idA = a!.split('/').at(-1)!;
    const idB = b!.split('/').at(-1)!;
    expect(r.stdout).toMatch(new RegExp(`shop\\s+shop\\s+passed\\s+12\\s.*${idA}`));
    expect(r.stdout).toMatch(new RegExp(`shop-b\\s+shop\\s+thresholds-failed \\(exit 99\\).*${idB}`));
    expect(r.stdout).toMatch(/2 of 2 plans ran, exit 99/);
    // Each run wrote its own reports, and the suite folder links them.
    for (const dir of [a, b]) expect(r.files[`${dir}/report.html`]).toBeDefined();
    const suite = suiteFiles(r.files);
    expect(Object.keys(suite).sort()).toEqual(['junit.xml', 'suite.html', 'suite.md']);
    expect(suite['suite.md']).toContain(`(../shop/${idA}/report.md)`);
    expect(suite['suite.html']).toContain(`href="../shop-b/${idB}/report.html"`);
    const junit = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testsuite' }).parse(
      suite['junit.xml']!,
    ) as { testsuites: { testsuite: Array<Record<string, string>> } };
    expect(junit.testsuites.testsuite.map((s) => s['@_name'])).toEqual([
      'shop (plans/suite/a.yaml)',
      'shop-b (plans/suite/b.yaml)',
    ]);
    expect(junit.testsuites.testsuite[1]?.['@_failures']).not.toBe('0');
  });

  it('applies --profile to every plan', async () => {
    const io = suiteIo([SHOP.thresholdsFailed(), SHOP.thresholdsFailed()]);
    const r = await runCli([...SUITE, '--profile', 'strict'], io);
    expect(r.code).toBe(99);
    expect(io.k6.runs).toHaveLength(2);
    for (const dir of [...runDirs(r.files, 'shop'), ...runDirs(r.files, 'shop-b')])
      expect((JSON.parse(r.files[`${dir}/summary.json`]!) as { profile?: string }).profile).toBe('strict');
  });

  it('one plan with an error: nothing runs, exit 2, the error with file:line:col', async () => {
    const io = suiteIo([SHOP.passed(), SHOP.passed()], SHOP_TEXT.replace('vus: 2', 'vus: -3'));
    const r = await runCli(SUITE, io);
    expect(r.code).toBe(2);
    expect(io.k6.runs).toHaveLength(0);
    expect(r.stderr).toMatch(/plans\/suite\/b\.yaml:\d+:\d+: error: scenarios\.browse\.vus/);
    expect(suiteFiles(r.files)).toEqual({});
  });

  it('a plan without the --profile: nothing runs, exit 2, naming the plan', async () => {
    const io = suiteIo([SHOP.passed(), SHOP.passed()], SHOP_TEXT.replace('  strict:', '  other:'));
    const r = await runCli([...SUITE, '--profile', 'strict'], io);
    expect(r.code).toBe(2);
    expect(io.k6.runs).toHaveLength(0);
    expect(r.stderr).toContain('plans/suite/b.yaml');
    expect(r.stderr).toContain('strict');
    expect(r.stderr).toContain('nothing ran');
  });

  it('a folder without plans is a usage error', async () => {
    const io = fakeIo({ k6: [] });
    io.fs.writeSync('empty/README.md', 'x');
    const r = await runCli(['suite', 'empty'], io);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('empty has no plans');
  });

  it('Ctrl-C stops the current run gracefully and the next does not start: exit 130, the table says so', async () => {
    const io = suiteIo([SHOP.endless(), SHOP.passed()]);
    const pending = runCli([...SUITE, '--profile', 'long'], io);
    const k6Run = await io.k6.started();
    io.fireSignal('SIGINT');
    const r = await pending;
    expect(r.code).toBe(130);
    expect(k6Run.signals).toEqual(['SIGINT']);
    expect(io.k6.runs).toHaveLength(1);
    expect(r.stdout).toMatch(/shop\s+shop\s+interrupted \(exit 130\)/);
    expect(r.stdout).toMatch(/shop-b\s+shop\s+not run/);
    expect(r.stdout).toContain('1 of 2 plans ran, exit 130');
    expect(r.stdout).toContain('not run (stopped): plans/suite/b.yaml');
  });
});
