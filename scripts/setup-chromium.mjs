#!/usr/bin/env node
// Makes sure a Chromium is there for the HTML report's end-to-end test (test/e2e/report.test.ts opens the
// report in headless Chromium). loadctl itself never needs a browser.
//
//   npm run setup:chromium       (also the last step of `npm run setup`)
//   node scripts/setup-chromium.mjs
//
// Looks for LOADCTL_CHROMIUM, then chromium, chromium-browser, google-chrome-stable and google-chrome on
// PATH. When none is found on a machine with apt-get and we are root, installs Debian's `chromium` package
// (running `apt-get update` first if the package is not known yet). Anywhere else it says how to install
// one and exits 0: a machine without a browser can still build, run and report; only that one test fails.
//
// Environment:
//   LOADCTL_CHROMIUM=/path/to/chromium   use this browser (the e2e test uses it too)
//   LOADCTL_SKIP_CHROMIUM=1              do nothing
//
// Plain Node with no dependencies, so it also runs before `npm install` has finished. The search order is
// repeated in test/e2e/report.test.ts; keep the two in step.
import { spawnSync } from 'node:child_process';
import { aptInstall, canApt, executable, findOnPath } from './apt.mjs';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

function say(line) {
  process.stdout.write(`setup-chromium: ${line}\n`);
}

function findChromium() {
  const explicit = process.env.LOADCTL_CHROMIUM;
  if (explicit) return executable(explicit) ? explicit : undefined;
  for (const name of CANDIDATES) {
    const found = findOnPath(name);
    if (found) return found;
  }
  return undefined;
}

function version(file) {
  const r = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
}

const HOW = [
  'install a Chromium for the HTML report test:',
  '  Debian/Ubuntu: sudo apt-get install -y chromium   (Ubuntu may name it chromium-browser)',
  '  macOS:         brew install --cask chromium',
  '  or point LOADCTL_CHROMIUM at any Chromium or Chrome binary',
].join('\n');

function main() {
  if (process.env.LOADCTL_SKIP_CHROMIUM === '1') {
    say('skipped (LOADCTL_SKIP_CHROMIUM=1)');
    return;
  }
  if (process.env.LOADCTL_CHROMIUM && !findChromium()) {
    say(`LOADCTL_CHROMIUM=${process.env.LOADCTL_CHROMIUM} is not an executable file`);
    say(HOW);
    return;
  }
  const found = findChromium();
  if (found) {
    say(`${found}${version(found) ? ` (${version(found)})` : ''}`);
    return;
  }
  if (!canApt()) {
    say('no Chromium found, and this script installs one only as root on a machine with apt-get');
    say(HOW);
    return;
  }
  const installed = aptInstall(say, ['chromium']);
  const now = findChromium();
  if (installed && now) say(`installed ${now}${version(now) ? ` (${version(now)})` : ''}`);
  else {
    say('could not install chromium with apt-get');
    say(HOW);
  }
}

main();
