// The two-request chat cycle end to end (`stream:` with `send:`): the real CLI and the real k6 with
// k6/x/loadctl-sse against the demo service's session routes on loopback. Each cycle opens GET
// /api/chat/events?session=…, sends POST /api/chat/messages once the stream listens, reads the reply on the
// stream until [DONE] and hangs up. The demo's rate limiter lets each client through `burst` times and never
// again (a rate too low to refill during the run), so which questions get 429 is known in advance.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';

const TTFT_MS = 60;
const TOKENS = 6;
const BURST = 3;
/** Normal users: each asks BURST questions from its own client id, so none is held back. */
const USERS = 2;
/** One abuser asks this many from a single client id: the ones past the burst get 429. */
const FLOOD = 5;

const PLAN = `name: stream-send
targets:
  local:
    demo:
      rateLimit: { perSecond: 0.001, burst: ${BURST} }
      chat: { ttftMs: ${TTFT_MS}, tokenDelayMs: 5, tokens: ${TOKENS} }
scenarios:
  users: { executor: per-vu-iterations, vus: ${USERS}, iterations: ${BURST}, flow: user, maxDuration: 30s }
  abuser: { executor: per-vu-iterations, vus: 1, iterations: ${FLOOD}, flow: abuser, maxDuration: 30s }
thresholds:
  'stream_completed{name:answer}': ['rate>0.99']
  'stream_completed{name:flood}': ['rate>=0']
  'stream_tokens{name:answer}': ['min>0']
  'ttft{name:answer}': ['p(95)<10000']
  'ttft{name:flood}': ['p(95)<10000']
  'http_reqs{name:ask}': ['count>0']
  'http_reqs{name:answer}': ['count>0']
  'http_reqs{name:flood-send,status:202}': ['count>0']
  'http_reqs{name:flood-send,status:429}': ['count>0']
  'http_req_failed{name:flood-send}': ['rate==0']
  'http_req_failed{name:flood}': ['rate==0']
flows:
  user:
    headers: { X-Client-Id: 'user-\${vu}' }
    steps:
      - name: answer
        path: /api/chat/events
        query: { session: 'u-\${vu}-\${iter}' }
        timeout: 20s
        stream: { token: '$.choices[0].delta.content' }
        send:
          name: ask
          path: /api/chat/messages
          json: { session: 'u-\${vu}-\${iter}', model: demo, messages: [{ role: user, content: 'Hello there' }] }
        checks:
          - status: 202
          - bodyContains: 'how a system behaves'
  abuser:
    headers: { X-Client-Id: abuser }
    steps:
      - name: flood
        path: /api/chat/events
        query: { session: 'a-\${iter}' }
        timeout: 20s
        stream: { token: '$.choices[0].delta.content' }
        send:
          path: /api/chat/messages
          json: { session: 'a-\${iter}', model: demo, messages: [{ role: user, content: again }] }
          expect: [202, 429]
        checks:
          - status: [202, 429]
`;

interface K6Summary {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
}

interface DemoStats {
  requests: Record<string, number>;
  statuses: Record<string, Record<string, number>>;
  chatSessions: { open: number; opened: number; messages: number; replies: number };
}

describe('stream steps with send: (the session cycle)', () => {
  it("sends every question once its stream listens, reads each reply whole and counts the dam's 429s as the question's", async () => {
    const dir = await tempDir('stream-send');
    const file = await writePlan(dir, 'plan.yaml', PLAN);
    const results = join(dir, 'results');
    const r = await runCli(['run', file, '--results', results, '--no-progress', '--k6-summary']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const runDir = join(results, 'stream-send', (await readdir(join(results, 'stream-send')))[0] ?? '');
    const k6 = JSON.parse(await readFile(join(runDir, 'k6-summary.json'), 'utf8')) as K6Summary;
    const demo = JSON.parse(await readFile(join(runDir, 'demo-stats.json'), 'utf8')) as DemoStats;
    const values = (key: string): Record<string, number> => {
      const v = k6.metrics[key]?.values;
      if (v === undefined) throw new Error(`k6 reported no ${key}`);
      return v;
    };

    const asked = USERS * BURST;
    const limited = FLOOD - BURST;
    // Every cycle opened its stream and sent its question; the demo saw each of them.
    expect(values('http_reqs{name:answer}').count).toBe(asked);
    expect(values('http_reqs{name:ask}').count).toBe(asked);
    expect(values('http_reqs{name:flood-send,status:202}').count).toBe(BURST);
    expect(values('http_reqs{name:flood-send,status:429}').count).toBe(limited);
    expect(demo.statuses['GET /api/chat/events']).toEqual({ '200': asked + FLOOD });
    expect(demo.statuses['POST /api/chat/messages']).toEqual({ '202': asked + BURST, '429': limited });
    // Every accepted question's reply reached [DONE], and the client hung up every stream.
    expect(demo.chatSessions).toEqual({
      open: 0,
      opened: asked + FLOOD,
      messages: asked + BURST,
      replies: asked + BURST,
    });

    // The users' replies: whole, complete, and timed from the question, never before the demo's first token.
    expect(values('stream_completed{name:answer}')).toMatchObject({ rate: 1, passes: asked });
    const tokens = values('stream_tokens{name:answer}');
    expect([tokens.min, tokens.max]).toEqual([TOKENS, TOKENS]);
    expect(values('ttft{name:answer}').min).toBeGreaterThanOrEqual(TTFT_MS - 2);
    expect(values('checks').rate).toBe(1);
    // A refused question closes its stream at once: no reply, no tokens, not completed, yet no failure.
    expect(values('stream_completed{name:flood}')).toMatchObject({ passes: BURST, fails: limited });
    expect(values('ttft{name:flood}').min).toBeGreaterThanOrEqual(TTFT_MS - 2);
    expect(values('http_req_failed{name:flood-send}').rate).toBe(0);
    expect(values('http_req_failed{name:flood}').rate).toBe(0);
    // loadctl's own summary (from its metric stream): the question is an endpoint with its statuses.
    const summary = JSON.parse(await readFile(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    const flood = summary.endpoints.find((e) => e.name === 'flood-send');
    expect(flood).toMatchObject({ requests: FLOOD, failed: 0, statuses: { '202': BURST, '429': limited } });
    expect(summary.endpoints.map((e) => e.name).sort()).toEqual(['answer', 'ask', 'flood', 'flood-send']);
  });
});
