// After k6: its end-of-test summary, the demo service's counters, the raw samples (--samples) and the
// invariants. Each problem becomes a note for the summary, never a crash.
import type { DemoService, DemoStats } from '../demo/server.js';
import type { Io } from '../io/io.js';
import type { K6RunResult } from '../k6/process.js';
import { parseK6Summary, type K6Summary } from '../k6/summary.js';
import type { InvariantSummary } from '../report/model/summary.js';
import { trendStats } from '../plans/compile.js';
import { endCodeOf } from './exit.js';
import { runInvariants } from './invariants.js';
import type { RunSpec } from './prepare.js';
import type { FrameFindings } from './frames.js';
import type { SampleFindings } from './samples.js';

export interface AfterK6 {
  k6Summary: K6Summary | undefined;
  /** Why k6's summary file could not be read, when it was there. */
  k6SummaryProblem: string | undefined;
  demoStats: DemoStats | undefined;
  /** The raw samples' findings, or why they could not be read to the end. */
  samples: SampleFindings | { unreadable: string } | undefined;
  /** The metric stream's findings (docs/stream.md), or why it could not be read; undefined with a stock k6. */
  frames: FrameFindings | { unreadable: string } | undefined;
  /** undefined when the plan has invariants but the run did not finish. */
  invariants: InvariantSummary[] | undefined;
}

// k6's end-of-test summary is KiBs, MiBs with many tagged sub-metrics; read whole and parsed as JSON.
const MAX_K6_SUMMARY_BYTES = 64 * 1024 * 1024;

/**
 * k6 wrote k6-summary.json itself (handleSummary): a script's check or group name, or a tag, can hold a
 * secret, so the file is rewritten redacted when it does.
 */
async function readK6Summary(io: Io, path: string, redact: (text: string) => string) {
  if (!(await io.exists(path))) return { summary: undefined, problem: undefined };
  let raw: string;
  try {
    raw = await io.readText(path, MAX_K6_SUMMARY_BYTES);
  } catch (err) {
    // Too large, not a regular file, unreadable: a note in the summary, like a file that does not parse.
    return { summary: undefined, problem: `cannot read k6's summary: ${(err as Error).message}` };
  }
  const text = redact(raw);
  if (text !== raw) await io.writeFileAtomic(path, text);
  const parsed = parseK6Summary(text);
  return parsed.ok
    ? { summary: parsed.summary, problem: undefined }
    : { summary: undefined, problem: parsed.message };
}

async function readSamples(spec: RunSpec, io: Io, k6: K6Summary | undefined) {
  const path = spec.k6.samplesPath;
  if (path === undefined || !(await io.exists(path))) return undefined;
  const { readSampleFindings } = await import('./samples.js');
  return readSampleFindings(
    path,
    spec.endpoints.map((e) => e.name),
    k6,
  );
}

async function readFrames(
  spec: RunSpec,
  io: Io,
  k6: K6Summary | undefined,
  end: { wallMs: number; abortedBy: { key: string; expression: string } | undefined },
): Promise<FrameFindings | { unreadable: string } | undefined> {
  const path = spec.k6.framesPath;
  if (path === undefined) return undefined;
  if (!(await io.exists(path))) return { unreadable: 'k6 wrote no frames file' };
  const [{ readFramesFile }, { frameFindings }] = await Promise.all([
    import('../samples/read-frames.js'),
    import('./frames.js'),
  ]);
  try {
    const { frames, cutBytes, redactedLines } = await readFramesFile(path, spec.redact, {
      perInstance: spec.runners !== undefined,
    });
    // k6 wrote the file: a secret in a tag (a script's URL as a request's name) is in it, as in its summary.
    if (redactedLines > 0) {
      const { rewriteLines } = await import('../io/rewrite-lines.js');
      await rewriteLines(path, spec.redact);
    }
    return frameFindings(
      frames,
      spec.endpoints.map((e) => e.name),
      k6,
      cutBytes,
      spec.windows,
      spec.k6.summaryFrom === 'stream'
        ? {
            keys: Object.keys(spec.compile.extraThresholds),
            trendStats: trendStats(spec.plan),
            thresholds: spec.plan.thresholds ?? {},
            declared: spec.plan.metrics ?? {},
            fallbackMs: end.wallMs,
            ...(end.abortedBy ? { abortedBy: end.abortedBy } : {}),
          }
        : undefined,
    );
  } catch (err) {
    return { unreadable: (err as Error).message };
  }
}

async function checkInvariants(io: Io, spec: RunSpec, baseUrl: string, finished: boolean) {
  const { list, headers } = spec.invariants;
  if (list.length === 0) return [];
  if (!finished) return undefined;
  const { plan } = spec;
  return runInvariants(
    io,
    {
      baseUrl,
      headers,
      env: (name) => io.env[name] ?? (plan.env?.[name] === undefined ? undefined : String(plan.env[name])),
      secret: (name) => ((plan.secrets ?? []).includes(name) ? io.env[name] : undefined),
      redact: spec.redact,
    },
    list,
  );
}

export async function readAfterK6(
  io: Io,
  spec: RunSpec,
  run: {
    baseUrl: string;
    k6: K6RunResult;
    stoppedBecause: string | undefined;
    /** The abortOnFail threshold loadctl stopped k6 for: failed, whatever the rest of the run brought. */
    abortedBy?: { key: string; expression: string } | undefined;
    demo: DemoService | undefined;
  },
): Promise<AfterK6> {
  const fromK6 = await readK6Summary(io, spec.k6.summaryPath, spec.redact);
  const demoStats = run.demo?.stats();
  const frames = await readFrames(spec, io, fromK6.summary, {
    wallMs: run.k6.endedAt.getTime() - run.k6.startedAt.getTime(),
    abortedBy: run.abortedBy,
  });
  // k6 kept no metrics of its own (--summary-mode=disabled --no-thresholds): its end-of-test data is the stream's.
  const k6Summary =
    spec.k6.summaryFrom === 'stream' && frames !== undefined && !('unreadable' in frames)
      ? { summary: frames.k6Summary, problem: fromK6.problem }
      : fromK6;
  const samples = await readSamples(spec, io, k6Summary.summary);
  const endCode = endCodeOf(run.k6, run.stoppedBecause);
  const ranToEnd = (endCode === 0 || endCode === 99) && !run.k6.interrupted;
  return {
    k6Summary: k6Summary.summary,
    k6SummaryProblem: k6Summary.problem,
    demoStats,
    samples,
    frames,
    invariants: await checkInvariants(io, spec, run.baseUrl, ranToEnd),
  };
}
