// A study's report end to end: the real k6 streams chat answers from the demo service, and the run's
// reports show the plan's `about:` facts, the average response times (the stream's too) and a
// recommendation, in English and Korean; an invariant's `${env.NAME}` is shown resolved. The threshold is
// one no machine can meet (p95 under 1 ms of an answer the demo starts after 20 ms), so a recommendation
// is certain however busy the machine.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan, type CliResult } from './helpers.js';

const PLAN = `name: study-chat
about:
  model: demo-model-a
  server: loadctl demo on loopback
  max_tokens: 5
targets:
  local:
    demo: { couponStock: 7, chat: { ttftMs: 20, tokenDelayMs: 5, tokens: 5 } }
env:
  STOCK: 7
scenarios:
  chat: { executor: constant-vus, vus: 2, duration: 3s, flow: chat }
thresholds:
  http_req_duration: ['p(95)<1']
flows:
  chat:
    steps:
      - name: chat
        method: POST
        path: /api/chat
        json: { model: demo-model-a, stream: true, messages: [{ role: user, content: hi }] }
        stream: { token: '$.choices[0].delta.content' }
        checks: [{ status: 200 }]
invariants:
  - name: the stock the plan expects
    path: /admin/stats
    expect:
      - json: $.couponStock
        equals: '\${env.STOCK}'
`;

describe('a study’s run reports', () => {
  let results = '';
  let runDir = '';
  let run: CliResult;

  beforeAll(async () => {
    const dir = await tempDir('study');
    results = join(dir, 'results');
    const plan = await writePlan(dir, 'study.yaml', PLAN);
    run = await runCli(['run', plan, '--results', results, '--report', 'markdown,html', '--skip-preflight']);
    const runs = readdirSync(join(results, 'study-chat'));
    runDir = join(results, 'study-chat', runs[0] ?? '');
  }, 90_000);

  it('fails its threshold (exit 99) and records the facts in plan.resolved.json', () => {
    expect(run.code, run.stderr).toBe(99);
    const resolved = JSON.parse(readFileSync(join(runDir, 'plan.resolved.json'), 'utf8')) as {
      plan: { about?: Record<string, unknown> };
    };
    expect(resolved.plan.about).toEqual({
      model: 'demo-model-a',
      server: 'loadctl demo on loopback',
      max_tokens: 5,
    });
  });

  it('prints the facts under the summary’s header and the first recommendation', () => {
    expect(run.stdout).toContain(
      'About this study: model demo-model-a · server loadctl demo on loopback · max_tokens 5',
    );
    expect(run.stdout).toMatch(
      /→ next step: p95 of http_req_duration was [\d.]+m?s against p\(95\)<1 at up to 2 VUs/,
    );
  });

  it('shows the invariant with its env value resolved, in the summary and the report', () => {
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.invariants).toEqual([
      { name: 'the stock the plan expects', ok: true, detail: '$.couponStock == 7 (observed 7)' },
    ]);
    expect(readFileSync(join(runDir, 'report.md'), 'utf8')).toContain('$.couponStock == 7 (observed 7)');
  });

  it('writes Markdown with the facts, the average response times and recommendations', () => {
    const md = readFileSync(join(runDir, 'report.md'), 'utf8');
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(md).toContain(
      '## About this study\n\n- **model**: demo-model-a\n- **server**: loadctl demo on loopback',
    );
    expect(md).toMatch(/- \*\*Average response time \(all requests\)\*\*: [\d.]+m?s/);
    // The stream's figures are the run's own: k6 recorded every answer's 5 tokens and each stream ended.
    expect(summary.metrics['stream_tokens']?.values['avg']).toBe(5);
    expect(md).toContain('- **Tokens per answer (avg)**: 5.0');
    expect(md).toMatch(/- \*\*Time to first token \(avg\)\*\*: [\d.]+m?s/);
    expect(md).toContain('- **Streams completed**: 100.00%');
    expect(md).toMatch(
      /## Recommendations\n\n- p95 of `http_req_duration` was [\d.]+m?s against `p\(95\)<1` at up to 2 VUs: \*\*lower the concurrency below 2 VUs or add capacity\*\*/,
    );
  });

  it('writes HTML with the same sections', () => {
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('<dt>model</dt><dd>demo-model-a</dd>');
    expect(html).toContain('<dt>Average response time (all requests)</dt>');
    expect(html).toContain('<section id="recommendations">');
  });

  it('reports it again in Korean', async () => {
    const ko = await runCli([
      'report',
      'latest',
      '--results',
      results,
      '--format',
      'markdown',
      '--lang',
      'ko',
    ]);
    expect(ko.code, ko.stderr).toBe(0);
    expect(ko.stdout).toContain('## 측정 조건\n\n- **model**: demo-model-a');
    expect(ko.stdout).toContain('평균 응답 시간 (전체 요청)');
    expect(ko.stdout).toContain('첫 토큰까지 시간 (평균)');
    expect(ko.stdout).toMatch(/## 권장 조치\n\n- `http_req_duration`의 p95가 최대 VU 2개에서/);
  });
});
