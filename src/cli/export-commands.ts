// The k6-operator's commands (docs/distributed.md, "The k6-operator"): `export k6-operator` and `collect`.
// A module of their own beside main.ts, which registers them with the others (it is near the file-size bound).
import type { Command } from 'commander';
import type { ExitCode } from '../errors.js';
import type { Io } from '../io/io.js';
import type { CollectOptions } from './commands/collect.js';
import type { ExportOperatorOptions } from './commands/export-k6-operator.js';

type Runner = (run: () => Promise<ExitCode>) => Promise<void>;

const EXPORT_HELP = `
Writes into the output folder (default results/<plan>/k6-operator/):
  configmap.yaml   a ConfigMap <name>-script holding the bundled script (script.js, as \`loadctl render\`)
  testrun.yaml     a TestRun <name>: parallelism, the runner image, k6's arguments (the stream pushed to
                   --collector, thresholds left to loadctl), the plan's env and LOADCTL_BASE_URL, and each
                   of the plan's secrets read from the Secret --secret (default <name>-secrets), never its value
  script.js, options.json   the same script, for reading

Examples:
  $ loadctl export k6-operator plans/point-charge.yaml --parallelism 4 -t staging \\
      --collector http://10.0.0.5:9400 --image registry.example.com/loadctl-k6:1.8.1-src-eb57d1e20356
  $ loadctl collect --listen 0.0.0.0:9400 --plan plans/point-charge.yaml --runners 4 -t staging
  $ kubectl apply -f results/point-charge/k6-operator/configmap.yaml -f results/point-charge/k6-operator/testrun.yaml

The runner image is built from k6ext/Dockerfile (docs/distributed.md). Refused: a demo target (pods cannot
reach it), a \`script:\` plan, a plan with data files, --parallelism outside 1…64, a collector that is not http://.`;

const COLLECT_HELP = `
Listens for the runners' pushed metric streams (loadctl's k6 output), follows the merge as \`loadctl run\`
does (progress; an abortOnFail threshold that fails on the merged stream stops every runner at its next push),
and ends when --runners runners have sent their final frame, on Ctrl-C (asks the runners to stop; a second one
ends at once) or after --timeout, naming the runners that never finished. Then it writes the run folder
\`loadctl run\` writes (results/<plan>/<run-id>/), judges the thresholds on the merged stream, prints the
summary and exits with the run's exit code (0, 99 thresholds failed, 4 runners missing, 130 interrupted).
The k6-operator runs setup() on every runner (k6-operator #223): setup's requests count once per runner.

Examples:
  $ loadctl collect --listen 0.0.0.0:9400 --plan plans/point-charge.yaml --runners 4 -t staging
  $ loadctl collect --listen 127.0.0.1:9400 --plan plans/point-charge.yaml --runners 2 --timeout 30m --per-runner`;

export function addExportCommands(program: Command, io: Io, runCommand: Runner): void {
  const exporter = program.command('export').description('write a plan as another engine’s manifests');
  exporter
    .command('k6-operator')
    .description('write the ConfigMap and TestRun that run a plan on the k6-operator (Kubernetes)')
    .argument('<plan>', 'plan file (YAML)')
    .requiredOption('--parallelism <n>', 'runner pods, 1…64 (each an execution segment)')
    .option('-t, --target <name>', 'target to point at (default: the plan’s defaultTarget)')
    .option('-p, --profile <name>', 'profile to apply, e.g. smoke')
    .option('-o, --out <dir>', 'output folder (default: results/<plan>/k6-operator)')
    .option('--image <image>', 'runner image (default: loadctl-k6:<k6 version>-<extension stamp>)')
    .option(
      '--collector <url>',
      'http://HOST:PORT where the pods reach `loadctl collect`',
      'http://loadctl-collector:9400',
    )
    .option('--name <name>', 'the TestRun’s name (default: from the plan’s name)')
    .option('--secret <name>', 'the Secret holding the plan’s secrets (default: <name>-secrets)')
    .addHelpText('after', EXPORT_HELP)
    .action((file: string, opts: ExportOperatorOptions) =>
      runCommand(async () =>
        (await import('./commands/export-k6-operator.js')).runExportOperator(io, file, opts),
      ),
    );
  program
    .command('collect')
    .description('collect the streams of runners loadctl did not start (the k6-operator’s) into a run')
    .requiredOption('--listen <host:port>', 'where the runners push, e.g. 0.0.0.0:9400')
    .requiredOption('--plan <file>', 'the plan the runners run (as exported)')
    .requiredOption('--runners <n>', 'how many runners to wait for (the TestRun’s parallelism)')
    .option('-t, --target <name>', 'the target exported')
    .option('-p, --profile <name>', 'the profile exported')
    .option('--results <dir>', 'results root (default: results)')
    .option('--timeout <duration>', 'stop waiting after this long, e.g. 30m (default: no limit)')
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'no live progress line')
    .option('--per-runner', 'each runner’s numbers beside the merged ones')
    .option('--report <formats>', 'also write reports into the run folder: html,markdown,junit,json')
    .option('--lang <lang>', 'language of reports and table headings: en or ko', 'en')
    .addHelpText('after', COLLECT_HELP)
    .action((opts: CollectOptions) =>
      runCommand(async () => (await import('./commands/collect.js')).runCollect(io, opts)),
    );
}
