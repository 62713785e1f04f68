// Plan → the files a k6 run needs (bundled script, data files, options), written into one folder.
// Shared by `render` and `run`.
import { basename, join } from 'node:path';
import type { ScriptPlan } from '../k6-templates/runtime/model.js';
import { bundleTemplate, bundleWrappedUserScript, renderScriptSource } from '../k6-templates/bundle.js';
import {
  compileScriptOverlay,
  compileScriptPlan,
  defaultBaseUrl,
  type CompileOptions,
} from '../plans/compile.js';
import { resolvePlan, type ResolveChoices, type ResolvedPlan } from '../plans/resolve.js';
import { usageError } from '../errors.js';
import type { Io } from '../io/io.js';
import { planRelative, type LoadedPlan } from '../plans/load.js';

export interface PreparedScript {
  resolved: ResolvedPlan;
  /** The k6 options the plan sets (for a `script:` plan, what it overlays on the script's own). */
  options: Record<string, unknown>;
  baseUrl: string;
  secrets: string[];
  /** The compiled flows, for generated plans. */
  scriptPlan?: ScriptPlan;
  scriptPath: string;
  optionsPath: string;
  /** Files written, relative to the output folder. */
  written: string[];
}

export function resolveOrThrow(loaded: LoadedPlan, choices: ResolveChoices): ResolvedPlan {
  const result = resolvePlan(loaded.raw, choices);
  if (!result.ok) throw usageError(`${loaded.file}: ${result.message}`, result.hint);
  return result.resolved;
}

export async function writeScript(
  io: Io,
  loaded: LoadedPlan,
  resolved: ResolvedPlan,
  outDir: string,
  extra: Omit<CompileOptions, 'baseUrl' | 'dataFiles'> & { baseUrl?: string } = {},
): Promise<PreparedScript> {
  await io.mkdirp(outDir);
  const written: string[] = [];
  const dataFiles: Record<string, string> = {};
  for (const [name, set] of Object.entries(resolved.plan.data ?? {})) {
    const rel = `data/${name}-${basename(set.file)}`;
    await io.copyFile(planRelative(loaded.absPath, set.file), join(outDir, rel));
    dataFiles[name] = `./${rel}`;
    written.push(rel);
  }
  const baseUrl = extra.baseUrl ?? defaultBaseUrl(resolved);
  const scriptPath = join(outDir, 'script.js');
  const optionsPath = join(outDir, 'options.json');
  const script = resolved.plan.script;
  let prepared: PreparedScript;
  if (script !== undefined) {
    const overlay = compileScriptOverlay(resolved, { ...extra, baseUrl });
    const userPath = planRelative(loaded.absPath, typeof script === 'string' ? script : script.path);
    await io.writeFileAtomic(scriptPath, await bundleWrappedUserScript(userPath, overlay));
    prepared = {
      resolved,
      options: overlay.options,
      baseUrl,
      secrets: resolved.plan.secrets ?? [],
      scriptPath,
      optionsPath,
      written,
    };
  } else {
    const scriptPlan = compileScriptPlan(resolved, { ...extra, baseUrl, dataFiles });
    await io.writeFileAtomic(scriptPath, renderScriptSource(await bundleTemplate(), scriptPlan));
    prepared = {
      resolved,
      options: scriptPlan.options,
      baseUrl,
      secrets: scriptPlan.secrets,
      scriptPlan,
      scriptPath,
      optionsPath,
      written,
    };
  }
  await io.writeFileAtomic(optionsPath, `${JSON.stringify(prepared.options, null, 2)}\n`);
  written.push('script.js', 'options.json');
  return prepared;
}
