import { describe, expect, it } from 'vitest';
import { prepareRun } from './prepare.js';
import {
  DEFAULT_PROM_TREND_STATS,
  outputArgs,
  outputEnv,
  outputProblems,
  renderOutputProblems,
  resolveOutputs,
  runTags,
  type Output,
} from './outputs.js';
import { choices, FACTS, resolved, SHOP } from './spec.fixture.js';
import { checkOperatorPlan } from './k6-operator-export.js';
import type { Plan } from '../plans/schema.js';

const INFLUX: Output = {
  type: 'influxdb',
  url: 'http://influx:8086/k6',
  env: { K6_INFLUXDB_USERNAME: '${secrets.U}', K6_INFLUXDB_PASSWORD: 'p-${secrets.P}' },
};
const PROM: Output = { type: 'experimental-prometheus-rw', url: 'http://prom:9090/api/v1/write', env: {} };

describe('outputArgs', () => {
  it('passes each output as k6 takes it, files under the run folder unless absolute', () => {
    expect(
      outputArgs(
        [
          INFLUX,
          PROM,
          { type: 'json', file: 'k6.json.gz', env: {} },
          { type: 'csv', file: '/data/k6.csv', env: {} },
          { type: 'opentelemetry', env: {} },
        ],
        '/r/run',
        [],
      ),
    ).toEqual([
      '--out',
      'influxdb=http://influx:8086/k6',
      '--out',
      'experimental-prometheus-rw',
      '--out',
      'json=/r/run/k6.json.gz',
      '--out',
      'csv=/data/k6.csv',
      '--out',
      'opentelemetry',
    ]);
  });

  it('refuses a file loadctl writes itself', () => {
    expect(() =>
      outputArgs([{ type: 'json', file: 'summary.json', env: {} }], '/r', ['/r/summary.json']),
    ).toThrow("the json output's file summary.json is one loadctl writes itself");
  });
});

describe('outputEnv', () => {
  it('resolves secrets from the environment and sets the remote-write URL and trend statistics', () => {
    expect(outputEnv([INFLUX, PROM], { U: 'me', P: 'pw' })).toEqual({
      K6_INFLUXDB_USERNAME: 'me',
      K6_INFLUXDB_PASSWORD: 'p-pw',
      K6_PROMETHEUS_RW_SERVER_URL: 'http://prom:9090/api/v1/write',
      K6_PROMETHEUS_RW_TREND_STATS: DEFAULT_PROM_TREND_STATS.join(','),
    });
  });

  it('keeps trend statistics the environment or the plan sets', () => {
    expect(outputEnv([PROM], { K6_PROMETHEUS_RW_TREND_STATS: 'p(90)' })).toEqual({
      K6_PROMETHEUS_RW_SERVER_URL: 'http://prom:9090/api/v1/write',
    });
    expect(outputEnv([{ ...PROM, trendStats: ['p(99)'] }], {}).K6_PROMETHEUS_RW_TREND_STATS).toBe('p(99)');
  });

  it('refuses to start without a secret’s value', () => {
    expect(() => outputEnv([INFLUX], { U: 'me' })).toThrow('K6_INFLUXDB_PASSWORD: the secret P is not set');
  });
});

describe('runTags', () => {
  it('names the plan, run, target and profile (the profile only when there is one)', () => {
    expect(runTags({ plan: 'shop', runId: 'r1', target: 'api', profile: 'smoke' })).toEqual({
      plan: 'shop',
      run_id: 'r1',
      target: 'api',
      profile: 'smoke',
    });
    expect(runTags({ plan: 'shop', runId: 'r1', target: 'api', profile: undefined })).toEqual({
      plan: 'shop',
      run_id: 'r1',
      target: 'api',
    });
  });
});

describe('resolveOutputs', () => {
  const plan = { outputs: ['json=a.json'] } as unknown as Plan;
  it('takes the plan’s unless the command line gives its own, or none', () => {
    expect(resolveOutputs(plan, [])).toEqual([{ type: 'json', file: 'a.json', env: {} }]);
    expect(resolveOutputs(plan, ['csv=b.csv'])).toEqual([{ type: 'csv', file: 'b.csv', env: {} }]);
    expect(resolveOutputs(plan, ['none'])).toEqual([]);
  });

  it('says what is wrong with a --out', () => {
    expect(() => resolveOutputs(plan, ['influxdb=http://a:b@i:8086/k6'])).toThrow(
      '--out "influxdb=http://a:b@i:8086/k6": the URL holds a user name or password',
    );
    expect(() => resolveOutputs(plan, ['datadog'])).toThrow(
      '--out "datadog": unknown output type `datadog`; known:',
    );
  });
});

describe('k6 arguments with outputs', () => {
  const run = (outputs: Output[] | undefined) =>
    prepareRun(choices(SHOP, { tags: { build: '7' }, outputs }), FACTS).k6.args;

  it("adds loadctl's tags and the outputs only when there are outputs", () => {
    const args = run([PROM]);
    const tags = args.flatMap((a, i) => (args[i - 1] === '--tag' ? [a] : []));
    expect(tags).toEqual(['plan=shop', 'run_id=20261202T100000Z-abc123', 'target=api', 'build=7']);
    expect(args.slice(-3)).toEqual([
      '--out',
      'experimental-prometheus-rw',
      expect.stringMatching(/script\.js$/),
    ]);
    expect(run([]).filter((a) => a === '--tag')).toHaveLength(1);
  });
});

describe('outputProblems', () => {
  const lines = [
    'time="t" level=error msg="Couldn\'t write stats" error="Post \\"http://127.0.0.1:2/write\\": connection refused" output=InfluxDBv1',
    'time="t" level=error msg="Couldn\'t write stats" error="again" output=InfluxDBv1',
    'time="t" level=error msg="Failed to send the time series data to the endpoint" error="HTTP POST request failed" output="Prometheus remote write"',
    'time="t" level=error msg="something of the script"',
  ];

  it("groups k6's errors by output, with the first one's message", () => {
    expect(outputProblems(lines)).toEqual([
      {
        output: 'InfluxDBv1',
        count: 2,
        first: 'Couldn\'t write stats: Post "http://127.0.0.1:2/write": connection refused',
      },
      {
        output: 'Prometheus remote write',
        count: 1,
        first: 'Failed to send the time series data to the endpoint: HTTP POST request failed',
      },
    ]);
  });

  it('says the run is whole and where the log is', () => {
    expect(renderOutputProblems(outputProblems(lines.slice(2, 3)), 'results/x/k6.log')).toBe(
      "warning: k6's Prometheus remote write output could not send its metrics (1 error; first: Failed to send the time series data to the endpoint: HTTP POST request failed). The run and its results here are complete; that output's data is missing or partial. See results/x/k6.log\n",
    );
  });
});

describe('export k6-operator', () => {
  it('refuses a plan with outputs: the manifests would carry their credentials', () => {
    const plan = { ...SHOP, outputs: ['influxdb=http://influx:8086/k6'] };
    expect(() => checkOperatorPlan(resolved(plan))).toThrow("the plan sends k6's metrics to `outputs`");
  });
});
