import { describe, expect, it } from 'vitest';
import type { BatchStats } from '../model/batches.js';
import type { RunSummary } from '../model/summary.js';
import type { ByTagSummary, TagGroupSummary } from '../model/tag-groups.js';
import { parseBy, tagSides } from './by-tag.js';
import { compareRuns } from './compare.js';
import { judgeGate, parseFailOn } from './gate.js';
import { renderCompareTable } from '../render/compare-table.js';
import { renderCompareHtml } from '../render/compare-html.js';

// Per-batch p95s of two models that ran at the same time: B about half as slow again as A, and both
// wandering together with the machine (batches 3 and 7 were slow for both).
const A_P95 = [100, 104, 98, 130, 101, 99, 103, 128, 97, 102];
const B_P95 = [151, 155, 149, 190, 150, 152, 154, 195, 148, 153];

const batch = (p95: number, requests = 20, failed = 0): BatchStats => ({
  requests,
  failed,
  duration: {
    avg: p95 / 2,
    med: p95 / 2,
    'p(90)': p95 * 0.9,
    'p(95)': p95,
    'p(99)': p95 * 1.1,
    max: p95 * 2,
  },
});

function group(value: string, p95s: readonly number[]): TagGroupSummary {
  const overall = p95s.map((p) => batch(p));
  return {
    value,
    requests: 200,
    rps: 20,
    failed: 0,
    errorRate: 0,
    duration: batch(p95s.reduce((a, b) => a + b, 0) / p95s.length).duration,
    checksPassed: 200,
    checksFailed: 0,
    endpoints: [
      { name: 'health', requests: 100, rps: 10, failed: 0, errorRate: 0, duration: { med: 1, 'p(95)': 2 } },
    ],
    batches: {
      ms: 1000,
      overall,
      endpoints: { health: p95s.map(() => batch(2, 10)) },
      checks: p95s.map(() => 1),
    },
  };
}

const BY_TAG: ByTagSummary = {
  tags: [{ key: 'model', groups: [group('A', A_P95), group('B', B_P95)] }],
  leftOut: [{ key: 'mode', why: 'every request that has it has mode=stream' }],
};

function run(byTag?: ByTagSummary): RunSummary {
  return {
    schema: 'loadctl.summary/v1',
    runId: '20261203T120000Z-abc123',
    plan: 'llm-chat',
    target: { name: 'local', url: 'http://127.0.0.1:1' },
    startedAt: '2026-12-03T12:00:00.000Z',
    endedAt: '2026-12-03T12:00:10.000Z',
    durationMs: 10_000,
    outcome: { kind: 'passed' },
    totals: {
      requests: 450,
      rps: 45,
      failed: 0,
      errorRate: 0,
      iterations: 400,
      droppedIterations: 0,
      vusMax: 4,
      dataSentBytes: 1,
      dataReceivedBytes: 1,
      checksPassed: 400,
      checksFailed: 0,
    },
    latency: { med: 60, 'p(95)': 150 },
    endpoints: [],
    thresholds: [
      { metric: 'http_req_duration', expression: 'p(95)<500', ok: true, stat: 'p(95)', abortOnFail: false },
    ],
    checks: [],
    metrics: { completion_tokens: { type: 'trend', contains: 'default', values: { avg: 20 } } },
    invariants: [],
    generator: { saturated: false, reasons: [] },
    notes: [],
    ...(byTag ? { byTag } : {}),
  };
}

describe('parseBy', () => {
  it('reads a tag key, with the values to compare in their order', () => {
    expect(parseBy('tag:model')).toEqual({ ok: true, by: { key: 'model' } });
    expect(parseBy('tag:model=B,A')).toEqual({ ok: true, by: { key: 'model', values: ['B', 'A'] } });
  });

  it.each([
    ['model', '--by model is not tag:KEY or tag:KEY=VALUE,VALUE…'],
    ['scenario:x', '--by scenario:x is not tag:KEY or tag:KEY=VALUE,VALUE…'],
    ['tag:model=A,,B', '--by tag:model=A,,B has an empty value'],
    ['tag:model=A,A', '--by tag:model=A,A names model=A twice'],
  ])('refuses %s', (text, message) => {
    expect(parseBy(text)).toMatchObject({ ok: false, message });
  });
});

describe('tagSides', () => {
  it('makes each value a side of its own, the first the baseline unless named', () => {
    const s = tagSides({ summary: run(BY_TAG) }, { key: 'model' });
    expect(s.ok && s.sides.map((x) => x.label)).toEqual(['model=A', 'model=B']);
    expect(s.ok && s.baseline).toBe(0);
    const g = s.ok ? s.sides[1]?.runs[0]?.summary : undefined;
    expect(g?.totals.requests).toBe(200);
    expect(g?.latency['p(95)']).toBeCloseTo(159.7);
    // The whole run's thresholds and custom metrics are not a group's.
    expect(g?.thresholds).toEqual([]);
    expect(g?.metrics).toEqual({});
    expect(tagSides({ summary: run(BY_TAG) }, { key: 'model' }, 'B')).toMatchObject({ baseline: 1 });
    expect(tagSides({ summary: run(BY_TAG) }, { key: 'model', values: ['B', 'A'] }, 'model=A')).toMatchObject(
      {
        baseline: 1,
      },
    );
  });

  it.each<[string, ByTagSummary | undefined, Parameters<typeof tagSides>[1], string, string?]>([
    [
      'an old run',
      undefined,
      { key: 'model' },
      'run 20261203T120000Z-abc123 has no figures by tag: it was recorded before loadctl kept them',
      'run the plan again with this loadctl; `compare <run> <run>` still compares whole runs',
    ],
    [
      'a tag the plan does not set',
      BY_TAG,
      { key: 'region' },
      'the plan of run 20261203T120000Z-abc123 sets no tag region on its scenarios or steps',
      'tags with figures in this run: model',
    ],
    [
      'a tag left out',
      BY_TAG,
      { key: 'mode' },
      'run 20261203T120000Z-abc123 has no figures by tag mode: every request that has it has mode=stream',
      'tags with figures in this run: model',
    ],
    [
      'a value no request had',
      BY_TAG,
      { key: 'model', values: ['A', 'C'] },
      'run 20261203T120000Z-abc123 has no requests tagged model=C',
      'the values of model: A, B',
    ],
    [
      'one value',
      BY_TAG,
      { key: 'model', values: ['A'] },
      '--by tag:model=A names one value: a comparison needs two or more',
      'the values of model: A, B',
    ],
  ])('refuses %s, naming what there is', (_what, byTag, by, message, hint) => {
    expect(tagSides({ summary: run(byTag) }, by)).toEqual({ ok: false, message, ...(hint ? { hint } : {}) });
  });

  it('refuses a baseline that is no group', () => {
    expect(tagSides({ summary: run(BY_TAG) }, { key: 'model' }, 'C')).toMatchObject({
      ok: false,
      message: '--baseline C is none of the compared groups (model=A, model=B)',
    });
  });
});

describe('compare --by tag', () => {
  const s = tagSides({ summary: run(BY_TAG) }, { key: 'model' });
  if (!s.ok) throw new Error(s.message);
  const c = compareRuns(s.sides, { by: { run: run().runId, tag: 'model' } });

  it('calls the slower group worse on its paired batches, and the shared endpoint the same', () => {
    const p95 = c.overall.find((r) => r.key === 'p(95)')?.cells[1];
    expect(p95?.verdict).toBe('worse');
    expect(p95?.basis).toEqual({ kind: 'batches', pairs: 10 });
    // Each group's load is the plan's: its counts are shown, never judged.
    for (const key of ['requests', 'rps'])
      expect(c.overall.find((r) => r.key === key)).toMatchObject({ judged: false, better: 'none' });
    expect(c.overall.find((r) => r.key === 'rps')?.cells[1]).toEqual({ value: 20, delta: 0 });
    expect(c.endpoints.map((e) => e.name)).toEqual(['health']);
    expect(c.endpoints[0]?.rows.find((r) => r.key === 'p(95)')?.cells[1]?.verdict).toBe('same');
    expect(c.by).toEqual({ run: '20261203T120000Z-abc123', tag: 'model' });
    expect(c.custom).toEqual([]);
    expect(c.thresholds).toEqual([]);
    expect(c.notes.join('\n')).toMatch(
      /groups of tag model ran at the same time in run 20261203T120000Z-abc123/,
    );
  });

  it('gates the slower group, and not the faster one measured against it', () => {
    const rules = parseFailOn('p95>+10%');
    if (!rules.ok) throw new Error('rules');
    expect(judgeGate(c, rules.rules).map((g) => [g.side, g.status])).toEqual([['model=B', 'failed']]);
    const rps = parseFailOn('rps<-5%');
    if (!rps.ok) throw new Error('rules');
    expect(judgeGate(c, rps.rules)).toMatchObject([
      {
        status: 'unjudged',
        reason: 'rps is shown, never judged: the groups of one run get the load the plan gives each',
      },
    ]);
    const back = tagSides({ summary: run(BY_TAG) }, { key: 'model' }, 'B');
    if (!back.ok) throw new Error(back.message);
    const reversed = compareRuns(back.sides, { baseline: back.baseline });
    expect(judgeGate(reversed, rules.rules).map((g) => [g.side, g.status])).toEqual([['model=A', 'passed']]);
  });
});

describe('a comparison by tag, drawn', () => {
  it('names the run and the tag, and shows a value’s control characters instead of sending them', () => {
    const sneaky: ByTagSummary = {
      tags: [{ key: 'model', groups: [group('A', A_P95), group('B\u001b[2J', B_P95)] }],
      leftOut: [],
    };
    const s = tagSides({ summary: run(sneaky) }, { key: 'model' });
    if (!s.ok) throw new Error(s.message);
    const text = renderCompareTable(compareRuns(s.sides, { by: { run: run().runId, tag: 'model' } }), {
      color: false,
    });
    expect(text.split('\n')[0]).toBe(
      'compare llm-chat · run 20261203T120000Z-abc123 by tag model · baseline model=A',
    );
    expect(text).toContain('model=B␛[2J');
    expect(text).not.toContain('\u001b');
  });

  it('says in the HTML report whose groups these are, each drawn from its own figures', () => {
    const s = tagSides({ summary: run(BY_TAG) }, { key: 'model' });
    if (!s.ok) throw new Error(s.message);
    const c = compareRuns(s.sides, { by: { run: run().runId, tag: 'model' } });
    const chartRuns = s.sides.map((x) => ({ label: x.label, summary: x.runs[0]?.summary ?? run() }));
    const assets = { uplotJs: 'window.uPlot = function () {};', uplotCss: '.uplot {}' };
    const html = renderCompareHtml(c, { assets, version: '0.0.0-test', chartRuns });
    expect(html).toContain(
      '<p class="sub" data-by-tag>the groups of run 20261203T120000Z-abc123 by tag model: they ran at the same time',
    );
    expect(renderCompareHtml(c, { assets, version: '0', chartRuns, lang: 'ko' })).toContain(
      '태그 model별 그룹',
    );
  });
});
