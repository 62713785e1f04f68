// The comparison report as one self-contained HTML page (`loadctl compare … --format html`): the verdict of
// each side against the baseline, the facts of the sides, the overall, per-endpoint and custom-metric tables
// with each change's mark, thresholds, the regression gate, and charts with the sides' runs overlaid. Built
// from the single-run report's blocks (page shell with its CSP and inlined uPlot, tables, chart figures,
// chart builders); every text from a plan, a target or a response goes through escapeHtml. Pure.
import {
  metricAlias,
  type Cell,
  type Comparison,
  type MetricRow,
  type SideSummary,
  type ThresholdRow,
} from '../compare/compare.js';
import { formatSize, type GateResult } from '../compare/gate.js';
import { formatDelta, formatValue, hasServer, judgedCount, thresholdIsTime } from './compare-table.js';
import { formatCount, formatMs, formatPercent } from './units.js';
import {
  color,
  errorsChart,
  endpointLatencyChart,
  hasTimeSeries,
  responsesChart,
  rpsChart,
  timeChart,
  vusChart,
  type ChartRun,
  type ChartSpec,
} from './charts.js';
import { escapeHtml } from './escape.js';
import { compareServerCpuChart } from './server-charts.js';
import { describeHost } from './format.js';
import { compareWords, type CompareWords, type SideVerdict } from './compare-words.js';
import {
  chartFigure,
  htmlTable,
  renderHtmlPage,
  section,
  VERDICT_TONE,
  type ChartAssets,
  type Column,
} from './html-page.js';
import { messages, type Lang, type Messages, type Verdict as RunVerdict } from './i18n.js';

const h = escapeHtml;

const COMPARE_CSS = `
.d-better { color: var(--pass); font-weight: 650; }
.d-worse { color: var(--fail); font-weight: 650; }
.d-same, .d-unknown { color: var(--muted); }
.verdict.base { color: var(--muted); background: #eef0f6; }
ul.sides { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
ul.sides li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
  word-break: break-word; }
ul.sides li .verdict { margin-right: 10px; }
.legend { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
h3.endpoint { margin: 16px 0 6px; }
td.delta { white-space: nowrap; }
`;

// ---------------------------------------------------------------- pure pieces

/** A side's verdict: worse when any overall or per-endpoint change is significantly worse, better when an overall one is better. */
export function sideVerdict(c: Comparison, i: number): SideVerdict {
  if (i === c.baseline) return 'baseline';
  const overall = [...c.overall, ...c.server].map((r) => r.cells[i]?.verdict);
  const worse =
    overall.includes('worse') || c.endpoints.some((e) => e.rows.some((r) => r.cells[i]?.verdict === 'worse'));
  const better = overall.includes('better');
  if (worse && better) return 'mixed';
  if (worse) return 'worse';
  if (better) return 'better';
  return judgedCount(c, i) === 0 ? 'unknown' : 'same';
}

const SIDE_TONE: Readonly<Record<SideVerdict, string>> = {
  baseline: 'base',
  better: 'pass',
  worse: 'fail',
  mixed: 'warn',
  same: 'base',
  unknown: 'warn',
};

const MARK = { better: '✓', worse: '✗', same: '≈', unknown: '?' } as const;

function rowLabel(row: MetricRow, w: CompareWords): string {
  return w.rowLabel[row.key] ?? row.label;
}

function sideHeading(c: Comparison, i: number, w: CompareWords): string {
  const s = c.sides[i] as SideSummary;
  return i === c.baseline ? `${s.label} (${w.baseline})` : s.label;
}

function deltaCell(row: MetricRow, cell: Cell, w: CompareWords): string {
  if (cell.delta === undefined) return '';
  if (!row.judged)
    return `<span class="d-same" data-verdict="none">${h(formatDelta(row.delta, cell.delta))}</span>`;
  const verdict = cell.verdict ?? 'unknown';
  const title =
    cell.ci && cell.basis
      ? ` title="${h(w.ci(formatDelta(row.delta, cell.ci[0]), formatDelta(row.delta, cell.ci[1]), cell.basis.pairs, cell.basis.kind))}"`
      : '';
  return `<span class="d-${verdict}" data-verdict="${verdict}"${title}>${h(formatDelta(row.delta, cell.delta))} ${MARK[verdict]}</span>`;
}

function metricTable(c: Comparison, rows: readonly MetricRow[], w: CompareWords): string {
  const columns: Column[] = [{ label: w.col.metric }];
  c.sides.forEach((_s, i) => {
    columns.push({ label: sideHeading(c, i, w), num: true });
    if (i !== c.baseline) columns.push({ label: 'Δ', num: true });
  });
  const body = rows.map((r) => {
    const line = [h(rowLabel(r, w))];
    r.cells.forEach((cell, i) => {
      line.push(h(formatValue(r.unit, cell.value)));
      if (i !== c.baseline) line.push(deltaCell(r, cell, w));
    });
    return line;
  });
  return htmlTable(columns, body);
}

function thresholdCell(t: ThresholdRow['cells'][number], time: boolean, m: Messages): string {
  if (t === null) return '–';
  if (t.noData) return `<span class="sub">${h(m.noSamples)}</span>`;
  const observed =
    t.observed === undefined
      ? m.noSamples
      : time
        ? formatMs(t.observed)
        : t.observed <= 1
          ? formatPercent(t.observed)
          : formatCount(t.observed);
  const runs = t.runs > 1 ? ` (${t.runs - t.failedRuns}/${t.runs})` : '';
  return `${h(observed)} ${t.ok ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>'}${runs}`;
}

const runVerdict = (kind: string): RunVerdict | undefined => {
  const v = kind === 'interrupted' ? 'aborted' : kind;
  return v in VERDICT_TONE ? (v as RunVerdict) : undefined;
};

function runsCell(s: SideSummary, m: Messages): string {
  return s.runIds
    .map((id, k) => {
      const kind = s.outcomes[k] ?? '';
      const v = runVerdict(kind);
      const outcome = v
        ? `<span class="${VERDICT_TONE[v] === 'pass' ? 'ok' : 'bad'}">${h(m.verdict[v])}</span>`
        : h(kind);
      return `<code>${h(id)}</code> ${outcome}`;
    })
    .join('<br>');
}

function factsTable(c: Comparison, m: Messages, w: CompareWords): string {
  const columns: Column[] = [{ label: '' }, ...c.sides.map((_s, i) => ({ label: sideHeading(c, i, w) }))];
  const rows: string[][] = [
    [h(w.fact.target), ...c.sides.map((s) => `<code>${h(s.target)}</code> ${h(s.url)}`)],
  ];
  if (c.sides.some((s) => s.facts.targetDescription))
    rows.push([h(w.fact.description), ...c.sides.map((s) => h(s.facts.targetDescription ?? ''))]);
  rows.push(
    [
      h(w.fact.generator),
      ...c.sides.map((s) => h(s.facts.host ? describeHost(s.facts.host, m) : w.fact.unknown)),
    ],
    [h(w.fact.k6), ...c.sides.map((s) => h(s.facts.k6Version ?? w.fact.unknown))],
  );
  if (c.sides.some((s) => s.profile))
    rows.push([h(w.fact.profile), ...c.sides.map((s) => (s.profile ? `<code>${h(s.profile)}</code>` : ''))]);
  rows.push(
    [h(w.fact.duration), ...c.sides.map((s) => h(formatMs(s.durationMs)))],
    [h(w.fact.runs), ...c.sides.map((s) => runsCell(s, m))],
  );
  if (hasServer(c)) rows.push([h(w.fact.server), ...c.sides.map((s) => h(w.serverSource(s)))]);
  return htmlTable(columns, rows);
}

function verdictList(c: Comparison, w: CompareWords, gate: readonly GateResult[] | undefined): string {
  const items = c.sides.map((s, i) => {
    const v = sideVerdict(c, i);
    const badge = `<span class="verdict ${SIDE_TONE[v]}" data-side-verdict="${v}">${h(w.sideVerdict[v])}</span>`;
    if (i === c.baseline) return `<li>${badge}<strong>${h(s.label)}</strong></li>`;
    const pick = (verdict: 'better' | 'worse') =>
      [...c.overall, ...c.server]
        .filter((r) => r.cells[i]?.verdict === verdict)
        .map((r) => `${h(rowLabel(r, w))} ${h(formatDelta(r.delta, r.cells[i]?.delta ?? 0))}`);
    const worse = pick('worse');
    const better = pick('better');
    const endpointsWorse = c.endpoints
      .filter((e) => e.rows.some((r) => r.cells[i]?.verdict === 'worse'))
      .map((e) => `<code>${h(e.name)}</code>`);
    const parts: string[] = [];
    if (worse.length) parts.push(`<span class="d-worse">${h(w.worse)}</span>: ${worse.join(', ')}`);
    if (better.length) parts.push(`<span class="d-better">${h(w.better)}</span>: ${better.join(', ')}`);
    if (endpointsWorse.length) parts.push(`${h(w.endpointsWorse)}: ${endpointsWorse.join(', ')}`);
    const failed = gate?.filter((g) => g.side === s.label && g.status === 'failed') ?? [];
    if (failed.length)
      parts.push(
        `<span class="bad">${h(w.section.gate)} ✗</span> ${failed.map((g) => `<code>${h(g.rule.text)}</code>`).join(', ')}`,
      );
    const base = c.sides[c.baseline]?.label ?? '';
    return `<li>${badge}${w.versus(`<strong>${h(s.label)}</strong>`, h(base))}${parts.length ? `: ${parts.join('; ')}` : ''}</li>`;
  });
  return `<ul class="sides">${items.join('\n')}</ul>`;
}

function gateTable(gate: readonly GateResult[], w: CompareWords): string {
  const rows = gate.map((g) => {
    const result =
      g.status === 'failed'
        ? `<span class="bad">✗ ${h(w.gate.failed)}</span>`
        : g.status === 'passed'
          ? `<span class="ok">✓ ${h(w.gate.passed)}</span>`
          : g.status === 'inconclusive'
            ? `<span class="d-unknown">? ${h(w.gate.inconclusive)}</span>`
            : `<span class="d-unknown">? ${h(w.gate.unjudged)}</span>`;
    const why =
      g.status === 'inconclusive'
        ? w.gate.undetectable(formatSize(g.rule, g.detectable ?? 0))
        : g.status === 'unjudged'
          ? g.delta === undefined
            ? w.gate.noMetric(metricAlias(g.rule.metric), g.rule.endpoint)
            : w.gate.noNoise
          : g.status === 'failed'
            ? w.gate.overLimit
            : g.verdict === 'same'
              ? w.gate.withinNoise
              : w.gate.withinLimit;
    const change =
      g.delta === undefined ? '' : formatDelta(g.rule.unit === 'pp' ? 'points' : 'relative', g.delta);
    const verdict = g.verdict ?? 'unknown';
    return [
      result,
      `<code>${h(g.rule.text)}</code>`,
      h(g.side),
      change ? `<span class="d-${verdict}">${h(change)} ${MARK[verdict]}</span>` : '',
      h(why),
    ];
  });
  return htmlTable(
    [
      { label: w.col.result },
      { label: w.col.rule },
      { label: w.col.side },
      { label: w.col.change, num: true },
      { label: '' },
    ],
    rows,
  );
}

/**
 * A chart of the comparison's own whole-run numbers (the tables'), one line per side over categories: the
 * same values as the tables, means over the rounds, where the single-run percentile chart would draw one
 * round and give every endpoint of a side the same colour.
 */
function tableChart(
  c: Comparison,
  spec: { id: string; title: string; caption: string; xLabel: string },
  points: ReadonlyArray<{ category: string; row: MetricRow | undefined }>,
): ChartSpec | undefined {
  const present = points.filter((p) => p.row?.cells.some((cell) => cell.value !== null));
  if (present.length === 0) return undefined;
  return {
    ...spec,
    axis: 'category',
    x: present.map((_p, i) => i),
    categories: present.map((p) => p.category),
    style: 'line',
    unit: 'ms',
    series: c.sides.map((s, i) => ({
      label: s.label,
      color: color(i),
      values: present.map((p) => p.row?.cells[i]?.value ?? null),
    })),
  };
}

/**
 * The charts. Over time: one run per side (its first round), labelled with the side, overlaid with the
 * single-run report's builders — requests/s, p95 latency, VUs and failed requests, p95 per endpoint with
 * --samples. Then the tables' latency percentiles and p95 per endpoint, and the responses per endpoint.
 */
export function compareChartSpecs(
  c: Comparison,
  runs: readonly ChartRun[],
  m: Messages,
  w: CompareWords,
): ChartSpec[] {
  const out: ChartSpec[] = [];
  if (hasTimeSeries(runs)) {
    const windowed = runs.every((r) => r.series?.source === 'samples' || r.series?.source === 'frames');
    out.push(
      rpsChart(runs, m.chart),
      timeChart(
        runs,
        {
          id: 'latency',
          title: w.latencyP95,
          caption: windowed ? m.chart.latencyWindowed : m.chart.latencyCumulative,
          unit: 'ms',
        },
        [{ label: 'p95', pick: (p) => p.p95 }],
      ),
      vusChart(runs, m.chart),
      errorsChart(runs, m.chart),
    );
    const perEndpoint = endpointLatencyChart(runs, m.chart);
    if (perEndpoint) out.push(perEndpoint);
  }
  const serverCpu = compareServerCpuChart(runs, m.serverChart);
  if (serverCpu) out.push(serverCpu);
  const resp = responsesChart(runs, m.chart);
  if (resp) out.push(resp);
  const rounds = Math.max(...c.sides.map((s) => s.runIds.length));
  const note = w.firstRound(rounds);
  const drawn =
    rounds <= 1
      ? out
      : out.map((spec) => ({ ...spec, caption: spec.caption ? `${spec.caption} · ${note}` : note }));

  const fromTables: ChartSpec[] = [];
  const latencyRows = c.overall.filter((r) => r.unit === 'ms' && r.key !== 'avg');
  const pct = tableChart(
    c,
    { id: 'percentiles', title: w.percentilesAll, caption: w.wholeRun(rounds), xLabel: m.chart.percentile },
    latencyRows.map((row) => ({ category: row.label, row })),
  );
  if (pct) fromTables.push(pct);
  const p95 = (rows: readonly MetricRow[]) => rows.find((r) => r.key === 'p(95)');
  const perEndpoint = tableChart(
    c,
    { id: 'endpoint-p95', title: w.endpointP95, caption: w.wholeRun(rounds), xLabel: m.chart.endpoint },
    [
      ...c.endpoints.map((e) => ({ category: e.name, row: p95(e.rows) })),
      { category: m.table.all, row: p95(c.overall) },
    ],
  );
  if (perEndpoint) fromTables.push(perEndpoint);
  // Time charts first, then the whole-run ones, the responses last (as in a single-run report).
  const responses = drawn.filter((s) => s.id === 'responses');
  return [...drawn.filter((s) => s.id !== 'responses'), ...fromTables, ...responses];
}

export function renderCompareBody(
  c: Comparison,
  opts: {
    gate?: readonly GateResult[] | undefined;
    charts: readonly ChartSpec[];
    m: Messages;
    w: CompareWords;
    version: string;
  },
): string {
  const { m, w, gate } = opts;
  const parts: string[] = [];
  const gateFailed = gate?.some((g) => g.status === 'failed') ?? false;
  const gateBadge =
    gate && gate.length > 0
      ? `<span class="verdict ${gateFailed ? 'fail' : 'pass'}" data-gate="${gateFailed ? 'failed' : 'passed'}">${h(w.section.gate)}: ${h(gateFailed ? w.gate.failed : w.gate.passed)}</span>`
      : '';
  parts.push(`<header class="report"><h1>${h(w.title(c.plan))}</h1>${gateBadge}</header>`);
  if (c.by) parts.push(`<p class="sub" data-by-tag>${h(w.byTag(c.by.run, c.by.tag))}</p>`);
  parts.push(
    `<p class="sub">${c.sides.map((_s, i) => `<strong>${h(sideHeading(c, i, w))}</strong>`).join(` ${h(w.vs)} `)} · ${h(w.method(c))}</p>`,
  );

  const shared = w.sharedMachine(c);
  if (shared) parts.push(`<p class="note" data-shared>⚠ ${h(shared)}</p>`);
  parts.push(section('verdict', w.section.verdict, verdictList(c, w, gate)));
  parts.push(section('sides', w.section.sides, factsTable(c, m, w)));
  if (gate && gate.length > 0) parts.push(section('gate', w.section.gate, gateTable(gate, w)));

  const legend = `<p class="legend">${h(w.legend)}</p>`;
  parts.push(section('overall', w.section.overall, `${metricTable(c, c.overall, w)}\n${legend}`));
  if (c.server.length > 0)
    parts.push(
      section(
        'server',
        w.section.server,
        `${metricTable(c, c.server, w)}\n<p class="legend">${h(w.serverLegend)}</p>`,
      ),
    );

  if (opts.charts.length > 0)
    parts.push(
      section(
        'charts',
        w.section.charts,
        `<div class="charts">\n${opts.charts.map(chartFigure).join('\n')}\n</div>`,
      ),
    );

  if (c.endpoints.length > 0)
    parts.push(
      section(
        'endpoints',
        w.section.endpoints,
        c.endpoints
          .map((e) => `<h3 class="endpoint"><code>${h(e.name)}</code></h3>\n${metricTable(c, e.rows, w)}`)
          .join('\n'),
      ),
    );
  if (c.custom.length > 0) parts.push(section('custom', w.section.custom, metricTable(c, c.custom, w)));
  if (c.thresholds.length > 0)
    parts.push(
      section(
        'thresholds',
        w.section.thresholds,
        htmlTable(
          [
            { label: w.col.threshold },
            ...c.sides.map((_s, i) => ({ label: sideHeading(c, i, w), num: true })),
          ],
          c.thresholds.map((t) => [
            `<code>${h(`${t.metric} ${t.expression}`)}</code>`,
            ...t.cells.map((cell) => thresholdCell(cell, thresholdIsTime(t), m)),
          ]),
        ),
      ),
    );

  // The model's notes are English in every language: they name runs and profiles, and JSON carries them too.
  if (c.notes.length > 0)
    parts.push(
      section('notes', w.section.notes, `<ul>${c.notes.map((n) => `<li>⚠ ${h(n)}</li>`).join('\n')}</ul>`),
    );
  parts.push(`<footer>${h(w.generatedBy(opts.version))}</footer>`);
  return `<main>\n${parts.join('\n')}\n</main>`;
}

export interface CompareHtmlOptions {
  lang?: Lang;
  assets: ChartAssets;
  version: string;
  gate?: readonly GateResult[] | undefined;
  /** One run per side for the charts (its first round), labelled with the side's label; [] for none. */
  chartRuns?: readonly ChartRun[];
}

export function renderCompareHtml(c: Comparison, opts: CompareHtmlOptions): string {
  const m = messages(opts.lang);
  const w = compareWords(opts.lang);
  const charts = compareChartSpecs(c, opts.chartRuns ?? [], m, w);
  return renderHtmlPage({
    lang: m.htmlLang,
    title: w.title(c.plan),
    body: renderCompareBody(c, { gate: opts.gate, charts, m, w, version: opts.version }),
    charts,
    words: { seconds: m.chart.seconds },
    assets: opts.assets,
    css: COMPARE_CSS,
  });
}
