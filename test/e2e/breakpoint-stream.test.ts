// `loadctl breakpoint --slo "ttft_p95<…"` end to end: the real CLI, the real k6 with loadctl's streaming
// extension, and the demo's OpenAI-style chat API behind its capacity knob.
//
// The demo serves at most MAX_CONCURRENT streams at once; the rest wait in its queue before their first byte,
// so their time to first token grows with the queue. A stream holds its worker for S = ttftMs + (tokens − 1) ×
// tokenDelayMs (its last token is due then), so by Little's law the demo streams at most MAX_CONCURRENT ÷ S
// requests a second. Below that the queue stays empty (ttft ≈ ttftMs); above it the queue, and ttft with it,
// grows without bound.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LevelResult, Verdict } from '../../src/breakpoint/verdict.js';
import { runCli, tempDir, writePlan } from './helpers.js';

const MAX_CONCURRENT = 6;
const CHAT = { ttftMs: 50, tokenDelayMs: 20, tokens: 16 };
const SERVICE_S = (CHAT.ttftMs + (CHAT.tokens - 1) * CHAT.tokenDelayMs) / 1000;
/** 6 ÷ 0.35 s ≈ 17 streams a second. */
const LIMIT = MAX_CONCURRENT / SERVICE_S;
const STEP = 4;

const PLAN = `
name: llm-cap
targets:
  local:
    demo:
      chat: { ttftMs: ${CHAT.ttftMs}, tokenDelayMs: ${CHAT.tokenDelayMs}, tokens: ${CHAT.tokens} }
      capacity: { maxConcurrent: ${MAX_CONCURRENT}, queue: 1000 }
scenarios:
  chat: { executor: constant-arrival-rate, rate: 10, duration: 10s, preAllocatedVUs: 20, flow: chat }
flows:
  chat:
    steps:
      - name: chat
        method: POST
        path: /api/chat
        json: { model: demo, stream: true, messages: [{ role: user, content: 'How long is the queue?' }] }
        stream: { token: '$.choices[0].delta.content' }
  plain:
    steps:
      - { name: health, path: /health }
`;

interface BreakpointDoc {
  verdict: Verdict;
  levels: LevelResult[];
  slo: { criteria: Array<{ kind: string; metric?: string }> };
}

describe('loadctl breakpoint on time to first token (real k6, demo chat with a capacity)', () => {
  it('finds the rate the demo’s workers can stream, within one level', async () => {
    const dir = await tempDir('breakpoint-stream');
    const results = join(dir, 'results');
    const file = await writePlan(dir, 'llm-cap.yaml', PLAN);
    // Levels 8, 12, 16, 20, 24, 28 streams/s, 4 s apiece. The limit (≈17/s) lies between 16 and 20: 12/s keeps
    // the workers 30% idle; 20/s is 17% over the limit, so its queue grows by about 3 streams a second and its
    // ttft passes 500 ms within the level. 16/s is 7% under the limit: a busy machine that makes every stream
    // 8% slower tips it over, hence the tolerance of one level.
    const r = await runCli(
      [
        'breakpoint',
        file,
        '--results',
        results,
        '--no-progress',
        '--slo',
        'ttft_p95<500ms',
        '--start',
        '8',
      ].concat(['--max-rate', '28', '--steps', '6', '--step', `${STEP}s`]),
      { cwd: dir, timeoutMs: 90_000 },
    );
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const runs = readdirSync(join(results, 'llm-cap.breakpoint'));
    const runDir = join(results, 'llm-cap.breakpoint', runs[0] ?? '');
    const doc = JSON.parse(readFileSync(join(runDir, 'breakpoint.json'), 'utf8')) as BreakpointDoc;
    const stats = JSON.parse(readFileSync(join(runDir, 'demo-stats.json'), 'utf8')) as {
      capacity: { peakInFlight: number; queued: number; rejected: number };
    };
    expect(doc.slo.criteria).toMatchObject([{ kind: 'latency', metric: 'ttft' }]);
    expect(doc.verdict.kind).toBe('found');
    if (doc.verdict.kind !== 'found') return;
    const expectedBreak = Math.min(...doc.levels.map((l) => l.target).filter((t) => t > LIMIT));
    expect(expectedBreak).toBe(20);
    expect(doc.verdict.broke.target).toBeGreaterThanOrEqual(expectedBreak - 4);
    expect(doc.verdict.broke.target).toBeLessThanOrEqual(expectedBreak);
    expect(doc.verdict.held?.target).toBe(doc.verdict.broke.target - 4);
    expect(doc.verdict.first.map((b) => [b.kind, b.criterion])).toEqual([['latency', 'ttft_p95<500ms']]);
    expect(doc.verdict.first[0]?.endpoints.map((e) => e.name)).toEqual(['chat']);
    // The levels below held on their streams' own ttft, measured: well under the limit, never zero.
    const below = doc.levels.filter((l) => l.target < doc.verdict.broke.target);
    expect(below.map((l) => l.status)).toEqual(below.map(() => 'held'));
    for (const l of below) {
      const ttft = l.stream?.ttft?.['p(95)'] ?? 0;
      expect(ttft).toBeGreaterThanOrEqual(CHAT.ttftMs - 1);
      expect(ttft).toBeLessThan(500);
    }
    const broke = doc.levels.find((l) => l.level === doc.verdict.broke.level);
    expect(broke?.stream?.ttft?.['p(95)']).toBeGreaterThanOrEqual(500);
    // The demo's workers were the bottleneck: all busy, a queue, nothing turned away.
    expect(stats.capacity).toMatchObject({ peakInFlight: MAX_CONCURRENT, rejected: 0 });
    expect(stats.capacity.queued).toBeGreaterThan(0);
    expect(r.stdout).toContain('ttft p95');
    expect(r.stdout).toContain('broke first: latency — ttft_p95');
  });

  it('refuses a ttft SLO on a flow without a stream step before anything runs', async () => {
    const dir = await tempDir('breakpoint-stream');
    const file = await writePlan(dir, 'plain.yaml', PLAN.replace('flow: chat }', 'flow: plain }'));
    const r = await runCli(['breakpoint', file, '--results', join(dir, 'results'), '--slo', 'ttft_p95<2s'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--slo limits ttft, which only a step with `stream:` measures, and flow plain has none',
    );
    expect(r.stderr).not.toContain('internal error');
  });
});
