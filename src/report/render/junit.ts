// JUnit XML for CI: one test case per threshold, per check and per invariant, and one for the run itself,
// failures carrying what was observed against the limit. The suite builder is separate from the writer so
// `compare` can add a suite of regression rules to the same file. Pure.
import type { RunSummary } from '../model/summary.js';
import { formatCount, formatObserved, formatPercent } from './table.js';
import { escapeXml, escapeXmlText } from './escape.js';
import { groupLabel } from './format.js';
import { messages, type Lang } from './i18n.js';

export interface JUnitCase {
  name: string;
  classname: string;
  /** A failed expectation (threshold, check, invariant, regression rule). */
  failure?: { type: string; message: string; detail: string };
  /** The run could not be judged (k6 failed, interrupted, generator saturated). */
  error?: { type: string; message: string; detail: string };
  /** Not judged at all (a regression rule without a noise estimate): neither passed nor failed. */
  skipped?: { message: string };
  /** Free text CI shows with the case (what a passed regression rule observed). */
  systemOut?: string;
}

export interface JUnitSuite {
  name: string;
  /** Seconds. */
  time?: number;
  timestamp?: string;
  properties?: Record<string, string>;
  cases: JUnitCase[];
}

const count = (cases: readonly JUnitCase[], key: 'failure' | 'error' | 'skipped') =>
  cases.filter((c) => c[key]).length;

/** Seconds with millisecond precision, as JUnit consumers expect. */
const secs = (n: number) => (Number.isFinite(n) ? Math.max(0, n).toFixed(3) : '0.000');

/** JUnit timestamps have no zone suffix and no fraction in the common (Ant) schema. */
const stamp = (iso: string) => iso.replace(/\.\d+Z$/, '').replace(/Z$/, '');

export function renderJUnit(name: string, suites: readonly JUnitSuite[]): string {
  const all = suites.flatMap((s) => s.cases);
  const time = suites.reduce((a, s) => Math.max(a, s.time ?? 0), 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(name)}" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}" time="${secs(time)}">`,
  ];
  suites.forEach((s, id) => {
    lines.push(
      `  <testsuite name="${escapeXml(s.name)}" id="${id}" tests="${s.cases.length}" failures="${count(s.cases, 'failure')}" errors="${count(s.cases, 'error')}" skipped="${count(s.cases, 'skipped')}" time="${secs(s.time ?? 0)}"${s.timestamp ? ` timestamp="${escapeXml(stamp(s.timestamp))}"` : ''}>`,
    );
    const props = Object.entries(s.properties ?? {});
    if (props.length > 0) {
      lines.push('    <properties>');
      for (const [k, v] of props)
        lines.push(`      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`);
      lines.push('    </properties>');
    }
    for (const c of s.cases) {
      const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(c.classname)}" time="0"`;
      const problem = c.failure ? ['failure', c.failure] : c.error ? ['error', c.error] : undefined;
      const inner: string[] = [];
      if (problem) {
        const [tag, p] = problem as ['failure' | 'error', NonNullable<JUnitCase['failure']>];
        inner.push(
          `      <${tag} type="${escapeXml(p.type)}" message="${escapeXml(p.message)}">${escapeXmlText(p.detail)}</${tag}>`,
        );
      } else if (c.skipped) inner.push(`      <skipped message="${escapeXml(c.skipped.message)}"/>`);
      if (c.systemOut !== undefined)
        inner.push(`      <system-out>${escapeXmlText(c.systemOut)}</system-out>`);
      if (inner.length === 0) lines.push(`${open}/>`);
      else lines.push(`${open}>`, ...inner, '    </testcase>');
    }
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/**
 * The suites of one run (suite names stay English in every language: CI dashboards key on them): its thresholds, checks and invariants, and a `run` suite whose one case fails with
 * an error when the run could not be judged by those (k6 failed, interrupted, generator saturated). So a
 * run with thresholds or checks never reports tests="0", and a broken run is never green.
 */
export function runJUnitSuites(s: RunSummary, opts: { lang?: Lang } = {}): JUnitSuite[] {
  const m = messages(opts.lang);
  const base = `loadctl.${s.plan}`;
  const common = { time: s.durationMs / 1000, timestamp: s.startedAt };
  const observed = (t: RunSummary['thresholds'][number]) => {
    const metric = s.metrics[t.metric.split('{')[0] ?? ''];
    return formatObserved(t, metric?.contains, metric?.type);
  };

  const thresholds: JUnitSuite = {
    name: `${s.plan} thresholds`,
    ...common,
    cases: s.thresholds.map((t) => ({
      name: `${t.metric} ${t.expression}`,
      classname: `${base}.thresholds`,
      ...(t.ok
        ? {}
        : {
            failure: {
              type: 'threshold',
              message: `${m.col.observed} ${t.observed === undefined ? m.noSamples : observed(t)}, ${m.col.threshold} ${t.expression}`,
              detail: [
                `${m.col.metric}: ${t.metric}`,
                `${m.col.threshold}: ${t.expression}${t.abortOnFail ? ' (abortOnFail)' : ''}`,
                `${m.col.observed}: ${t.observed === undefined ? m.noSamples : `${observed(t)} (${t.stat} = ${t.observed})`}`,
              ].join('\n'),
            },
          }),
    })),
  };

  const checks: JUnitSuite = {
    name: `${s.plan} checks`,
    ...common,
    cases: s.checks.map((c) => {
      const total = c.passes + c.fails;
      const group = c.group.replace(/^::/, '').split('::').filter(Boolean).join('.');
      return {
        name: c.name,
        classname: `${base}.checks${group ? `.${group}` : ''}`,
        ...(c.fails === 0
          ? {}
          : {
              failure: {
                type: 'check',
                message: `${formatCount(c.fails)}/${formatCount(total)} ${m.col.failed} (${formatPercent(c.fails / total)})`,
                detail: [
                  `${m.col.group}: ${groupLabel(c.group, m)}`,
                  `${m.col.passed}: ${formatCount(c.passes)}`,
                  `${m.col.failed}: ${formatCount(c.fails)}`,
                  `${m.col.passRate}: ${formatPercent(total ? c.passes / total : 1)}`,
                ].join('\n'),
              },
            }),
      };
    }),
  };

  const invariants: JUnitSuite = {
    name: `${s.plan} invariants`,
    ...common,
    cases: s.invariants.map((i) => ({
      name: i.name,
      classname: `${base}.invariants`,
      ...(i.ok ? {} : { failure: { type: 'invariant', message: i.detail, detail: i.detail } }),
    })),
  };

  const o = s.outcome;
  const unjudged =
    o.kind === 'k6-error'
      ? `${o.reason}${o.detail ? ` — ${o.detail}` : ''}`
      : o.kind === 'interrupted'
        ? 'interrupted: the partial run was kept and summarized'
        : o.kind === 'generator-saturated'
          ? o.reasons.map((r) => `${r.kind}: ${r.detail} (fix: ${r.fix})`).join('\n')
          : undefined;
  const run: JUnitSuite = {
    name: `${s.plan} run`,
    ...common,
    properties: {
      runId: s.runId,
      plan: s.plan,
      ...(s.profile ? { profile: s.profile } : {}),
      target: s.target.name,
      url: s.target.url,
      outcome: o.kind,
      ...(s.k6ExitCode !== undefined ? { k6ExitCode: String(s.k6ExitCode) } : {}),
    },
    cases: [
      {
        name: 'run',
        classname: `${base}.run`,
        ...(unjudged
          ? { error: { type: o.kind, message: unjudged.split('\n')[0] ?? o.kind, detail: unjudged } }
          : {}),
      },
    ],
  };
  return [thresholds, checks, invariants, run].filter((x) => x.cases.length > 0);
}

export function renderJUnitReport(s: RunSummary, opts: { lang?: Lang } = {}): string {
  return renderJUnit(`loadctl ${s.plan} ${s.runId}`, runJUnitSuites(s, opts));
}
