// Streaming steps end to end: the real CLI and the real k6 built by `npm run setup:k6` (with loadctl's
// k6/x/loadctl-sse extension) against the demo service's chat endpoint on loopback. The demo flushes its
// headers at once and sends the first token ttftMs later, then one every tokenDelayMs, so time to first byte
// (headers) is near zero while time to first token is large: a TTFT that were really TTFB would fail here.
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';

interface Trend {
  avg: number;
  min: number;
  med: number;
  max: number;
}
interface K6Summary {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
}

const TTFT_MS = 400;
const TOKEN_DELAY_MS = 30;
const TOKENS = 12;
const STREAMS = 6;

function plan(chat: Record<string, number>, thresholds: string): string {
  return `name: stream-e2e
targets:
  local: { demo: { chat: ${JSON.stringify(chat)} } }
scenarios:
  chat: { executor: per-vu-iterations, vus: 2, iterations: ${STREAMS / 2}, flow: chat, maxDuration: 30s }
thresholds:
${thresholds}
flows:
  chat:
    steps:
      - name: chat
        method: POST
        path: /api/chat
        json: { model: demo, stream: true, messages: [{ role: user, content: 'Hello there' }] }
        stream: { token: '$.choices[0].delta.content' }
        timeout: 20s
        checks:
          - status: 200
          # On the tokens' text, put together from the deltas: the demo's words, spaced.
          - bodyContains: 'how a system behaves'
`;
}

// Empty-ish thresholds on every stream metric of the step: k6 then computes them per endpoint (name tag).
const PER_STEP = [
  "  'ttft{name:chat}': ['p(95)<2000']",
  "  'ttfb_headers{name:chat}': ['p(95)<2000']",
  "  'inter_token_latency{name:chat}': ['p(95)<2000']",
  "  'stream_tokens{name:chat}': ['min>0']",
  "  'tokens_per_second{name:chat}': ['min>0']",
].join('\n');

async function readSummary(resultsDir: string): Promise<K6Summary> {
  const planDir = join(resultsDir, 'stream-e2e');
  const [runId] = await readdir(planDir);
  return JSON.parse(await readFile(join(planDir, runId ?? '', 'k6-summary.json'), 'utf8')) as K6Summary;
}

/** loadctl's summary.json: by default its figures are rebuilt from the metric stream (k6 keeps none). */
async function readRunSummary(resultsDir: string): Promise<RunSummary> {
  const planDir = join(resultsDir, 'stream-e2e');
  const [runId] = await readdir(planDir);
  return JSON.parse(await readFile(join(planDir, runId ?? '', 'summary.json'), 'utf8')) as RunSummary;
}

function trend(s: Pick<K6Summary, 'metrics'>, key: string): Trend {
  const values = s.metrics[key]?.values;
  if (values === undefined) throw new Error(`k6 reported no ${key}`);
  return values as unknown as Trend;
}

describe('streaming steps (k6/x/loadctl-sse)', () => {
  it('measures time to first token, not to the headers, and the gaps between tokens', async () => {
    const dir = await tempDir('stream');
    const file = await writePlan(
      dir,
      'stream.yaml',
      plan(
        { ttftMs: TTFT_MS, tokenDelayMs: TOKEN_DELAY_MS, tokens: TOKENS },
        `${PER_STEP}\n  'stream_completed{name:chat}': ['rate>0.95']`,
      ),
    );
    const results = join(dir, 'results');
    // k6's own summary: the extension's figures as k6 computes them, per step.
    const r = await runCli(['run', file, '--results', results, '--no-progress', '--k6-summary']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('ttft');
    const s = await readSummary(results);

    expect(s.metrics['http_reqs{name:chat}']?.values.count).toBe(STREAMS);
    expect(s.metrics['stream_completed{name:chat}']?.values).toMatchObject({ rate: 1, passes: STREAMS });
    expect(s.metrics.checks?.values.rate).toBe(1);

    // The headers come at once...
    const ttfb = trend(s, 'ttfb_headers{name:chat}');
    expect(ttfb.med).toBeLessThan(30);
    expect(trend(s, 'http_req_waiting').med).toBeLessThan(30);
    // ...the first token ttftMs later. The request starts before the server's clock does, so TTFT is never
    // below it; above it by the server's timer lateness on a busy machine.
    const ttft = trend(s, 'ttft{name:chat}');
    expect(ttft.min).toBeGreaterThanOrEqual(TTFT_MS - 2);
    expect(ttft.med).toBeLessThan(TTFT_MS + 25);
    expect(ttft.med - ttfb.med).toBeGreaterThan(TTFT_MS - 30);

    // Tokens are due at absolute offsets, so a late one is followed by a short gap: the mean is tight.
    const itl = trend(s, 'inter_token_latency{name:chat}');
    expect(Math.abs(itl.avg - TOKEN_DELAY_MS)).toBeLessThan(4);
    expect(Math.abs(itl.med - TOKEN_DELAY_MS)).toBeLessThan(8);

    const tokens = trend(s, 'stream_tokens{name:chat}');
    expect([tokens.min, tokens.max]).toEqual([TOKENS, TOKENS]);
    const tps = trend(s, 'tokens_per_second{name:chat}');
    expect(Math.abs(tps.med - 1000 / TOKEN_DELAY_MS)).toBeLessThan(4);

    // The whole stream is the request's duration: ttft plus every gap.
    const duration = trend(s, 'http_req_duration{name:chat}');
    expect(duration.med).toBeGreaterThan(TTFT_MS + (TOKENS - 1) * TOKEN_DELAY_MS - 30);
  });

  it('counts a stream cut off before its end marker as not completed, and its threshold fails the run', async () => {
    const dir = await tempDir('stream-cut');
    const file = await writePlan(
      dir,
      'stream.yaml',
      plan(
        { ttftMs: 100, tokenDelayMs: 10, tokens: TOKENS, cutRate: 1, cutAfterTokens: 4 },
        `${PER_STEP}\n  'stream_completed{name:chat}': ['rate>0.95']`,
      ),
    );
    const results = join(dir, 'results');
    const r = await runCli(['run', file, '--results', results, '--no-progress']);
    expect(r.code, r.stderr + r.stdout).toBe(99);
    // The default: k6 kept no metrics, and loadctl judged the thresholds from its stream.
    const s = await readRunSummary(results);
    expect(s.thresholds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metric: 'stream_completed{name:chat}', ok: false, observed: 0 }),
      ]),
    );
    expect(s.metrics['stream_completed']?.values).toMatchObject({ rate: 0, fails: STREAMS });
    // What arrived before the cut still counts: the first four tokens, on time.
    const tokens = trend(s, 'stream_tokens');
    expect([tokens.min, tokens.max]).toEqual([4, 4]);
    expect(trend(s, 'ttft').min).toBeGreaterThanOrEqual(98);
    // k6's own view of a body that broke off: a failed request.
    expect(s.metrics['http_req_failed']?.values['rate']).toBe(1);
  });

  it('fails preflight with the fix on a k6 without the extension, and doctor says so', async () => {
    const dir = await tempDir('stream-stock');
    // Stands in for a stock k6: loadctl asks it for its version only before refusing it.
    const fake = join(dir, 'k6');
    await writeFile(fake, '#!/bin/sh\necho "k6 v1.8.1 (go1.26.8, linux/amd64)"\n');
    await chmod(fake, 0o755);
    const file = await writePlan(
      dir,
      'stream.yaml',
      plan({ ttftMs: 10 }, "  'ttft{name:chat}': ['p(95)<2000']"),
    );
    const env = { LOADCTL_K6_BIN: fake };

    const r = await runCli(['run', file, '--results', join(dir, 'results'), '--no-progress'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `✗ k6 streaming: ${fake} (k6 v1.8.1) has no k6/x/loadctl-sse, which the stream steps chat need`,
    );
    expect(r.stderr).toContain('fix: Run `npm run setup:k6`');

    const doctor = await runCli(['doctor', '--plan', file, '--results', dir, '--json'], { env });
    const stock = (JSON.parse(doctor.stdout) as { checks: Array<{ id: string; status: string }> }).checks;
    expect(stock.find((c) => c.id === 'k6.streaming')?.status).toBe('failure');

    // The project's k6 (this test suite's) has the extension, built from the sources in k6ext/.
    const ours = await runCli(['doctor', '--plan', file, '--results', dir, '--json']);
    const built = (
      JSON.parse(ours.stdout) as { checks: Array<{ id: string; status: string; observed: string }> }
    ).checks;
    expect(built.find((c) => c.id === 'k6.streaming')).toMatchObject({
      status: 'ok',
      observed: expect.stringMatching(/^yes: k6\/x\/loadctl-sse src-[0-9a-f]{12}$/) as unknown,
    });
  });
});
