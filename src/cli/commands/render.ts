import { join, relative, resolve } from 'node:path';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { readPlan } from '../../plans/load.js';
import { renderDiagnostic } from '../../plans/diagnostics.js';
import {
  describeFileInTheWay,
  probeFileInTheWay,
  resolveOrThrow,
  withOverrides,
  writeScript,
} from '../../run/prepare-script.js';
import { baseUrlEnvNames } from '../../plans/compile.js';
import { describeOverrides, parseOverrides, type OverrideFlags } from '../../plans/overrides.js';
import { terminalSafe } from '../../terminal-safe.js';

export interface RenderOptions extends OverrideFlags {
  target?: string;
  profile?: string;
  out?: string;
}

/** Before any work: an output folder that is a file, or lies under one, is the user's to change. */
async function checkOutDir(io: Io, outDir: string, out: string | undefined): Promise<void> {
  const file = await probeFileInTheWay(io, outDir);
  if (file === undefined) return;
  const reason = describeFileInTheWay(io.cwd, outDir, file);
  throw out !== undefined
    ? usageError(
        `-o ${out}: ${reason}`,
        '-o names the folder to write script.js and options.json into: a new folder or an existing one',
      )
    : usageError(
        `cannot render into ${relative(io.cwd, outDir)}: ${reason}`,
        'move that file away, or write elsewhere with -o <folder>',
      );
}

export async function runRender(io: Io, file: string, opts: RenderOptions): Promise<ExitCode> {
  const overrides = parseOverrides(opts);
  const loaded = await readPlan(io, file);
  for (const d of loaded.diagnostics) io.stderr.write(`${renderDiagnostic(d)}\n`);
  const resolved = withOverrides(
    resolveOrThrow(loaded, { target: opts.target, profile: opts.profile }),
    overrides,
  );
  const outDir = opts.out
    ? resolve(io.cwd, opts.out)
    : join(io.cwd, 'results', resolved.plan.name, 'rendered');
  await checkOutDir(io, outDir, opts.out);
  const prepared = await writeScript(io, loaded, resolved, outDir, {}, opts.out ? 'given' : 'results');
  const rel = relative(io.cwd, outDir);
  const shown = rel === '' ? '.' : rel.startsWith('..') ? outDir : rel;
  const scenarios =
    Object.keys((prepared.options.scenarios ?? {}) as object).join(', ') ||
    (resolved.plan.script !== undefined ? 'the script’s own' : 'none');
  io.stdout.write(
    [
      `rendered ${loaded.file} (target ${resolved.targetName}${resolved.profile ? `, profile ${resolved.profile}` : ''}; scenarios: ${scenarios})`,
      ...(resolved.overrides ? [`overrides: ${terminalSafe(describeOverrides(resolved.overrides))}`] : []),
      ...prepared.written.map((f) => `  ${join(shown, f)}`),
      `run it with plain k6:`,
      `  ${
        resolved.plan.script !== undefined
          ? baseUrlEnvNames(resolved.plan)
              .map((n) => `${n}=${prepared.baseUrl}`)
              .join(' ')
          : `LOADCTL_BASE_URL=${prepared.baseUrl}`
      } k6 run ${join(shown, 'script.js')}`,
      ...(resolved.target.demo !== undefined
        ? ['  (the target is the demo service: start it first with `loadctl demo`)']
        : []),
      ...(prepared.secrets.length
        ? [`  (secrets are read from the environment: ${prepared.secrets.join(', ')})`]
        : []),
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
