// Chart data for the HTML reports: plain JSON specs that the page's small client script hands to uPlot.
// Every builder takes several runs, so a comparison overlays runs with the same functions a single-run
// report uses (one run: one line per measure; several: one line per run). Pure.
import type { SeriesPoint } from '../../k6/live.js';
import type { ServerRecord } from '../../monitor/model.js';
import type { RunSummary } from '../model/summary.js';
import type { StoredSeries } from '../model/report.js';

export type ChartUnit = 'ms' | 'per-second' | 'count' | 'percent' | 'bytes';

/**
 * A y axis of its own, for a chart that draws measures of different units together (the server's CPU over
 * latency and requests/s). Without any, a chart has one y axis of its `unit`.
 */
export interface ChartScale {
  id: string;
  unit: ChartUnit;
  side: 'left' | 'right';
  /** The axis reaches at least this high (CPU: 100 %); higher when the data does. */
  min?: number;
  label?: string;
}

export interface ChartSeries {
  label: string;
  /** One value per x; null where this series has no point (uPlot leaves a gap or spans it). */
  values: Array<number | null>;
  color: string;
  dash?: boolean;
  /** The id of one of the chart's `scales`; the chart's own y axis without. */
  scale?: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  caption?: string;
  /** `time`: x is seconds since k6 started. `category`: x is 0…n-1, labelled with `categories`. */
  axis: 'time' | 'category';
  /** What x is, for the legend (a category chart's categories, e.g. "endpoint"); seconds on a time axis. */
  xLabel?: string;
  x: number[];
  categories?: string[];
  /** `line` joins points (drawn as dots too when there are few); `stacked-bars` stacks series per x. */
  style: 'line' | 'stacked-bars';
  unit: ChartUnit;
  series: ChartSeries[];
  scales?: ChartScale[];
}

/** One run as the chart builders see it; `label` names it in a comparison ('' for a single run). */
export interface ChartRun {
  label: string;
  summary: RunSummary;
  series?: StoredSeries | undefined;
  /** server.json of the run (its `schema` field is not read). */
  server?: ServerRecord | undefined;
}

/** Colour-blind-friendly (Okabe–Ito, then Tableau) and readable on white. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#8C564B',
  '#7F7F7F',
  '#BCBD22',
  '#17BECF',
] as const;

export const STATUS_COLORS: Readonly<Record<string, string>> = {
  '1xx': '#56B4E9',
  '2xx': '#009E73',
  '3xx': '#0072B2',
  '4xx': '#E69F00',
  '5xx': '#D55E00',
  none: '#7F7F7F',
};

export const color = (i: number): string => PALETTE[i % PALETTE.length] ?? '#000000';

export interface Line {
  label: string;
  color: string;
  dash?: boolean;
  scale?: string;
  points: ReadonlyArray<{ t: number; value: number | undefined }>;
}

/** Lines with their own x values on one shared, sorted x axis (uPlot needs one x array per chart). */
export function alignLines(lines: readonly Line[]): { x: number[]; series: ChartSeries[] } {
  const xs = [...new Set(lines.flatMap((l) => l.points.map((p) => p.t)))].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const series = lines.map((l) => {
    const values: Array<number | null> = xs.map(() => null);
    for (const p of l.points) {
      const i = index.get(p.t);
      if (i !== undefined && p.value !== undefined && Number.isFinite(p.value)) values[i] = p.value;
    }
    return {
      label: l.label,
      color: l.color,
      values,
      ...(l.dash ? { dash: true } : {}),
      ...(l.scale !== undefined ? { scale: l.scale } : {}),
    };
  });
  return { x: xs, series };
}

const runLabel = (run: ChartRun, measure: string, many: boolean): string =>
  many ? (measure ? `${run.label} · ${measure}` : run.label) : measure;

function points(run: ChartRun): SeriesPoint[] {
  return run.series?.points ?? [];
}

/** Whether any run has per-second points: without them the time charts are left out. */
export function hasTimeSeries(runs: readonly ChartRun[]): boolean {
  return runs.some((r) => points(r).length > 0);
}

interface TimeMeasure {
  label: string;
  pick: (p: SeriesPoint) => number | undefined;
}

/**
 * A chart over time of one or more measures of every run. One run: a colour per measure. Several runs: a
 * colour per run, and the second and later measures dashed.
 */
export function timeChart(
  runs: readonly ChartRun[],
  spec: { id: string; title: string; caption?: string; unit: ChartUnit },
  measures: readonly TimeMeasure[],
): ChartSpec {
  const many = runs.length > 1;
  const lines: Line[] = runs.flatMap((run, r) =>
    measures.map((m, i) => ({
      label: runLabel(run, measures.length > 1 || !many ? m.label : '', many),
      color: color(many ? r : i),
      ...(many && i > 0 ? { dash: true } : {}),
      points: points(run).map((p) => ({ t: p.t, value: m.pick(p) })),
    })),
  );
  const { x, series } = alignLines(lines);
  return {
    id: spec.id,
    title: spec.title,
    ...(spec.caption ? { caption: spec.caption } : {}),
    axis: 'time',
    x,
    style: 'line',
    unit: spec.unit,
    series,
  };
}

export interface ChartWords {
  vus: string;
  rps: string;
  requests: string;
  errors: string;
  failed: string;
  latency: string;
  latencyCumulative: string;
  latencyWindowed: string;
  endpointLatency: string;
  percentiles: string;
  percentilesCaption: string;
  percentile: string;
  endpoint: string;
  responses: string;
  responsesCaption: string;
  other: string;
}

export const vusChart = (runs: readonly ChartRun[], w: Pick<ChartWords, 'vus'>): ChartSpec =>
  timeChart(runs, { id: 'vus', title: w.vus, unit: 'count' }, [{ label: 'VUs', pick: (p) => p.vus }]);

export const rpsChart = (runs: readonly ChartRun[], w: Pick<ChartWords, 'rps' | 'requests'>): ChartSpec =>
  timeChart(runs, { id: 'rps', title: w.rps, unit: 'per-second' }, [
    { label: w.requests, pick: (p) => p.rps },
  ]);

export const errorsChart = (runs: readonly ChartRun[], w: Pick<ChartWords, 'errors' | 'failed'>): ChartSpec =>
  timeChart(runs, { id: 'errors', title: w.errors, unit: 'per-second' }, [
    { label: w.failed, pick: (p) => p.errorsPerSecond },
  ]);

/** p50/p95/p99 over time; the caption says whether they are per second or cumulative (REST API). */
export function latencyChart(
  runs: readonly ChartRun[],
  w: Pick<ChartWords, 'latency' | 'latencyCumulative' | 'latencyWindowed'>,
): ChartSpec {
  const windowed = runs.every((r) => r.series?.source === 'samples' || r.series?.source === 'frames');
  const measures: TimeMeasure[] = [
    { label: 'p50', pick: (p) => p.p50 },
    { label: 'p95', pick: (p) => p.p95 },
  ];
  if (runs.some((r) => points(r).some((p) => p.p99 !== undefined)))
    measures.push({ label: 'p99', pick: (p) => p.p99 });
  return timeChart(
    runs,
    {
      id: 'latency',
      title: `${w.latency} p50 / p95${measures.length > 2 ? ' / p99' : ''}`,
      caption: windowed ? w.latencyWindowed : w.latencyCumulative,
      unit: 'ms',
    },
    measures,
  );
}

/** p95 per endpoint over time: only with per-endpoint series (the metric stream, or --samples). Undefined without them. */
export function endpointLatencyChart(
  runs: readonly ChartRun[],
  w: Pick<ChartWords, 'endpointLatency' | 'latencyWindowed'>,
): ChartSpec | undefined {
  const many = runs.length > 1;
  const lines: Line[] = [];
  runs.forEach((run, r) => {
    Object.entries(run.series?.endpoints ?? {}).forEach(([name, pts], i) => {
      lines.push({
        label: many ? `${run.label} · ${name}` : name,
        color: color(many ? r * 3 + i : i),
        points: pts.map((p) => ({ t: p.t, value: p.p95 })),
      });
    });
  });
  if (lines.length === 0 || lines.every((l) => l.points.length === 0)) return undefined;
  const { x, series } = alignLines(lines);
  return {
    id: 'endpoint-latency',
    title: w.endpointLatency,
    caption: w.latencyWindowed,
    axis: 'time',
    x,
    style: 'line',
    unit: 'ms',
    series,
  };
}

const PERCENTILES: ReadonlyArray<[string, string[]]> = [
  ['p50', ['med', 'p(50)']],
  ['p90', ['p(90)']],
  ['p95', ['p(95)']],
  ['p99', ['p(99)']],
  ['max', ['max']],
];

/**
 * Latency percentiles of each endpoint (and of all requests) over the whole run: drawn from k6's
 * end-of-test data, so even a run of a fraction of a second has it.
 */
export function percentileChart(
  runs: readonly ChartRun[],
  w: Pick<ChartWords, 'percentiles' | 'percentilesCaption' | 'percentile'>,
  allLabel: string,
): ChartSpec | undefined {
  const stats = PERCENTILES.filter(([, keys]) =>
    runs.some((r) => keys.some((k) => r.summary.latency[k] !== undefined)),
  );
  if (stats.length === 0) return undefined;
  const many = runs.length > 1;
  const series: ChartSeries[] = [];
  runs.forEach((run, r) => {
    const rows: Array<[string, Record<string, number>]> = [
      ...run.summary.endpoints
        .filter((e) => e.requests > 0)
        .map((e): [string, Record<string, number>] => [e.name, e.duration]),
      [allLabel, run.summary.latency],
    ];
    rows.forEach(([name, d], i) => {
      const all = i === rows.length - 1;
      series.push({
        label: many ? `${run.label} · ${name}` : name,
        color: all && !many ? '#222222' : color(many ? r : i),
        values: stats.map(([, keys]) => {
          const v = keys.map((k) => d[k]).find((x) => x !== undefined);
          return v === undefined ? null : v;
        }),
        ...(all || (many && i > 0) ? { dash: true } : {}),
      });
    });
  });
  return {
    id: 'percentiles',
    title: w.percentiles,
    caption: w.percentilesCaption,
    axis: 'category',
    xLabel: w.percentile,
    x: stats.map((_, i) => i),
    categories: stats.map(([label]) => label),
    style: 'line',
    unit: 'ms',
    series,
  };
}

const CLASS_ORDER = ['2xx', '3xx', '1xx', '4xx', '5xx', 'none'];

/**
 * Responses of each endpoint by status class (raw samples), or else by the statuses the plan declared plus
 * failed and other: what an endpoint answered, for every run length.
 */
export function responsesChart(
  runs: readonly ChartRun[],
  w: Pick<ChartWords, 'responses' | 'responsesCaption' | 'failed' | 'other' | 'endpoint'>,
): ChartSpec | undefined {
  const many = runs.length > 1;
  const categories: string[] = [];
  const rows: Array<Record<string, number>> = [];
  for (const run of runs) {
    for (const e of run.summary.endpoints) {
      if (e.requests <= 0) continue;
      categories.push(many ? `${e.name} (${run.label})` : e.name);
      if (e.statusClasses) {
        rows.push({ ...e.statusClasses });
        continue;
      }
      const row: Record<string, number> = {};
      let declared = 0;
      for (const [status, n] of Object.entries(e.statuses)) {
        row[status] = n;
        declared += n;
      }
      row[w.failed] = e.failed;
      const other = e.requests - declared - e.failed;
      if (other > 0) row[w.other] = other;
      rows.push(row);
    }
  }
  if (categories.length === 0) return undefined;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))]
    .filter((k) => rows.some((r) => (r[k] ?? 0) > 0))
    .sort((a, b) => rank(a, w) - rank(b, w) || a.localeCompare(b));
  if (keys.length === 0) return undefined;
  return {
    id: 'responses',
    title: w.responses,
    caption: w.responsesCaption,
    axis: 'category',
    xLabel: w.endpoint,
    x: categories.map((_, i) => i),
    categories,
    style: 'stacked-bars',
    unit: 'count',
    series: keys.map((k, i) => ({
      label: k,
      color: STATUS_COLORS[k] ?? (k === w.failed ? '#D55E00' : k === w.other ? '#7F7F7F' : color(i)),
      values: rows.map((r) => r[k] ?? 0),
    })),
  };
}

function rank(key: string, w: Pick<ChartWords, 'failed' | 'other'>): number {
  const cls = CLASS_ORDER.indexOf(key);
  if (cls >= 0) return cls;
  if (key === w.failed) return 90;
  if (key === w.other) return 91;
  // Declared statuses in numeric order, successes first.
  return 10 + (Number(key) || 0) / 1000;
}

/** Every chart of a run report, in reading order; time charts only when there are per-second points. */
export function runCharts(runs: readonly ChartRun[], w: ChartWords, allLabel: string): ChartSpec[] {
  const out: ChartSpec[] = [];
  if (hasTimeSeries(runs)) {
    out.push(vusChart(runs, w), rpsChart(runs, w), latencyChart(runs, w), errorsChart(runs, w));
    const perEndpoint = endpointLatencyChart(runs, w);
    if (perEndpoint) out.push(perEndpoint);
  }
  const pct = percentileChart(runs, w, allLabel);
  if (pct) out.push(pct);
  const resp = responsesChart(runs, w);
  if (resp) out.push(resp);
  return out;
}
