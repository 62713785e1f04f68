// The server side in the terminal summary after a run: CPU and memory (avg, p95, max), the other figures on
// one line, what a request cost, where the figures were read, failed reads, and a note when the target shares
// this machine. Names are made terminal-safe by the caller (table.ts). Pure.
import type { ChalkInstance } from 'chalk';
import type { ServerStat } from '../../monitor/model.js';
import type { ServerFigures, ServerSection } from '../model/server-section.js';
import { sourcesWithErrors } from '../model/server-section.js';
import { plainTable } from './plain-table.js';
import {
  formatServerValue,
  readErrorText,
  serverStatLabel,
  severalSources,
  sourceText,
  type ServerWords,
} from './server-words.js';
import { formatCount, formatGrouped } from './units.js';

/** "2,345 requests per CPU-second · CPU 12.3% per 1,000 req/s", or nothing without CPU figures. */
export function efficiencyText(f: ServerFigures, w: ServerWords): string | undefined {
  const parts = [
    f.requestsPerCpuSecond !== undefined ? w.perCpuSecond(formatCount(f.requestsPerCpuSecond)) : undefined,
    f.cpuPerKiloRps !== undefined ? w.perKiloRps(`${formatGrouped(f.cpuPerKiloRps, 1)}%`) : undefined,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** The other figures' averages on one line: "load (1 min) 2.10 · network in 1.2 MiB/s (avg)". */
export function othersText(f: ServerFigures, w: ServerWords): string | undefined {
  if (f.others.length === 0) return undefined;
  const several = severalSources([...f.others, ...[f.cpu, f.memory].filter((s) => s !== undefined)]);
  const parts = f.others.map((s) => `${serverStatLabel(s, w, several)} ${formatServerValue(s.unit, s.avg)}`);
  return `${parts.join(' · ')} (${w.avg})`;
}

function headlineTable(f: ServerFigures, w: ServerWords, c: ChalkInstance): string[] {
  const rows = [f.cpu, f.memory].filter((s): s is ServerStat => s !== undefined);
  if (rows.length === 0) return [];
  const t = plainTable(
    [w.figure, w.avg, 'p95', w.max].map((x) => c.bold(x)),
    ['left', 'right', 'right', 'right'],
  );
  const several = severalSources([...rows, ...f.others]);
  for (const s of rows)
    t.push([
      serverStatLabel(s, w, several),
      formatServerValue(s.unit, s.avg),
      formatServerValue(s.unit, s.p95),
      formatServerValue(s.unit, s.max),
    ]);
  return [t.toString()];
}

export function serverTerminalLines(
  sec: ServerSection | undefined,
  w: ServerWords,
  c: ChalkInstance,
): string[] {
  if (!sec) return [];
  const f = sec.figures;
  const lines = [''];
  if (f) {
    const sources = f.sources.map((s) => sourceText(s, w)).join(', ');
    lines.push(c.bold(w.title) + (sources ? ` · ${sources}` : ''), ...headlineTable(f, w, c));
    const others = othersText(f, w);
    const efficiency = efficiencyText(f, w);
    if (others) lines.push(others);
    if (efficiency) lines.push(efficiency);
    for (const s of sourcesWithErrors(f)) lines.push(c.yellow(`⚠ ${readErrorText(s, w) ?? ''}`));
  }
  if (sec.shared) lines.push(c.yellow(`note: ${w.shared[sec.shared]}`));
  return lines;
}
