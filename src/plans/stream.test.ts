// Steps with `stream:`: what the plan language accepts, what it refuses, and what reaches the script.
import { describe, expect, it } from 'vitest';
import { compileScriptPlan } from './compile.js';
import { renderDiagnostic } from './diagnostics.js';
import { parsePlanText } from './parse.js';
import { resolvePlan } from './resolve.js';
import { streamStepNames } from './rules.js';
import { planSchema } from './schema.js';
import { validatePlan } from './validate.js';

const PLAN = `name: t
targets:
  local: { demo: true }
scenarios:
  s: { executor: per-vu-iterations, vus: 1, iterations: 1, flow: f }
flows:
  f:
    steps:
      - name: chat
        method: POST
        path: /api/chat
        json: { model: demo, stream: true, messages: [{ role: user, content: hi }] }
        stream: { token: '$.choices[0].delta.content' }
        checks: [{ status: 200 }, { bodyContains: 'Load' }]
      - name: plain
        path: /health
        stream: true
      - name: off
        path: /health
        stream: false
`;

function problems(text: string): string[] {
  const parsed = parsePlanText('p.yaml', text);
  if (!parsed.ok) return parsed.diagnostics.map(renderDiagnostic);
  return [...parsed.diagnostics, ...validatePlan(parsed.source).diagnostics].map(renderDiagnostic);
}

function compile(text: string) {
  const parsed = parsePlanText('p.yaml', text);
  if (!parsed.ok) throw new Error('unparsable');
  const { plan, withProfile } = validatePlan(parsed.source);
  if (!plan || !withProfile) throw new Error('invalid');
  const resolved = resolvePlan({ plan, withProfile }, {});
  if (!resolved.ok) throw new Error(resolved.message);
  return compileScriptPlan(resolved.resolved, { baseUrl: 'http://127.0.0.1:1' });
}

describe('stream steps', () => {
  it('accepts `stream: true`, `false` and the long form', () => {
    expect(problems(PLAN)).toEqual([]);
  });

  it('compiles the token path to segments and defaults the end marker to [DONE]', () => {
    const steps = compile(PLAN).flows.f?.steps ?? [];
    const [chat, plain, off] = steps.map((s) => (s.kind === 'http' ? s : undefined));
    expect(chat?.stream).toEqual({
      token: [{ key: 'choices' }, { index: 0 }, { key: 'delta' }, { key: 'content' }],
      done: '[DONE]',
      usage: true,
    });
    // bodyContains reads the tokens' text, so the extension keeps it.
    expect(chat?.needsBody).toBe(true);
    expect(plain?.stream).toEqual({ done: '[DONE]', usage: true });
    expect(plain?.needsBody).toBe(false);
    expect(off !== undefined && 'stream' in off).toBe(false);
  });

  it('carries another end marker or an end event', () => {
    const text = PLAN.replace(
      "stream: { token: '$.choices[0].delta.content' }",
      'stream: { done: END, doneEvent: message_stop }',
    );
    const chat = compile(text).flows.f?.steps[0];
    expect(chat?.kind === 'http' && chat.stream).toEqual({
      done: 'END',
      doneEvent: 'message_stop',
      usage: true,
    });
  });

  it('carries the SLO and `usage: false`', () => {
    const text = PLAN.replace(
      "stream: { token: '$.choices[0].delta.content' }",
      "stream: { token: '$.choices[0].delta.content', usage: false, slo: { ttft: 2s, tpot: 50ms } }",
    );
    const chat = compile(text).flows.f?.steps[0];
    expect(chat?.kind === 'http' && chat.stream).toMatchObject({
      usage: false,
      slo: { ttft: '2s', tpot: '50ms' },
    });
  });

  it('names the steps that need the streaming k6, in the flows the run uses only', () => {
    const parsed = planSchema.parse(
      (parsePlanText('p.yaml', PLAN) as { ok: true; source: { value: unknown } }).source.value,
    );
    expect(streamStepNames(parsed)).toEqual(['chat', 'plain']);
    expect(streamStepNames({ ...parsed, scenarios: {} })).toEqual([]);
  });

  it.each([
    [
      'a token path with [*]',
      PLAN.replace('$.choices[0].delta.content', '$.choices[*].delta.content'),
      [
        'p.yaml:13:26: error: flows.f.steps[0].stream.token: a token path names one value per event; `[*]` is not allowed here\n    hint: e.g. "$.choices[0].delta.content"',
      ],
    ],
    [
      'a token path that is not one',
      PLAN.replace('$.choices[0].delta.content', 'choices.content'),
      [
        'p.yaml:13:26: error: flows.f.steps[0].stream.token: expected a JSON path starting with "$", such as "$.token" or "$.items[0].id"',
      ],
    ],
    [
      'an unknown stream key',
      PLAN.replace('        stream: true', '        stream: { end: "[DONE]" }'),
      [
        'p.yaml:17:19: error: flows.f.steps[1].stream.end: unknown key `end`\n    hint: allowed here: token, done, doneEvent, usage, slo',
      ],
    ],
    [
      'an empty SLO, a zero objective and an unknown one',
      PLAN.replace('        stream: true', '        stream: { slo: {} }').replace(
        "stream: { token: '$.choices[0].delta.content' }",
        "stream: { token: '$.choices[0].delta.content', slo: { ttft: 0s, itl: 1s } }",
      ),
      [
        'p.yaml:13:69: error: flows.f.steps[0].stream.slo.ttft: an objective must be more than 0',
        'p.yaml:13:73: error: flows.f.steps[0].stream.slo.itl: unknown key `itl`\n    hint: allowed here: ttft, tpot, e2e',
        'p.yaml:17:24: error: flows.f.steps[1].stream.slo: give at least one of ttft, tpot and e2e',
      ],
    ],
    [
      'a plan metric that takes a stream metric name with another type',
      `${PLAN}metrics:\n  ttft: { type: counter }\n`,
      [
        'p.yaml:22:3: error: metrics.ttft: `ttft` is a trend every stream step records; k6 cannot have it as a counter too\n    hint: give this metric another name',
      ],
    ],
    [
      'stream thresholds check the step name and the aggregation',
      `${PLAN}thresholds:\n  'ttft{name:chta}': ['p(95)<2000']\n  stream_completed: ['p(95)>0.9']\n`,
      [
        'p.yaml:22:3: warning: thresholds["ttft{name:chta}"]: no request step is named `chta`, so this threshold sees no samples',
        'p.yaml:23:22: error: thresholds.stream_completed[0]: `p(95)` does not apply to `stream_completed`, a rate\n    hint: use rate',
      ],
    ],
    [
      'a goodput threshold when no stream step has an slo',
      `${PLAN}thresholds:\n  goodput: ['rate>0.95']\n`,
      [
        "p.yaml:22:3: warning: thresholds.goodput: no stream step has an `slo`, so `goodput` gets no samples and this threshold is never judged\n    hint: give the streaming step's `stream:` an `slo`, e.g. { ttft: 2s, tpot: 50ms }",
      ],
    ],
    [
      'nothing about goodput when a stream step has an slo',
      `${PLAN.replace("stream: { token: '$.choices[0].delta.content' }", "stream: { token: '$.choices[0].delta.content', slo: { ttft: 2s } }")}thresholds:\n  goodput: ['rate>0.95']\n`,
      [],
    ],
    [
      'stream thresholds in a plan without stream steps',
      `${PLAN.replace("stream: { token: '$.choices[0].delta.content' }", 'stream: false').replace('        stream: true', '        stream: false')}thresholds:\n  'ttft{name:chat}': ['p(95)<2000']\n`,
      [
        'p.yaml:22:3: error: thresholds["ttft{name:chat}"]: no part of the plan produces the metric `ttft`\n    hint: only steps with `stream:` record it; add `stream: true` to the streaming request',
      ],
    ],
  ])('reports %s', (_what, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });
});

const SEND_PLAN = `name: t
targets:
  local: { demo: true }
scenarios:
  s: { executor: per-vu-iterations, vus: 1, iterations: 1, flow: f }
flows:
  f:
    headers: { X-Client-Id: 'user-\${vu}' }
    steps:
      - name: answer
        path: /api/chat/events
        query: { session: 's-\${vu}-\${iter}' }
        stream: { token: '$.choices[0].delta.content' }
        send:
          path: /api/chat/messages
          json: { session: 's-\${vu}-\${iter}', model: demo, messages: [{ role: user, content: hi }] }
          expect: [202, 429]
        checks: [{ status: 202 }]
thresholds:
  'http_reqs{name:answer-send,status:429}': ['count==0']
`;

describe('stream steps with send:', () => {
  it('accepts the GET that opens the stream with the question in send:', () => {
    expect(problems(SEND_PLAN)).toEqual([]);
  });

  it('compiles the question with its own endpoint name, POST by default, and the step timeout', () => {
    const text = SEND_PLAN.replace('        stream:', '        timeout: 2m\n        stream:');
    const step = compile(text).flows.f?.steps[0];
    expect(step?.kind === 'http' && step.send).toEqual({
      name: 'answer-send',
      method: 'POST',
      url: { k: 'lit', v: '/api/chat/messages' },
      query: [],
      headers: [],
      body: { type: 'json', value: expect.anything() as unknown },
      expect: [202, 429],
      timeout: '2m',
    });
    const named = compile(SEND_PLAN.replace('          expect: [202, 429]', '          name: ask'));
    const first = named.flows.f?.steps[0];
    expect(first?.kind === 'http' && first.send?.name).toBe('ask');
  });

  it.each([
    [
      'send on a step without stream:',
      SEND_PLAN.replace("        stream: { token: '$.choices[0].delta.content' }\n", ''),
      [
        'p.yaml:13:9: error: flows.f.steps[0].send: `send` asks the question whose reply the step reads as a stream; this step has no `stream:`\n    hint: add `stream: true` (or `stream: { token: ... }`), or make the request a step of its own',
      ],
    ],
    [
      'a stream step with send: that is not a GET',
      SEND_PLAN.replace(
        '        path: /api/chat/events',
        '        method: POST\n        path: /api/chat/events',
      ),
      [
        'p.yaml:11:17: error: flows.f.steps[0].method: a step with `send` opens the event stream with GET, not POST\n    hint: drop `method:` here; the question goes in `send:` (POST by default)',
      ],
    ],
    [
      'an unknown key next to a second body in send:',
      SEND_PLAN.replace(
        '          expect: [202, 429]',
        "          body: '${vars.nope}'\n          retries: 2",
      ),
      [
        'p.yaml:18:11: error: flows.f.steps[0].send.retries: unknown key `retries`\n    hint: allowed here: name, method, path, query, headers, json, form, body, expect, timeout',
      ],
    ],
    [
      'two bodies and an unset variable in send:',
      SEND_PLAN.replace('          expect: [202, 429]', "          body: '${vars.nope}'"),
      [
        'p.yaml:17:17: error: flows.f.steps[0].send.body: a request has one body; this step sets json and body',
        'p.yaml:17:17: warning: flows.f.steps[0].send.body: nothing sets `vars.nope` (no extract, set or setup step)',
      ],
    ],
  ])('reports %s', (_what, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });
});
