// The server's side in the HTML reports (server.json, plan `monitor:`): its CPU on a right axis of 0–100 %
// over the run's p95 latency and requests/s on the same time axis, its memory, and in a comparison each run's
// CPU overlaid. Plain chart specs like charts.ts's. Pure.
import type { ServerRecord, ServerSeries } from '../../monitor/model.js';
import { alignLines, color, type ChartRun, type ChartScale, type ChartSpec, type Line } from './charts.js';

export interface ServerChartWords {
  cpuTitle: string;
  /** Whose CPU (a host's busy share, or the process's where 100 % is one core) and on which axis. */
  cpuCaption: (whose: 'host' | 'process', onThisMachine: boolean) => string;
  cpu: string;
  processCpu: string;
  p95: string;
  requests: string;
  memoryTitle: string;
  /** What the memory chart draws: a host's used memory (with its total), the process's resident memory. */
  memoryCaption: (host: boolean, process: boolean) => string;
  memoryUsed: string;
  processMemory: string;
  memoryTotal: string;
  compareCpuTitle: string;
  compareCpuCaption: string;
}

/** CPU is drawn as a share (the client's `percent` unit is 0–1): the axis reaches 100 % at least. */
const CPU_SCALE: ChartScale = { id: 'cpu', unit: 'percent', side: 'right', min: 1 };

/** The CPU series a chart draws: every host's (node_exporter), else the process's. */
export function cpuSeries(server: ServerRecord | undefined):
  | {
      whose: 'host' | 'process';
      series: ServerSeries[];
    }
  | undefined {
  const has = (id: string) => (server?.series ?? []).filter((s) => s.id === id && s.points.length > 0);
  const hosts = has('cpu');
  if (hosts.length > 0) return { whose: 'host', series: hosts };
  const proc = has('processCpu');
  return proc.length > 0 ? { whose: 'process', series: proc } : undefined;
}

const asShare = (s: ServerSeries) => s.points.map(([t, v]) => ({ t, value: v / 100 }));

function cpuLines(
  server: ServerRecord,
  picked: NonNullable<ReturnType<typeof cpuSeries>>,
  w: ServerChartWords,
  label: (name: string, source: string) => string,
  colorOf: (i: number) => string,
): Line[] {
  const name = picked.whose === 'host' ? w.cpu : w.processCpu;
  const several = picked.series.length > 1;
  return picked.series.map((s, i) => ({
    label: label(name, several ? s.source : ''),
    color: colorOf(i),
    scale: CPU_SCALE.id,
    points: asShare(s),
  }));
}

/** The server's CPU (right axis, 0–100 %) over the run's p95 latency and requests/s (left axes). */
export function serverCpuChart(run: ChartRun, w: ServerChartWords): ChartSpec | undefined {
  const server = run.server;
  const picked = cpuSeries(server);
  if (server === undefined || picked === undefined) return undefined;
  const points = run.series?.points ?? [];
  const lines: Line[] = [
    ...cpuLines(
      server,
      picked,
      w,
      (n, src) => (src ? `${n} ${src}` : n),
      (i) => (i === 0 ? '#D55E00' : color(i + 3)),
    ),
    { label: w.p95, color: color(0), scale: 'ms', points: points.map((p) => ({ t: p.t, value: p.p95 })) },
    {
      label: w.requests,
      color: color(2),
      dash: true,
      scale: 'rps',
      points: points.map((p) => ({ t: p.t, value: p.rps })),
    },
  ];
  const { x, series } = alignLines(lines);
  const onThisMachine = server.sources.length > 0 && server.sources.every((s) => s.local);
  return {
    id: 'server-cpu',
    title: w.cpuTitle,
    caption: w.cpuCaption(picked.whose, onThisMachine),
    axis: 'time',
    x,
    style: 'line',
    unit: 'ms',
    series,
    scales: [
      { id: 'ms', unit: 'ms', side: 'left', label: w.p95 },
      { id: 'rps', unit: 'per-second', side: 'left', label: w.requests },
      CPU_SCALE,
    ],
  };
}

/** Memory used of each host and the process's resident memory, with each host's total dashed. */
export function serverMemoryChart(run: ChartRun, w: ServerChartWords): ChartSpec | undefined {
  const server = run.server;
  if (server === undefined) return undefined;
  const hosts = server.series.filter((s) => s.id === 'memory' && s.points.length > 0);
  const procs = server.series.filter((s) => s.id === 'processMemory' && s.points.length > 0);
  if (hosts.length + procs.length === 0) return undefined;
  const several = hosts.length > 1;
  const lines: Line[] = [];
  hosts.forEach((s, i) => {
    const suffix = several ? ` ${s.source}` : '';
    const points = s.points.map(([t, value]) => ({ t, value }));
    lines.push({ label: `${w.memoryUsed}${suffix}`, color: color(i), points });
    const total = server.sources.find((src) => src.id === s.source)?.memoryBytes;
    if (total !== undefined)
      lines.push({
        label: `${w.memoryTotal}${suffix}`,
        color: color(i),
        dash: true,
        points: points.map((p) => ({ t: p.t, value: total })),
      });
  });
  procs.forEach((s, i) =>
    lines.push({
      label: w.processMemory,
      color: color(hosts.length + i + 2),
      points: s.points.map(([t, value]) => ({ t, value })),
    }),
  );
  const { x, series } = alignLines(lines);
  return {
    id: 'server-memory',
    title: w.memoryTitle,
    caption: w.memoryCaption(hosts.length > 0, procs.length > 0),
    axis: 'time',
    x,
    style: 'line',
    unit: 'bytes',
    series,
  };
}

/** The single-run report's server charts: CPU with latency and requests/s, then memory. */
export function serverCharts(run: ChartRun, w: ServerChartWords): ChartSpec[] {
  return [serverCpuChart(run, w), serverMemoryChart(run, w)].filter((c) => c !== undefined);
}

/** A comparison's runs' server CPU overlaid, a colour per run; undefined when no run has any. */
export function compareServerCpuChart(runs: readonly ChartRun[], w: ServerChartWords): ChartSpec | undefined {
  const lines = runs.flatMap((run, r) => {
    const picked = cpuSeries(run.server);
    if (run.server === undefined || picked === undefined) return [];
    return cpuLines(
      run.server,
      picked,
      w,
      (n, src) => `${run.label} · ${src ? `${n} ${src}` : n}`,
      (i) => color(r + i * runs.length),
    ).map((l, i) => (i > 0 ? { ...l, dash: true } : l));
  });
  if (lines.length === 0) return undefined;
  const { x, series } = alignLines(lines);
  return {
    id: 'server-cpu',
    title: w.compareCpuTitle,
    caption: w.compareCpuCaption,
    axis: 'time',
    x,
    style: 'line',
    unit: 'percent',
    series,
    scales: [{ ...CPU_SCALE, side: 'left' }],
  };
}
