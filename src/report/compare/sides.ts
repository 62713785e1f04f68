// The parts of a comparison that describe its sides rather than judge them: each side's runs and facts, the
// thresholds each side's runs passed, and the notes a reader should see about the runs. Pure.
import type { CompareSideInput, RunFacts } from './metric-defs.js';
import { sideServer, type SideServer } from './server-defs.js';
import { mean } from './stats.js';

export interface ThresholdRow {
  metric: string;
  expression: string;
  stat: string;
  /** noData: no run of the side had a sample of the metric (k6 did not evaluate the threshold). */
  cells: Array<{ ok: boolean; observed?: number; noData?: true; runs: number; failedRuns: number } | null>;
}

export interface SideSummary {
  label: string;
  target: string;
  url: string;
  runIds: string[];
  profile: string | null;
  outcomes: string[];
  saturated: boolean;
  durationMs: number;
  facts: RunFacts;
  comparisonId: string | null;
  /** Where its server figures came from (null: none), and whether its target shared this machine. */
  server: SideServer;
}

export function thresholdRows(sides: readonly CompareSideInput[]): ThresholdRow[] {
  const keys: Array<{ metric: string; expression: string; stat: string }> = [];
  for (const side of sides)
    for (const r of side.runs)
      for (const t of r.summary.thresholds)
        if (!keys.some((k) => k.metric === t.metric && k.expression === t.expression))
          keys.push({ metric: t.metric, expression: t.expression, stat: t.stat });
  return keys.map((k) => ({
    ...k,
    cells: sides.map((side) => {
      const found = side.runs
        .map((r) => r.summary.thresholds.find((t) => t.metric === k.metric && t.expression === k.expression))
        .filter((t) => t !== undefined);
      if (found.length === 0) return null;
      const observed = mean(found.map((t) => t.observed).filter((v): v is number => v !== undefined));
      const failedRuns = found.filter((t) => !t.ok).length;
      return {
        ok: failedRuns === 0,
        ...(observed !== undefined ? { observed } : {}),
        ...(found.every((t) => t.noData) ? { noData: true as const } : {}),
        runs: found.length,
        failedRuns,
      };
    }),
  }));
}

export function sideSummary(side: CompareSideInput): SideSummary {
  const runs = side.runs;
  const first = runs[0]?.summary;
  return {
    label: side.label,
    target: first?.target.name ?? '',
    url: first?.target.url ?? '',
    runIds: runs.map((r) => r.summary.runId),
    profile: first?.profile ?? null,
    outcomes: runs.map((r) => r.summary.outcome.kind),
    saturated: runs.some((r) => r.summary.generator.saturated),
    durationMs: mean(runs.map((r) => r.summary.durationMs)) ?? 0,
    facts: runs[0]?.facts ?? {},
    comparisonId: first?.comparison?.id ?? null,
    server: sideServer(runs),
  };
}

/** What a reader should know about the runs compared: profiles, saturated or unfinished runs, generators, k6. */
export function runNotes(sides: readonly CompareSideInput[]): string[] {
  const notes: string[] = [];
  const all = sides.flatMap((s) => s.runs);
  const profiles = [...new Set(all.map((r) => r.summary.profile ?? '(default)'))];
  if (profiles.length > 1)
    notes.push(
      `the runs used different profiles (${profiles.join(', ')}): their loads may not be comparable`,
    );
  for (const s of sides)
    for (const r of s.runs) {
      if (r.summary.generator.saturated)
        notes.push(
          `${s.label}: run ${r.summary.runId} saturated its load generator; its numbers describe the generator, not the target`,
        );
      if (r.summary.outcome.kind === 'interrupted' || r.summary.outcome.kind === 'k6-error')
        notes.push(`${s.label}: run ${r.summary.runId} did not finish (${r.summary.outcome.kind})`);
      const cold = r.summary.coldStart;
      if (cold)
        notes.push(
          `${s.label}: run ${r.summary.runId} started cold (first ${(cold.batchMs / 1000).toFixed(1)} s: p95 ` +
            `${cold.firstP95.toFixed(1)} ms against ${cold.restP95.toFixed(1)} ms after); its side pays for that, ` +
            'not for the target: warm up first (run --targets --warmup)',
        );
    }
  const hosts = new Set(all.map((r) => r.facts?.host?.hostname ?? r.facts?.host?.cpuModel).filter(Boolean));
  if (hosts.size > 1)
    notes.push(
      'the runs came from different load generators: a difference may be the generator, not the target',
    );
  const versions = new Set(all.map((r) => r.facts?.k6Version).filter(Boolean));
  if (versions.size > 1) notes.push(`the runs used different k6 versions (${[...versions].join(', ')})`);
  return notes;
}
