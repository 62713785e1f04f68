import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  checkOperatorName,
  checkParallelism,
  defaultOperatorImage,
  operatorArguments,
  operatorNameFor,
  renderOperatorManifests,
  resolveCollectorUrl,
  type OperatorExport,
} from './k6-operator.js';
import { checkOperatorPlan } from './k6-operator-export.js';
import { operatorSegmentOf } from './collect-run.js';
import { k6EnvFor, prepareRun } from './prepare.js';
import { choices, FACTS, resolved, SHOP } from './spec.fixture.js';

const CRD = new URL('../../test/fixtures/k6-operator/k6.io_testruns.yaml', import.meta.url);

/** The TestRun's spec schema, from the CRD the operator installs (vendored, see the file's header). */
function testRunSpecSchema(): Record<string, unknown> {
  const docs = parseAllDocuments(readFileSync(CRD, 'utf8')).map((d) => d.toJS() as unknown);
  const crd = docs.find((d) => (d as { kind?: string } | null)?.kind === 'CustomResourceDefinition') as {
    spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Record<string, unknown> } }> };
  };
  const v1 = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (v1 === undefined) throw new Error('no v1alpha1 in the CRD');
  const root = v1.schema.openAPIV3Schema as { properties: { spec: Record<string, unknown> } };
  return root.properties.spec;
}

// Kubernetes' own formats (int-or-string) and x-kubernetes-* keywords are not JSON Schema's: ignored here.
const ajv = new Ajv({ allErrors: true, unknownFormats: 'ignore' });
const validateSpec = ajv.compile(testRunSpecSchema());

const CONFIGMAP_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'data'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'v1' },
    kind: { const: 'ConfigMap' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$', maxLength: 253 } },
    },
    data: {
      type: 'object',
      additionalProperties: { type: 'string' },
      propertyNames: { pattern: '^[-._a-zA-Z0-9]+$' },
      minProperties: 1,
    },
  },
};
const validateConfigMap = ajv.compile(CONFIGMAP_SCHEMA);

const COLLECTOR = 'http://10.0.0.5:9400/frames';

function exported(over: Partial<OperatorExport> = {}): OperatorExport {
  const spec = prepareRun(choices(), { ...FACTS, k6: { ...FACTS.k6, framesOutput: true } });
  return {
    name: 'shop',
    namespace: undefined,
    parallelism: 8,
    image: defaultOperatorImage('v1.8.1', 'src-eb57d1e20356'),
    args: operatorArguments(spec.k6.args, COLLECTOR),
    env: k6EnvFor(spec, 'http://api.test'),
    secrets: [],
    secretName: 'shop-secrets',
    script: 'export default function () {}\n',
    ...over,
  };
}

describe('operatorArguments', () => {
  it("leaves out run, the script and the operator's own flags; points the stream at the collector", () => {
    const local = [
      'run',
      '--quiet',
      '--address',
      '127.0.0.1:6565',
      '--summary-mode=disabled',
      '--no-thresholds',
      '--summary-trend-stats',
      'avg,p(95)',
      '--out',
      'loadctl=/r/frames.ndjson?maxNames=1000&tags=status',
      '/r/script.js',
    ];
    expect(operatorArguments(local, COLLECTOR)).toEqual([
      '--summary-mode=disabled',
      '--no-thresholds',
      '--summary-trend-stats',
      'avg,p(95)',
      '--out',
      `loadctl=${COLLECTOR}?maxNames=1000&tags=status`,
    ]);
  });

  it('refuses a command line without the loadctl output', () => {
    expect(() => operatorArguments(['run', '/r/script.js'], COLLECTOR)).toThrow(/loadctl's k6/);
  });
});

describe('the TestRun and ConfigMap', () => {
  const cases: Array<[string, Partial<OperatorExport>]> = [
    ['N=8, no secrets', {}],
    ['N=1', { parallelism: 1 }],
    ['N=8 with secrets', { secrets: ['API_KEY', 'PASSWORD'] }],
    ['N=3 in a namespace', { parallelism: 3, namespace: 'load' }],
  ];
  for (const [what, over] of cases)
    it(`validates against the operator's CRD: ${what}`, () => {
      const { testRun, configMap } = renderOperatorManifests(exported(over));
      expect(testRun).toMatchObject({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun' });
      expect(validateSpec((testRun as { spec: unknown }).spec), ajv.errorsText(validateSpec.errors)).toBe(
        true,
      );
      expect(validateConfigMap(configMap), ajv.errorsText(validateConfigMap.errors)).toBe(true);
      const spec = (testRun as { spec: { script: { configMap: { name: string; file: string } } } }).spec;
      const cm = configMap as { metadata: { name: string }; data: Record<string, string> };
      expect(cm.metadata.name).toBe(spec.script.configMap.name);
      expect(Object.keys(cm.data)).toEqual([spec.script.configMap.file]);
    });

  it('the CRD check does catch a wrong spec', () => {
    const { testRun } = renderOperatorManifests(exported());
    const spec = (testRun as { spec: Record<string, unknown> }).spec;
    expect(validateSpec({ ...spec, parallelism: '8' })).toBe(false);
    expect(validateSpec({ ...spec, runner: { env: [{ value: 'no name' }] } })).toBe(false);
  });

  it('reads secrets from the Secret by name, never their values; keeps the summary path out', () => {
    const { testRun } = renderOperatorManifests(exported({ secrets: ['API_KEY'] }));
    const env = (testRun as { spec: { runner: { env: Array<Record<string, unknown>> } } }).spec.runner.env;
    expect(env).toContainEqual({
      name: 'API_KEY',
      valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'API_KEY' } },
    });
    expect(env).toContainEqual({ name: 'LOADCTL_BASE_URL', value: 'http://api.test' });
    expect(env.map((e) => e.name)).not.toContain('LOADCTL_SUMMARY_PATH');
  });

  it('refuses a script over the ConfigMap limit and an argument with whitespace', () => {
    expect(() => renderOperatorManifests(exported({ script: 'x'.repeat(1024 * 1024 + 1) }))).toThrow(
      /over the 1048576-byte limit/,
    );
    expect(() => renderOperatorManifests(exported({ args: ['--tag', 'a=b c'] }))).toThrow(/whitespace/);
  });
});

describe('checks', () => {
  it('takes 1…64 runners only', () => {
    expect(checkParallelism('1')).toBe(1);
    expect(checkParallelism('64')).toBe(64);
    for (const bad of ['0', '65', '2.5', 'x', ''])
      expect(() => checkParallelism(bad)).toThrow(/not a runner count from 1 to 64/);
  });

  it('takes an http:// collector with a port and no other path than /frames', () => {
    expect(resolveCollectorUrl('http://10.0.0.5:9400')).toBe(COLLECTOR);
    expect(resolveCollectorUrl('http://collector.load:9400/frames')).toBe(
      'http://collector.load:9400/frames',
    );
    expect(() => resolveCollectorUrl('https://10.0.0.5:9400')).toThrow(/plain http:\/\/ only/);
    expect(() => resolveCollectorUrl('http://10.0.0.5')).toThrow(/HOST:PORT and nothing more/);
    expect(() => resolveCollectorUrl('http://10.0.0.5:9400/push')).toThrow(/takes pushes at \/frames/);
    expect(() => resolveCollectorUrl('10.0.0.5:9400')).toThrow();
  });

  it('refuses a demo target and a script: plan', () => {
    expect(() => checkOperatorPlan(resolved(SHOP, 'demo'))).toThrow(/pods in a cluster cannot reach it/);
    const { flows: _f, scenarios: _s, ...rest } = SHOP;
    const script = { ...rest, scenarios: {}, script: 'load.js' };
    expect(() => checkOperatorPlan(resolved(script))).toThrow(/script:/);
    expect(() => checkOperatorPlan(resolved(SHOP))).not.toThrow();
  });

  it('names the TestRun from the plan, and checks a given name', () => {
    expect(operatorNameFor('Seat_Race v2')).toBe('seat-race-v2');
    expect(() => checkOperatorName('Bad_Name')).toThrow(/not a usable TestRun name/);
    expect(() => checkOperatorName('ok-name')).not.toThrow();
  });

  it("tells a runner's segment from its pod's name, the operator's way", () => {
    expect(operatorSegmentOf('shop-2-1', 3)).toBe('1/3:2/3');
    expect(operatorSegmentOf('vm-6487', 3)).toBe('unknown');
    expect(operatorSegmentOf('shop-4-1', 3)).toBe('unknown');
  });
});
