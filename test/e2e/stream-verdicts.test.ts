// The summary loadctl rebuilds from its metric stream (the default: k6 runs with --summary-mode=disabled
// --no-thresholds) against k6's own, on the same run: every shipped plan's smoke profile runs once with
// `--k6-summary`, which keeps k6's summary and the stream side by side, and every metric, sub-metric, check
// and threshold verdict k6 reported is rebuilt from the frames.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseK6Summary, type K6Group, type K6Summary } from '../../src/k6/summary.js';
import { k6SummaryFromFrames } from '../../src/report/model/stream-summary.js';
import type { Plan } from '../../src/plans/schema.js';
import { readFramesFile } from '../../src/samples/read-frames.js';
import { REPO, runCli, secretStandIns, tempDir } from './helpers.js';

// Generated plans only: an existing script's thresholds are its own, and k6 keeps judging them.
const PLANS = readdirSync(join(REPO, 'plans'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.yaml'))
  .filter((file) => !/^script:/m.test(readFileSync(join(REPO, 'plans', file), 'utf8')))
  .sort();

/** HDR's 3 significant digits (0.1 %), or a µs for values near 0 (the stream records those as 1 ns). */
function within(actual: number | undefined, expected: number): boolean {
  return actual !== undefined && Math.abs(actual - expected) <= 0.001 * Math.abs(expected) + 1e-3;
}

function checksOf(group: K6Group | undefined): string[] {
  if (!group) return [];
  return [
    ...group.checks.map((c) => `${c.path} ${c.passes}/${c.fails}`),
    ...group.groups.flatMap(checksOf),
  ].sort();
}

/** Every difference between k6's summary and the stream's rebuild of it; [] when they agree. */
function differences(k6: K6Summary, stream: K6Summary): string[] {
  const out: string[] = [];
  for (const [key, m] of Object.entries(k6.metrics)) {
    // k6 adds this sub-metric to every summary of its own; nothing of loadctl reads it.
    if (key === 'http_req_duration{expected_response:true}') continue;
    const s = stream.metrics[key];
    if (!s) {
      out.push(`${key}: not in the stream's summary`);
      continue;
    }
    if (s.type !== m.type) out.push(`${key}: ${s.type}, k6 ${m.type}`);
    for (const [stat, value] of Object.entries(m.values)) {
      // A counter's rate is its count over the run's duration, compared below.
      if (value === null || (stat === 'rate' && m.type === 'counter')) continue;
      const got = s.values[stat];
      const ok = m.type === 'trend' ? within(got, value) : got === value || within(got, value);
      if (!ok) out.push(`${key} ${stat}: ${got}, k6 ${value}`);
    }
    for (const [expression, { ok }] of Object.entries(m.thresholds ?? {}))
      if (s.thresholds?.[expression]?.ok !== ok)
        out.push(`${key} ${expression}: ${String(s.thresholds?.[expression]?.ok)}, k6 ${ok}`);
  }
  const checks = [checksOf(k6.root_group), checksOf(stream.root_group)];
  if (JSON.stringify(checks[0]) !== JSON.stringify(checks[1]))
    out.push(`checks: ${JSON.stringify(checks[1])}, k6 ${JSON.stringify(checks[0])}`);
  return out;
}

describe("the stream's summary and verdicts equal k6's own on every shipped plan", () => {
  it('covers the generated shipped plans', () => {
    expect(PLANS).toEqual(expect.arrayContaining(['seat-race.yaml', 'coupon-issue.yaml']));
    expect(PLANS).not.toContain('examples/existing-script.yaml');
  });

  it.each(PLANS)('plans/%s --profile smoke --k6-summary', async (file) => {
    const results = join(await tempDir('verdicts'), 'results');
    const r = await runCli(
      ['run', `plans/${file}`, '--profile', 'smoke', '--k6-summary', '--results', results, '--no-progress'],
      { timeoutMs: 90_000, env: secretStandIns(readFileSync(join(REPO, 'plans', file), 'utf8')) },
    );
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const name = (parse(readFileSync(join(REPO, 'plans', file), 'utf8')) as { name: string }).name;
    const runs = readdirSync(join(results, name));
    expect(runs).toHaveLength(1);
    const dir = join(results, name, runs[0] ?? '');
    const parsed = parseK6Summary(readFileSync(join(dir, 'k6-summary.json'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.message);
    const k6 = parsed.summary;
    const resolved = JSON.parse(readFileSync(join(dir, 'plan.resolved.json'), 'utf8')) as {
      plan: Pick<Plan, 'thresholds' | 'metrics'>;
    };
    const { frames } = await readFramesFile(join(dir, 'frames.ndjson'));
    const k6Ms = k6.state?.testRunDurationMs ?? 0;
    const stream = k6SummaryFromFrames(frames, {
      keys: Object.keys(k6.metrics),
      trendStats: k6.options?.summaryTrendStats ?? [],
      thresholds: resolved.plan.thresholds ?? {},
      declared: resolved.plan.metrics ?? {},
      fallbackMs: 0,
    });
    expect(differences(k6, stream)).toEqual([]);
    // The run's duration, k6's and the stream's (first sample to the output's stop), agree within 5 %.
    expect(Math.abs((stream.state?.testRunDurationMs ?? 0) - k6Ms)).toBeLessThanOrEqual(0.05 * k6Ms + 50);
    // The plan's thresholds are among those compared, each with k6's verdict.
    const planned = Object.keys(resolved.plan.thresholds ?? {});
    for (const key of planned) expect(Object.keys(k6.metrics)).toContain(key);
  });
});
