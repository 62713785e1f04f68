// esbuild, the one module that imports it. A build's result is a value: its errors come back as messages
// with absolute file paths, never as a throw, so callers decide which are the user's and which are ours.
import { isAbsolute, resolve } from 'node:path';
import type { BuildOptions, Message, Plugin } from 'esbuild';

/** How the output is written; the caller's policy (k6's JavaScript), not this module's. */
export interface BundleOutput {
  format: 'cjs' | 'esm';
  target: string;
  platform: 'neutral' | 'node' | 'browser';
  /** Syntax to keep although `target` lacks it (esbuild's `supported`). */
  supported?: Readonly<Record<string, boolean>>;
  /** JavaScript appended after the bundle (esbuild's `footer`). */
  footer?: string;
}

export interface BundleSpec extends BundleOutput {
  /** Absolute path of the entry module. */
  entry: string;
  /** Import paths left as imports (`k6`, `k6/*`, `https://*`). */
  external: string[];
  /** The tsconfig that applies to every file (none: esbuild looks for one next to each file). */
  tsconfig?: string;
  /** The folder esbuild writes its path comments relative to (default: the process's). */
  workingDir?: string;
  /** Exact import paths resolved to files: `loadctl:user-script` → the user's script. */
  redirects?: Readonly<Record<string, string>>;
  /** Also list the entry's export names (ESM only: for CommonJS esbuild reports none). */
  exports?: boolean;
}

export interface BundleMessage {
  text: string;
  /** Absolute path of the file the message is about, when it has a place. */
  file?: string;
  /** 1-based. */
  line?: number;
  col?: number;
  /** The source line the message points at. */
  lineText?: string;
  notes: string[];
}

export type BundleResult =
  { ok: true; code: string; exports: string[] } | { ok: false; errors: BundleMessage[] };

const COMMON = {
  bundle: true,
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'silent',
} satisfies BuildOptions;

function redirectPlugin(redirects: Readonly<Record<string, string>>): Plugin {
  const names = Object.keys(redirects);
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return {
    name: 'loadctl-redirects',
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(?:${escaped.join('|')})$`) }, (args) => ({
        path: redirects[args.path] ?? args.path,
      }));
    },
  };
}

function toMessage(m: Message, workingDir: string): BundleMessage {
  const loc = m.location;
  const notes = m.notes.map((n) => n.text).filter((t) => t !== '');
  if (loc === null) return { text: m.text, notes };
  return {
    text: m.text,
    file: isAbsolute(loc.file) ? loc.file : resolve(workingDir, loc.file),
    line: loc.line,
    // esbuild counts columns from 0; editors and file:line:col from 1.
    col: loc.column + 1,
    lineText: loc.lineText,
    notes,
  };
}

function isBuildFailure(err: unknown): err is { errors: Message[] } {
  return err instanceof Error && Array.isArray((err as { errors?: unknown }).errors);
}

/** Bundles `spec.entry` into one JavaScript text; a failed build is `{ ok: false, errors }`. */
export async function runBundle(spec: BundleSpec): Promise<BundleResult> {
  const workingDir = spec.workingDir ?? process.cwd();
  const redirects = spec.redirects ?? {};
  try {
    // Loaded on the first bundle: commands that bundle nothing do not pay for esbuild's start.
    const { build } = await import('esbuild');
    const result = await build({
      ...COMMON,
      format: spec.format,
      target: spec.target,
      platform: spec.platform,
      ...(spec.supported !== undefined ? { supported: { ...spec.supported } } : {}),
      ...(spec.footer !== undefined ? { footer: { js: spec.footer } } : {}),
      external: spec.external,
      entryPoints: [spec.entry],
      ...(spec.tsconfig !== undefined ? { tsconfig: spec.tsconfig } : {}),
      absWorkingDir: workingDir,
      outfile: 'loadctl-bundle.js',
      metafile: spec.exports === true,
      plugins: Object.keys(redirects).length > 0 ? [redirectPlugin(redirects)] : [],
    });
    const out = result.outputFiles[0];
    if (out === undefined)
      return { ok: false, errors: [{ text: 'esbuild produced no output', file: spec.entry, notes: [] }] };
    const meta = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
    return { ok: true, code: out.text, exports: [...(meta?.exports ?? [])].sort() };
  } catch (err) {
    if (isBuildFailure(err)) return { ok: false, errors: err.errors.map((m) => toMessage(m, workingDir)) };
    throw err;
  }
}
