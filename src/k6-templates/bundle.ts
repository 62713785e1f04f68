// Turns k6 TypeScript into the one JavaScript file k6 runs. The only module that imports esbuild.
//
// A generated script is the plan as data plus the template code:
//   line 1:  var __LOADCTL_PLAN__ = "<the plan as JSON, as a JS string literal>";
//   line 2+: the esbuild bundle of runtime/entry.ts, the same text for every plan.
// The template parses that string; no plan text is ever spliced into code.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BuildFailure, BuildOptions, Message } from 'esbuild';
import type { ScriptOverlay, ScriptPlan } from './runtime/model.js';

const PLAN_VARIABLE = '__LOADCTL_PLAN__';
const PLAN_LINE = /^var __LOADCTL_PLAN__ = ("(?:[^"\\]|\\.)*");\r?$/;

const K6_BUILD = {
  bundle: true,
  // k6 runs CommonJS as well as ESM, and in CommonJS the plan's `var` on line 1 shares the module scope
  // with the bundle below it.
  format: 'cjs',
  target: 'es2017',
  platform: 'neutral',
  // k6's built-in modules exist only inside k6.
  external: ['k6', 'k6/*'],
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'silent',
} satisfies BuildOptions;

/**
 * runtime/entry.ts next to this module when running from src/ (vitest), or back in src/ when running from
 * dist/k6-templates/bundle.js (the build leaves the runtime out; the package ships it as source).
 */
function locateRuntimeDir(): string {
  const candidates = [
    new URL('./runtime/', import.meta.url),
    new URL('../../src/k6-templates/runtime/', import.meta.url),
  ];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(`${dir}entry.ts`)) return dir;
  }
  throw new Error(
    `loadctl: cannot find the k6 templates (runtime/entry.ts) next to ${fileURLToPath(import.meta.url)}`,
  );
}

function formatMessage(m: Message): string {
  const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
  return `${where}${m.text}`;
}

function isBuildFailure(err: unknown): err is BuildFailure {
  return err instanceof Error && Array.isArray((err as Partial<BuildFailure>).errors);
}

/** esbuild's failure, with every error as `file:line:col: text`. */
function explainBuildFailure(what: string, err: unknown): Error {
  if (!isBuildFailure(err)) return err instanceof Error ? err : new Error(String(err));
  const lines = err.errors.map(formatMessage);
  return new Error(`${what} failed to bundle:\n  ${lines.join('\n  ')}`, { cause: err });
}

let templateCache: Promise<string> | undefined;

/** The template bundle, built once per process. */
export function bundleTemplate(): Promise<string> {
  templateCache ??= buildTemplate().catch((err: unknown) => {
    templateCache = undefined;
    throw err;
  });
  return templateCache;
}

async function buildTemplate(): Promise<string> {
  const runtimeDir = locateRuntimeDir();
  try {
    const result = await build({
      ...K6_BUILD,
      entryPoints: [`${runtimeDir}entry.ts`],
      tsconfig: `${runtimeDir}tsconfig.json`,
      // Fixes the "// runtime/values.ts" comments esbuild writes, whatever the cwd or src/ vs dist/.
      absWorkingDir: dirname(runtimeDir),
      outfile: 'loadctl-template.js',
    });
    const out = result.outputFiles[0];
    if (out === undefined) throw new Error('esbuild produced no output for the k6 template');
    // Below the plan line this would be a plain string statement, not a directive: leave it out.
    return out.text.replace(/^"use strict";\n/, '');
  } catch (err) {
    throw explainBuildFailure('the k6 template (src/k6-templates/runtime/entry.ts)', err);
  }
}

/** A JS string literal for `text`; JSON.stringify escapes all but U+2028/U+2029, which older JS engines reject. */
function renderStringLiteral(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function renderScriptSource(templateCode: string, plan: ScriptPlan): string {
  return `var ${PLAN_VARIABLE} = ${renderStringLiteral(JSON.stringify(plan))};\n${templateCode}`;
}

function splitFirstLine(source: string): [string, string] {
  const end = source.indexOf('\n');
  return end < 0 ? [source, ''] : [source.slice(0, end), source.slice(end + 1)];
}

/** The plan a rendered script carries (the inverse of renderScriptSource). */
export function readPlanFromScript(source: string): unknown {
  const [first] = splitFirstLine(source);
  const match = PLAN_LINE.exec(first);
  if (match?.[1] === undefined)
    throw new Error(`not a loadctl script: line 1 does not declare ${PLAN_VARIABLE}`);
  return JSON.parse(JSON.parse(match[1]) as string) as unknown;
}

/** Everything after the plan line: the same for every plan. */
export function scriptCodePart(source: string): string {
  return splitFirstLine(source)[1];
}

/**
 * Bundles a user's own k6 script (JS or TS) with its local imports into one file.
 *
 * Unlike the template this is ESM: k6 runs ESM natively, user scripts may use top-level await (k6's
 * experimental fs/csv modules need it) which esbuild cannot emit as CommonJS, and esbuild reports an ESM
 * entry's export names (for CommonJS it reports none). Remote `https://` modules stay imports: k6 fetches
 * them itself.
 */
export async function bundleUserScript(path: string): Promise<{ code: string; exports: string[] }> {
  try {
    const result = await build({
      ...K6_BUILD,
      format: 'esm',
      external: [...K6_BUILD.external, 'https://*'],
      entryPoints: [path],
      outfile: 'loadctl-user-script.js',
      metafile: true,
    });
    const out = result.outputFiles[0];
    const meta = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
    if (out === undefined || meta === undefined) throw new Error(`esbuild produced no output for ${path}`);
    return { code: out.text, exports: [...meta.exports].sort() };
  } catch (err) {
    throw explainBuildFailure(path, err);
  }
}

/**
 * An existing k6 script wrapped by runtime/user-entry.ts: the script and its local imports bundled as ESM
 * (see bundleUserScript), the plan's overlay as data on line 1.
 */
export async function bundleWrappedUserScript(scriptPath: string, overlay: ScriptOverlay): Promise<string> {
  const runtimeDir = locateRuntimeDir();
  try {
    const result = await build({
      ...K6_BUILD,
      format: 'esm',
      external: [...K6_BUILD.external, 'https://*'],
      entryPoints: [`${runtimeDir}user-entry.ts`],
      tsconfig: `${runtimeDir}tsconfig.json`,
      absWorkingDir: dirname(runtimeDir),
      outfile: 'loadctl-user-script.js',
      plugins: [
        {
          name: 'loadctl-user-script',
          setup(b) {
            b.onResolve({ filter: /^loadctl:user-script$/ }, () => ({ path: scriptPath }));
          },
        },
      ],
    });
    const out = result.outputFiles[0];
    if (out === undefined) throw new Error(`esbuild produced no output for ${scriptPath}`);
    return `var ${PLAN_VARIABLE} = ${renderStringLiteral(JSON.stringify(overlay))};\n${out.text}`;
  } catch (err) {
    throw explainBuildFailure(scriptPath, err);
  }
}
