// Turns k6 TypeScript into the one JavaScript file k6 runs. esbuild itself sits behind src/io/bundle.ts;
// this module holds the k6 policy (what k6's JavaScript is) and tells a user's mistakes from loadctl's.
//
// A generated script is the plan as data plus the template code:
//   line 1:  var __LOADCTL_PLAN__ = "<the plan as JSON, as a JS string literal>";
//   line 2+: the esbuild bundle of runtime/entry.ts, the same text for every plan.
// The template parses that string; no plan text is ever spliced into code.
import { basename, dirname, isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBundle, type BundleMessage, type BundleOutput } from '../io/bundle.js';
import type { ScriptOverlay, ScriptPlan } from './runtime/model.js';

const PLAN_VARIABLE = '__LOADCTL_PLAN__';

/**
 * esbuild's CommonJS exports are getters, and k6 calls an export's getter each time a VU starts an iteration
 * (it looks up the scenario's function). A test stopped at that moment interrupts the getter where k6 does not
 * recover, and k6 v1.8.1 panics ("context canceled at get"; seen on a runner stopped by an abortOnFail
 * threshold). The same values as plain properties are read without running any JavaScript.
 */
export const PLAIN_EXPORTS = [
  '(function () {',
  '  var plain = {};',
  '  for (var key in module.exports) plain[key] = module.exports[key];',
  "  Object.defineProperty(plain, '__esModule', { value: true });",
  '  module.exports = plain;',
  '})();',
].join('\n');
const PLAN_LINE = /^var __LOADCTL_PLAN__ = ("(?:[^"\\]|\\.)*");\r?$/;
/** The import in runtime/user-entry.ts that stands for the user's script. */
const USER_SCRIPT_IMPORT = 'loadctl:user-script';

// k6 runs CommonJS as well as ESM, and in CommonJS the plan's `var` on line 1 shares the module scope with
// the bundle below it.
const TEMPLATE_OUTPUT: BundleOutput = {
  format: 'cjs',
  target: 'es2017',
  platform: 'neutral',
  footer: PLAIN_EXPORTS,
};
// A user's script is ESM: k6 runs ESM natively, user scripts may use top-level await (k6's experimental
// fs/csv modules need it, and k6 supports it) which esbuild cannot emit as CommonJS, and esbuild reports an
// ESM entry's export names (for CommonJS it reports none).
const USER_OUTPUT: BundleOutput = {
  format: 'esm',
  target: 'es2017',
  platform: 'neutral',
  supported: { 'top-level-await': true },
};
// k6's built-in modules exist only inside k6; remote `https://` modules k6 fetches itself.
const TEMPLATE_EXTERNAL = ['k6', 'k6/*'];
const USER_EXTERNAL = [...TEMPLATE_EXTERNAL, 'https://*'];

/**
 * runtime/ next to this module when it runs as TypeScript from src/ (vitest), or back in src/ when it runs
 * from dist/k6-templates/bundle.js: the build leaves the runtime out and the package ships it as source.
 */
export function resolveRuntimeDir(moduleUrl: string): string {
  const fromSource = fileURLToPath(moduleUrl).endsWith('.ts');
  return fileURLToPath(new URL(fromSource ? './runtime/' : '../../src/k6-templates/runtime/', moduleUrl));
}

const RUNTIME_DIR = resolveRuntimeDir(import.meta.url);
// esbuild's path comments ("// runtime/values.ts") are relative to this, whatever the cwd or src/ vs dist/.
const TEMPLATES_DIR = dirname(RUNTIME_DIR);

/** A problem in the user's own script (or a file it imports), where it is and what to do. */
export interface ScriptProblem {
  /** Absolute path. */
  file: string;
  line?: number;
  col?: number;
  message: string;
  hint?: string;
}

/** A bundled user script, or the user's problems that stopped it. */
export type ScriptBundle<Extra = object> =
  ({ ok: true; code: string } & Extra) | { ok: false; problems: ScriptProblem[] };

export interface BundleErrors {
  /** The user's mistakes. */
  user: ScriptProblem[];
  /** loadctl's own (the template): a bug. */
  internal: BundleMessage[];
}

function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

const RESOLVE_FAILED = /^Could not resolve "(.*)"$/;

function resolveHint(spec: string): string {
  if (spec.startsWith('.') || spec.startsWith('/'))
    return 'no such file: an import path is relative to the file that imports it';
  return 'a k6 script imports k6 modules (k6, k6/…), https:// URLs and local files; copy what it needs from an npm package into a local file';
}

function userProblem(m: BundleMessage & { file: string }): ScriptProblem {
  const spec = RESOLVE_FAILED.exec(m.text)?.[1];
  return {
    file: m.file,
    ...(m.line !== undefined ? { line: m.line, col: m.col ?? 1 } : {}),
    message: m.text,
    hint:
      spec !== undefined
        ? resolveHint(spec)
        : 'fix the script; `loadctl validate` checks it again without running anything',
  };
}

/**
 * Sorts a failed build's errors into the user's and loadctl's. An error in a file outside the templates is
 * in the user's script or a file it imports; an error at the template's import of the user's script is
 * about that script as a whole (unreadable, no loader for its extension); any other is the template's.
 */
export function classifyBundleErrors(
  errors: readonly BundleMessage[],
  ctx: { runtimeDir: string; scriptPath: string },
): BundleErrors {
  const out: BundleErrors = { user: [], internal: [] };
  for (const m of errors) {
    if (m.file !== undefined && !isInside(ctx.runtimeDir, m.file)) {
      out.user.push(userProblem({ ...m, file: m.file }));
    } else if (m.file !== undefined && m.lineText?.includes(USER_SCRIPT_IMPORT) === true) {
      // esbuild names the script relative to its working folder (the templates'): the diagnostic names it.
      const esbuildPath = relative(dirname(ctx.runtimeDir), ctx.scriptPath);
      out.user.push({
        file: ctx.scriptPath,
        message: m.text.split(esbuildPath).join(basename(ctx.scriptPath)),
        hint: 'a plan’s `script:` names a k6 script file: .js, .mjs, .cjs or .ts',
      });
    } else {
      out.internal.push(m);
    }
  }
  return out;
}

/** `file:line:col: text`, one per message, for an internal error's text. */
export function renderBundleMessages(messages: readonly BundleMessage[]): string {
  return messages
    .map((m) => {
      const where =
        m.file === undefined ? '' : `${m.file}${m.line === undefined ? '' : `:${m.line}:${m.col ?? 1}`}: `;
      return `${where}${m.text}`;
    })
    .join('\n  ');
}

let templateCache: Promise<string> | undefined;

/**
 * The template bundle as `npm run build` wrote it (scripts/bundle-cli.mjs), next to the compiled module:
 * dist/k6-templates/k6-template.bundle.js. From src/ (tests) there is none and the template is bundled.
 */
export const PREBUILT_TEMPLATE_PATH = fileURLToPath(new URL('./k6-template.bundle.js', import.meta.url));

/**
 * The template code: the build's copy when there is one (no esbuild start, about 0.15 s of every run), else
 * bundled now. bundle.test.ts holds the build's copy equal to a fresh bundle.
 */
// The prebuilt runtime is loadctl's own file (a few hundred KiB); the limit only keeps every read bounded.
const MAX_TEMPLATE_BYTES = 16 * 1024 * 1024;

export async function readTemplate(io: {
  readText(path: string, maxBytes: number): Promise<string>;
}): Promise<string> {
  try {
    return await io.readText(PREBUILT_TEMPLATE_PATH, MAX_TEMPLATE_BYTES);
  } catch {
    return await bundleTemplate();
  }
}

/** The template bundle, built once per process. */
export function bundleTemplate(): Promise<string> {
  templateCache ??= buildTemplate().catch((err: unknown) => {
    templateCache = undefined;
    throw err;
  });
  return templateCache;
}

async function buildTemplate(): Promise<string> {
  const result = await runBundle({
    ...TEMPLATE_OUTPUT,
    entry: `${RUNTIME_DIR}entry.ts`,
    external: TEMPLATE_EXTERNAL,
    tsconfig: `${RUNTIME_DIR}tsconfig.json`,
    workingDir: TEMPLATES_DIR,
  });
  if (!result.ok)
    throw new Error(
      `the k6 template (src/k6-templates/runtime/entry.ts) failed to bundle:\n  ${renderBundleMessages(result.errors)}`,
    );
  // Below the plan line this would be a plain string statement, not a directive: leave it out.
  return result.code.replace(/^"use strict";\n/, '');
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

/** A failed user build: the user's problems, or a thrown Error when the fault is loadctl's. */
function userFailure(errors: readonly BundleMessage[], scriptPath: string): ScriptBundle<never> {
  const { user, internal } = classifyBundleErrors(errors, { runtimeDir: RUNTIME_DIR, scriptPath });
  if (internal.length > 0)
    throw new Error(
      `the k6 script wrapper failed to bundle ${scriptPath}:\n  ${renderBundleMessages(internal)}`,
    );
  return { ok: false, problems: user };
}

/**
 * Bundles a user's own k6 script (JS or TS) with its local imports into one ESM file and lists its exports.
 * Remote `https://` modules stay imports.
 */
export async function bundleUserScript(path: string): Promise<ScriptBundle<{ exports: string[] }>> {
  const result = await runBundle({ ...USER_OUTPUT, entry: path, external: USER_EXTERNAL, exports: true });
  return result.ok ? result : userFailure(result.errors, path);
}

/**
 * An existing k6 script wrapped by runtime/user-entry.ts: the script and its local imports bundled as ESM
 * (see bundleUserScript). This is the code below the plan line, the same for every overlay; a mistake in
 * the script is a value.
 */
export async function bundleUserScriptWrapper(scriptPath: string): Promise<ScriptBundle> {
  const result = await runBundle({
    ...USER_OUTPUT,
    entry: `${RUNTIME_DIR}user-entry.ts`,
    external: USER_EXTERNAL,
    tsconfig: `${RUNTIME_DIR}tsconfig.json`,
    workingDir: TEMPLATES_DIR,
    redirects: { [USER_SCRIPT_IMPORT]: scriptPath },
  });
  return result.ok ? { ok: true, code: result.code } : userFailure(result.errors, scriptPath);
}

/** The wrapped script with the plan's overlay as data on line 1. */
export function renderUserScriptSource(wrapperCode: string, overlay: ScriptOverlay): string {
  return `var ${PLAN_VARIABLE} = ${renderStringLiteral(JSON.stringify(overlay))};\n${wrapperCode}`;
}

/** bundleUserScriptWrapper and renderUserScriptSource in one step. */
export async function bundleWrappedUserScript(
  scriptPath: string,
  overlay: ScriptOverlay,
): Promise<ScriptBundle> {
  const wrapper = await bundleUserScriptWrapper(scriptPath);
  return wrapper.ok ? { ok: true, code: renderUserScriptSource(wrapper.code, overlay) } : wrapper;
}
