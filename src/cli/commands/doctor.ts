// `loadctl doctor`: read the host once (probe), check it against what the plan needs (pure), print.
import { resolve } from 'node:path';
import { checkDoctor, doctorFailed } from '../../doctor/checks.js';
import {
  computeNeeds,
  selectMonitors,
  selectTargets,
  type MonitorToProbe,
  type PlanNeeds,
  type TargetToProbe,
} from '../../doctor/needs.js';
import { probeDoctorFacts } from '../../doctor/probe.js';
import { renderDoctorJson, renderDoctorTable, toDoctorReport } from '../../doctor/render.js';
import { renderDiagnostic } from '../../plans/diagnostics.js';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { readPlan } from '../../plans/load.js';
import { resolveOrThrow } from '../../run/prepare-script.js';

export interface DoctorOptions {
  plan?: string;
  target?: string;
  profile?: string;
  results?: string;
  samples?: boolean;
  json?: boolean;
  strict?: boolean;
}

async function planInputs(
  io: Io,
  opts: DoctorOptions,
): Promise<{
  needs?: PlanNeeds;
  targets: TargetToProbe[];
  monitors?: MonitorToProbe[];
  secrets?: string[];
  planName?: string;
}> {
  if (opts.plan === undefined) {
    if (opts.profile !== undefined) throw usageError('--profile needs --plan');
    if (opts.target === undefined) return { targets: [] };
    // Without a plan, --target may be a URL to look at.
    if (!/^https?:\/\//.test(opts.target))
      throw usageError('--target needs --plan, or a URL', 'e.g. --target http://127.0.0.1:8080');
    return { targets: [{ name: opts.target, url: opts.target }] };
  }
  const loaded = await readPlan(io, opts.plan);
  for (const d of loaded.diagnostics) io.stderr.write(`${renderDiagnostic(d)}\n`);
  // Resolving applies the profile and checks --target; without --target every target is looked at.
  const anyTarget = opts.target ?? Object.keys(loaded.plan.targets)[0];
  const { plan } = resolveOrThrow(loaded, { target: anyTarget, profile: opts.profile });
  return {
    needs: computeNeeds(plan, { samples: opts.samples === true, target: opts.target }),
    targets: selectTargets(plan, opts.target),
    monitors: selectMonitors(plan, opts.target),
    secrets: plan.secrets ?? [],
    planName: loaded.file,
  };
}

export async function runDoctor(io: Io, opts: DoctorOptions): Promise<ExitCode> {
  const { needs, targets, monitors, secrets, planName } = await planInputs(io, opts);
  const facts = await probeDoctorFacts(io, {
    resultsDir: resolve(io.cwd, opts.results ?? 'results'),
    targets,
    ...(monitors ? { monitors } : {}),
    ...(secrets ? { secrets } : {}),
  });
  const findings = checkDoctor(facts, needs);
  const failed = doctorFailed(findings, opts.strict === true);
  const report = toDoctorReport(findings, planName, !failed);
  io.stdout.write(
    opts.json
      ? renderDoctorJson(report)
      : renderDoctorTable(report, {
          color: io.stdout.isTTY && !io.env.NO_COLOR,
          strict: opts.strict === true,
        }),
  );
  return failed ? EXIT.environment : EXIT.ok;
}
