// `loadctl export k6-operator`: plan → configmap.yaml and testrun.yaml for the k6-operator, with the runners'
// streams pushed to `loadctl collect` (docs/distributed.md, "The k6-operator").
import { join, resolve } from 'node:path';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { projectRoot } from '../../k6/locate.js';
import { probeExtensionStamp } from '../../k6/stream-extension.js';
import { PINNED_K6_VERSION } from '../../k6/version.js';
import { renderDiagnostic } from '../../plans/diagnostics.js';
import { displayPath, readPlan } from '../../plans/load.js';
import {
  checkOperatorName,
  checkParallelism,
  DEFAULT_COLLECTOR,
  defaultOperatorImage,
  operatorNameFor,
  resolveCollectorUrl,
  scriptConfigMapName,
} from '../../run/k6-operator.js';
import { writeOperatorExport } from '../../run/k6-operator-export.js';
import { resolveOrThrow } from '../../run/prepare-script.js';

export interface ExportOperatorOptions {
  parallelism: string;
  target?: string;
  profile?: string;
  out?: string;
  image?: string;
  collector?: string;
  name?: string;
  secret?: string;
}

async function defaultImage(io: Io): Promise<string> {
  const stamp = await probeExtensionStamp(io, projectRoot());
  if (stamp === undefined)
    throw usageError(
      "loadctl's k6 extension sources (k6ext/) are not here, so the runner image's default name is unknown",
      'name the image you built from k6ext/Dockerfile with --image',
    );
  return defaultOperatorImage(PINNED_K6_VERSION, stamp);
}

export async function runExportOperator(
  io: Io,
  file: string,
  opts: ExportOperatorOptions,
): Promise<ExitCode> {
  // Every option is checked before the plan is read: a typo must not cost a bundle.
  const parallelism = checkParallelism(opts.parallelism);
  const collectorUrl = resolveCollectorUrl(opts.collector ?? DEFAULT_COLLECTOR);
  if (opts.name !== undefined) checkOperatorName(opts.name);
  const loaded = await readPlan(io, file);
  for (const d of loaded.diagnostics) io.stderr.write(`${renderDiagnostic(d)}\n`);
  const resolved = resolveOrThrow(loaded, { target: opts.target, profile: opts.profile });
  const name = opts.name ?? operatorNameFor(resolved.plan.name);
  const outDir = opts.out
    ? resolve(io.cwd, opts.out)
    : join(io.cwd, 'results', resolved.plan.name, 'k6-operator');
  const secretName = opts.secret ?? `${name}-secrets`;
  const image = opts.image ?? (await defaultImage(io));
  const { files, spec } = await writeOperatorExport(io, loaded, resolved, {
    outDir,
    origin: opts.out ? 'given' : 'results',
    name,
    parallelism,
    image,
    collectorUrl,
    secretName,
  });
  const shown = displayPath(io.cwd, outDir);
  const secrets = spec.plan.secrets ?? [];
  io.stdout.write(
    [
      `exported ${loaded.file} (target ${resolved.targetName}${resolved.profile ? `, profile ${resolved.profile}` : ''}) for the k6-operator: TestRun ${name}, ${parallelism} runner${parallelism === 1 ? '' : 's'}, image ${image}`,
      ...files.map((f) => `  ${join(shown, f)}`),
      'next:',
      ...(secrets.length > 0
        ? [
            `  kubectl create secret generic ${secretName} ${secrets.map((s) => `--from-literal=${s}=…`).join(' ')}`,
          ]
        : []),
      `  loadctl collect --listen 0.0.0.0:${new URL(collectorUrl).port} --plan ${loaded.file} --runners ${parallelism}${opts.target ? ` -t ${opts.target}` : ''}${opts.profile ? ` -p ${opts.profile}` : ''}`,
      `  kubectl apply -f ${join(shown, 'configmap.yaml')} -f ${join(shown, 'testrun.yaml')}`,
      `  (ConfigMap ${scriptConfigMapName(name)}; the runners push to ${collectorUrl})`,
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
