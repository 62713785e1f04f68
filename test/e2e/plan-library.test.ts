// Every shipped plan, as CI runs it: `loadctl run <plan> --profile smoke` through the real CLI, the real k6
// and the built-in demo service. The plans are found by walking plans/, so a plan added later is covered
// without touching this file; a few plans also get checks of their own business numbers below.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunSummary } from '../../src/report/model/summary.js';
import { REPO, runCli, SECRET_STAND_IN, secretStandIns, tempDir } from './helpers.js';

/** The issue's budget for a smoke run: k6's own test duration. */
const SMOKE_BUDGET_MS = 20_000;
/**
 * Wall time also holds loadctl's start-up, bundling and the demo service; e2e files share two cores with the
 * unit tests, so it gets room beyond the budget rather than failing on a busy machine.
 */
const WALL_LIMIT_MS = SMOKE_BUDGET_MS + 10_000;

const PLANS = readdirSync(join(REPO, 'plans'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.yaml'))
  .sort();

interface ResolvedRun {
  profile: string | null;
  plan: { env?: Record<string, string | number | boolean>; invariants?: unknown[] };
}

/** The parts of the demo service's GET /admin/stats these checks read. */
interface DemoStats {
  seatsBooked: number;
  doubleBookings: number;
  payments: number;
  couponsIssued: number;
  couponStock: number;
  requests: Record<string, number>;
  statuses: Record<string, Record<string, number>>;
  rootWork: { requests: number; rounds: number };
  knobs: { rootWork: number; chat: { tokens: number; ttftMs: number } };
  chatSessions: { open: number; opened: number; messages: number; replies: number };
  rateLimitAccuracy: {
    overLimit: number;
    clients: Record<string, { allowed: number; allowance: number }>;
  } | null;
}

interface Run {
  summary: RunSummary;
  resolved: ResolvedRun;
  demo: DemoStats;
}

const count = (s: RunSummary, metric: string, stat = 'count'): number => s.metrics[metric]?.values[stat] ?? 0;
const requests = (s: RunSummary, endpoint: string): number =>
  s.endpoints.find((e) => e.name === endpoint)?.requests ?? 0;

/** Business numbers of particular plans, beyond the verdict and invariants every plan is held to. */
const PLAN_CHECKS: Record<string, (run: Run) => void> = {
  'seat-race': ({ summary, demo }) => {
    expect(count(summary, 'seat_won')).toBe(demo.seatsBooked);
    expect(demo.doubleBookings).toBe(0);
  },
  'reservation-flow': ({ summary, demo }) => {
    // Every visitor who got a seat paid for it, and the service saw each payment.
    expect(count(summary, 'seat_reserved')).toBeGreaterThan(0);
    expect(requests(summary, 'pay')).toBe(count(summary, 'seat_reserved'));
    expect(demo.payments).toBe(requests(summary, 'pay'));
  },
  'point-charge': ({ summary }) => {
    // Both branches ran: some payments needed a top-up first, some did not.
    const charged = summary.metrics['paid_after_charge']?.values ?? {};
    expect(charged['passes']).toBeGreaterThan(0);
    expect(charged['fails']).toBeGreaterThan(0);
    expect(requests(summary, 'charge')).toBe(charged['passes']);
  },
  'coupon-issue': ({ summary, resolved, demo }) => {
    const stock = Number(resolved.plan.env?.['COUPON_STOCK']);
    const issue = summary.endpoints.find((e) => e.name === 'issue')!;
    expect(issue.requests).toBeGreaterThan(stock);
    expect(issue.statuses).toEqual({ '200': stock, '409': issue.requests - stock });
    expect(summary.metrics['success_coupon_issue_rate']?.values['passes']).toBe(stock);
    expect(count(summary, 'coupon_sold_out_count')).toBe(issue.requests - stock);
    expect(count(summary, 'errors_coupon_issue')).toBe(0);
    expect(demo.couponsIssued).toBe(stock);
  },
  'llm-chat': ({ summary }) => {
    // The study's four tests each ran (at once, in the smoke profile): load, streaming, both models of the
    // A/B under the same load, so their rows compare, and the long prompts.
    for (const endpoint of ['chat', 'chat-stream', 'chat-a', 'chat-b', 'chat-long'])
      expect(requests(summary, endpoint), endpoint).toBeGreaterThan(0);
    expect(requests(summary, 'login')).toBe(1);
    // The streaming scenario measures what the demo's model was told to do (ttftMs 300, tokenDelayMs 20, 20
    // tokens): time to the first token, not to the headers.
    const ttft = summary.metrics['ttft']?.values ?? {};
    expect(ttft['med']).toBeGreaterThanOrEqual(298);
    expect(ttft['med']).toBeLessThan(340);
    const itl = summary.metrics['inter_token_latency']?.values ?? {};
    expect(itl['med']).toBeGreaterThanOrEqual(18);
    expect(itl['med']).toBeLessThan(30);
    expect(summary.metrics['stream_tokens']?.values['med']).toBe(20);
    expect(summary.metrics['stream_completed']?.values['rate']).toBe(1);
    expect(summary.metrics['tokens_per_second']?.values['med']).toBeGreaterThan(30);
  },
  'graviton-vs-x86': ({ summary, demo }) => {
    // The study's flow: no login, every request the CPU-heavy `GET /`, each one doing its SHA-256 rounds.
    const home = requests(summary, 'home');
    expect(home).toBeGreaterThan(0);
    expect(summary.endpoints.map((e) => e.name)).toEqual(['home']);
    expect(demo.requests).toEqual({ 'GET /': home });
    expect(demo.rootWork).toEqual({ requests: home, rounds: home * demo.knobs.rootWork });
    expect(demo.knobs.rootWork).toBeGreaterThan(0);
  },
  'openai-compatible': ({ summary, demo }) => {
    // Every request went to the OpenAI path and was read as a stream, as the demo's model was told to answer
    // (ttftMs 200, tokenDelayMs 20, 32 tokens): ttft from the request, never before the first token is due
    // (the demo's timers may fire a millisecond early).
    const chat = requests(summary, 'chat');
    expect(chat).toBeGreaterThan(0);
    expect(demo.statuses['POST /v1/chat/completions']).toEqual({ '200': chat });
    expect(count(summary, 'ttft', 'min')).toBeGreaterThanOrEqual(demo.knobs.chat.ttftMs - 2);
    // Each answer is as long as its prompt row's max_tokens allows (the demo stops at the smaller), and the
    // server's usage counted every one of them.
    const asked = summary.metrics['dataset_output_len']?.values;
    const tokens = summary.metrics['stream_tokens']?.values;
    const cap = (n: number | undefined): number => Math.min(demo.knobs.chat.tokens, n ?? NaN);
    expect([tokens?.min, tokens?.max]).toEqual([cap(asked?.min), cap(asked?.max)]);
    expect(count(summary, 'output_tokens')).toBe(Math.round((tokens?.avg ?? NaN) * chat));
    expect(summary.metrics['stream_completed']?.values['rate']).toBe(1);
    // tpot: the demo sends the last token on its schedule (or up to a millisecond early) and the first at
    // most (ttft − ttftMs) late, so an answer of n tokens has tpot ≥ delay − (1 + that lateness) / (n − 1).
    const firstLate = count(summary, 'ttft', 'max') - demo.knobs.chat.ttftMs;
    const gaps = (tokens?.min ?? NaN) - 1;
    expect(count(summary, 'tpot', 'min')).toBeGreaterThanOrEqual(
      demo.knobs.chat.tokenDelayMs - (1 + firstLate) / gaps,
    );
    expect(count(summary, 'goodput', 'passes') + count(summary, 'goodput', 'fails')).toBe(chat);
  },
  'traffic-dam': ({ summary, demo }) => {
    expect(count(summary, 'abuse_limited')).toBeGreaterThan(count(summary, 'abuse_allowed'));
    expect(summary.endpoints.find((e) => e.name === 'ask')?.failed).toBe(0);
    // The study's cycle: every stream (answer) carried one question (ask), each accepted and answered whole.
    const cycles = requests(summary, 'answer');
    expect(cycles).toBeGreaterThan(0);
    expect(requests(summary, 'ask')).toBe(cycles);
    expect(demo.statuses['POST /api/chat/messages']).toEqual({ '202': cycles });
    expect(demo.chatSessions).toEqual({ open: 0, opened: cycles, messages: cycles, replies: cycles });
    const tokens = summary.metrics['stream_tokens']?.values;
    expect([tokens?.min, tokens?.max]).toEqual([demo.knobs.chat.tokens, demo.knobs.chat.tokens]);
    // From the question: never before the demo's first token is due (its timers may fire a millisecond early).
    expect(count(summary, 'ttft', 'min')).toBeGreaterThanOrEqual(demo.knobs.chat.ttftMs - 2);
    const abuser = demo.rateLimitAccuracy?.clients['id:abuser'];
    expect(abuser?.allowed).toBe(count(summary, 'abuse_allowed'));
    expect(abuser!.allowed).toBeLessThanOrEqual(abuser!.allowance);
  },
};

/** Every file under a run folder that holds the text (a secret must be in none). */
function filesHolding(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => {
    const path = join(dir, f);
    return statSync(path).isFile() && readFileSync(path).includes(text);
  });
}

function onlyRunDir(results: string, plan: string): string {
  const runs = readdirSync(join(results, plan));
  expect(runs).toHaveLength(1);
  return join(results, plan, runs[0]!);
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

describe('the plan library: every shipped plan runs its smoke profile against the demo service', () => {
  it('finds the shipped plans, and every plan with checks of its own among them', () => {
    expect(PLANS).toEqual(expect.arrayContaining(['seat-race.yaml', 'examples/existing-script.yaml']));
    const names = PLANS.map(
      (file) => (parse(readFileSync(join(REPO, 'plans', file), 'utf8')) as { name: string }).name,
    );
    expect(names).toEqual(expect.arrayContaining(Object.keys(PLAN_CHECKS)));
  });

  it.each(PLANS)('plans/%s --profile smoke passes with its invariants', async (file) => {
    const text = readFileSync(join(REPO, 'plans', file), 'utf8');
    const source = parse(text) as { name: string; profiles?: Record<string, unknown>; secrets?: string[] };
    expect(Object.keys(source.profiles ?? {}), 'every shipped plan has a smoke profile').toContain('smoke');

    const results = join(await tempDir('library'), 'results');
    const started = performance.now();
    const r = await runCli(
      ['run', `plans/${file}`, '--profile', 'smoke', '--results', results, '--no-progress'],
      { timeoutMs: 90_000, env: secretStandIns(text) },
    );
    const wallMs = performance.now() - started;
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('✓ PASSED');

    const runDir = onlyRunDir(results, source.name);
    if (source.secrets !== undefined) expect(filesHolding(runDir, SECRET_STAND_IN)).toEqual([]);
    const summary = readJson<RunSummary>(join(runDir, 'summary.json'));
    const resolved = readJson<ResolvedRun>(join(runDir, 'plan.resolved.json'));
    expect(summary.profile).toBe('smoke');
    expect(summary.outcome).toEqual({ kind: 'passed' });
    expect(summary.generator).toEqual({ saturated: false, reasons: [] });
    expect(summary.thresholds.filter((t) => !t.ok)).toEqual([]);
    expect(summary.totals.requests).toBeGreaterThan(0);
    // A smoke run exercises every endpoint the plan names.
    expect(summary.endpoints.filter((e) => e.requests === 0).map((e) => e.name)).toEqual([]);
    // Every invariant the plan (as run) declares was checked after the load, and held.
    const declared = (resolved.plan.invariants ?? []).length;
    expect(summary.invariants).toHaveLength(declared);
    expect(summary.invariants.filter((i) => !i.ok)).toEqual([]);

    expect(summary.durationMs).toBeLessThanOrEqual(SMOKE_BUDGET_MS);
    expect(wallMs).toBeLessThanOrEqual(WALL_LIMIT_MS);

    const check = PLAN_CHECKS[source.name];
    if (check) check({ summary, resolved, demo: readJson<DemoStats>(join(runDir, 'demo-stats.json')) });
  });
});
