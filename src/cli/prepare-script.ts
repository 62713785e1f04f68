// Plan → the files a k6 run needs (bundled script, data files, options), written into one folder.
// Shared by `render` and `run`.
import { basename, join } from 'node:path';
import type { ScriptPlan } from '../k6-templates/runtime/model.js';
import { bundleTemplate, renderScriptSource } from '../k6-templates/bundle.js';
import { compileScriptPlan, defaultBaseUrl, type CompileOptions } from '../plans/compile.js';
import { resolvePlan, type ResolveChoices, type ResolvedPlan } from '../plans/resolve.js';
import { usageError } from './errors.js';
import type { Io } from './io.js';
import { planRelative, type LoadedPlan } from './load-plan.js';

export interface PreparedScript {
  resolved: ResolvedPlan;
  scriptPlan: ScriptPlan;
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
  if (resolved.plan.script !== undefined) {
    throw usageError(
      `${loaded.file}: plans with \`script\` are not rendered yet`,
      'run the script with k6 directly for now',
    );
  }
  await io.mkdirp(outDir);
  const written: string[] = [];
  const dataFiles: Record<string, string> = {};
  for (const [name, set] of Object.entries(resolved.plan.data ?? {})) {
    const rel = `data/${name}-${basename(set.file)}`;
    await io.copyFile(planRelative(loaded.absPath, set.file), join(outDir, rel));
    dataFiles[name] = `./${rel}`;
    written.push(rel);
  }
  const scriptPlan = compileScriptPlan(resolved, {
    ...extra,
    baseUrl: extra.baseUrl ?? defaultBaseUrl(resolved),
    dataFiles,
  });
  const source = renderScriptSource(await bundleTemplate(), scriptPlan);
  const scriptPath = join(outDir, 'script.js');
  const optionsPath = join(outDir, 'options.json');
  await io.writeFileAtomic(scriptPath, source);
  await io.writeFileAtomic(optionsPath, `${JSON.stringify(scriptPlan.options, null, 2)}\n`);
  written.push('script.js', 'options.json');
  return { resolved, scriptPlan, scriptPath, optionsPath, written };
}
