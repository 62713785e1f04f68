// The words of every report in English: the reference language. Numbers, units, names and k6's own terms (p95, VUs, req/s,
// metric and threshold expressions) stay as they are. Pure.
import {
  arrivalsText,
  str,
  stages,
  statusClasses,
  plural,
  share,
  checkLabel,
  observedText,
  type Messages,
} from './messages.js';
import { code, rich, strong } from './rich.js';
import { SERVER_WORDS } from './server-words.js';
import { STUDY_WORDS } from './study-words.js';
import { TABLE_WORDS } from './table-words.js';
import { formatCount, formatMs, formatPercent, formatRate } from './units.js';

/** How a scenario with `arrivals:` starts its iterations, after its rate. */
const arrivals = (s: Record<string, unknown>): string =>
  arrivalsText(
    s,
    (seed) => `, Poisson arrivals (seed ${seed})`,
    (b, seed) => `, gamma arrivals, burstiness ${b} (seed ${seed})`,
  );

export const EN: Messages = {
  lang: 'en',
  htmlLang: 'en',
  title: (plan) => `Load test report: ${plan}`,
  verdict: {
    passed: 'passed',
    'thresholds-failed': 'thresholds failed',
    aborted: 'aborted',
    'generator-saturated': 'generator saturated',
    'k6-error': 'k6 failed',
    'invariants-failed': 'invariants failed',
  },
  section: {
    summary: 'Summary',
    observations: 'Observations',
    environment: 'Environment',
    configuration: 'Configuration',
    results: 'Results',
    endpoints: 'Endpoints',
    thresholds: 'Thresholds',
    checks: 'Checks',
    invariants: 'Invariants (checked after the run)',
    customMetrics: 'Custom metrics',
    generator: 'Load generator',
    runners: 'Runners',
    notes: 'Notes',
    charts: 'Over time',
    metadata: 'Run metadata',
  },
  field: {
    date: 'Date',
    plan: 'Plan',
    profile: 'Profile',
    overrides: 'Overrides',
    target: 'Target',
    run: 'Run',
    duration: 'Duration',
    description: 'Description',
    k6: 'k6',
    loadctl: 'loadctl',
    generator: 'Load generator',
    tags: 'Tags',
    planFile: 'Plan file',
    started: 'Started',
    ended: 'Ended',
    exitCode: 'Exit code',
    k6Path: 'k6 binary',
    demo: 'built-in demo service',
    none: 'none',
    cores: (n) => `${n} core${n === 1 ? '' : 's'}`,
  },
  col: {
    endpoint: 'endpoint',
    requests: 'requests',
    rps: 'req/s',
    errors: 'errors',
    statuses: 'statuses',
    metric: 'metric',
    threshold: 'threshold',
    observed: 'observed',
    result: 'result',
    check: 'check',
    group: 'group',
    passed: 'passed',
    failed: 'failed',
    passRate: 'pass rate',
    invariant: 'invariant',
    detail: 'detail',
    runner: 'runner',
    segment: 'segment',
    iterations: 'iterations',
    exit: 'exit',
    type: 'type',
    value: 'value',
    description: 'description',
    scenario: 'scenario',
    executor: 'executor',
    load: 'load',
    flow: 'flow',
    reason: 'reason',
    fix: 'fix',
  },
  total: {
    requests: 'requests',
    rps: 'req/s',
    failed: 'failed',
    iterations: 'iterations',
    vusMax: 'VUs max',
    checks: 'checks passed',
    p95: 'p95 latency',
    data: 'data sent / received',
  },
  ok: 'pass',
  notOk: 'fail',
  noSamples: 'no data',
  abortOnFail: 'abortOnFail',
  overWindow: (window) => `over ${window}`,
  topLevel: '(top level)',
  chart: {
    vus: 'Virtual users',
    rps: 'Requests per second',
    requests: 'requests/s',
    errors: 'Failed requests per second',
    latency: 'Latency',
    latencyCumulative:
      "cumulative since the start of the run (a stock k6: its REST API has no per-second percentiles; `npm run setup:k6` builds a k6 with loadctl's metric stream, or run with --samples)",
    latencyWindowed: "per second, from loadctl's metric stream or the raw samples",
    endpointLatency: 'p95 latency per endpoint',
    percentiles: 'Latency percentiles per endpoint',
    percentilesCaption: 'over the whole run, from k6’s end-of-test data',
    responses: 'Responses per endpoint',
    responsesCaption: 'by status class (raw samples) or by declared status',
    failed: 'failed',
    seconds: 'seconds',
    percentile: 'percentile',
    endpoint: 'endpoint',
    other: 'other, not failed',
    noSeries: (ms) =>
      `No per-second data: k6 ran ${formatMs(ms)}, and the first live sample is taken after 1 s. The charts below are from k6's end-of-test data; run longer, or with --samples, for charts over time.`,
  },
  serverChart: {
    cpuTitle: 'Server CPU with latency and requests/s',
    cpuCaption: (whose, local) =>
      `${whose === 'host' ? 'CPU busy over all cores of the target’s host' : 'CPU of the target’s process (100 % = one core)'} on the right axis; p95 latency and requests/s on the left${whose === 'host' && local ? ' — this machine: the load generator’s CPU counts too' : ''}`,
    cpu: 'CPU',
    processCpu: 'process CPU',
    p95: 'p95',
    requests: 'requests/s',
    memoryTitle: 'Server memory',
    memoryCaption: (host, process) =>
      [
        host ? 'memory used on the host (total − available; dashed: the total)' : '',
        process ? 'the process’s resident memory' : '',
      ]
        .filter(Boolean)
        .join(', and '),
    memoryUsed: 'memory used',
    processMemory: 'process memory (RSS)',
    memoryTotal: 'total',
    compareCpuTitle: 'Server CPU',
    compareCpuCaption:
      'each run’s server: CPU busy over all cores of its host, else its process’s (100 % = one core)',
  },
  load: (s) => {
    switch (s['executor']) {
      case 'shared-iterations':
        return `${str(s['iterations'] ?? 1)} iterations shared by ${str(s['vus'] ?? 1)} VUs`;
      case 'per-vu-iterations':
        return `${str(s['vus'] ?? 1)} VUs × ${str(s['iterations'] ?? 1)} iterations each`;
      case 'constant-vus':
        return `${str(s['vus'] ?? 1)} VUs for ${str(s['duration'])}`;
      case 'ramping-vus':
        return `from ${str(s['startVUs'] ?? 1)} VUs: ${stages(s, ' VUs')}`;
      case 'constant-arrival-rate':
        return (
          `${str(s['rate'])} iterations per ${str(s['timeUnit'] ?? '1s')} for ${str(s['duration'])} (${str(s['preAllocatedVUs'])}–${str(s['maxVUs'] ?? s['preAllocatedVUs'])} VUs)` +
          arrivals(s)
        );
      case 'ramping-arrival-rate':
        return (
          `from ${str(s['startRate'] ?? 0)}/${str(s['timeUnit'] ?? '1s')}: ${stages(s, '/' + str(s['timeUnit'] ?? '1s'))} (${str(s['preAllocatedVUs'])}–${str(s['maxVUs'] ?? s['preAllocatedVUs'])} VUs)` +
          arrivals(s)
        );
      default:
        return '';
    }
  },
  observation: (o) => {
    switch (o.kind) {
      case 'threshold-failed': {
        const t = o.threshold;
        const stat = t.stat.replace(/^p\(([\d.]+)\)$/, 'p$1');
        const head = o.endpoint
          ? rich`${stat} of ${code(o.endpoint)} broke its threshold: ${observedText(o) ?? 'no samples'} against ${code(t.expression)}`
          : rich`threshold ${code(`${t.metric} ${t.expression}`)} failed: observed ${observedText(o) ?? 'no samples'}`;
        return o.expected
          ? [
              ...head,
              ...rich`; ${o.expected.status}s are ${share(o.expected.share)} of its responses, expected by the plan (${code('expect')}), so not errors`,
            ]
          : head;
      }
      case 'expected-status':
        return rich`${o.status}s are ${share(o.share)} of the responses of ${code(o.endpoint)}: declared expected (${code('expect')}), not counted as errors`;
      case 'errors':
        return rich`${code(o.endpoint)}: ${formatPercent(o.failed / o.requests)} of requests failed (${formatCount(o.failed)} of ${formatCount(o.requests)})${o.classes ? `; responses by status class: ${statusClasses(o.classes)}` : ''}`;
      case 'checks-failed':
        return rich`check ${code(checkLabel(o.name, o.group))} failed ${formatCount(o.fails)} of ${formatCount(o.total)} times (${formatPercent(o.fails / o.total)})`;
      case 'invariant-failed':
        return rich`invariant ${code(o.name)} failed after the run: ${o.detail}`;
      case 'saturated':
        return rich`${strong('the load generator was saturated: these numbers measure the generator, not the target')} — ${o.reasons.map((r) => `${r.detail} (fix: ${r.fix})`).join('; ')}`;
      case 'k6-error':
        return rich`${strong('k6 failed')}: ${o.reason}${o.detail ? ` — ${o.detail}` : ''}`;
      case 'interrupted':
        return rich`${strong('the run was interrupted')}: the numbers cover the part that ran`;
      case 'aborted-by-threshold':
        return rich`${strong('the run was stopped early')} by a threshold with ${code('abortOnFail')}`;
      case 'dropped':
        return rich`k6 dropped ${formatCount(o.count)} iterations: the plan asked for more than the VUs could start`;
      case 'slowest':
        return rich`${code(o.endpoint)} is the slowest endpoint at p95 ${formatMs(o.p95)}`;
      case 'peak':
        return rich`throughput peaked at ${formatRate(o.rps)} req/s at ${String(o.t)} s with ${formatCount(o.vus)} VUs`;
      case 'no-series':
        return rich`k6 ran ${formatMs(o.durationMs)}, too short for per-second data; the totals are exact`;
      case 'all-passed':
        return rich`everything passed: ${plural(o.thresholds, 'threshold')}, ${plural(o.checks, 'check')}, ${plural(o.invariants, 'invariant')}`;
    }
  },
  table: TABLE_WORDS.en,
  server: SERVER_WORDS.en,
  study: STUDY_WORDS.en,
  generatedBy: (v) => `Generated by loadctl ${v} from the stored run.`,
};
