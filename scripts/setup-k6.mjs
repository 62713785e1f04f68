#!/usr/bin/env node
// Provisions the k6 loadctl drives into <repo>/.tools/bin/k6 (git-ignored).
//
//   npm run setup:k6            (also the second half of `npm run setup`)
//   node scripts/setup-k6.mjs
//
// No registry ships a k6 binary that we can rely on, so k6 is built from source with the Go toolchain. The
// pinned k6 is built with loadctl's own extensions (k6/x/loadctl-sse, for plan steps with `stream:`, and
// the output `--out loadctl=…` of docs/stream.md): `go build` of the Go module in k6ext/, whose go.mod and go.sum pin k6 and every dependency, so
// the build is reproducible. That is what xk6 would do; a one-line main needs no generator. The binary goes
// into a temporary folder inside .tools, is checked with `k6 version`, then renamed over .tools/bin/k6
// (atomic: a half-built binary is never at that path). Go's module and build caches make rebuilds quick.
//
// `k6 version` of the result lists both extensions with a stamp of their sources (a hash of k6ext/'s go.mod,
// go.sum and .go files). When .tools/bin/k6 already is the pinned k6 with the extension built from the
// current sources, nothing is done; after a change under k6ext/, running this again rebuilds.
//
// Environment:
//   LOADCTL_K6_VERSION=v1.8.1   build this k6 instead of the pinned one (must be ≥ v0.49.0 and < v3). Any
//                               other version is a stock k6 (`go install go.k6.io/k6@<version>`), without
//                               the streaming extension: plans with `stream:` steps need the pinned build.
//   LOADCTL_SKIP_K6=1           do nothing, e.g. when you bring your own k6 via LOADCTL_K6_BIN.
//   LOADCTL_K6_BIN=/path/to/k6  loadctl uses this k6 before .tools/bin/k6. If it works and its version
//                               is supported, nothing is built; if it is set but unusable, this fails,
//                               because loadctl would refuse it too.
//   GOPROXY, GOFLAGS, GOCACHE…  passed through to Go (-trimpath is added).
//
// Exit status: 0 when k6 is ready (or skipped), 1 on failure with one paragraph saying what to do,
// 130 when interrupted.
//
// Plain Node with no dependencies, so it also runs before `npm install` has finished. It repeats the
// small bits of src/k6/version.ts and src/k6/stream-extension.ts it needs (the pin, the supported range, the
// `k6 version` lines, the source stamp); keep them in step.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
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

// loadctl's extensions: the Go module, the JS import and the output it registers, where the build stamps
// their version (both get the same stamp).
const EXT_DIR = path.join(ROOT, 'k6ext');
const EXT_IMPORT = 'k6/x/loadctl-sse';
const EXT_OUTPUT = 'loadctl';
const EXT_VERSION_SYMBOLS = ['loadctl.local/k6ext/sse.version', 'loadctl.local/k6ext/output.version'];

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

/** The `Extensions:` block of `k6 version`: `  <module> <version>, <name> [<type>]` lines. */
function parseExtensions(lines) {
  const at = lines.findIndex((line) => line.trim() === 'Extensions:');
  const out = [];
  if (at < 0) return out;
  for (const line of lines.slice(at + 1)) {
    const m = /^\s+(\S+)\s+(\S*),\s+(\S+)\s+\[([^\]]+)\]\s*$/.exec(line);
    if (!m) break;
    out.push({ module: m[1], version: m[2], name: m[3], type: m[4] });
  }
  return out;
}

/**
 * The stamp the build gives the extension: `src-` and 12 hex digits of a SHA-256 over k6ext/'s go.mod, go.sum
 * and .go files (not tests), each as its path, a NUL, its content and a NUL, in path order. Same as
 * renderExtensionStamp in src/k6/stream-extension.ts.
 */
function computeExtensionStamp() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/^go\.(mod|sum)$/.test(entry.name) || /(?<!_test)\.go$/.test(entry.name)) files.push(file);
    }
  };
  walk(EXT_DIR);
  const rel = files.map((file) => path.relative(EXT_DIR, file).split(path.sep).join('/')).sort();
  const hash = createHash('sha256');
  for (const name of rel) {
    hash.update(`${name}\0`);
    hash.update(readFileSync(path.join(EXT_DIR, ...name.split('/'))));
    hash.update('\0');
  }
  return `src-${hash.digest('hex').slice(0, 12)}`;
}

/** The k6 version k6ext/go.mod requires; it must be the pin. */
function readExtensionK6Pin() {
  const goMod = readFileSync(path.join(EXT_DIR, 'go.mod'), 'utf8');
  return /^\s*(?:require\s+)?go\.k6\.io\/k6\s+(v\S+)/m.exec(goMod)?.[1];
}

/** Runs `<file> version`: { ok: true, version, extensions } or { ok: false, detail }. */
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
  const lines = run.stdout.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const m = /^\s*\S+\s+(v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+\S+)?\s+\(([^)]*\bgo\d[^)]*)\)\s*$/.exec(
      line,
    );
    const version = m && parseSemVer(m[1]);
    if (version) return { ok: true, version, extensions: parseExtensions(lines.slice(i + 1)) };
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

/** Streams a `go` command's output with a prefix; resolves to { code, signal, interrupted, ms }. */
function runGo(args, { cwd, env }) {
  return new Promise((resolve) => {
    const child = spawn('go', args, {
      cwd,
      env: { ...process.env, CGO_ENABLED: '0', ...env },
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

/**
 * What to build: the pinned k6 with loadctl's streaming extension, or (LOADCTL_K6_VERSION set to another
 * version) a stock k6. Each has a description, the go command, and how to tell a binary is already it.
 */
function planBuild(wanted, gobin) {
  const wantedText = renderVersion(wanted);
  if (wantedText !== PINNED_K6_VERSION) {
    // Go's semantic import versioning: k6 v2+ lives at go.k6.io/k6/v2 and so on.
    const modulePath = `go.k6.io/k6${wanted.major >= 2 ? `/v${wanted.major}` : ''}@${wantedText}`;
    return {
      what: `k6 ${wantedText}`,
      command: `go install ${modulePath}`,
      args: ['install', modulePath],
      cwd: gobin,
      env: { GOBIN: gobin, GOFLAGS: [process.env.GOFLAGS, '-trimpath'].filter(Boolean).join(' ') },
      stamp: undefined,
    };
  }
  const pin = readExtensionK6Pin();
  if (pin !== PINNED_K6_VERSION) {
    throw new SetupError(
      `k6ext/go.mod requires go.k6.io/k6 ${pin ?? '(none)'}, but the pinned k6 is ${PINNED_K6_VERSION}. Make ` +
        `them equal (\`cd k6ext && go get go.k6.io/k6@${PINNED_K6_VERSION} && go mod tidy\`, or change the pin in ` +
        'scripts/setup-k6.mjs and src/k6/version.ts), then run `npm run setup:k6` again.',
    );
  }
  const stamp = computeExtensionStamp();
  const out = path.join(gobin, EXE);
  // -mod=readonly: the committed go.sum is the truth; a build never quietly changes it.
  const args = [
    'build',
    '-mod=readonly',
    '-trimpath',
    '-ldflags',
    EXT_VERSION_SYMBOLS.map((symbol) => `-X ${symbol}=${stamp}`).join(' '),
    '-o',
    out,
    '.',
  ];
  return {
    what: `k6 ${wantedText} with ${EXT_IMPORT} ${stamp}`,
    command: `(cd k6ext && go ${args.slice(0, 5).join(' ')} -o …)`,
    args,
    cwd: EXT_DIR,
    env: {},
    stamp,
  };
}

/** Why a probed k6 is not the build wanted, or '' when it is. */
function describeMismatch(probe, wantedText, stamp) {
  if (!probe.ok) return `is unusable (${probe.detail})`;
  const have = renderVersion(probe.version);
  if (have !== wantedText) return `is k6 ${have}`;
  const ext = probe.extensions.find((e) => e.name === EXT_IMPORT);
  // Any k6 of a requested non-pinned version will do.
  if (stamp === undefined) return '';
  if (!ext) return `is a k6 ${have} without ${EXT_IMPORT}`;
  if (ext.version !== stamp)
    return `was built from other ${EXT_IMPORT} sources (${ext.version}, now ${stamp})`;
  const out = probe.extensions.find((e) => e.name === EXT_OUTPUT && e.type === 'output');
  if (!out) return `is a k6 ${have} without the ${EXT_OUTPUT} output`;
  if (out.version !== stamp)
    return `was built from other ${EXT_OUTPUT} output sources (${out.version}, now ${stamp})`;
  return '';
}

async function main() {
  if (['1', 'true', 'yes'].includes((process.env.LOADCTL_SKIP_K6 ?? '').toLowerCase())) {
    say('LOADCTL_SKIP_K6 is set; not provisioning k6.');
    return 0;
  }
  const wanted = resolveWantedVersion();
  const wantedText = renderVersion(wanted);
  if (checkUserK6()) return 0;

  mkdirSync(path.dirname(TARGET), { recursive: true });
  const gobin = mkdtempSync(path.join(TOOLS, '.k6-build-'));
  try {
    const build = planBuild(wanted, gobin);
    if (existsSync(TARGET)) {
      const why = describeMismatch(probeK6(TARGET), wantedText, build.stamp);
      if (why === '') {
        say(`${build.what} is already installed at ${TARGET_SHOWN}; nothing to do.`);
        return 0;
      }
      say(`${TARGET_SHOWN} ${why}; building ${build.what}.`);
    }
    const goVersion = probeGo();
    say(`building ${build.what} with ${goVersion}: ${build.command}`);
    say("a first build takes a few minutes; later ones reuse Go's caches.");
    if (build.stamp === undefined) {
      say(
        `note: this is a stock k6, without ${EXT_IMPORT}: plans with \`stream:\` steps need the pinned ${PINNED_K6_VERSION}.`,
      );
    }

    const result = await runGo(build.args, { cwd: build.cwd, env: build.env });
    if (result.interrupted || result.signal === 'SIGINT') {
      say(`interrupted after ${seconds(result.ms)}; ${TARGET_SHOWN} was left as it was.`);
      return 130;
    }
    if (result.error || result.code !== 0) {
      const how = result.error
        ? `could not start (${result.error.message})`
        : `failed (${result.signal ? `ended by ${result.signal}` : `exit code ${result.code}`})`;
      throw new SetupError(
        `\`${build.command}\` ${how} after ${seconds(result.ms)}; the lines marked [go] above say why. ` +
          `Usual causes: the Go module proxy is unreachable (check GOPROXY and network access), ${goVersion} ` +
          `is older than the Go this k6 needs (its go.mod names the minimum; install a newer Go), ` +
          (build.stamp === undefined
            ? `or ${wantedText} does not exist (\`go list -m -versions go.k6.io/k6\` lists them). `
            : 'or k6ext/ does not compile or its go.sum lacks an entry (`cd k6ext && go mod tidy && go vet ./...`). ') +
          `${TARGET_SHOWN} was left as it was.`,
      );
    }
    const built = path.join(gobin, EXE);
    const why = describeMismatch(probeK6(built), wantedText, build.stamp);
    if (why !== '') {
      throw new SetupError(
        `Go built ${built}, but it ${why} instead of ${build.what}, so it was not installed. Run ` +
          '`npm run setup:k6` again; if it repeats, clear the Go build cache (`go clean -cache`) and report ' +
          'the output above.',
      );
    }
    renameSync(built, TARGET);
    say(`installed ${build.what} at ${TARGET_SHOWN} (built in ${seconds(result.ms)}).`);
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
