// `loadctl run`: plan → preflight → script → the real k6 → summary, with every artifact kept in the run folder.
import { basename, join, relative, resolve } from 'node:path';
import type { DemoService } from '../../demo/server.js';
import { findK6, projectRoot } from '../../k6/locate.js';
import { renderVersion } from '../../k6/version.js';
import { renderDiagnostic } from '../../plans/diagnostics.js';
import { baseUrlEnvNames, planEndpoints, trendStats } from '../../plans/compile.js';
import { plannedDuration, type ResolvedPlan } from '../../plans/resolve.js';
import type { Plan } from '../../plans/schema.js';
import {
  foldGuard,
  guardEndObservation,
  guardPlan,
  guardSubmetrics,
  initialGuardState,
  judgeGuard,
  type GuardObservation,
  type GuardVerdict,
} from '../../report/model/guard.js';
import {
  batchSubmetrics,
  BATCH_TAG,
  hasChecks,
  planBatches,
  summarizeBatches,
  type BatchLayout,
} from '../../report/model/batches.js';
import { parseK6Summary, type K6Summary } from '../../k6/summary.js';
import { renderProgressLine, toSeriesPoint, type LiveSnapshot, type SeriesPoint } from '../../k6/live.js';
import { classifyOutcome, parseK6ErrorLine, type Outcome } from '../../report/model/outcome.js';
import { makeRedactor } from '../../run/redact.js';
import { makeRunId } from '../../store/run-id.js';
import {
  endpointSubmetrics,
  summarizeRun,
  summarizeThresholds,
  thresholdEndpoints,
  type ComparisonRef,
  type InvariantSummary,
  type RunSummary,
} from '../../report/model/summary.js';
import { renderSummaryTable } from '../../report/render/table.js';
import { EXIT, environmentError, usageError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { readPlan } from '../../plans/load.js';
import { resolveOrThrow, writeScript } from '../../run/prepare-script.js';
import { probeHostFacts } from '../../io/host.js';
import { runInvariants } from '../../run/invariants.js';
import type { SampleFindings } from '../../run/samples.js';
import { K6_STOPPED_FROM_REST, requestK6Stop, runK6Process } from '../../k6/process.js';
import { probeFreePort } from '../../io/net.js';
import { probeRunReadiness } from '../../doctor/readiness.js';
import { VERSION } from '../../version.js';
import { parseReportFormats, type ReportFormat } from '../../report/render/index.js';
import { parseLang, type Lang } from '../../report/render/i18n.js';
import type { WrittenReport } from '../../run/reports.js';

export interface RunOptions {
  target?: string;
  profile?: string;
  results?: string;
  tag?: string[];
  json?: boolean;
  progress?: boolean;
  /** Also keep k6's raw samples and aggregate them (exact per-second percentiles, status classes). */
  samples?: boolean;
  /** Skip the plan-sized host and target checks (`loadctl doctor`); k6, secrets and the results folder are still checked. */
  skipPreflight?: boolean;
  /** `--report html,junit`: reports written into the run folder after the run (docs/reports.md). */
  report?: string;
  /** Language of those reports and of the summary table headings: en (default) or ko. */
  lang?: string;
  /** Set by `run --targets`: the comparison group this run belongs to. */
  comparison?: ComparisonRef;
  /** Print the summary table (default true; `run --targets` prints one comparison instead). */
  table?: boolean;
  /** Set by `breakpoint`: reshapes the plan, watches the live data, may stop k6, and reports instead. */
  hooks?: RunHooks;
}

/** How a command built on `run` (e.g. `breakpoint`) takes part in it. Every hook is optional. */
export interface RunHooks {
  /** The plan to run instead of the resolved one, and its time batches (called before preflight; may throw). */
  reshape?: (resolved: ResolvedPlan) => { plan: Plan; batches?: BatchLayout };
  /** REST metric ids (e.g. sub-metrics) each live snapshot carries in `metrics`. */
  liveMetrics?: (id: string) => boolean;
  /**
   * Every live snapshot, with its series point and the generator check so far. `note` is added to the
   * progress line; `stop` ends k6 through its REST API, and the run is then summarized as finished.
   */
  onLive?: (live: {
    snap: LiveSnapshot;
    point: SeriesPoint;
    generator: GuardVerdict;
  }) => { note?: string; stop?: string } | undefined;
  /** After summary.json and series.json are written: prints the result and returns the exit code. */
  finish?: (run: FinishedRun) => Promise<ExitCode>;
}

export interface FinishedRun {
  runDir: string;
  /** runDir as printed (relative to the working directory when inside it). */
  shownDir: string;
  summary: RunSummary;
  k6Summary: K6Summary | undefined;
  series: SeriesPoint[];
  /** Why onLive stopped k6, if it did. */
  stoppedBecause: string | undefined;
}

export const META_SCHEMA = 'loadctl.meta/v1';
export const SERIES_SCHEMA = 'loadctl.series/v1';
const SUMMARY_ENV = 'LOADCTL_SUMMARY_PATH';

export function parseTags(tags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) {
    const eq = t.indexOf('=');
    if (eq < 1) throw usageError(`--tag ${JSON.stringify(t)} is not key=value`, 'e.g. --tag build=1234');
    out[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return out;
}

export function exitCodeFor(outcome: Outcome): ExitCode {
  switch (outcome.kind) {
    case 'passed':
      return EXIT.ok;
    case 'thresholds-failed':
      return EXIT.thresholdsFailed;
    case 'interrupted':
      return EXIT.interrupted;
    case 'k6-error':
      return EXIT.k6Failed;
    case 'invariants-failed':
      return EXIT.invariantFailed;
    case 'generator-saturated':
      return EXIT.saturated;
  }
}

export function parseReportOptions(opts: Pick<RunOptions, 'report' | 'lang'>): {
  reportFormats: ReportFormat[];
  lang: Lang;
} {
  const lang = parseLang(opts.lang);
  if (!lang) throw usageError(`--lang ${JSON.stringify(opts.lang)} is not a report language`, 'use en or ko');
  if (opts.report === undefined) return { reportFormats: [], lang };
  const parsed = parseReportFormats(opts.report);
  if (!parsed.ok)
    throw usageError(
      `--report: ${parsed.unknown.map((u) => JSON.stringify(u)).join(', ')} is not a report format`,
      'use html, markdown, junit or json, comma-separated: --report html,junit',
    );
  return { reportFormats: parsed.formats, lang };
}

/** The run's exit code stands whatever happens here: a report that cannot be written is a warning. */
async function writeReportsAfterRun(
  io: Io,
  runDir: string,
  formats: ReportFormat[],
  lang: Lang,
): Promise<WrittenReport[]> {
  try {
    const { writeRunReports } = await import('../../run/reports.js');
    return await writeRunReports(io, runDir, formats, lang);
  } catch (err) {
    io.stderr.write(`⚠ the reports were not written: ${err instanceof Error ? err.message : String(err)}\n`);
    return [];
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export async function runRun(io: Io, file: string, opts: RunOptions): Promise<ExitCode> {
  // Checked before anything else: a typo in --report must not cost a whole run.
  const { reportFormats, lang } = parseReportOptions(opts);
  // Looking for k6 (running `k6 version`) overlaps with reading the plan.
  const k6Found = findK6(io, { projectRoot: projectRoot() });
  const loaded = await readPlan(io, file);
  for (const d of loaded.diagnostics) io.stderr.write(`${renderDiagnostic(d)}\n`);
  const asPlanned = resolveOrThrow(loaded, { target: opts.target, profile: opts.profile });
  const reshaped = opts.hooks?.reshape?.(asPlanned);
  const resolved = reshaped ? { ...asPlanned, plan: reshaped.plan } : asPlanned;
  const { plan, target } = resolved;
  const tags = parseTags(opts.tag ?? []);

  const resultsRoot = resolve(io.cwd, opts.results ?? 'results');
  const runId = makeRunId(io.now(), io.randomHex(3));
  const runDir = join(resultsRoot, plan.name, runId);
  const shownDir = relative(io.cwd, runDir).startsWith('..') ? runDir : relative(io.cwd, runDir);

  // Preflight: everything that would make k6 fail or its numbers lie, reported together with fixes. What a
  // run cannot do without (k6, the secrets, a writable results folder) is always checked; the plan-sized
  // host and target checks are `loadctl doctor`'s, skipped with --skip-preflight.
  const k6 = await k6Found;
  const readiness = await probeRunReadiness(io, {
    plan,
    targetName: resolved.targetName,
    resultsRoot,
    k6,
    samples: opts.samples === true,
    skipHostChecks: opts.skipPreflight === true,
  });
  for (const w of readiness.warnings) io.stderr.write(`${w}\n`);
  const problems = readiness.failures;
  if (problems.length > 0 || k6.kind !== 'found') {
    throw environmentError(
      `preflight failed:\n${problems.join('\n')}`,
      'fix the problems above and run again (`loadctl doctor --plan …` shows every check)',
    );
  }
  const secretValues = (plan.secrets ?? []).map((name) => io.env[name]);
  const redact = makeRedactor(secretValues);

  let demo: DemoService | undefined;
  let offQuiet: () => void = () => {};
  try {
    let baseUrl = target.url;
    if (target.demo !== undefined) {
      const knobs = target.demo === true ? {} : target.demo;
      // The run's own demo instance listens on a free port unless the plan pins one.
      const { startDemoService } = await import('../../demo/server.js');
      demo = await startDemoService({ ...knobs, port: knobs.port ?? 0 });
      baseUrl = demo.url;
    }
    if (baseUrl === undefined) throw usageError(`target ${resolved.targetName} has no URL`);

    const known = planEndpoints(plan);
    const endpoints = [
      ...known,
      ...thresholdEndpoints(Object.keys(plan.thresholds ?? {}))
        .filter((name) => !known.some((e) => e.name === name))
        .map((name) => ({ name, statuses: [] })),
    ];
    const host = probeHostFacts();
    const guardFacts = guardPlan(plan, host.cores);
    const summaryPath = join(runDir, 'k6-summary.json');
    const samplesPath = join(runDir, 'samples.ndjson.gz');
    // Batches are a generated script's: an existing script's iterations are its own.
    const batchLayout =
      plan.script === undefined ? (reshaped?.batches ?? planBatches(plannedDuration(plan).ms)) : undefined;
    const endpointNames = endpoints.map((e) => e.name);
    const prepared = await writeScript(io, loaded, resolved, runDir, {
      baseUrl,
      summaryExport: { envVar: SUMMARY_ENV },
      extraThresholds: {
        ...endpointSubmetrics(endpoints),
        ...guardSubmetrics(guardFacts),
        ...(batchLayout
          ? batchSubmetrics(batchLayout, endpointNames, {
              checks: hasChecks([plan.flows, plan.setup, plan.teardown]),
            })
          : {}),
      },
      ...(batchLayout ? { batches: { tag: BATCH_TAG, ...batchLayout } } : {}),
    });
    await io.writeFileAtomic(
      join(runDir, 'plan.resolved.json'),
      redact(json({ profile: resolved.profile ?? null, target: resolved.targetName, plan })),
    );

    const k6Version = renderVersion(k6.version);
    const startedAt = io.now();
    const meta = {
      schema: META_SCHEMA,
      runId,
      loadctl: VERSION,
      k6: { version: k6Version, path: k6.path },
      host,
      plan: { name: plan.name, file: loaded.file, profile: resolved.profile ?? null },
      target: {
        name: resolved.targetName,
        url: baseUrl,
        description: target.description ?? null,
        demo: target.demo !== undefined,
      },
      tags,
      comparison: opts.comparison ?? null,
      startedAt: startedAt.toISOString(),
      endedAt: null as string | null,
      k6ExitCode: null as number | null,
      exitCode: null as number | null,
      outcome: null as string | null,
    };
    await io.writeFileAtomic(join(runDir, 'meta.json'), json(meta));

    const planned = plannedDuration(plan);
    const restPort = await probeFreePort();
    const showProgress = opts.progress !== false;
    const tty = io.stderr.isTTY;
    const series: SeriesPoint[] = [];
    let last: LiveSnapshot | undefined;
    let lastPrinted = 0;
    // The in-run guard: every observation is folded as it arrives, so the progress line can warn at once.
    let guard = initialGuardState(guardFacts);
    const observe = (obs: GuardObservation) => {
      guard = foldGuard(guard, obs);
    };
    let stoppedBecause: string | undefined;
    // From here to the end a Ctrl-C must not kill loadctl half-way through writing results: while k6 runs
    // it is forwarded (k6-process.ts), afterwards it is ignored; the run is summarized either way.
    offQuiet = io.onSignal('SIGINT', () => {});
    io.stderr.write(
      `running ${plan.name} against ${resolved.targetName} (${baseUrl}) with k6 ${k6Version}; results in ${shownDir}\n`,
    );
    const run = await runK6Process(io, {
      k6Path: k6.path,
      args: [
        'run',
        '--quiet',
        '--address',
        `127.0.0.1:${restPort}`,
        // For an existing script the statistics travel in its merged options: the flag would replace the
        // script's own.
        ...(plan.script === undefined ? ['--summary-trend-stats', trendStats(plan).join(',')] : []),
        ...Object.entries(tags).flatMap(([k, v]) => ['--tag', `${k}=${v}`]),
        // Raw samples cost k6 about a fifth of its throughput (docs/benchmarks.md): only when asked.
        ...(opts.samples ? ['--out', `json=${samplesPath}`] : []),
        prepared.scriptPath,
      ],
      env: {
        // An existing script reads its target from BASE_URL (or the names the plan gives) and the plan's
        // env as defaults; the environment loadctl was started with wins.
        ...(plan.script !== undefined
          ? Object.fromEntries(
              Object.entries(plan.env ?? {})
                .filter(([k]) => io.env[k] === undefined)
                .map(([k, v]) => [k, String(v)]),
            )
          : {}),
        ...(plan.script !== undefined
          ? Object.fromEntries(baseUrlEnvNames(plan).map((n) => [n, baseUrl]))
          : {}),
        LOADCTL_BASE_URL: baseUrl,
        [SUMMARY_ENV]: summaryPath,
      },
      cwd: runDir,
      logPath: join(runDir, 'k6.log'),
      redact,
      restAddress: `127.0.0.1:${restPort}`,
      ...(opts.hooks?.liveMetrics ? { liveMetrics: opts.hooks.liveMetrics } : {}),
      onSnapshot: (snap) => {
        const point = toSeriesPoint(last, snap);
        series.push(point);
        last = snap;
        observe({ kind: 'snapshot', snap });
        const hooked = opts.hooks?.onLive?.({ snap, point, generator: judgeGuard(guard) });
        if (hooked?.stop !== undefined && stoppedBecause === undefined) {
          stoppedBecause = hooked.stop;
          void requestK6Stop(io, `127.0.0.1:${restPort}`);
        }
        if (!showProgress) return;
        const warning = (judgeGuard(guard).saturated ? ' · ⚠ saturated' : '') + (hooked?.note ?? '');
        const line =
          renderProgressLine(point, snap, {
            plannedMs: planned.ms,
            exact: planned.exact,
            tty,
            width: io.stderr.columns - warning.length,
          }) + warning;
        if (tty) io.stderr.write(`\r\x1b[2K${line}`);
        else if (snap.elapsedMs - lastPrinted >= 5000) {
          lastPrinted = snap.elapsedMs;
          io.stderr.write(`${line}\n`);
        }
      },
      onLogLine: (line) => observe({ kind: 'log', line }),
      onCpuSample: (cores) => observe({ kind: 'cpu', cores }),
      onInterrupt: (kind) =>
        io.stderr.write(
          kind === 'graceful'
            ? '\nstopping k6 gracefully (Ctrl-C again to stop at once)…\n'
            : '\nstopping k6 now\n',
        ),
    });
    if (showProgress && tty) io.stderr.write('\r\x1b[2K');

    if (
      run.result.kind === 'not-found' ||
      run.result.kind === 'not-executable' ||
      run.result.kind === 'error'
    ) {
      throw environmentError(
        `could not run k6 at ${k6.path}: ${run.result.kind === 'error' ? run.result.message : run.result.kind}`,
        'check that it runs: `k6 version`',
      );
    }
    const k6ExitCode = run.result.kind === 'exited' ? run.result.exitCode : undefined;
    // A run loadctl stopped through k6's REST API (a hook's `stop`) ended where it was meant to.
    const endCode = stoppedBecause !== undefined && k6ExitCode === K6_STOPPED_FROM_REST ? 0 : k6ExitCode;

    let k6Summary: K6Summary | undefined;
    const notes: string[] = [];
    if (stoppedBecause !== undefined) notes.push(`loadctl stopped k6 early: ${stoppedBecause}`);
    if (await io.exists(summaryPath)) {
      const parsed = parseK6Summary(await io.readText(summaryPath));
      if (parsed.ok) k6Summary = parsed.summary;
      else notes.push(parsed.message);
    }
    if (k6Summary) observe(guardEndObservation(guardFacts, k6Summary));
    const generator = judgeGuard(guard);
    const thresholds = summarizeThresholds(k6Summary, plan.thresholds ?? {});
    const failedThresholds = thresholds.filter((t) => !t.ok);

    if (demo) await io.writeFileAtomic(join(runDir, 'demo-stats.json'), json(demo.stats()));

    let samples: SampleFindings | undefined;
    if (opts.samples && (await io.exists(samplesPath))) {
      const { readSampleFindings } = await import('../../run/samples.js');
      const read = await readSampleFindings(
        samplesPath,
        endpoints.map((e) => e.name),
        k6Summary,
      );
      if ('unreadable' in read) {
        notes.push(
          `the raw samples could not be read to the end (${read.unreadable}): series.json comes from the live data`,
        );
      } else {
        samples = read;
        await io.writeFileAtomic(
          join(runDir, 'samples-aggregates.json'),
          `${JSON.stringify(samples.aggregates)}\n`,
        );
        notes.push(...samples.notes);
      }
    }

    let invariants: InvariantSummary[] = [];
    const ranToEnd = endCode === 0 || endCode === 99;
    if ((plan.invariants ?? []).length > 0) {
      if (ranToEnd && !run.interrupted) {
        invariants = await runInvariants(
          {
            baseUrl,
            headers: { ...(plan.http?.headers ?? {}), ...(target.headers ?? {}) },
            env: (name) =>
              io.env[name] ?? (plan.env?.[name] === undefined ? undefined : String(plan.env[name])),
            secret: (name) => ((plan.secrets ?? []).includes(name) ? io.env[name] : undefined),
          },
          plan.invariants ?? [],
        );
      } else {
        notes.push('invariants were not checked: the run did not finish');
      }
    }

    const outcome = classifyOutcome({
      k6ExitCode: endCode,
      interrupted: run.interrupted,
      failedThresholds: failedThresholds.map((t) => `${t.metric} ${t.expression}`),
      abortedByThreshold: failedThresholds.some((t) => t.abortOnFail),
      failedInvariants: invariants.filter((i) => !i.ok).map((i) => i.name),
      ...(run.errorLines.length ? { k6ErrorLine: parseK6ErrorLine(run.errorLines.join('\n')) ?? '' } : {}),
      generator,
    });
    const summary: RunSummary = summarizeRun({
      k6: k6Summary,
      runId,
      plan: plan.name,
      profile: resolved.profile,
      target: { name: resolved.targetName, url: baseUrl },
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      outcome,
      k6ExitCode,
      endpoints,
      thresholds,
      invariants,
      notes,
      live: last,
      generator,
      batches: summarizeBatches(k6Summary, batchLayout, endpointNames),
      comparison: opts.comparison,
      ...(samples ? { statusClasses: samples.statusClasses } : {}),
    });
    const exitCode = exitCodeFor(outcome);
    await io.writeFileAtomic(join(runDir, 'summary.json'), json(summary));
    await io.writeFileAtomic(
      join(runDir, 'series.json'),
      json(
        samples
          ? {
              schema: SERIES_SCHEMA,
              source: 'samples',
              intervalMs: 1000,
              points: samples.series,
              endpoints: samples.endpointSeries,
            }
          : { schema: SERIES_SCHEMA, source: 'k6-rest-api', intervalMs: 1000, points: series },
      ),
    );
    const finished = await opts.hooks?.finish?.({
      runDir,
      shownDir,
      summary,
      k6Summary,
      series,
      stoppedBecause,
    });
    await io.writeFileAtomic(
      join(runDir, 'meta.json'),
      json({
        ...meta,
        endedAt: run.endedAt.toISOString(),
        k6ExitCode: k6ExitCode ?? null,
        exitCode: finished ?? exitCode,
        outcome: outcome.kind,
      }),
    );

    const reports =
      reportFormats.length > 0 ? await writeReportsAfterRun(io, runDir, reportFormats, lang) : [];

    if (finished !== undefined) {
      // The hook printed the command's own result.
    } else if (opts.json) io.stdout.write(json(summary));
    else if (opts.table === false)
      io.stderr.write(`${summary.target.name}: ${summary.outcome.kind}, results in ${shownDir}\n`);
    else
      io.stdout.write(
        renderSummaryTable(summary, {
          color: io.stdout.isTTY && !io.env.NO_COLOR,
          width: io.stdout.columns,
          runDir: shownDir,
          k6Version,
          lang,
        }),
      );
    if (outcome.kind === 'k6-error') io.stderr.write(`k6's log: ${join(shownDir, 'k6.log')}\n`);
    for (const r of reports) io.stderr.write(`report (${r.format}): ${join(shownDir, basename(r.path))}\n`);
    return finished ?? exitCode;
  } finally {
    offQuiet();
    await demo?.close();
  }
}
