// Reading a plan from disk: the effectful half of validation (the file, and the files it names).
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { checkDataSets, type DataSetProblems } from './load-datasets.js';
import { decodePlanBytes, MAX_PLAN_BYTES, parsePlanText, type PlanSource } from './parse.js';
import type { Plan } from './schema.js';
import { placeFindings, validatePlan, type ValidPlan } from './validate.js';
import { PlanError } from '../errors.js';
import { describeRefusal, formatBytes, ReadRefusedError } from '../io/bounded-fs.js';
import type { Io } from '../io/io.js';

export interface LoadedPlan extends ValidPlan {
  /** The path as given, for messages. */
  file: string;
  /** Absolute path of the plan; data and script paths are relative to its folder. */
  absPath: string;
  source: PlanSource;
  plan: Plan;
  /** The plan as parsed, before validation. */
  raw: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export function planRelative(planAbsPath: string, file: string): string {
  return isAbsolute(file) ? file : resolve(dirname(planAbsPath), file);
}

function refusedPlan(file: string, err: ReadRefusedError): PlanError {
  const r = err.refusal;
  const message =
    r.kind === 'not-a-file'
      ? `this is ${r.what}, not a plan file; loadctl reads plans from regular files only`
      : `the plan ${describeRefusal(r)}; larger plans are refused unread`;
  const hint =
    r.kind === 'not-a-file'
      ? 'pass the path of a .yaml plan (plans live in plans/*.yaml)'
      : `a plan is a short YAML file (under ${formatBytes(MAX_PLAN_BYTES)}): keep bulk data in files named under data:`;
  return new PlanError([{ severity: 'error', file, path: [], message, hint }]);
}

async function readPlanBytes(io: Io, file: string, absPath: string): Promise<Uint8Array> {
  try {
    // The limit applies while reading: /dev/zero or a 3 GB file costs a stat or 2 MiB, not all memory.
    return await io.readBytes(absPath, MAX_PLAN_BYTES);
  } catch (err) {
    if (err instanceof ReadRefusedError) throw refusedPlan(file, err);
    const code = errnoCode(err);
    const message =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'this is a folder, not a plan file'
          : code === 'EACCES'
            ? 'permission denied'
            : `cannot read it (${code ?? String(err)})`;
    const hint = code === 'ENOENT' ? 'plans live in plans/*.yaml; `ls plans` lists them' : undefined;
    throw new PlanError([{ severity: 'error', file, path: [], message, ...(hint ? { hint } : {}) }]);
  }
}

/** Files the plan names must exist; reported like any other plan problem. */
async function checkReferencedFiles(io: Io, absPath: string, plan: Plan): Promise<DataSetProblems> {
  const out = await checkDataSets(io, plan, {
    resolve: (file) => planRelative(absPath, file),
    show: (file) => displayPath(io.cwd, file),
  });
  if (plan.script !== undefined) {
    const path = typeof plan.script === 'string' ? plan.script : plan.script.path;
    if (!(await io.exists(planRelative(absPath, path)))) {
      out.findings.push({
        severity: 'error',
        path: typeof plan.script === 'string' ? ['script'] : ['script', 'path'],
        message: `script ${JSON.stringify(path)} does not exist`,
        hint: 'paths are relative to the plan file',
      });
    }
  }
  return out;
}

/** The plan's path for messages: relative to the working folder when it is inside it. */
export function displayPath(cwd: string, file: string): string {
  const absPath = resolve(cwd, file);
  const rel = relative(cwd, absPath);
  return rel === '' || rel.startsWith('..') ? absPath : rel;
}

/** Reads, parses and validates; throws PlanError with every problem, returns warnings with the plan. */
export async function readPlan(io: Io, file: string): Promise<LoadedPlan> {
  const absPath = resolve(io.cwd, file);
  const shown = displayPath(io.cwd, file);
  const bytes = await readPlanBytes(io, shown, absPath);
  const decoded = decodePlanBytes(shown, bytes);
  if (!decoded.ok) throw new PlanError(decoded.diagnostics);
  const parsed = parsePlanText(shown, decoded.text);
  if (!parsed.ok) throw new PlanError(parsed.diagnostics);
  const validated = validatePlan(parsed.source);
  const diagnostics = [...parsed.diagnostics, ...validated.diagnostics];
  if (!validated.plan) throw new PlanError(sortDiagnostics(diagnostics));
  const files = await checkReferencedFiles(io, absPath, validated.plan);
  const fileProblems = placeFindings(parsed.source, files.findings);
  const all = sortDiagnostics([...diagnostics, ...fileProblems, ...files.diagnostics]);
  if (hasErrors(all)) throw new PlanError(all);
  return {
    file: shown,
    absPath,
    source: parsed.source,
    plan: validated.plan,
    withProfile: validated.withProfile ?? {},
    raw: parsed.source.value as Record<string, unknown>,
    diagnostics: all,
  };
}
