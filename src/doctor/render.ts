// Findings → text. Pure: colour is a parameter, printing is the command's business.
//
// The JSON shape (`--json`), schema `loadctl.doctor/v1`:
//   { schema: 'loadctl.doctor/v1', plan: string | null, ok: boolean,
//     checks: [{ id, title, status: 'ok' | 'warning' | 'failure', observed, needed, fix?, detail? }] }
// `fix` holds one command (or step) per line; `ok` is false exactly when the command exits 3.
import { Chalk, type ChalkInstance } from 'chalk';
import { plainTable } from '../report/render/plain-table.js';
import { terminalSafe, terminalSafeLines } from '../terminal-safe.js';
import type { Finding, Status } from './checks.js';

export const DOCTOR_SCHEMA = 'loadctl.doctor/v1';

export interface DoctorReport {
  schema: typeof DOCTOR_SCHEMA;
  plan: string | null;
  ok: boolean;
  checks: Finding[];
}

export function toDoctorReport(findings: Finding[], plan: string | undefined, ok: boolean): DoctorReport {
  // A fixed key order, whatever order the checks built them in.
  const checks = findings.map((x) => ({
    id: x.id,
    title: x.title,
    status: x.status,
    observed: x.observed,
    needed: x.needed,
    ...(x.fix !== undefined ? { fix: x.fix } : {}),
    ...(x.detail !== undefined ? { detail: x.detail } : {}),
  }));
  return { schema: DOCTOR_SCHEMA, plan: plan ?? null, ok, checks };
}

export function renderDoctorJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function mark(status: Status, c: ChalkInstance): string {
  return status === 'ok' ? c.green('✓') : status === 'warning' ? c.yellow('⚠') : c.red('✗');
}

// Findings quote the plan, target URLs and what the host said; a fix keeps its lines (one command each).
function safeReport(r: DoctorReport): DoctorReport {
  return {
    ...r,
    plan: r.plan === null ? null : terminalSafe(r.plan),
    checks: r.checks.map((x) => ({
      ...x,
      title: terminalSafe(x.title),
      observed: terminalSafe(x.observed),
      needed: terminalSafe(x.needed),
      ...(x.fix === undefined ? {} : { fix: terminalSafeLines(x.fix) }),
      ...(x.detail === undefined ? {} : { detail: terminalSafe(x.detail) }),
    })),
  };
}

export function renderDoctorTable(found: DoctorReport, opts: { color: boolean; strict?: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const report = safeReport(found);
  const lines: string[] = [];
  if (report.plan) lines.push(`${c.bold('loadctl doctor')} · plan ${report.plan}`, '');
  const table = plainTable(
    ['', 'check', 'observed', 'needed', 'fix'].map((h) => c.bold(h)),
    ['left', 'left', 'left', 'left', 'left'],
  );
  // The table shows the first fix line (what to run now); every line follows below with the reason.
  for (const x of report.checks) {
    const first = x.status === 'ok' ? '' : (x.fix?.split('\n')[0] ?? '').replace(/\s+#.*$/, '');
    table.push([mark(x.status, c), x.title, x.observed, x.needed, first]);
  }
  lines.push(table.toString());
  const problems = report.checks.filter((x) => x.status !== 'ok');
  for (const x of problems) {
    lines.push('', `${mark(x.status, c)} ${c.bold(x.title)}${x.detail ? `: ${x.detail}` : ''}`);
    (x.fix ?? '')
      .split('\n')
      .filter(Boolean)
      .forEach((line, i) => {
        lines.push(`    ${i === 0 ? 'fix: ' : '     '}${line}`);
      });
  }
  const failures = report.checks.filter((x) => x.status === 'failure').length;
  const warnings = report.checks.filter((x) => x.status === 'warning').length;
  const counts = `${failures} failure${failures === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  lines.push(
    '',
    report.ok
      ? c.green.bold(`✓ ready (${counts})`)
      : c.red.bold(
          `✗ not ready (${counts}${failures === 0 && opts.strict ? '; --strict fails on warnings' : ''})`,
        ),
  );
  return `${lines.join('\n')}\n`;
}
