import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from './diagnostics.js';
import { checkOutputs, checkOutputUrl, splitOutputText } from './outputs.js';
import { parsePlanText } from './parse.js';
import { validatePlan } from './validate.js';

const BASE = `name: t
targets:
  local: { demo: true }
secrets: [INFLUX_USER, INFLUX_PASS]
scenarios:
  s: { executor: constant-vus, vus: 2, duration: 5s, flow: f }
flows:
  f:
    steps:
      - { name: home, path: / }
outputs:
`;

function problems(outputs: string): string[] {
  const parsed = parsePlanText('p.yaml', BASE + outputs);
  if (!parsed.ok) return parsed.diagnostics.map(renderDiagnostic);
  return validatePlan(parsed.source).diagnostics.map(renderDiagnostic);
}

describe('a plan’s outputs', () => {
  it('accepts k6 --out strings and mappings with secrets in env', () => {
    expect(
      problems(`  - influxdb=http://influx:8086/k6
  - experimental-prometheus-rw
  - json=k6.json.gz
  - { type: csv, file: /tmp/k6.csv, env: { K6_CSV_TIME_FORMAT: rfc3339_nano } }
  - type: influxdb
    url: http://influx:8086/k6
    env: { K6_INFLUXDB_USERNAME: '\${secrets.INFLUX_USER}', K6_INFLUXDB_PASSWORD: '\${secrets.INFLUX_PASS}' }
  - type: experimental-prometheus-rw
    url: https://prom.example/api/v1/write
    trendStats: ['p(95)', 'p(99)']
    env: { K6_PROMETHEUS_RW_HEADERS_AUTHORIZATION: 'Bearer \${secrets.INFLUX_PASS}' }
  - { type: opentelemetry, env: { K6_OTEL_GRPC_EXPORTER_ENDPOINT: 'otel:4317' } }
`),
    ).toEqual([]);
  });

  it.each([
    [
      'an unknown type in a string, with the known ones',
      '  - influx=http://x:8086/k6\n',
      [
        'p.yaml:12:5: error: outputs[0]: unknown output type `influx`; known: experimental-prometheus-rw, influxdb, json, csv, opentelemetry, experimental-opentelemetry\n    hint: did you mean `influxdb`?',
      ],
    ],
    [
      'an unknown type in a mapping, at its `type`',
      '  - { type: statsd }\n',
      [
        'p.yaml:12:13: error: outputs[0].type: unknown output type `statsd`; known: experimental-prometheus-rw, influxdb, json, csv, opentelemetry, experimental-opentelemetry',
      ],
    ],
    [
      "loadctl's own output",
      '  - loadctl\n',
      ["p.yaml:12:5: error: outputs[0]: loadctl's own output is always on: it is not listed under `outputs`"],
    ],
    [
      'a password in a string URL',
      '  - influxdb=http://admin:hunter22@influx:8086/k6\n',
      [
        "p.yaml:12:5: error: outputs[0]: the URL holds a user name or password, which k6 would log and loadctl would keep in its files\n    hint: declare them under `secrets:` and pass them as env: { K6_INFLUXDB_USERNAME: '${secrets.USER}', K6_INFLUXDB_PASSWORD: '${secrets.PASSWORD}' } (docs/outputs.md)",
      ],
    ],
    [
      'a password in a mapping’s URL, at the url',
      '  - type: experimental-prometheus-rw\n    url: https://me:pw@prom/api/v1/write\n',
      [
        "p.yaml:13:10: error: outputs[0].url: the URL holds a user name or password, which k6 would log and loadctl would keep in its files\n    hint: declare them under `secrets:` and pass them as env: { K6_PROMETHEUS_RW_USERNAME: '${secrets.USER}', K6_PROMETHEUS_RW_PASSWORD: '${secrets.PASSWORD}' } (docs/outputs.md)",
      ],
    ],
    [
      'a literal password in env',
      '  - type: influxdb\n    url: http://influx:8086/k6\n    env: { K6_INFLUXDB_PASSWORD: hunter22 }\n',
      [
        "p.yaml:14:34: error: outputs[0].env.K6_INFLUXDB_PASSWORD: K6_INFLUXDB_PASSWORD carries a credential: its value must come from a declared secret, not the plan's text\n    hint: declare the secret under `secrets:` and write K6_INFLUXDB_PASSWORD: '${secrets.NAME}'",
      ],
    ],
    [
      'an undeclared secret',
      "  - { type: influxdb, url: 'http://i:8086/k6', env: { K6_INFLUXDB_PASSWORD: '${secrets.NOPE}' } }\n",
      [
        'p.yaml:12:77: error: outputs[0].env.K6_INFLUXDB_PASSWORD: secret `NOPE` is not declared\n    hint: add it to `secrets:` so loadctl reads it from the environment',
      ],
    ],
    [
      "another output's option",
      "  - { type: influxdb, url: 'http://i:8086/k6', env: { K6_PROMETHEUS_RW_PUSH_INTERVAL: 1s } }\n",
      [
        'p.yaml:12:55: error: outputs[0].env.K6_PROMETHEUS_RW_PUSH_INTERVAL: K6_PROMETHEUS_RW_PUSH_INTERVAL is not an option of the influxdb output, whose options start with K6_INFLUXDB_',
      ],
    ],
    [
      'a misspelt option: a warning with the name k6 reads',
      "  - { type: influxdb, url: 'http://i:8086/k6', env: { K6_INFLUXDB_PUSH_INTERVALL: 1s } }\n",
      [
        'p.yaml:12:55: warning: outputs[0].env.K6_INFLUXDB_PUSH_INTERVALL: K6_INFLUXDB_PUSH_INTERVALL is not an option k6 v1.8.1 reads\n    hint: did you mean K6_INFLUXDB_PUSH_INTERVAL?',
      ],
    ],
    [
      'a json output without a file',
      '  - json\n',
      ['p.yaml:12:5: error: outputs[0]: the json output needs a file\n    hint: e.g. json=k6.json'],
    ],
    [
      'an influxdb URL without a database',
      '  - influxdb=http://influx:8086\n',
      [
        'p.yaml:12:5: error: outputs[0]: an influxdb URL names the database in its path: http://host:8086/DATABASE',
      ],
    ],
    [
      'two outputs of a kind with different options',
      '  - { type: experimental-prometheus-rw, url: "http://a/api/v1/write" }\n  - { type: experimental-prometheus-rw, url: "http://b/api/v1/write" }\n',
      [
        'p.yaml:13:5: error: outputs[1]: another output sets K6_PROMETHEUS_RW_SERVER_URL to something else; k6 has one environment, so outputs of one kind share their options\n    hint: send to one server per output kind',
      ],
    ],
  ])('%s', (_name, outputs, expected) => {
    expect(problems(outputs)).toEqual(expected);
  });
});

describe('checkOutputUrl', () => {
  it.each([
    ['http://influx:8086/k6', undefined],
    [
      'http://influx:8086/k6?p=secret',
      'the URL holds a credential in its query, which k6 would log and loadctl would keep in its files',
    ],
    ['ftp://influx/k6', 'expected an http:// or https:// URL'],
    [
      'http://influx/${secrets.X}',
      'the URL is passed to k6 as an argument and may not hold references; credentials go in `env`',
    ],
    ['not a url', '"not a url" is not a URL'],
  ])('%s', (url, problem) => {
    expect(checkOutputUrl('influxdb', url)).toBe(problem);
  });
});

describe('splitOutputText', () => {
  it('reads k6’s type=argument as the URL or the file the type takes', () => {
    expect(splitOutputText('influxdb=http://i:8086/k6')).toEqual({
      type: 'influxdb',
      url: 'http://i:8086/k6',
    });
    expect(splitOutputText('csv=a=b.csv')).toEqual({ type: 'csv', file: 'a=b.csv' });
    expect(splitOutputText('opentelemetry')).toEqual({ type: 'opentelemetry' });
    expect(splitOutputText('opentelemetry=x')).toEqual({ type: 'opentelemetry', arg: 'x' });
  });

  it('refuses an argument to an output that takes none', () => {
    expect(checkOutputs(['opentelemetry=x'], [], []).findings.map((f) => f.message)).toEqual([
      'the opentelemetry output takes nothing after "="',
    ]);
  });
});
