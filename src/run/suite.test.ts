import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, type ExitCode } from '../errors.js';
import type { RunSummary } from '../report/model/summary.js';
import { planSuiteFiles, suiteExitCode, summarizeSuiteRow, worstExitCode, EXIT_SEVERITY } from './suite.js';

const summary = (name: 'seat-race-smoke' | 'ticket-rush'): RunSummary =>
  JSON.parse(
    readFileSync(new URL(`../../test/fixtures/report/${name}/summary.json`, import.meta.url), 'utf8'),
  ) as RunSummary;

describe('planSuiteFiles', () => {
  it('keeps the arguments in order and a folder’s plans in name order, *.yaml and *.yml only', () => {
    expect(
      planSuiteFiles([
        { kind: 'file', path: 'z.yaml' },
        {
          kind: 'folder',
          path: 'plans',
          names: ['b.yml', 'plan.schema.json', 'a.yaml', 'README.md', '.hidden.yaml', 'B.YAML', 'examples'],
        },
        { kind: 'file', path: 'a.yaml' },
      ]),
    ).toEqual(['z.yaml', 'plans/B.YAML', 'plans/a.yaml', 'plans/b.yml', 'a.yaml']);
  });

  it('joins a folder given with a trailing slash without doubling it', () => {
    expect(planSuiteFiles([{ kind: 'folder', path: 'plans/', names: ['x.yaml'] }])).toEqual(['plans/x.yaml']);
  });
});

describe('worstExitCode', () => {
  it.each<[ExitCode[], ExitCode]>([
    [[], EXIT.ok],
    [[EXIT.ok, EXIT.ok], EXIT.ok],
    [[EXIT.ok, EXIT.thresholdsFailed, EXIT.ok], EXIT.thresholdsFailed],
    [[EXIT.thresholdsFailed, EXIT.invariantFailed], EXIT.invariantFailed],
    [[EXIT.thresholdsFailed, EXIT.saturated, EXIT.invariantFailed], EXIT.saturated],
    [[EXIT.k6Failed, EXIT.environment], EXIT.environment],
    [[EXIT.thresholdsFailed, EXIT.interrupted, EXIT.k6Failed], EXIT.interrupted],
  ])('%j → %i', (codes, worst) => {
    expect(worstExitCode(codes)).toBe(worst);
  });

  it('ranks every exit code loadctl has, each once', () => {
    expect([...EXIT_SEVERITY].sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });
});

describe('summarizeSuiteRow', () => {
  it('takes a run’s plan, target, outcome, requests, p95, error rate and id from its summary', () => {
    const s = summary('ticket-rush');
    const row = summarizeSuiteRow({ kind: 'ran', file: 'p.yaml', runDir: '/r/x', summary: s, exitCode: 99 });
    expect(row).toEqual({
      file: 'p.yaml',
      plan: 'ticket-rush',
      target: s.target.name,
      outcome: 'thresholds-failed',
      exitCode: 99,
      requests: 2092,
      p95Ms: s.latency['p(95)'],
      errorRate: s.totals.errorRate,
      runId: '20261122T043229Z-8c4aee',
      runDir: '/r/x',
    });
  });

  it('takes the server’s headline CPU when the run has summary.server', () => {
    const s: RunSummary = {
      ...summary('seat-race-smoke'),
      server: {
        target: 'demo',
        onThisMachine: true,
        stats: [
          {
            id: 'processCpu',
            source: 'demo',
            label: 'CPU',
            unit: 'percent',
            avg: 37.5,
            p95: 50,
            max: 60,
            min: 1,
            samples: 9,
          },
        ],
      },
    };
    expect(
      summarizeSuiteRow({ kind: 'ran', file: 'p.yaml', runDir: '/r', summary: s, exitCode: 0 }).cpu?.avg,
    ).toBe(37.5);
  });

  it('marks a plan that did not run, and one whose run failed with its message', () => {
    const notRun = summarizeSuiteRow({ kind: 'not-run', file: 'b.yaml', plan: 'b', target: 'demo' });
    expect(notRun).toEqual({ file: 'b.yaml', plan: 'b', target: 'demo', outcome: 'not run' });
    const failed = summarizeSuiteRow({
      kind: 'failed',
      file: 'c.yaml',
      plan: 'c',
      target: 'api',
      message: 'preflight failed',
      exitCode: EXIT.environment,
    });
    expect(failed.outcome).toBe('error');
    expect(suiteExitCode([notRun, failed])).toBe(EXIT.environment);
    expect(suiteExitCode([notRun])).toBe(EXIT.ok);
  });
});
