import { renderDiagnostic, type Diagnostic } from '../../plans/diagnostics.js';
import { EXIT, PlanError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { displayPath, readPlan } from '../../plans/load.js';
import { terminalSafe } from '../../terminal-safe.js';

export interface ValidateOptions {
  json?: boolean;
}

interface FileResult {
  file: string;
  valid: boolean;
  diagnostics: readonly Diagnostic[];
}

async function validateOne(io: Io, file: string): Promise<FileResult> {
  try {
    const loaded = await readPlan(io, file);
    // A plan's own k6 script is bundled as render and run would, so its syntax errors show here too.
    // Loaded only for such plans: bundling is most of what render costs, and plain plans need none of it.
    const script =
      loaded.plan.script === undefined
        ? undefined
        : await (await import('../../run/prepare-script.js')).readUserScript(io, loaded);
    if (script?.ok === false)
      return {
        file: loaded.file,
        valid: false,
        diagnostics: [...loaded.diagnostics, ...script.diagnostics],
      };
    return { file: loaded.file, valid: true, diagnostics: loaded.diagnostics };
  } catch (err) {
    if (err instanceof PlanError)
      return { file: displayPath(io.cwd, file), valid: false, diagnostics: err.diagnostics };
    throw err;
  }
}

export function renderValidateReport(results: readonly FileResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const d of r.diagnostics) lines.push(renderDiagnostic(d));
    const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = r.diagnostics.length - errors;
    const counts = [
      errors && `${errors} error${errors === 1 ? '' : 's'}`,
      warnings && `${warnings} warning${warnings === 1 ? '' : 's'}`,
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `${r.valid ? '✓' : '✗'} ${terminalSafe(r.file)}: ${r.valid ? 'valid' : 'invalid'}${counts ? ` (${counts})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function runValidate(io: Io, files: string[], opts: ValidateOptions): Promise<ExitCode> {
  const results: FileResult[] = [];
  for (const file of files) results.push(await validateOne(io, file));
  if (opts.json) io.stdout.write(`${JSON.stringify({ plans: results }, null, 2)}\n`);
  else io.stdout.write(renderValidateReport(results));
  return results.every((r) => r.valid) ? EXIT.ok : EXIT.usage;
}
