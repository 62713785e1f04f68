// `loadctl export k6-operator`: a plan prepared as a run would be (the same script, the same k6 arguments),
// then written as the ConfigMap and the TestRun of src/run/k6-operator.ts. Also the run facts that
// `loadctl collect` prepares its run folder from: both sides must prepare the plan alike.
import { join } from 'node:path';
import { stringify } from 'yaml';
import { usageError } from '../errors.js';
import type { Io } from '../io/io.js';
import { k6ProcessEnv } from '../k6/locate.js';
import { PINNED_K6_VERSION } from '../k6/version.js';
import type { LoadedPlan } from '../plans/load.js';
import type { ResolvedPlan } from '../plans/resolve.js';
import { operatorArguments, renderOperatorManifests, type OperatorManifests } from './k6-operator.js';
import { k6EnvFor, prepareRun, type RunFacts, type RunSpec } from './prepare.js';
import { MAX_SCRIPT_BYTES, writeScript, type OutDirOrigin } from './prepare-script.js';

/**
 * What a run whose k6s are the operator's runner pods is prepared from: the clock, id and host are this
 * process's; the k6 is the runner image's (the pinned k6 with loadctl's output), never run here.
 */
export function probeOperatorRunFacts(io: Io, restPort: number, runners: string): RunFacts {
  return {
    cwd: io.cwd,
    env: io.env,
    now: io.now(),
    hex: io.randomHex(3),
    host: io.hostFacts(),
    k6: { path: runners, version: PINNED_K6_VERSION, framesOutput: true },
    restPort,
  };
}

/** What the operator cannot run, said before anything is written. */
export function checkOperatorPlan(resolved: ResolvedPlan): void {
  const { plan, target, targetName } = resolved;
  if (target.demo !== undefined)
    throw usageError(
      `target ${targetName} is the demo service, which listens on this machine's loopback: pods in a cluster cannot reach it`,
      'point a `url:` target at a service the pods can reach (`loadctl demo --host 0.0.0.0` on a reachable host will do for a try)',
    );
  if (plan.script !== undefined)
    throw usageError(
      "a `script:` plan's thresholds are the script's, judged by each runner on its own share",
      'write the load as flows',
    );
  if ((plan.outputs ?? []).length > 0)
    throw usageError(
      "the plan sends k6's metrics to `outputs`, whose credentials the manifests would have to carry",
      'leave `outputs` out of the plan for the export; the runners push their stream to loadctl',
    );
  if (Object.keys(plan.data ?? {}).length > 0)
    throw usageError(
      'the plan reads data files, which the ConfigMap (one script) does not carry',
      'inline the rows in the plan, or run it with `loadctl run --runners N`',
    );
}

/** The runners' environment: a run's, the plan's env with this environment's values winning, no secrets. */
function runnerEnv(io: Io, spec: RunSpec): Record<string, string> {
  const planEnv = Object.fromEntries(
    Object.entries(spec.plan.env ?? {}).map(([k, v]) => [k, io.env[k] ?? String(v)]),
  );
  const secrets = new Set(spec.plan.secrets ?? []);
  const env = k6ProcessEnv({ ...planEnv, ...k6EnvFor(spec, spec.target.url ?? '') });
  return Object.fromEntries(Object.entries(env).filter(([k]) => !secrets.has(k)));
}

export interface OperatorExportChoices {
  outDir: string;
  origin: OutDirOrigin;
  name: string;
  parallelism: number;
  image: string;
  collectorUrl: string;
  secretName: string;
}

export async function writeOperatorExport(
  io: Io,
  loaded: LoadedPlan,
  resolved: ResolvedPlan,
  c: OperatorExportChoices,
): Promise<{ files: string[]; manifests: OperatorManifests; spec: RunSpec }> {
  checkOperatorPlan(resolved);
  const spec = prepareRun(
    {
      loaded,
      resolved,
      resultsRoot: join(c.outDir, '.run'),
      tags: {},
      samples: false,
    },
    probeOperatorRunFacts(io, 6565, `k6-operator runners (${c.image})`),
  );
  const baseUrl = spec.target.url ?? '';
  const prepared = await writeScript(io, loaded, resolved, c.outDir, { baseUrl, ...spec.compile }, c.origin);
  const manifests = renderOperatorManifests({
    name: c.name,
    namespace: undefined,
    parallelism: c.parallelism,
    image: c.image,
    args: operatorArguments(spec.k6.args, c.collectorUrl),
    env: runnerEnv(io, spec),
    secrets: spec.plan.secrets ?? [],
    secretName: c.secretName,
    script: await io.readText(prepared.scriptPath, MAX_SCRIPT_BYTES),
  });
  const files = [
    { rel: 'configmap.yaml', doc: manifests.configMap },
    { rel: 'testrun.yaml', doc: manifests.testRun },
  ];
  for (const f of files) await io.writeFileAtomic(join(c.outDir, f.rel), stringify(f.doc, { lineWidth: 0 }));
  return { files: [...prepared.written, ...files.map((f) => f.rel)], manifests, spec };
}
