import { join, relative, resolve } from 'node:path';
import { EXIT, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { readPlan } from '../../plans/load.js';
import { renderDiagnostic } from '../../plans/diagnostics.js';
import { resolveOrThrow, writeScript } from '../../run/prepare-script.js';
import { baseUrlEnvNames } from '../../plans/compile.js';

export interface RenderOptions {
  target?: string;
  profile?: string;
  out?: string;
}

export async function runRender(io: Io, file: string, opts: RenderOptions): Promise<ExitCode> {
  const loaded = await readPlan(io, file);
  for (const d of loaded.diagnostics) io.stderr.write(`${renderDiagnostic(d)}\n`);
  const resolved = resolveOrThrow(loaded, { target: opts.target, profile: opts.profile });
  const outDir = opts.out
    ? resolve(io.cwd, opts.out)
    : join(io.cwd, 'results', resolved.plan.name, 'rendered');
  const prepared = await writeScript(io, loaded, resolved, outDir);
  const rel = relative(io.cwd, outDir);
  const shown = rel === '' ? '.' : rel.startsWith('..') ? outDir : rel;
  const scenarios =
    Object.keys((prepared.options.scenarios ?? {}) as object).join(', ') ||
    (resolved.plan.script !== undefined ? 'the script’s own' : 'none');
  io.stdout.write(
    [
      `rendered ${loaded.file} (target ${resolved.targetName}${resolved.profile ? `, profile ${resolved.profile}` : ''}; scenarios: ${scenarios})`,
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
