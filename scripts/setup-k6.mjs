#!/usr/bin/env node
// Provisions the k6 loadctl drives into <repo>/.tools/bin/k6 (git-ignored).
//
//   npm run setup:k6            (also the second half of `npm run setup`)
//   node scripts/setup-k6.mjs
//
// No registry ships a k6 binary that we can rely on, so k6 is built from source with the Go toolchain:
// `go install go.k6.io/k6@<version>` into a temporary folder inside .tools, checked with `k6 version`,
// then renamed over .tools/bin/k6 (atomic: a half-built binary is never at that path). Go's module and
// build caches make rebuilds quick. When .tools/bin/k6 already is the wanted version, nothing is done.
//
// Environment:
//   LOADCTL_K6_VERSION=v1.8.1   build this k6 instead of the pinned one (must be ≥ v0.49.0 and < v3).
//   LOADCTL_SKIP_K6=1           do nothing, e.g. when you bring your own k6 via LOADCTL_K6_BIN.
//   LOADCTL_K6_BIN=/path/to/k6  loadctl uses this k6 before .tools/bin/k6. If it works and its version
//                               is supported, nothing is built; if it is set but unusable, this fails,
//                               because loadctl would refuse it too.
//   GOPROXY, GOFLAGS, GOCACHE…  passed through to `go install` (-trimpath is added to GOFLAGS).
//
// Exit status: 0 when k6 is ready (or skipped), 1 on failure with one paragraph saying what to do,
// 130 when interrupted.
//
// Plain Node with no dependencies, so it also runs before `npm install` has finished. It repeats the
// small bits of src/k6/version.ts it needs (the pin, the supported range, the `k6 version` line);
// keep the two in step.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PINNED_K6_VERSION = 'v1.8.1';
const MIN_K6 = { major: 0, minor: 49, patch: 0 };
const FIRST_UNSUPPORTED_MAJOR = 3;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = path.join(ROOT, '.tools');
const EXE = process.platform === 'win32' ? 'k6.exe' : 'k6';
const TARGET = path.join(TOOLS, 'bin', EXE);
const TARGET_SHOWN = path.relative(ROOT, TARGET);
// Same promises loadctl makes for every k6 it starts: nothing reported home, nothing downloaded.
const K6_ENV = { ...process.env, K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' };
const HEARTBEAT_MS = 20_000;

class SetupError extends Error {}

function say(line) {
  process.stdout.write(`setup-k6: ${line}\n`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function parseSemVer(text) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] ?? '' };
}

function renderVersion(v) {
  return `v${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}

function isSupported(v) {
  const below =
    v.major !== MIN_K6.major
      ? v.major < MIN_K6.major
      : v.minor !== MIN_K6.minor
        ? v.minor < MIN_K6.minor
        : v.patch !== MIN_K6.patch
          ? v.patch < MIN_K6.patch
          : v.prerelease !== '';
  return !below && v.major < FIRST_UNSUPPORTED_MAJOR;
}

const RANGE_TEXT = `v${MIN_K6.major}.${MIN_K6.minor}.${MIN_K6.patch} or newer, below v${FIRST_UNSUPPORTED_MAJOR}.0.0`;

/** Runs `<file> version`: { ok: true, version } or { ok: false, detail }. */
function probeK6(file) {
  const run = spawnSync(file, ['version'], { encoding: 'utf8', timeout: 15_000, env: K6_ENV, stdio: 'pipe' });
  if (run.error) {
    const code = run.error.code;
    if (code === 'ENOENT') return { ok: false, detail: 'there is no file there' };
    if (code === 'EACCES') return { ok: false, detail: 'it is not executable' };
    if (code === 'ETIMEDOUT') return { ok: false, detail: '`version` did not answer within 15 s' };
    return { ok: false, detail: `it could not be started (${run.error.message})` };
  }
  if (run.signal) return { ok: false, detail: `\`version\` was ended by ${run.signal}` };
  if (run.status !== 0) {
    const why = (run.stderr || run.stdout || '').trim().split('\n')[0];
    return { ok: false, detail: `\`version\` exited with code ${run.status}${why ? `: ${why}` : ''}` };
  }
  // `<name> v1.8.1 (…, go1.26.8, linux/amd64)`; see parseK6Version in src/k6/version.ts.
  for (const line of run.stdout.split(/\r?\n/)) {
    const m = /^\s*\S+\s+(v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+\S+)?\s+\(([^)]*\bgo\d[^)]*)\)\s*$/.exec(
      line,
    );
    const version = m && parseSemVer(m[1]);
    if (version) return { ok: true, version };
  }
  const first = run.stdout.trim().split('\n')[0] ?? '';
  const printed = first ? JSON.stringify(first) : 'nothing';
  return { ok: false, detail: `it does not look like k6 (\`version\` printed ${printed})` };
}

function resolveWantedVersion() {
  const requested = process.env.LOADCTL_K6_VERSION?.trim();
  if (!requested) return parseSemVer(PINNED_K6_VERSION);
  const v = parseSemVer(requested);
  if (!v) {
    throw new SetupError(
      `LOADCTL_K6_VERSION=${requested} is not a k6 release version such as ${PINNED_K6_VERSION}. ` +
        `Set it to a full version (v<major>.<minor>.<patch>) or unset it to build the pinned ${PINNED_K6_VERSION}.`,
    );
  }
  if (!isSupported(v)) {
    throw new SetupError(
      `LOADCTL_K6_VERSION=${requested} asks for a k6 loadctl does not support (it needs ${RANGE_TEXT}). ` +
        `Pick a version in that range or unset LOADCTL_K6_VERSION to build the pinned ${PINNED_K6_VERSION}.`,
    );
  }
  return v;
}

/** True when LOADCTL_K6_BIN names a usable k6 (so nothing needs building); throws when it is unusable. */
function checkUserK6() {
  const configured = process.env.LOADCTL_K6_BIN;
  if (!configured) return false;
  const file = path.resolve(configured);
  const probe = probeK6(file);
  const shown = file === configured ? configured : `${configured} (${file})`;
  if (!probe.ok) {
    throw new SetupError(
      `LOADCTL_K6_BIN is set to ${shown}, but ${probe.detail}. loadctl uses LOADCTL_K6_BIN before ` +
        `${TARGET_SHOWN}, so building the project k6 would not help: point LOADCTL_K6_BIN at a working k6 ` +
        `(${RANGE_TEXT}), or unset it and run \`npm run setup:k6\` again to build the pinned ${PINNED_K6_VERSION}.`,
    );
  }
  if (!isSupported(probe.version)) {
    throw new SetupError(
      `LOADCTL_K6_BIN is set to ${shown}, which is k6 ${renderVersion(probe.version)}; loadctl needs ` +
        `${RANGE_TEXT}. Point LOADCTL_K6_BIN at a supported k6, or unset it and run \`npm run setup:k6\` ` +
        `again to build the pinned ${PINNED_K6_VERSION}.`,
    );
  }
  say(`using k6 ${renderVersion(probe.version)} from LOADCTL_K6_BIN=${shown}; nothing to build.`);
  return true;
}

/** A supported k6 on PATH, described for a message, or ''. loadctl falls back to it when .tools has none. */
function describeK6OnPath() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const file = path.join(dir, EXE);
    if (!existsSync(file)) continue;
    const probe = probeK6(file);
    if (probe.ok && isSupported(probe.version)) return `k6 ${renderVersion(probe.version)} at ${file}`;
  }
  return '';
}

function probeGo() {
  const run = spawnSync('go', ['version'], { encoding: 'utf8', stdio: 'pipe' });
  if (run.error?.code === 'ENOENT') {
    const onPath = describeK6OnPath();
    throw new SetupError(
      'Go is needed to build k6, but `go` is not on PATH. Install it, then run `npm run setup:k6` again: on ' +
        'Debian or Ubuntu `sudo apt-get install golang` (k6 needs a recent Go; if the packaged one is too old, use ' +
        'the official tarball from https://go.dev/dl/ and add /usr/local/go/bin to PATH). If you already have ' +
        `a k6 (${RANGE_TEXT}), set LOADCTL_K6_BIN to it instead.` +
        (onPath ? ` Until then loadctl will use the ${onPath}.` : ''),
    );
  }
  if (run.error || run.status !== 0) {
    throw new SetupError(
      `\`go version\` failed (${run.error?.message ?? `exit code ${run.status}`}); fix the Go installation ` +
        'and run `npm run setup:k6` again.',
    );
  }
  return /\bgo\d+(?:\.\d+)*\S*/.exec(run.stdout)?.[0] ?? run.stdout.trim();
}

/** Streams `go install` output with a prefix; resolves to { code, signal, interrupted }. */
function runGoInstall(modulePath, gobin) {
  return new Promise((resolve) => {
    const goflags = [process.env.GOFLAGS, '-trimpath'].filter(Boolean).join(' ');
    const child = spawn('go', ['install', modulePath], {
      cwd: gobin,
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0', GOFLAGS: goflags },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = Date.now();
    let interrupted = false;
    // A terminal Ctrl-C reaches go directly (same process group); also pass on a SIGINT sent to us alone,
    // and stay alive until go has stopped so the temporary folder is removed.
    const onSigint = () => {
      interrupted = true;
      child.kill('SIGINT');
    };
    process.on('SIGINT', onSigint);
    const heartbeat = setInterval(
      () => say(`… still building (${seconds(Date.now() - started)})`),
      HEARTBEAT_MS,
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`  [go] ${line}\n`));
    }
    const finish = (result) => {
      clearInterval(heartbeat);
      process.off('SIGINT', onSigint);
      resolve({ ...result, interrupted, ms: Date.now() - started });
    };
    child.on('error', (error) => finish({ code: null, signal: null, error }));
    child.on('close', (code, signal) => finish({ code, signal }));
  });
}

async function main() {
  if (['1', 'true', 'yes'].includes((process.env.LOADCTL_SKIP_K6 ?? '').toLowerCase())) {
    say('LOADCTL_SKIP_K6 is set; not provisioning k6.');
    return 0;
  }
  const wanted = resolveWantedVersion();
  const wantedText = renderVersion(wanted);
  if (checkUserK6()) return 0;

  if (existsSync(TARGET)) {
    const current = probeK6(TARGET);
    if (current.ok && renderVersion(current.version) === wantedText) {
      say(`k6 ${wantedText} is already installed at ${TARGET_SHOWN}; nothing to do.`);
      return 0;
    }
    say(
      current.ok
        ? `${TARGET_SHOWN} is k6 ${renderVersion(current.version)}; replacing it with ${wantedText}.`
        : `${TARGET_SHOWN} is unusable (${current.detail}); rebuilding it.`,
    );
  }

  const goVersion = probeGo();
  // Go's semantic import versioning: k6 v2+ lives at go.k6.io/k6/v2 and so on.
  const modulePath = `go.k6.io/k6${wanted.major >= 2 ? `/v${wanted.major}` : ''}@${wantedText}`;
  say(`building k6 ${wantedText} with ${goVersion}: go install ${modulePath}`);
  say("a first build takes a minute or two; later ones reuse Go's caches.");

  mkdirSync(path.dirname(TARGET), { recursive: true });
  const gobin = mkdtempSync(path.join(TOOLS, '.k6-build-'));
  try {
    const build = await runGoInstall(modulePath, gobin);
    if (build.interrupted || build.signal === 'SIGINT') {
      say(`interrupted after ${seconds(build.ms)}; ${TARGET_SHOWN} was left as it was.`);
      return 130;
    }
    if (build.error || build.code !== 0) {
      const how = build.error
        ? `could not start (${build.error.message})`
        : `failed (${build.signal ? `ended by ${build.signal}` : `exit code ${build.code}`})`;
      throw new SetupError(
        `\`go install ${modulePath}\` ${how} after ${seconds(build.ms)}; the lines marked [go] above say why. ` +
          `Usual causes: the Go module proxy is unreachable (check GOPROXY and network access), ${goVersion} ` +
          `is older than the Go this k6 needs (its go.mod names the minimum; install a newer Go), or ` +
          `${wantedText} does not exist (\`go list -m -versions ${modulePath.split('@')[0]}\` lists them). ${TARGET_SHOWN} ` +
          'was left as it was.',
      );
    }
    const built = path.join(gobin, EXE);
    const check = probeK6(built);
    if (!check.ok || renderVersion(check.version) !== wantedText) {
      throw new SetupError(
        `Go built ${built}, but ${check.ok ? `it reports k6 ${renderVersion(check.version)}` : check.detail} ` +
          `instead of k6 ${wantedText}, so it was not installed. Run \`npm run setup:k6\` again; if it repeats, ` +
          'clear the Go build cache (`go clean -cache`) and report the output above.',
      );
    }
    renameSync(built, TARGET);
    say(`installed k6 ${wantedText} at ${TARGET_SHOWN} (built in ${seconds(build.ms)}).`);
    return 0;
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
}

// The one exit point: every failure becomes one paragraph on stderr and exit status 1.
try {
  process.exitCode = await main();
} catch (error) {
  const message =
    error instanceof SetupError ? error.message : `unexpected failure: ${error?.stack ?? error}`;
  process.stderr.write(`setup-k6: ${message}\n`);
  process.exitCode = 1;
}
