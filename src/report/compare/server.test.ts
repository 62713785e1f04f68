// compare's server rows: CPU, memory, requests per CPU-second and CPU % per 1,000 req/s, judged with the noise
// rules of latency. Recorded summaries (test/fixtures/stored-runs/compare) with constructed server records.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ServerRecord } from '../../monitor/model.js';
import { hostRecord, processSource, series } from '../../monitor/server.fixture.js';
import { summarizeServer } from '../../monitor/stats.js';
import type { RunSummary } from '../model/summary.js';
import { renderCompareHtml } from '../render/compare-html.js';
import { renderCompareJUnit } from '../render/compare-junit.js';
import { renderCompareMarkdown, renderCompareTable } from '../render/compare-table.js';
import { compareRuns, type Comparison, type CompareRun, type CompareSideInput } from './compare.js';
import { judgeGate, parseFailOn } from './gate.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/stored-runs/compare');
// Two runs of the same x86 demo instance at the same load (an A/A pair), 9 batches of 1 s each.
const A = '20261122T043630Z-470fff';
const B = '20261122T043640Z-b9b048';

function summary(id: string): RunSummary {
  return JSON.parse(readFileSync(join(FIXTURES, id, 'summary.json'), 'utf8')) as RunSummary;
}

/** A run with a host's CPU per second (one reading per batch), 4 cores. */
function run(id: string, cpu: readonly number[] | undefined, demo = false): CompareRun {
  const s = summary(id);
  if (cpu) {
    const layout = { ms: s.batches?.ms ?? 1000, count: s.batches?.overall.length ?? 0 };
    s.server = summarizeServer(hostRecord(cpu), layout);
  }
  return { summary: s, facts: { targetDemo: demo } };
}

const NOISY_A = [50, 58, 44, 55, 47, 60, 42, 53, 49];
const NOISY_B = [54, 45, 57, 46, 56, 43, 59, 48, 51];
const LOW = [54, 53, 55, 54, 53, 55, 54, 54, 53];
const HIGH = [64, 63, 65, 64, 65, 63, 64, 65, 64];

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const sides = (a: CompareRun[], b: CompareRun[]): CompareSideInput[] => [
  { label: 'x86', runs: a },
  { label: 'graviton', runs: b },
];
const rowOf = (c: Comparison, key: string) => c.server.find((r) => r.key === key);

describe('compare’s server rows', () => {
  it('calls a CPU difference within the batches’ noise the same', () => {
    const c = compareRuns(sides([run(A, NOISY_A)], [run(B, NOISY_B)]));
    const cpu = rowOf(c, 'cpu');
    // A utilization, kept as a share: its change is in percentage points.
    expect(cpu?.cells.map((x) => x.value)).toEqual([
      NOISY_A.reduce((a, b) => a + b) / 9 / 100,
      NOISY_B.reduce((a, b) => a + b) / 9 / 100,
    ]);
    expect(cpu?.cells[1]?.basis).toEqual({ kind: 'batches', pairs: 9 });
    expect(cpu?.cells[1]?.verdict).toBe('same');
    expect(rowOf(c, 'cpu_per_1k_rps')?.cells[1]?.verdict).toBe('same');
  });

  it('calls 64 % against 54 % at the same load worse, and the cost per request with it', () => {
    const c = compareRuns(sides([run(A, LOW)], [run(B, HIGH)]));
    const cpu = rowOf(c, 'cpu');
    expect(cpu?.cells[1]?.delta).toBeCloseTo((mean(HIGH) - mean(LOW)) / 100, 9);
    expect(cpu?.cells[1]?.verdict).toBe('worse');
    expect(rowOf(c, 'cpu_per_1k_rps')?.cells[1]?.verdict).toBe('worse');
    expect(rowOf(c, 'req_per_cpu_s')?.cells[1]?.verdict).toBe('worse');
    // Memory is shown with its change, never judged.
    expect(rowOf(c, 'memory')?.judged).toBe(false);
    expect(rowOf(c, 'memory')?.cells[1]?.verdict).toBeUndefined();
    // Requests per CPU-second of the whole run: its requests over 4 cores × Σ share busy × 1 s.
    const s = summary(A);
    const cpuSeconds = (LOW.reduce((a, b) => a + b) / 100) * 4;
    expect(rowOf(c, 'req_per_cpu_s')?.cells[0]?.value).toBeCloseTo(s.totals.requests / cpuSeconds, 9);
    expect(rowOf(c, 'cpu_per_1k_rps')?.cells[0]?.value).toBeCloseTo(
      LOW.reduce((a, b) => a + b) / 9 / (s.totals.rps / 1000),
      9,
    );
  });

  it('with three rounds, pairs the rounds: a steady difference is called, a noisy one is not', () => {
    const rounds = (cpus: number[][]) => cpus.map((cpu, i) => run(i % 2 ? A : B, cpu));
    const flat = (v: number) => Array(9).fill(v) as number[];
    const steady = compareRuns(
      sides(rounds([flat(54), flat(55), flat(53)]), rounds([flat(64), flat(65), flat(63)])),
    );
    expect(rowOf(steady, 'cpu')?.cells[1]?.basis).toEqual({ kind: 'rounds', pairs: 3 });
    expect(rowOf(steady, 'cpu')?.cells[1]?.verdict).toBe('worse');
    const noisy = compareRuns(
      sides(rounds([flat(50), flat(62), flat(54)]), rounds([flat(61), flat(49), flat(57)])),
    );
    expect(rowOf(noisy, 'cpu')?.cells[1]?.verdict).toBe('same');
  });

  it('says which side has no server figures, and has no rows when neither has', () => {
    const c = compareRuns(sides([run(A, LOW)], [run(B, undefined)]));
    expect(rowOf(c, 'cpu')?.cells.map((x) => x.value)).toEqual([expect.any(Number), null]);
    expect(c.notes).toContain(
      'graviton: no server figures (its plan has no monitor: for the target, or its runs predate it)',
    );
    expect(c.sides[1]?.server.sources).toBeNull();
    expect(renderCompareTable(c, { color: false })).toMatch(
      /server\s+node_exporter http:\S+\s+no server figures/,
    );
    const none = compareRuns(sides([run(A, undefined)], [run(B, undefined)]));
    expect(none.server).toEqual([]);
    expect(none.notes.join('\n')).not.toContain('server figures');
    expect(renderCompareTable(none, { color: false })).not.toContain('server');
  });

  it('compares only requests per CPU-second when one side measured a process and the other a host', () => {
    const proc: ServerRecord = {
      target: 'x86',
      intervalMs: 1000,
      sources: [processSource()],
      series: [series('processCpu', Array(9).fill(150), 'process')],
    };
    const a = run(A, undefined);
    a.summary.server = summarizeServer(proc, { ms: 1000, count: 9 });
    const c = compareRuns(sides([a], [run(B, LOW)]));
    expect(c.server.map((r) => r.key)).toEqual(['req_per_cpu_s']);
    expect(c.notes.some((n) => n.startsWith('CPU is measured differently on the sides'))).toBe(true);
  });
});

describe('compare says when targets share this machine', () => {
  it('both built-in demo instances', () => {
    const c = compareRuns(sides([run(A, LOW, true)], [run(B, HIGH, true)]));
    const text = renderCompareTable(c, { color: false });
    expect(text).toContain(
      '⚠ both targets are built-in demo instances on this machine: CPU and memory are shared with the load generator, so this comparison is no hardware result',
    );
    expect(renderCompareMarkdown(c)).toContain(
      '> ⚠ both targets are built-in demo instances on this machine',
    );
    const ko = renderCompareHtml(c, { lang: 'ko', assets: { uplotJs: '', uplotCss: '' }, version: 't' });
    expect(ko).toContain('두 대상 모두 이 머신의 내장 데모 인스턴스입니다');
  });

  it('which one is, and nothing when neither is', () => {
    const one = compareRuns(sides([run(A, LOW)], [run(B, HIGH, true)]));
    expect(renderCompareTable(one, { color: false })).toContain(
      '⚠ graviton is a built-in demo instance on this machine: CPU and memory are shared',
    );
    const local = run(A, undefined);
    local.summary.server = { ...summarizeServer(hostRecord(LOW)), onThisMachine: true };
    expect(renderCompareTable(compareRuns(sides([local], [run(B, HIGH)])), { color: false })).toContain(
      '⚠ x86 runs on this machine',
    );
    const neither = renderCompareTable(compareRuns(sides([run(A, LOW)], [run(B, HIGH)])), { color: false });
    expect(neither).not.toContain('on this machine');
  });
});

describe('the server rows in every format and the gate', () => {
  const worse = compareRuns(sides([run(A, LOW)], [run(B, HIGH)]));

  it('draws the server table in the terminal and Markdown', () => {
    const text = renderCompareTable(worse, { color: false });
    expect(text).toMatch(/\nserver\n metric\s+x86 \(baseline\)\s+graviton\s+Δ/);
    // 485 / 9 = 53.89 % against 577 / 9 = 64.11 %: +10.22 percentage points.
    expect(text).toMatch(/ CPU\s+53\.89%\s+64\.11%\s+\+10\.22pp ✗/);
    expect(text).toMatch(/ CPU % per 1,000 req\/s\s+\d/);
    expect(text).toMatch(/graviton vs x86: worse: CPU \+10\.22pp/);
    const md = renderCompareMarkdown(worse);
    expect(md).toContain('#### Server');
    expect(md).toMatch(/\| CPU \| 53\.89% \| 64\.11% \| \*\*\+10\.22pp ✗\*\* \|/);
  });

  it('draws it in HTML, in Korean too, with the side’s verdict counting it', () => {
    const html = renderCompareHtml(worse, {
      lang: 'ko',
      assets: { uplotJs: '', uplotCss: '' },
      version: 't',
    });
    expect(html).toContain('<section id="server">');
    expect(html).toContain('초당 요청 1,000건당 CPU %');
    expect(html).toContain('data-side-verdict="worse"');
  });

  it('gives JUnit the values as properties', () => {
    const xml = renderCompareJUnit(worse);
    expect(xml).toMatch(/<property name="server\.cpu\.graviton\.change" value="\+10\.22pp worse"\/>/);
    expect(xml).toMatch(/<property name="server\.cpu\.x86" value="0\.539"\/>/);
  });

  it('lets --fail-on gate the CPU: over the limit fails, within a narrow noise passes, a wide one is inconclusive', () => {
    const rules = parseFailOn('cpu>+5pp,cpu_per_1k_rps>+10%');
    if (!rules.ok) throw new Error(rules.problems.join('; '));
    expect(judgeGate(worse, rules.rules).map((g) => g.status)).toEqual(['failed', 'failed']);
    // The same CPU, measured steadily: inside the noise, and the noise far under the limits.
    const steady = compareRuns(sides([run(A, LOW)], [run(B, [...LOW].reverse())]));
    expect(judgeGate(steady, rules.rules).map((g) => g.status)).toEqual(['passed', 'passed']);
    // Noise of ±6 pp per batch: no difference found, but a 5 pp one could not have been either.
    const noisy = compareRuns(sides([run(A, NOISY_A)], [run(B, NOISY_B)]));
    const [cpu] = judgeGate(noisy, rules.rules);
    expect(cpu?.status).toBe('inconclusive');
    expect(cpu?.reason).toMatch(/^cannot be judged with this much data: detectable change is ±\d+(\.\d)?pp$/);
    expect(cpu?.detectable).toBeGreaterThan(0.05);
    const without = compareRuns(sides([run(A, undefined)], [run(B, undefined)]));
    expect(judgeGate(without, rules.rules)[0]).toMatchObject({
      status: 'unjudged',
      reason: 'no cpu on both sides',
    });
  });
});
