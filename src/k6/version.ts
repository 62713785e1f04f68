// Pure parsing and comparison of k6 versions. Nothing here runs k6; see locate.ts for that.

/** The k6 that `npm run setup:k6` builds. scripts/setup-k6.mjs carries its own copy: keep them equal. */
export const PINNED_K6_VERSION = 'v1.8.1';
/** Oldest k6 loadctl drives (inclusive). */
export const MIN_K6 = '0.49.0';
/** First k6 major loadctl does not drive: k6 keeps its CLI and output formats stable within a major. */
export const FIRST_UNSUPPORTED_K6_MAJOR = 3;

/** One line of the `Extensions:` block, e.g. `github.com/grafana/xk6-faker v0.4.0, k6/x/faker [js]`. */
export interface K6Extension {
  /** Go module path of the extension. */
  module: string;
  /** Module version as built, e.g. `v0.4.0`; may be `(devel)` for local builds. */
  version: string;
  /** What it registers: a JS import path (`k6/x/faker`) or an output name. */
  name: string;
  /** k6's extension type: `js`, `output`, `secret-source`, `subcommand`, … */
  type: string;
}

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers after `-`, e.g. `rc1` in `v1.0.0-rc1`; empty for releases. */
  prerelease: string;
}

export interface K6Version extends SemVer {
  /** Canonical `v`-prefixed text, e.g. `v1.8.1` or `v1.0.0-rc1`. */
  text: string;
  /** Go release the binary was built with, e.g. `go1.26.8`, when k6 printed it. */
  goVersion: string | undefined;
  /** `os/arch`, e.g. `linux/amd64`, when k6 printed it. */
  platform: string | undefined;
  /** Extensions compiled into the binary (xk6 builds); empty for a stock k6. */
  extensions: K6Extension[];
}

export type K6Support = { ok: true } | { ok: false; reason: string; hint: string };

const SEMVER_RE = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

// `<binary name> v<semver> (<details>)`. The name is argv[0]'s base name, so a renamed binary prints
// another name; the parenthesised Go version is what makes the line k6's (every k6 since v0.2x prints it).
const VERSION_LINE_RE =
  /^\s*(\S+)\s+(v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\s+\(([^)]*)\)\s*$/;
// The version may be empty: k6 prints none for an extension in a binary's main module.
const EXTENSION_LINE_RE = /^\s+(\S+)\s+(\S*),\s+(\S+)\s+\[([^\]]+)\]\s*$/;

/** `1.8.1`, `v1.8.1`, `v1.0.0-rc1` → parts; undefined for anything else. */
export function parseSemVer(text: string): SemVer | undefined {
  const m = SEMVER_RE.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] ?? '' };
}

/**
 * Reads the output of `k6 version` (stdout; older builds may put log noise around it).
 * Examples it accepts:
 *   k6 v1.8.1 (go1.26.8, linux/amd64)
 *   k6 v1.0.0 (commit/abcdef0123-dirty, go1.24.1, linux/amd64)
 *   k6 v0.49.0 (2024-01-29T10:22:02+0000/v0.49.0-0-g7ee8a7a, go1.21.6, linux/amd64)
 * optionally followed by an `Extensions:` block.
 */
export function parseK6Version(output: string): K6Version | undefined {
  const lines = output.split(/\r?\n/);
  const at = lines.findIndex((line) => isVersionLine(line));
  if (at < 0) return undefined;
  const m = VERSION_LINE_RE.exec(lines[at] ?? '');
  const semver = parseSemVer(m?.[2] ?? '');
  if (!m || !semver) return undefined;

  const details = (m[3] ?? '').split(',').map((part) => part.trim());
  const goVersion = details.find((part) => /^go\d/.test(part));
  // k6 always prints os/arch last; `commit/<hash>` has the same shape, so position decides.
  const last = details.at(-1) ?? '';
  const platform = /^[a-z0-9]+\/[a-z0-9]+$/.test(last) ? last : undefined;

  return {
    ...semver,
    text: renderVersion(semver),
    goVersion,
    platform,
    extensions: parseExtensions(lines.slice(at + 1)),
  };
}

function isVersionLine(line: string): boolean {
  const m = VERSION_LINE_RE.exec(line);
  return m !== null && (m[3] ?? '').split(',').some((part) => /^go\d/.test(part.trim()));
}

function parseExtensions(after: readonly string[]): K6Extension[] {
  const header = after.findIndex((line) => line.trim() === 'Extensions:');
  if (header < 0) return [];
  const extensions: K6Extension[] = [];
  for (const line of after.slice(header + 1)) {
    const m = EXTENSION_LINE_RE.exec(line);
    if (!m) break;
    extensions.push({ module: m[1] ?? '', version: m[2] ?? '', name: m[3] ?? '', type: m[4] ?? '' });
  }
  return extensions;
}

/** Semver precedence: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  return comparePrerelease(a.prerelease, b.prerelease);
}

function comparePrerelease(a: string, b: string): number {
  // A release outranks any of its pre-releases.
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xNum = /^\d+$/.test(x);
    const yNum = /^\d+$/.test(y);
    if (xNum && yNum && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (xNum !== yNum) return xNum ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Same string form as K6Version.text, for any SemVer. */
export function renderVersion(v: SemVer): string {
  return `v${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}

const MIN_SEMVER: SemVer = parseSemVer(MIN_K6) ?? { major: 0, minor: 49, patch: 0, prerelease: '' };

/** What to do when no usable k6 is at hand. */
export const K6_INSTALL_HINT =
  `Run \`npm run setup:k6\` to build the pinned k6 ${PINNED_K6_VERSION} into .tools/bin (needs Go), ` +
  `or set LOADCTL_K6_BIN to a k6 from v${MIN_K6} up to, but not including, v${FIRST_UNSUPPORTED_K6_MAJOR}.0.0.`;

/** Whether loadctl can drive this k6: v0.49.0 ≤ v < v3.0.0 (v3 pre-releases are refused too). */
export function checkK6Support(v: SemVer): K6Support {
  const text = renderVersion(v);
  if (compareVersions(v, MIN_SEMVER) < 0) {
    return {
      ok: false,
      reason: `k6 ${text} is older than v${MIN_SEMVER.major}.${MIN_SEMVER.minor}, the oldest loadctl supports.`,
      hint: K6_INSTALL_HINT,
    };
  }
  if (v.major >= FIRST_UNSUPPORTED_K6_MAJOR) {
    return {
      ok: false,
      reason: `k6 ${text} is newer than loadctl supports (below v${FIRST_UNSUPPORTED_K6_MAJOR}.0.0); its CLI or output may have changed.`,
      hint: K6_INSTALL_HINT,
    };
  }
  return { ok: true };
}
