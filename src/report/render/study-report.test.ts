// A study's report: the plan's `about:` facts, the average response times (with a stream's) and the
// recommendations, in every format and both languages.
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { RUN_FILES } from '../../store/layout.js';
import { parseRunReport, type RunReport } from '../model/report.js';
import { renderHtmlReport, type ChartAssets } from './html.js';
import { renderReport } from './index.js';
import { renderMarkdownReport } from './markdown.js';
import { renderSummaryTable } from './table.js';

const STUB_ASSETS: ChartAssets = { uplotJs: 'window.uPlot = function () {};', uplotCss: '.uplot {}' };
const ABOUT = { model: 'llama-3-8b', server: 'vLLM 0.5 on 1×A10G', max_tokens: 256 };

/** The recorded ticket-rush run (test/fixtures/report/README.md) as a study of an LLM chat. */
function study(about: Record<string, string | number | boolean> = ABOUT): RunReport {
  const dir = new URL('../../../test/fixtures/report/ticket-rush/', import.meta.url);
  const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');
  const plan = JSON.parse(read(RUN_FILES.plan)) as { plan: Record<string, unknown> };
  plan.plan['about'] = about;
  const report = parseRunReport({
    summary: read(RUN_FILES.summary),
    series: read(RUN_FILES.series),
    meta: read(RUN_FILES.meta),
    plan: JSON.stringify(plan),
  });
  if (!report) throw new Error('the fixture has no summary');
  // The stream metrics a `stream:` step records (k6/x/loadctl-sse).
  report.summary.metrics['ttft'] = { type: 'trend', contains: 'time', values: { avg: 123.4, 'p(95)': 210 } };
  report.summary.metrics['tokens_per_second'] = { type: 'trend', contains: 'default', values: { avg: 41.5 } };
  report.summary.metrics['stream_completed'] = {
    type: 'rate',
    contains: 'default',
    values: { rate: 0.98, passes: 49, fails: 1 },
  };
  return report;
}

describe('a study’s Markdown report', () => {
  it('shows the about facts, the average response times and recommendations (golden)', async () => {
    const md = renderMarkdownReport(study(), { lang: 'en' });
    expect(md).toContain('## About this study\n\n- **model**: llama-3-8b\n- **server**: vLLM 0.5 on 1×A10G');
    expect(md).toContain('- **max\\_tokens**: 256');
    expect(md).toContain('- **Average response time (all requests)**: 7.00ms');
    expect(md).toContain('- **Time to first token (avg)**: 123.4ms');
    expect(md).toContain('- **Streams completed**: 98.00%');
    // The seats endpoint's failures are 5xx; reserve's 409s are declared, so its 16 failures are 5xx too.
    expect(md).toMatch(/## Recommendations\n\n- `seats`: most failed responses were 5xx/);
    expect(md).toContain('- `reserve`: most failed responses were 5xx');
    await expect(md).toMatchFileSnapshot('__golden__/study.en.md');
  });

  it('is Korean with lang ko (golden)', async () => {
    const md = renderMarkdownReport(study(), { lang: 'ko' });
    expect(md).toContain('## 측정 조건');
    expect(md).toContain('평균 응답 시간 (전체 요청)');
    expect(md).toContain('## 권장 조치');
    await expect(md).toMatchFileSnapshot('__golden__/study.ko.md');
  });

  it('recommends lowering the concurrency for a broken latency threshold, with the run’s own figures', () => {
    const r = study();
    r.summary.thresholds.push({
      metric: 'http_req_duration{name:seats}',
      expression: 'p(95)<5',
      ok: false,
      observed: 9.5,
      stat: 'p(95)',
      abortOnFail: false,
    });
    const md = renderMarkdownReport(r, { lang: 'en' });
    expect(md).toContain(
      '- p95 of `seats` was 9.50ms against `p(95)<5` at up to 16 VUs: **lower the concurrency below 16 VUs or add capacity**',
    );
    expect(renderMarkdownReport(r, { lang: 'ko' })).toContain(
      '`seats`의 p95가 최대 VU 16개에서 9.50ms로 기준 `p(95)<5`을 넘었습니다',
    );
  });

  it('escapes facts from the plan, and leaves out the sections a plan without them has no data for', () => {
    const md = renderMarkdownReport(study({ '<b>x</b>': '| *y* `z`' }), { lang: 'en' });
    expect(md).not.toContain('<b>x</b>');
    expect(md).not.toContain('| *y*');
    const bare = study();
    delete bare.plan?.about;
    expect(renderMarkdownReport(bare, { lang: 'en' })).not.toContain('About this study');
  });
});

describe('a study’s HTML report', () => {
  it('shows the facts, response times and recommendations, every fact escaped', () => {
    const html = renderHtmlReport(study({ ...ABOUT, '<script>x</script>': '<img src=x>' }), {
      lang: 'en',
      assets: STUB_ASSETS,
      version: 't',
    });
    expect(html).toContain('<section id="about">\n<h2>About this study</h2>');
    expect(html).toContain('<dt>model</dt><dd>llama-3-8b</dd>');
    expect(html).toContain('<dt>Average response time (all requests)</dt><dd>7.00ms</dd>');
    expect(html).toContain('<dt>Tokens per second (avg)</dt><dd>41.5</dd>');
    expect(html).toMatch(
      /<section id="recommendations">\n<h2>Recommendations<\/h2>\n<ul class="observations"><li><code>seats<\/code>/,
    );
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('&lt;img src=x&gt;');
  });

  it('is Korean with lang ko', () => {
    const html = renderHtmlReport(study(), { lang: 'ko', assets: STUB_ASSETS, version: 't' });
    expect(html).toContain('<h2>측정 조건</h2>');
    expect(html).toContain('<h2>권장 조치</h2>');
  });
});

describe('a study’s JUnit report', () => {
  it('has the facts as properties of the run suite', () => {
    const xml = renderReport('junit', study(), { lang: 'en', version: 't' });
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      testsuites: {
        testsuite: Array<{ '@_name': string; properties?: { property: Array<Record<string, string>> } }>;
      };
    };
    const run = doc.testsuites.testsuite.find((s) => s['@_name'].endsWith(' run'));
    const props = Object.fromEntries(
      (run?.properties?.property ?? []).map((p) => [p['@_name'], p['@_value']]),
    );
    expect(props).toMatchObject({
      'about.model': 'llama-3-8b',
      'about.server': 'vLLM 0.5 on 1×A10G',
      'about.max_tokens': '256',
    });
  });
});

describe('a study’s terminal summary', () => {
  const s = study().summary;

  it('shows the facts under the header and the first recommendation before the verdict', () => {
    const text = renderSummaryTable(s, { color: false, width: 120, about: ABOUT });
    const lines = text.split('\n');
    expect(lines[3]).toBe('About this study: model llama-3-8b · server vLLM 0.5 on 1×A10G · max_tokens 256');
    expect(text).toMatch(/→ next step: seats: most failed responses were 5xx[^\n]*\n\n✗ /);
  });

  it('in Korean', () => {
    const text = renderSummaryTable(s, { color: false, width: 120, about: ABOUT, lang: 'ko' });
    expect(text).toContain('측정 조건: model llama-3-8b');
    expect(text).toContain('→ 다음 조치: seats: 실패한 응답 대부분이 5xx');
  });

  it('makes control characters in a fact visible', () => {
    const text = renderSummaryTable(s, { color: false, about: { 'a\u001b[2J': 'b\u0007' } });
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
  });

  it('is unchanged for a plan without facts and a run that passed', () => {
    expect(renderSummaryTable(s, { color: false, width: 120 })).not.toContain('About this study');
  });
});

describe('a run with command-line overrides', () => {
  function overridden(): RunReport {
    const r = study();
    r.meta = { ...r.meta, overrides: { scenarios: ['streaming'], vus: 5, env: { MODEL: 'secret-ish' } } };
    return r;
  }

  it('says which overrides reshaped the plan, in every format, never an -e value', () => {
    const r = overridden();
    const md = renderMarkdownReport(r, { lang: 'en' });
    expect(md).toContain('- **Overrides**: `--scenario streaming --vus 5 -e MODEL=…`');
    expect(renderMarkdownReport(r, { lang: 'ko' })).toContain('- **명령줄 재정의**: `--scenario streaming');
    const html = renderHtmlReport(r, { lang: 'en', assets: STUB_ASSETS, version: 't' });
    expect(html).toContain('Overrides <code>--scenario streaming --vus 5 -e MODEL=…</code>');
    const junit = renderReport('junit', r, { lang: 'en', version: 't' });
    expect(junit).toContain('<property name="overrides" value="--scenario streaming --vus 5 -e MODEL=…"');
    for (const text of [md, html, junit]) expect(text).not.toContain('secret-ish');
    expect(renderMarkdownReport(study(), { lang: 'en' })).not.toContain('Overrides');
  });
});
