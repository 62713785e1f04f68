// Opening an HTML report in headless Chromium (puppeteer-core over the DevTools protocol), as
// test/e2e/report.test.ts does: the same Chromium search, the same launch flags, the same findings.
import { accessSync, constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { REPO } from './helpers.js';

export const ARTIFACTS = join(REPO, 'test-artifacts');

// The same search as scripts/setup-chromium.mjs.
export function findChromium(): string | undefined {
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

export async function launchChromium(): Promise<Browser | undefined> {
  const chromium = findChromium();
  if (!chromium) return undefined;
  return puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export const NO_CHROMIUM =
  'Chromium is needed to test the HTML report and was not found (looked at LOADCTL_CHROMIUM, then ' +
  'chromium, chromium-browser, google-chrome-stable, google-chrome on PATH). Install it with ' +
  '`npm run setup:chromium` (as root with apt-get: Debian’s `chromium` package) or ' +
  '`apt-get install -y chromium`, or set LOADCTL_CHROMIUM.';

export interface PageFindings {
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
  title: string;
  h1: string;
  scripts: number;
  /** Per chart: values drawn, painted pixels, and the series in its legend (the x axis not counted). */
  charts: Array<{ id: string; points: number; painted: number; legend: string[] }>;
}

export async function openReport(browser: Browser, file: string, screenshot?: string): Promise<PageFindings> {
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
      const legend = [...el.querySelectorAll('.u-legend .u-series')]
        .slice(1)
        .map((s) => s.querySelector('.u-label')?.textContent ?? '');
      return { id: el.dataset['chart'] ?? '', points: Number(el.dataset['points']), painted, legend };
    });
    return {
      title: document.title,
      h1: document.querySelector('h1')?.textContent ?? '',
      scripts: document.querySelectorAll('script:not([type="application/json"])').length,
      charts,
    };
  });
  if (screenshot) {
    await mkdir(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
  }
  await page.close();
  return { consoleErrors, requests, dialogs, ...found };
}
