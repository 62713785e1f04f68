// The warm-up before measured runs (issue 19): a target is run through the plan's first seconds of load and
// the result thrown away, so that the first measured run does not pay for the cold start (the code's first
// compilation, the target's caches and connection pools) and look slower than the runs after it. Used by
// `run --targets` (before the first round) and `suite --warmup` (before each plan). The warm-up plan itself
// is src/plans/warmup.ts.
import { join } from 'node:path';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import type { FindK6Result } from '../../k6/locate.js';
import { formatDuration, parseDuration } from '../../plans/duration.js';
import type { LoadedPlan } from '../../plans/load.js';
import type { RunSummary } from '../../report/model/summary.js';
import { formatMs } from '../../report/render/units.js';
import type { PlanRun } from '../../run/options.js';
import { resolveResultsRoot } from '../../run/prepare.js';
import { terminalSafe } from '../../terminal-safe.js';
import { runPlan } from './run.js';

/** `--warmup`: 0 (or 0s) turns it off; otherwise at least a second, as a scenario's duration. */
export function parseWarmup(text: string | undefined, fallback: string): number {
  const t = (text ?? fallback).trim();
  const ms = t === '0' ? 0 : parseDuration(t);
  if (ms === undefined || (ms > 0 && ms < 1000))
    throw usageError(
      `--warmup ${t} is not a duration of at least 1s`,
      'e.g. --warmup 30s, or --warmup 0 for none',
    );
  return ms;
}

export interface WarmUp extends PlanRun {
  targets: readonly string[];
  warmupMs: number;
  /** Names the warm-up's own results folder, `<results>/.warmup-<id>`, removed at the end. */
  id: string;
  /** A pause after the last warm-up, before the measured runs (0: none). */
  cooldownMs: number;
}

/**
 * Each target, in order, through the plan's first `warmupMs` of load. Only a run that could not start at all
 * (exit 3) or Ctrl-C stops it (that code is returned); whatever else the warm-up found is discarded.
 */
export async function warmUp(
  io: Io,
  loaded: LoadedPlan,
  k6Found: Promise<FindK6Result>,
  w: WarmUp,
): Promise<ExitCode> {
  if (w.warmupMs === 0) return EXIT.ok;
  const { targets, warmupMs, id, cooldownMs, ...run } = w;
  const folder = join(resolveResultsRoot(io.cwd, w.results), `.warmup-${id}`);
  try {
    for (const target of targets) {
      io.stderr.write(
        `\n[warm-up] ${terminalSafe(target)}: the plan's first ${formatDuration(warmupMs)} of load, discarded\n`,
      );
      let stored: RunSummary | undefined;
      const code = await runPlan(io, loaded, k6Found, {
        ...run,
        target,
        results: folder,
        reportFormats: [],
        warmupMs,
        onStored: (r) => (stored = r.summary),
      });
      if (code === EXIT.interrupted || code === EXIT.environment) return code;
      io.stderr.write(`${warmupLine(target, stored)}\n`);
    }
    if (cooldownMs > 0) {
      io.stderr.write(`cooling down ${formatDuration(cooldownMs)}…\n`);
      if (await io.sleep(cooldownMs)) return EXIT.interrupted;
    }
    return EXIT.ok;
  } finally {
    await io.remove(folder);
  }
}

function warmupLine(target: string, s: RunSummary | undefined): string {
  if (!s) return `warm-up ${terminalSafe(target)}: no figures`;
  const p95 = s.latency['p(95)'];
  return `warm-up ${terminalSafe(target)}: ${s.totals.requests} requests, p95 ${p95 === undefined ? '–' : formatMs(p95)} (discarded)`;
}
