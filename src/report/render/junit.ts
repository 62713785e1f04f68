// JUnit XML for CI: one test case per threshold, per check and per invariant, and one for the run itself,
// failures carrying what was observed against the limit. The suite builder is separate from the writer so
// `compare` can add a suite of regression rules to the same file. Pure.
import type { RunOverrides } from '../../plans/overrides.js';
import { buildRunSections, type RunSections } from '../model/sections.js';
import type { RunSummary } from '../model/summary.js';
import { escapeXml, escapeXmlText } from './escape.js';
import { groupLabel } from './format.js';
import { messages, type Lang } from './i18n.js';
import type { Messages } from './messages.js';
import { sourcesWithErrors } from '../model/server-section.js';
import { readErrorText, sourceText } from './server-words.js';
import { formatCount, formatPercent } from './units.js';
import { formatObserved } from './values.js';

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

type Common = Pick<JUnitSuite, 'time' | 'timestamp'>;

function thresholdSuite(sec: RunSections, m: Messages, common: Common): JUnitSuite {
  const base = `loadctl.${sec.run.plan}`;
  return {
    name: `${sec.run.plan} thresholds`,
    ...common,
    cases: sec.thresholds.map((t) => {
      const observed = t.observed === undefined ? m.noSamples : formatObserved(t, t.unit);
      return {
        name: `${t.metric} ${t.expression}`,
        classname: `${base}.thresholds`,
        ...(t.noData
          ? { skipped: { message: `${m.noSamples}: k6 saw no sample of ${t.metric}` } }
          : t.ok
            ? {}
            : {
                failure: {
                  type: 'threshold',
                  message: `${m.col.observed} ${observed}, ${m.col.threshold} ${t.expression}`,
                  detail: [
                    `${m.col.metric}: ${t.metric}`,
                    `${m.col.threshold}: ${t.expression}${t.abortOnFail ? ' (abortOnFail)' : ''}`,
                    `${m.col.observed}: ${t.observed === undefined ? m.noSamples : `${observed} (${t.stat} = ${t.observed})`}`,
                  ].join('\n'),
                },
              }),
      };
    }),
  };
}

function checkSuite(sec: RunSections, m: Messages, common: Common): JUnitSuite {
  const base = `loadctl.${sec.run.plan}`;
  return {
    name: `${sec.run.plan} checks`,
    ...common,
    cases: sec.checks.map((c) => {
      const group = c.group.replace(/^::/, '').split('::').filter(Boolean).join('.');
      return {
        name: c.name,
        classname: `${base}.checks${group ? `.${group}` : ''}`,
        ...(c.fails === 0
          ? {}
          : {
              failure: {
                type: 'check',
                message: `${formatCount(c.fails)}/${formatCount(c.total)} ${m.col.failed} (${formatPercent(c.fails / c.total)})`,
                detail: [
                  `${m.col.group}: ${groupLabel(c.group, m)}`,
                  `${m.col.passed}: ${formatCount(c.passes)}`,
                  `${m.col.failed}: ${formatCount(c.fails)}`,
                  `${m.col.passRate}: ${formatPercent(c.total ? c.passes / c.total : 1)}`,
                ].join('\n'),
              },
            }),
      };
    }),
  };
}

function invariantSuite(sec: RunSections, common: Common): JUnitSuite {
  return {
    name: `${sec.run.plan} invariants`,
    ...common,
    cases: sec.invariants.map((i) => ({
      name: i.name,
      classname: `loadctl.${sec.run.plan}.invariants`,
      ...(i.ok ? {} : { failure: { type: 'invariant', message: i.detail, detail: i.detail } }),
    })),
  };
}

/** Why a run could not be judged by its thresholds, checks and invariants; undefined when it could. */
function unjudged(o: RunSections['outcome']): string | undefined {
  switch (o.kind) {
    case 'k6-error':
      return `${o.reason}${o.detail ? ` — ${o.detail}` : ''}`;
    case 'interrupted':
      return 'interrupted: the partial run was kept and summarized';
    case 'generator-saturated':
      return o.reasons.map((r) => `${r.kind}: ${r.detail} (fix: ${r.fix})`).join('\n');
    default:
      return undefined;
  }
}

const num = (v: number) => String(Number(v.toFixed(3)));

/** The server figures as properties of the run suite: plain numbers (%, bytes) for CI to chart. */
function serverProperties(sec: RunSections, m: Messages): Record<string, string> {
  const server = sec.server;
  if (!server) return {};
  const out: Record<string, string> = {};
  const f = server.figures;
  if (f) {
    if (f.sources.length > 0) out['server.source'] = f.sources.map((x) => sourceText(x, m.server)).join(', ');
    for (const [key, stat] of [
      ['cpu', f.cpu],
      ['memory', f.memory],
    ] as const)
      if (stat) {
        out[`server.${key}.avg`] = num(stat.avg);
        out[`server.${key}.p95`] = num(stat.p95);
        out[`server.${key}.max`] = num(stat.max);
        out[`server.${key}.unit`] = stat.unit;
      }
    if (f.requestsPerCpuSecond !== undefined)
      out['server.requestsPerCpuSecond'] = num(f.requestsPerCpuSecond);
    if (f.cpuPerKiloRps !== undefined) out['server.cpuPercentPer1000Rps'] = num(f.cpuPerKiloRps);
    const errors = sourcesWithErrors(f).map((x) => readErrorText(x, m.server) ?? '');
    if (errors.length > 0) out['server.readErrors'] = errors.join('; ');
  }
  if (server.shared) {
    out['server.sharedMachine'] = server.shared;
    out['server.note'] = m.server.shared[server.shared];
  }
  return out;
}

function runSuite(sec: RunSections, m: Messages, common: Common): JUnitSuite {
  const r = sec.run;
  const o = sec.outcome;
  const why = unjudged(o);
  return {
    name: `${r.plan} run`,
    ...common,
    properties: {
      runId: r.runId,
      plan: r.plan,
      ...(r.profile ? { profile: r.profile } : {}),
      ...(r.overrides ? { overrides: r.overrides } : {}),
      target: r.target.name,
      url: r.target.url,
      outcome: o.kind,
      ...(r.k6ExitCode !== undefined ? { k6ExitCode: String(r.k6ExitCode) } : {}),
      // The plan's `about:` facts, so a CI dashboard can tell the model or server a run measured.
      ...Object.fromEntries(sec.about.map(([k, v]) => [`about.${k}`, v])),
      ...serverProperties(sec, m),
    },
    cases: [
      {
        name: 'run',
        classname: `loadctl.${r.plan}.run`,
        ...(why ? { error: { type: o.kind, message: why.split('\n')[0] ?? o.kind, detail: why } } : {}),
      },
    ],
  };
}

/**
 * The suites of one run (suite names stay English in every language: CI dashboards key on them): its
 * thresholds, checks and invariants, and a `run` suite whose one case fails with an error when the run could
 * not be judged by those (k6 failed, interrupted, generator saturated). So a run with thresholds or checks
 * never reports tests="0", and a broken run is never green.
 */
export function runJUnitSuites(sec: RunSections, opts: { lang?: Lang } = {}): JUnitSuite[] {
  const m = messages(opts.lang);
  const common = { time: sec.run.durationMs / 1000, timestamp: sec.run.startedAt };
  return [
    thresholdSuite(sec, m, common),
    checkSuite(sec, m, common),
    invariantSuite(sec, common),
    runSuite(sec, m, common),
  ].filter((x) => x.cases.length > 0);
}

/**
 * `demo`: the target is the built-in demo (meta.json's target.demo), which shares this machine. `about`: the
 * plan's `about:` facts (plan.resolved.json), shown as the run suite's properties. `overrides`: the command
 * line's overrides (meta.json), one property.
 */
export function renderJUnitReport(
  s: RunSummary,
  opts: {
    lang?: Lang;
    demo?: boolean;
    about?: Readonly<Record<string, string | number | boolean>>;
    overrides?: RunOverrides;
  } = {},
): string {
  const meta = {
    ...(opts.demo !== undefined ? { target: { demo: opts.demo } } : {}),
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
  };
  const sec = buildRunSections({
    summary: s,
    ...(Object.keys(meta).length > 0 ? { meta } : {}),
    ...(opts.about ? { plan: { about: opts.about, scenarios: {}, metrics: {} } } : {}),
  });
  return renderJUnit(`loadctl ${s.plan} ${s.runId}`, runJUnitSuites(sec, opts));
}
