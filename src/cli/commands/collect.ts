// `loadctl collect`: the collector for runners loadctl did not start (the k6-operator's pods): their pushed
// streams merged into the run folder `loadctl run` writes, thresholds judged on the merge, the summary printed.
import type { ExitCode } from '../../errors.js';
import { usageError } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { parseDuration } from '../../plans/duration.js';
import { readPlan } from '../../plans/load.js';
import { renderDiagnostic } from '../../plans/diagnostics.js';
import { collectRun } from '../../run/collect-run.js';
import { checkParallelism } from '../../run/k6-operator.js';
import { checkOperatorPlan, probeOperatorRunFacts } from '../../run/k6-operator-export.js';
import { parseReportOptions } from '../../run/options.js';
import { prepareRun, resolveResultsRoot } from '../../run/prepare.js';
import { resolveOrThrow } from '../../run/prepare-script.js';
import { finishPlanRun } from './run-finish.js';

export interface CollectOptions {
  listen: string;
  plan: string;
  runners: string;
  target?: string;
  profile?: string;
  results?: string;
  timeout?: string;
  json?: boolean;
  progress?: boolean;
  perRunner?: boolean;
  report?: string;
  lang?: string;
}

/** HOST:PORT, [IPv6]:PORT; port 0 is a free one (said when listening). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  const host = m?.[1] ?? m?.[2];
  if (m === null || host === undefined || port > 65535)
    throw usageError(
      `--listen ${JSON.stringify(text)} is not HOST:PORT`,
      'e.g. --listen 0.0.0.0:9400 (every interface) or --listen 127.0.0.1:9400',
    );
  return { host, port };
}

function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw usageError(`--timeout ${JSON.stringify(text)} is not a duration`, 'e.g. --timeout 30m');
  return ms;
}

export async function runCollect(io: Io, opts: CollectOptions): Promise<ExitCode> {
  const { host, port } = parseListen(opts.listen);
  const runners = checkParallelism(opts.runners);
  const timeoutMs = parseTimeout(opts.timeout);
  const { reportFormats, lang } = parseReportOptions(opts);
  const loaded = await readPlan(io, opts.plan);
  for (const d of loaded.diagnostics) io.stderr.write(`${renderDiagnostic(d)}\n`);
  const resolved = resolveOrThrow(loaded, { target: opts.target, profile: opts.profile });
  checkOperatorPlan(resolved);
  const spec = prepareRun(
    {
      loaded,
      resolved,
      resultsRoot: resolveResultsRoot(io.cwd, opts.results),
      tags: {},
      samples: false,
      // Each runner's share is kept apart too (summary.json's runners, --per-runner).
      runners: Array.from({ length: runners }, () => ({ kind: 'local' as const })),
    },
    probeOperatorRunFacts(io, 0, 'k6-operator runners'),
  );
  const run = await collectRun(
    io,
    { ...spec },
    {
      host,
      port,
      runners,
      timeoutMs,
      progress: opts.progress !== false,
    },
  );
  return finishPlanRun(io, spec, run, {
    reportFormats,
    lang,
    json: opts.json === true,
    perRunner: opts.perRunner === true,
  });
}
