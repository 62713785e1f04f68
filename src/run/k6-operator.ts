// The k6-operator as an engine (docs/distributed.md, "The k6-operator"): a prepared run → the ConfigMap and the
// TestRun that make the operator's runner pods run the plan with their streams pushed to `loadctl collect`.
// Manifests are plain data here; writing them as YAML is the command's. Pure.
import { usageError } from '../errors.js';
import { COLLECTOR_PATH } from './collector-server.js';
import { SUMMARY_ENV } from './prepare.js';

/** The ConfigMap's key: the file the operator mounts at /test/ and runs. */
export const OPERATOR_SCRIPT_KEY = 'script.js';
/** Kubernetes refuses a ConfigMap whose data exceeds 1 MiB. */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;
export const PARALLELISM_MAX = 64;
export const DEFAULT_IMAGE_REPOSITORY = 'loadctl-k6';
/** A Service in the TestRun's namespace that leads to `loadctl collect` (docs/distributed.md). */
export const DEFAULT_COLLECTOR = 'http://loadctl-collector:9400';

/**
 * What the operator adds to every runner's `k6 run` itself (pkg/resources/jobs/runner.go, NewRunnerJob):
 * `--quiet`, `--execution-segment=…` and `--execution-segment-sequence=…` (with parallelism above 1), the
 * script's path, `--address=0.0.0.0:6565`, `--paused`, `--tag instance_id=<i>` and `--tag testrun_name=<name>`.
 * loadctl's own arguments must repeat none of them.
 */
const OPERATOR_OWN_FLAGS = [
  '--quiet',
  '--address',
  '--paused',
  '--execution-segment',
  '--execution-segment-sequence',
];

/** The runner image's default name: the pinned k6 and the stamp of loadctl's extension sources. */
export function defaultOperatorImage(k6Version: string, extensionStamp: string): string {
  return `${DEFAULT_IMAGE_REPOSITORY}:${k6Version.replace(/^v/, '')}-${extensionStamp}`;
}

// Kubernetes object names (DNS-1123 labels): the runner jobs are `<name>-<i>`, their services
// `<name>-service-<i>`, so the TestRun's name leaves room for both within 63 characters.
const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const NAME_MAX = 40;

/** A TestRun name from a plan's name: lower case, `-` for anything else, within the length bound. */
export function operatorNameFor(planName: string): string {
  const name = planName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, NAME_MAX)
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'loadctl' : name;
}

export function checkOperatorName(name: string): void {
  if (!NAME.test(name) || name.length > NAME_MAX)
    throw usageError(
      `--name ${JSON.stringify(name)} is not a usable TestRun name`,
      `lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${NAME_MAX} characters (the operator adds -<i> and -service-<i>)`,
    );
}

export function checkParallelism(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > PARALLELISM_MAX)
    throw usageError(
      `--parallelism ${JSON.stringify(text)} is not a runner count from 1 to ${PARALLELISM_MAX}`,
      'e.g. --parallelism 4: the operator starts that many runner pods, each an execution segment',
    );
  return n;
}

/** The collector's URL as runners push to it: http://HOST:PORT, its path (if any) the collector's. */
export function resolveCollectorUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(
      `--collector ${JSON.stringify(text)} is not a URL`,
      'e.g. --collector http://10.0.0.5:9400',
    );
  }
  const hint =
    'give http://HOST:PORT where `loadctl collect --listen` is reachable from the pods (plain HTTP: tunnel it to cross a network you do not trust)';
  if (url.protocol !== 'http:')
    throw usageError(`--collector ${JSON.stringify(text)}: runners push over plain http:// only`, hint);
  if (url.port === '' || url.search !== '' || url.hash !== '' || url.username !== '')
    throw usageError(`--collector ${JSON.stringify(text)}: expected http://HOST:PORT and nothing more`, hint);
  if (url.pathname !== '/' && url.pathname !== COLLECTOR_PATH)
    throw usageError(
      `--collector ${JSON.stringify(text)}: the collector takes pushes at ${COLLECTOR_PATH}`,
      hint,
    );
  return `http://${url.host}${COLLECTOR_PATH}`;
}

/**
 * The TestRun's arguments from the k6 command line a local run would have (prepare.ts): the operator's own
 * flags, `run` and the script left out, and the loadctl output pointed at the collector with its options
 * kept. No `instance=`: each runner's default, `<hostname>-<pid>`, is its pod's name and so differs.
 */
export function operatorArguments(local: readonly string[], collectorUrl: string): string[] {
  const args = local.slice(0, -1);
  if (args[0] === 'run') args.shift();
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const flag = arg.split('=')[0] ?? '';
    if (OPERATOR_OWN_FLAGS.includes(flag)) {
      // The value is the next argument unless written --flag=value; --quiet and --paused take none.
      if (!arg.includes('=') && flag !== '--quiet' && flag !== '--paused') i++;
      continue;
    }
    if (args[i - 1] === '--out' && arg.startsWith('loadctl=')) {
      const options = arg.split('?')[1] ?? '';
      out.push(`loadctl=${collectorUrl}${options === '' ? '' : `?${options}`}`);
      continue;
    }
    out.push(arg);
  }
  if (!out.some((a) => a.startsWith(`loadctl=${collectorUrl}`)))
    throw new Error("the k6 arguments have no --out loadctl=…: the runners need loadctl's k6");
  return out;
}

export interface OperatorExport {
  name: string;
  namespace: string | undefined;
  parallelism: number;
  image: string;
  /** operatorArguments(…). */
  args: readonly string[];
  /** The runners' environment (values), the plan's secrets left out. */
  env: Readonly<Record<string, string>>;
  /** The plan's secrets: each an environment variable read from the Secret `secretName`, key = its name. */
  secrets: readonly string[];
  secretName: string;
  script: string;
}

export interface OperatorManifests {
  configMap: Record<string, unknown>;
  testRun: Record<string, unknown>;
}

function metadata(name: string, namespace: string | undefined): Record<string, unknown> {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    labels: { 'app.kubernetes.io/managed-by': 'loadctl' },
  };
}

/** The ConfigMap's name for a TestRun. */
export function scriptConfigMapName(name: string): string {
  return `${name}-script`;
}

export function renderOperatorManifests(x: OperatorExport): OperatorManifests {
  const bytes = new TextEncoder().encode(x.script).length;
  if (bytes > CONFIGMAP_MAX_BYTES)
    throw usageError(
      `the bundled script is ${bytes} bytes, over the ${CONFIGMAP_MAX_BYTES}-byte limit of a Kubernetes ConfigMap`,
      'shrink the plan (inline data, many flows), or run it with `loadctl run --runners N` instead',
    );
  // `arguments` is split on whitespace by the operator (no shell): an argument with a space would break.
  const spaced = x.args.find((a) => /\s/.test(a));
  if (spaced !== undefined)
    throw usageError(
      `the runner argument ${JSON.stringify(spaced)} contains whitespace, which the TestRun's arguments cannot carry`,
    );
  const configMap = scriptConfigMapName(x.name);
  const env = [
    ...Object.entries(x.env)
      .filter(([k]) => k !== SUMMARY_ENV)
      .map(([name, value]) => ({ name, value })),
    ...x.secrets.map((name) => ({ name, valueFrom: { secretKeyRef: { name: x.secretName, key: name } } })),
  ];
  return {
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(configMap, x.namespace),
      data: { [OPERATOR_SCRIPT_KEY]: x.script },
    },
    testRun: {
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: metadata(x.name, x.namespace),
      spec: {
        parallelism: x.parallelism,
        script: { configMap: { name: configMap, file: OPERATOR_SCRIPT_KEY } },
        arguments: x.args.join(' '),
        runner: { image: x.image, env },
      },
    },
  };
}
