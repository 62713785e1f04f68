// The server side of the HTML run report: a table of every figure (avg, p95, max), what a request cost, the
// sources read with their failed reads, and a warning when the target shares this machine. Every text from a
// plan or a source is escaped. Pure.
import type { RunSections } from '../model/sections.js';
import { sourcesWithErrors } from '../model/server-section.js';
import { escapeHtml as h } from './escape.js';
import { htmlTable, section } from './html-page.js';
import type { Messages } from './messages.js';
import { efficiencyText } from './server-table.js';
import { formatServerValue, readErrorText, serverStatLabel, severalSources } from './server-words.js';

export function serverSectionHtml(sec: RunSections, m: Messages): string[] {
  const server = sec.server;
  if (!server) return [];
  const w = m.server;
  const parts: string[] = [];
  const f = server.figures;
  if (f) {
    const stats = [f.cpu, f.memory, ...f.others].filter((x) => x !== undefined);
    const several = severalSources(stats);
    if (f.sources.length > 0)
      parts.push(
        `<p class="sub">${h(w.source)}: ${f.sources.map((x) => `${h(w.kind[x.kind])} <code>${h(x.address)}</code>`).join(', ')}</p>`,
      );
    if (stats.length > 0)
      parts.push(
        htmlTable(
          [
            { label: w.figure },
            { label: w.avg, num: true },
            { label: 'p95', num: true },
            { label: w.max, num: true },
          ],
          stats.map((x) => [
            h(serverStatLabel(x, w, several)),
            ...[x.avg, x.p95, x.max].map((v) => h(formatServerValue(x.unit, v))),
          ]),
        ),
      );
    const efficiency = efficiencyText(f, w);
    if (efficiency) parts.push(`<p data-server="efficiency">${h(efficiency)}</p>`);
    for (const x of sourcesWithErrors(f)) parts.push(`<p class="note">⚠ ${h(readErrorText(x, w) ?? '')}</p>`);
  }
  if (server.shared)
    parts.push(`<p class="note" data-shared="${server.shared}">⚠ ${h(w.shared[server.shared])}</p>`);
  return [section('server', w.section, parts.join('\n'))];
}
