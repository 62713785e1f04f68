// `loadctl compare … --format html|junit` end to end: two real runs with the real k6 (plans/graviton-vs-x86.yaml,
// smoke: demo-service instances on 127.0.0.2 and 127.0.0.3, the "graviton" one 15 ms slower), the comparison
// report opened in headless Chromium, the JUnit parsed back. Without a Chromium the browser test FAILS with
// how to get one.
import { existsSync, readFileSync } from 'node:fs';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, openReport } from './browser.js';
import { runCli, tempDir } from './helpers.js';

describe('compare --format html and junit (two real runs, headless Chromium)', () => {
  let browser: Browser | undefined;
  let dir = '';
  let results = '';
  let ids: string[] = [];
  let run: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    // A missing browser fails the test that needs it, with how to get one: never a silent skip.
    browser = await launchChromium();
    dir = await tempDir('compare-report');
    results = join(dir, 'results');
    run = await runCli(
      [
        'run',
        'plans/graviton-vs-x86.yaml',
        '--profile',
        'smoke',
        '--targets',
        'x86,graviton',
        '--cooldown',
        '0s',
        // The report is under test here, not the warm-up (compare-warmup.test.ts).
        '--warmup',
        '0',
        '--results',
        results,
        '--no-progress',
      ],
      { timeoutMs: 110_000 },
    );
    ids = (await readdir(join(results, 'graviton-vs-x86'))).sort();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('made two runs', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(ids).toHaveLength(2);
  });

  /**
   * The gate's verdict on these runs, from the JSON comparison: graviton is 15 ms slower, which is found on a
   * quiet machine, but on a busy one the noise can hide it. The formats below must agree with this verdict
   * (exit code, failed case), whatever it is; compare.test.ts holds the statistics to their own account.
   */
  async function gateOf(rules: string): Promise<{ code: number; statuses: string[] }> {
    const r = await runCli(
      ['compare', 'x86', 'graviton', '--format', 'json', '--results', results, '--fail-on', rules],
      { cwd: dir },
    );
    const statuses = (JSON.parse(r.stdout) as { gate: Array<{ status: string }> }).gate.map((g) => g.status);
    return { code: r.code, statuses };
  }

  it('writes one HTML page that Chromium draws offline, the sides overlaid in every chart', async () => {
    if (!browser) throw new Error(NO_CHROMIUM);
    const out = join(dir, 'c.html');
    const r = await runCli(
      [
        'compare',
        'x86',
        'graviton',
        '--format',
        'html',
        '-o',
        out,
        '--results',
        results,
        '--fail-on',
        'p95>+10%',
      ],
      { cwd: dir },
    );
    // The gate's exit code is the JSON comparison's (7 on a quiet machine: graviton is 15 ms slower), and the
    // page is written all the same.
    const verdict = await gateOf('p95>+10%');
    expect([7, 8, 0]).toContain(verdict.code);
    expect(r.code, r.stderr).toBe(verdict.code);
    expect(r.stdout).toBe('c.html\n');

    const page = await openReport(browser, out, join(ARTIFACTS, 'compare.png'));
    expect(page.consoleErrors).toEqual([]);
    expect(page.dialogs).toEqual([]);
    expect(page.requests).toEqual([pathToFileURL(out).href]);
    expect(page.scripts).toBe(2);
    expect(page.title).toBe('Comparison: graviton-vs-x86');
    expect(page.charts.map((c) => c.id)).toEqual([
      'rps',
      'latency',
      'vus',
      'errors',
      // Per endpoint over time: the metric stream gives every run per-endpoint series.
      'endpoint-latency',
      // The demo targets are sampled as loadctl's process: each side's CPU, overlaid.
      'server-cpu',
      'percentiles',
      'endpoint-p95',
      'responses',
    ]);
    for (const c of page.charts) {
      expect(c.points, c.id).toBeGreaterThan(0);
      expect(c.painted, c.id).toBeGreaterThan(2000);
      // Per endpoint over time: one line per side and endpoint, both sides drawn.
      if (c.id === 'endpoint-latency') {
        expect(
          c.legend.every((l) => /^(x86|graviton) · /.test(l)),
          c.legend.join(),
        ).toBe(true);
        expect(new Set(c.legend.map((l) => l.split(' · ')[0]))).toEqual(new Set(['x86', 'graviton']));
      } else if (c.id === 'server-cpu') {
        // Each side's own CPU: the demo targets are loadctl's process.
        expect(c.legend).toEqual(['x86 · process CPU', 'graviton · process CPU']);
      } else if (c.id !== 'responses') expect(c.legend, c.id).toEqual(['x86', 'graviton']);
    }
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('data-side-verdict="worse"');
    expect(html).toContain('data-gate="failed"');
    for (const id of ids) expect(html).toContain(`<code>${id}</code>`);
  });

  it('writes the HTML next to the runs without -o, and speaks Korean with --lang ko', async () => {
    const r = await runCli(
      ['compare', 'x86', 'graviton', '--format', 'html', '--lang', 'ko', '--results', results],
      {
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const expected = join('results', 'graviton-vs-x86', `compare-${ids.join('_')}.html`);
    expect(r.stdout).toBe(`${expected}\n`);
    expect(existsSync(join(dir, expected))).toBe(true);
    const html = readFileSync(join(dir, expected), 'utf8');
    expect(html).toMatch(/<html lang="ko">/);
    expect(html).toContain('<title>비교 보고서: graviton-vs-x86</title>');
    // The written page is no run: `loadctl runs` still lists the two.
    const runs = await runCli(['runs', '--results', results, '--json'], { cwd: dir });
    expect((JSON.parse(runs.stdout) as unknown[]).length).toBe(2);
  });

  it('writes JUnit with a case per rule and side, per threshold and side, and per side', async () => {
    const r = await runCli(
      [
        'compare',
        'x86',
        'graviton',
        '--format',
        'junit',
        '--results',
        results,
        '--fail-on',
        'p95>+10%,error_rate>+0.5pp',
      ],
      { cwd: dir },
    );
    const verdict = await gateOf('p95>+10%,error_rate>+0.5pp');
    expect(r.code, r.stderr).toBe(verdict.code);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
    }).parse(r.stdout) as {
      testsuites: {
        tests: string;
        failures: string;
        testsuite: Array<{ name: string; testcase: Array<{ name: string; failure?: { message: string } }> }>;
      };
    };
    const suite = doc.testsuites.testsuite[0];
    expect(doc.testsuites.testsuite).toHaveLength(1);
    expect(suite?.name).toBe('compare');
    // 2 rules × graviton, 2 thresholds × 2 sides, 2 sides' runs.
    expect(doc.testsuites.tests).toBe('8');
    const p95 = suite?.testcase.find((t) => t.name === 'p95>+10% · graviton');
    // A failed rule is a failed case with the change (a decimal below +100%: "+35.1%"); any other is not.
    if (verdict.statuses[0] === 'failed')
      expect(p95?.failure?.message).toMatch(/^p95 \+[\d.,]+% against x86, limit > \+10%: significant$/);
    else expect(p95?.failure).toBeUndefined();
    expect(suite?.testcase.find((t) => t.name === 'error_rate>+0.5pp · graviton')?.failure).toBeUndefined();

    const file = join(dir, 'compare-junit.xml');
    const written = await runCli(
      ['compare', 'x86', 'graviton', '--format', 'junit', '-o', file, '--results', results],
      { cwd: dir },
    );
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('compare-junit.xml\n');
    expect(readFileSync(file, 'utf8')).toContain(
      '<testsuites name="loadctl compare graviton-vs-x86 x86 vs graviton" tests="6"',
    );
  });

  it('-o that is a folder is a usage error (exit 2); a damaged run named by id exits 3', async () => {
    const folder = await runCli(
      ['compare', 'x86', 'graviton', '--format', 'html', '-o', '.', '--results', results],
      {
        cwd: dir,
      },
    );
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('-o . is a folder');
    expect(folder.stderr).not.toContain('internal error');

    const copy = join(dir, 'damaged-results');
    await cp(results, copy, { recursive: true });
    const summary = join(copy, 'graviton-vs-x86', ids[1] ?? '', 'summary.json');
    const value = JSON.parse(await readFile(summary, 'utf8')) as { outcome: { kind: unknown } };
    value.outcome.kind = 7;
    await writeFile(summary, JSON.stringify(value));
    const r = await runCli(['compare', ids[0] ?? '', ids[1] ?? '', '--results', copy], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${ids[1] ?? ''}/summary.json: outcome.kind:`);
    expect(r.stderr).not.toContain('internal error');
  });

  it('rejects an unknown format or language (exit 2)', async () => {
    const fmt = await runCli(['compare', 'x86', 'graviton', '--format', 'pdf', '--results', results], {
      cwd: dir,
    });
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toContain('--format pdf is not one of table, markdown, json, html, junit');
    const lang = await runCli(
      ['compare', 'x86', 'graviton', '--format', 'html', '--lang', 'fr', '--results', results],
      {
        cwd: dir,
      },
    );
    expect(lang.code).toBe(2);
  });
});
