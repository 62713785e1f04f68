// `loadctl report` and `run --report` end to end: a real run with the real k6 against the demo service on
// loopback, its HTML report opened in headless Chromium (Debian's `chromium`, driven over the DevTools
// protocol by puppeteer-core). Without a Chromium this FAILS with how to get one: the report is only known
// to work once a browser has drawn it.
import { accessSync, constants, existsSync, readFileSync, readdirSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReport as openWithLegends } from './browser.js';
import { REPO, runCli, tempDir, writePlan } from './helpers.js';

const ARTIFACTS = join(REPO, 'test-artifacts');
const HOSTILE = '<script>alert(1)</script>';

// The same search as scripts/setup-chromium.mjs.
function findChromium(): string | undefined {
  const ok = (f: string) => {
    try {
      accessSync(f, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const explicit = process.env.LOADCTL_CHROMIUM;
  if (explicit) return ok(explicit) ? explicit : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'])
    for (const dir of (process.env.PATH ?? '').split(delimiter))
      if (dir && ok(join(dir, name))) return join(dir, name);
  return undefined;
}

// A few seconds of load with names a plan controls made hostile: an endpoint, a group and a check name.
const PLAN = `
name: report-e2e
description: '${HOSTILE} in a description'
targets:
  local:
    demo: { latencyMs: 2, jitterMs: 6, errorRate: 0.03, seatsPerSchedule: 500 }
    description: '<b>demo</b> & co'
metrics:
  seat_won: { type: counter }
scenarios:
  rush:
    executor: ramping-vus
    startVUs: 1
    stages: [{ duration: 1500ms, target: 6 }, { duration: 1500ms, target: 6 }]
    flow: rush
thresholds:
  http_req_failed: ['rate<0.5']
  'http_req_duration{name:reserve}': ['p(95)<2000']
flows:
  rush:
    think: 30ms
    steps:
      - if: '!\${vars.token}'
        steps:
          - name: token
            method: POST
            path: /auth/token
            json: { username: 'u\${vu}', password: pw }
            extract: { token: { json: $.token } }
            stopOnFailure: true
      - group: '<img src=x onerror=alert(2)>'
        steps:
          - name: '${HOSTILE}'
            path: /reservations/available/seat
            query: { scheduleId: 1 }
            headers: { Authorization: 'Bearer \${vars.token}' }
            checks:
              - status: 200
                name: '</td><script>alert(3)</script>'
          - if: '\${iter} > 0'
            steps:
              - name: reserve
                method: POST
                path: /reservations
                headers: { Authorization: 'Bearer \${vars.token}' }
                json: { scheduleId: 1, seatId: '\${iter}' }
                expect: [201, 409]
                checks: [{ status: [201, 409] }]
                record: [{ metric: seat_won, when: { status: 201 } }]
`;

interface PageFindings {
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
  title: string;
  h1: string;
  scripts: number;
  charts: Array<{ id: string; points: number; painted: number }>;
}

async function openReport(browser: Browser, file: string, screenshot?: string): Promise<PageFindings> {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
  page.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url()}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  // Every chart container gets data-points once uPlot has drawn it.
  await page.waitForFunction(
    () => document.querySelectorAll('[data-chart]:not([data-points])').length === 0,
    { timeout: 15_000 },
  );
  const found = await page.evaluate(() => {
    const charts = [...document.querySelectorAll<HTMLElement>('[data-chart]')].map((el) => {
      let painted = 0;
      for (const canvas of el.querySelectorAll('canvas')) {
        const ctx = canvas.getContext('2d');
        if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
        const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < px.length; i += 4) if ((px[i] ?? 0) > 0) painted++;
      }
      return { id: el.dataset['chart'] ?? '', points: Number(el.dataset['points']), painted };
    });
    return {
      title: document.title,
      h1: document.querySelector('h1')?.textContent ?? '',
      scripts: document.querySelectorAll('script:not([type="application/json"])').length,
      charts,
    };
  });
  if (screenshot) {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
  }
  await page.close();
  return { consoleErrors, requests, dialogs, ...found };
}

describe('loadctl report (real run, headless Chromium)', () => {
  let browser: Browser | undefined;
  let dir = '';
  let results = '';
  let runDir = '';
  let runCode: number | null = null;
  let runStderr = '';

  beforeAll(async () => {
    // A missing browser fails each test that needs it, with how to get one: never a silent skip (a
    // throwing beforeAll would only mark the tests skipped).
    const chromium = findChromium();
    if (chromium)
      browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });

    dir = await tempDir('report');
    results = join(dir, 'results');
    const plan = await writePlan(dir, 'report.yaml', PLAN);
    const r = await runCli(
      ['run', plan, '--results', results, '--no-progress', '--samples', '--report', 'html,junit,markdown'],
      { cwd: dir },
    );
    runCode = r.code;
    runStderr = r.stderr;
    const ids = readdirSync(join(results, 'report-e2e'));
    runDir = join(results, 'report-e2e', ids[0] ?? '');
  });

  afterAll(async () => {
    await browser?.close();
  });

  function needBrowser(): Browser {
    if (browser) return browser;
    throw new Error(
      'Chromium is needed to test the HTML report and was not found (looked at LOADCTL_CHROMIUM, then ' +
        'chromium, chromium-browser, google-chrome-stable, google-chrome on PATH). Install it with ' +
        '`npm run setup:chromium` (as root with apt-get: Debian’s `chromium` package) or ' +
        '`apt-get install -y chromium`, or set LOADCTL_CHROMIUM.',
    );
  }

  it('`run --report html,junit,markdown` writes them into the run folder', () => {
    expect(runStderr).not.toContain('internal error');
    expect(runCode).toBe(0);
    for (const f of ['report.html', 'junit.xml', 'report.md']) expect(existsSync(join(runDir, f))).toBe(true);
    expect(runStderr).toContain(`report (html): `);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as {
      thresholds: unknown[];
      checks: unknown[];
      invariants: unknown[];
    };
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      readFileSync(join(runDir, 'junit.xml'), 'utf8'),
    ) as { testsuites: { tests: string } };
    expect(Number(junit.testsuites.tests)).toBe(
      summary.thresholds.length + summary.checks.length + summary.invariants.length + 1,
    );
  });

  it('`report latest --format html -o` gives a page Chromium draws offline: charts, tables, no errors', async () => {
    const out = join(dir, 'report.html');
    const chromium = needBrowser();
    const r = await runCli(['report', 'latest', '--results', results, '--format', 'html', '-o', out], {
      cwd: dir,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('report.html');

    const page = await openReport(chromium, out, join(ARTIFACTS, 'report.png'));
    expect(page.consoleErrors).toEqual([]);
    expect(page.dialogs).toEqual([]);
    // The document itself and nothing else.
    expect(page.requests).toEqual([pathToFileURL(out).href]);
    expect(page.title).toBe('Load test report: report-e2e');
    expect(page.charts.map((c) => c.id)).toEqual([
      'vus',
      'rps',
      'latency',
      'errors',
      'endpoint-latency',
      // A demo target is sampled as loadctl's own process: its CPU and memory.
      'server-cpu',
      'server-memory',
      'percentiles',
      'responses',
    ]);
    for (const c of page.charts) {
      expect(c.points, c.id).toBeGreaterThan(0);
      // Axes, grid and data: thousands of painted pixels on a drawn chart.
      expect(c.painted, c.id).toBeGreaterThan(2000);
    }
    // The hostile endpoint, group and check names are in the page as text.
    const html = await readFile(out, 'utf8');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(page.scripts).toBe(2);
  });

  it('a plan named <script>alert(1)</script> renders as text', async () => {
    const chromium = needBrowser();
    // Plan names are validated (letters, digits, - _ .), so a real run cannot have this one; a stored
    // summary can hold anything, so the report must escape it. The rest is the real run's.
    const crafted = join(dir, 'crafted-run');
    await cp(runDir, crafted, { recursive: true });
    const summaryPath = join(crafted, 'summary.json');
    const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as { plan: string };
    summary.plan = HOSTILE;
    await writeFile(summaryPath, JSON.stringify(summary));
    const out = join(dir, 'hostile.html');
    const r = await runCli(['report', crafted, '-o', out], { cwd: dir });
    expect(r.code).toBe(0);

    const page = await openReport(chromium, out, join(ARTIFACTS, 'report-hostile.png'));
    expect(page.dialogs).toEqual([]);
    expect(page.consoleErrors).toEqual([]);
    expect(page.title).toBe(`Load test report: ${HOSTILE}`);
    expect(page.h1).toBe(`Load test report: ${HOSTILE}`);
    expect(page.scripts).toBe(2);
    expect(page.charts.every((c) => c.points > 0)).toBe(true);
  });

  it('with server.json, draws the server CPU over p95 and requests/s, and its memory', async () => {
    const chromium = needBrowser();
    // The run's own server.json: the demo target was sampled as loadctl's process once a second.
    const monitored = runDir;
    const series = JSON.parse(await readFile(join(monitored, 'series.json'), 'utf8')) as {
      points: Array<{ t: number; p95?: number; rps?: number }>;
    };
    const server = JSON.parse(await readFile(join(monitored, 'server.json'), 'utf8')) as {
      series: Array<{ id: string; points: unknown[] }>;
    };
    const pointsOf = (id: string) => server.series.find((x) => x.id === id)?.points.length ?? 0;
    expect(pointsOf('processCpu')).toBeGreaterThanOrEqual(2);
    const out = join(dir, 'monitored.html');
    const r = await runCli(['report', monitored, '-o', out], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    // browser.ts's opener also reads each chart's legend.
    const page = await openWithLegends(chromium, out, join(ARTIFACTS, 'report-server.png'));
    expect(page.consoleErrors).toEqual([]);
    const cpu = page.charts.find((c) => c.id === 'server-cpu');
    const memory = page.charts.find((c) => c.id === 'server-memory');
    expect(cpu?.legend).toEqual(['process CPU', 'p95', 'requests/s']);
    // The CPU points and the run's p95 and requests/s, each where series.json has it.
    const has = (v: number | undefined) => (v === undefined ? 0 : 1);
    expect(cpu?.points).toBe(
      pointsOf('processCpu') + series.points.reduce((n, p) => n + has(p.p95) + has(p.rps), 0),
    );
    expect(cpu?.painted).toBeGreaterThan(2000);
    expect(memory?.legend).toEqual(['process memory (RSS)']);
    expect(memory?.points).toBe(pointsOf('processMemory'));
    expect(memory?.painted).toBeGreaterThan(2000);
    expect(page.charts.map((c) => c.id).indexOf('server-cpu')).toBe(
      page.charts.map((c) => c.id).indexOf('endpoint-latency') + 1,
    );
  });

  it('markdown and json go to stdout, in Korean when asked', async () => {
    const md = await runCli(
      ['report', 'latest', '--results', results, '--format', 'markdown', '--lang', 'ko'],
      {
        cwd: dir,
      },
    );
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# 부하 테스트 보고서: report-e2e\n/);
    const json = await runCli(['report', 'latest', '--results', results, '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')));
  });

  it('a damaged run folder exits 3 naming the file and the field; a bad -o exits 2, writing nothing', async () => {
    const damaged = join(dir, 'damaged-run');
    await cp(runDir, damaged, { recursive: true });
    const seriesPath = join(damaged, 'series.json');
    const series = JSON.parse(await readFile(seriesPath, 'utf8')) as {
      points: Array<Record<string, unknown>>;
    };
    series.points[0]!['t'] = 'soon';
    await writeFile(seriesPath, JSON.stringify(series));
    const r = await runCli(['report', 'damaged-run', '--format', 'markdown'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('damaged-run/series.json: points[0].t: expected number, got string "soon"');
    expect(r.stderr).toContain('re-run, or remove the run folder');
    expect(r.stderr).not.toContain('internal error');

    await mkdir(join(dir, 'a-folder'), { recursive: true });
    await writeFile(join(dir, 'a-file.md'), 'mine');
    const folder = await runCli(['report', 'latest', '--results', results, '-o', 'a-folder'], { cwd: dir });
    expect([folder.code, folder.stderr]).toEqual([2, expect.stringContaining('-o a-folder is a folder')]);
    const under = await runCli(['report', 'latest', '--results', results, '-o', 'a-file.md/x.html'], {
      cwd: dir,
    });
    expect(under.code).toBe(2);
    expect(under.stderr).toContain('-o a-file.md/x.html lies under a-file.md, which is a file');
    expect(readFileSync(join(dir, 'a-file.md'), 'utf8')).toBe('mine');
  });

  it('an unknown run, format or language is a usage error (exit 2)', async () => {
    const none = await runCli(['report', '20990101T000000Z-abcdef', '--results', results], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no run 20990101T000000Z-abcdef');
    const fmt = await runCli(['report', 'latest', '--results', results, '--format', 'pdf'], { cwd: dir });
    expect(fmt.code).toBe(2);
    const run = await runCli(['run', 'nothing.yaml', '--report', 'html,pdf'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"pdf" is not a report format');
  });
});
