// The CLI entry: parses arguments, dispatches to a command, and is the one place that turns errors into
// output and an exit code.
import { Command, CommanderError } from 'commander';
import { addSuiteCommand } from './suite-command.js';
import { EXIT, LoadctlError, PlanError, usageError, type ExitCode } from '../errors.js';
import { realIo, type Io } from '../io/io.js';
import { terminalSafeLines } from '../terminal-safe.js';
import { VERSION } from '../version.js';
import type { DemoOptions } from './commands/demo.js';
import type { RenderOptions } from './commands/render.js';
import type { DoctorOptions } from './commands/doctor.js';
import type { ReportOptions } from './commands/report.js';
import type { CompareOptions } from './commands/compare.js';
import type { TargetsOptions } from './commands/run-targets.js';
import type { BreakpointOptions } from './commands/breakpoint.js';
import { addExportCommands } from './export-commands.js';
import { withOverrideOptions } from './override-options.js';

// Commands load their modules when they run: `loadctl run` should not pay for what `demo` needs, and every
// millisecond of start-up is part of a run's wall time.

const EXIT_CODES_HELP = `
Exit codes:
  0   passed                         5   generator saturated: results not valid for the target
  1   internal error (a bug)         6   an invariant failed after the run
  2   plan or usage error            7   compare, run --targets: --fail-on found a significant regression
                                     8   compare, run --targets: a --fail-on limit is below what the data can detect
  3   environment (k6 missing, preflight failed, results folder unwritable)
  4   k6 failed (script exception, invalid options, crash, ran nothing)
  99  thresholds failed (as k6)      130 interrupted (Ctrl-C, SIGTERM, SIGHUP): the partial run is kept`;

type Runner = (run: () => Promise<ExitCode>) => Promise<void>;

function addValidateCommand(program: Command, io: Io, runCommand: Runner): void {
  program
    .command('validate')
    .description('check plans: every problem with file:line:col and a hint')
    .argument('<plan...>', 'plan files (YAML)')
    .option('--json', 'print the findings as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ loadctl validate plans/seat-race.yaml\n  $ loadctl validate plans/*.yaml --json\n\nExit 0 when every plan is valid (warnings are printed), 2 otherwise.',
    )
    .action((files: string[], opts: { json?: boolean }) =>
      runCommand(async () => (await import('./commands/validate.js')).runValidate(io, files, opts)),
    );
}

function addRenderCommand(program: Command, io: Io, runCommand: Runner): void {
  withOverrideOptions(program.command('render'))
    .description('write the bundled k6 script of a plan (and the options it carries) for plain `k6 run`')
    .argument('<plan>', 'plan file (YAML)')
    .option('-t, --target <name>', 'target to point at (default: the plan’s defaultTarget)')
    .option('-p, --profile <name>', 'profile to apply, e.g. smoke')
    .option('-o, --out <dir>', 'output folder (default: results/<plan>/rendered)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ loadctl render plans/seat-race.yaml\n  $ loadctl render plans/graviton-vs-x86.yaml --target graviton --profile smoke -o out/\n  $ LOADCTL_BASE_URL=http://127.0.0.1:8080 k6 run out/script.js',
    )
    .action((file: string, opts: RenderOptions) =>
      runCommand(async () => (await import('./commands/render.js')).runRender(io, file, opts)),
    );
}

/** `run`'s options for splitting the load over several k6 processes (docs/distributed.md), and k6's outputs. */
function withRunnerOptions(cmd: Command): Command {
  return cmd
    .option(
      '--runners <n>',
      'split the load over n local k6 processes (execution segments; over the plan’s `runners`)',
    )
    .option(
      '--runner <spec>',
      'a runner: local, netns:NAME or ssh:[user@]host[:port] (repeatable, one per runner; over the plan’s `runners`)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option(
      '--keep-going',
      'with runners: when one cannot start or dies, the others go on (the run is marked partial)',
    )
    .option('--per-runner', 'with runners: the summary also shows each runner’s requests, failures and p95')
    .option(
      '--out <spec>',
      'also send k6’s metrics to one of k6’s outputs, as k6 takes it: influxdb=URL, experimental-prometheus-rw, json=FILE, csv=FILE, opentelemetry (repeatable; over the plan’s `outputs`; `none` for none)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    );
}

/** `run --targets` and the options that go with it (src/cli/commands/run-targets.ts). */
function withTargetsOptions(cmd: Command): Command {
  return cmd
    .option(
      '--targets <a,b,…>',
      'run against each of these targets, interleaved, and compare them at the end',
    )
    .option(
      '--rounds <n|auto>',
      'with --targets: rounds, the order rotated each round (a-b, b-a, …; default 1); auto: from 3, one more until every --fail-on rule is judged (at most 10)',
    )
    .option('--cooldown <duration>', 'with --targets: pause between runs (default 10s)')
    .option(
      '--warmup <duration>',
      'with --targets: before the first round, run each target through the plan’s first <duration> of load and discard it (default 10s; 0 turns it off)',
    )
    .option(
      '--fail-on <rules>',
      'with --targets: regression gate of the comparison (see `loadctl compare --help`)',
    );
}

function addRunCommand(program: Command, io: Io, runCommand: Runner): void {
  withTargetsOptions(withOverrideOptions(withRunnerOptions(program.command('run'))))
    .description(
      'run a plan with the real k6: preflight, live progress, results kept under results/, a summary',
    )
    .argument('<plan>', 'plan file (YAML)')
    .option('-t, --target <name>', 'target to run against (default: the plan’s defaultTarget)')
    .option('-p, --profile <name>', 'profile to apply, e.g. smoke')
    .option('--results <dir>', 'results folder', 'results')
    .option(
      '--tag <key=value>',
      'tag every metric of the run (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--json', 'print the summary as JSON instead of a table')
    .option('--no-progress', 'no live progress line')
    .option(
      '--skip-preflight',
      'skip the plan-sized host and target checks (k6, secrets and the results folder are still checked)',
    )
    .option(
      '--samples',
      'also keep k6’s raw samples (samples.ndjson.gz): exact per-second percentiles, status classes; costs k6 ~20% throughput',
    )
    .option(
      '--k6-summary',
      'let k6 keep its own metrics, summary and thresholds (exact percentiles; its memory grows with every request)',
    )
    .option(
      '--report <formats>',
      'also write reports into the run folder: html, markdown, junit, json (comma-separated)',
    )
    .option('--lang <lang>', 'language of the reports and the summary table headings: en or ko', 'en')
    .addHelpText(
      'after',
      `
Examples:
  $ loadctl run plans/seat-race.yaml
  $ loadctl run plans/coupon-issue.yaml --runners 4 --per-runner
  $ loadctl run plans/seat-race.yaml --profile smoke --tag build=1234
  $ loadctl run plans/seat-race.yaml --scenario race --vus 50 --duration 30s
  $ loadctl run plans/graviton-vs-x86.yaml --stages 30s:100,1m:500,30s:0 -e SCHEDULE_ID=2
  $ loadctl run plans/seat-race.yaml --profile smoke --report html,junit
  $ loadctl run plans/seat-race.yaml --out influxdb=http://localhost:8086/k6
  $ loadctl run plans/graviton-vs-x86.yaml --target graviton --json > summary.json
  $ loadctl run plans/graviton-vs-x86.yaml --targets x86,graviton --rounds 3 --cooldown 30s
  $ loadctl run plans/graviton-vs-x86.yaml --targets x86,graviton --rounds auto --fail-on "p95>+10%"

Each run is kept in results/<plan>/<run-id>/: summary.json, series.json, frames.ndjson, meta.json,
plan.resolved.json, script.js, options.json and k6.log (k6-summary.json with --k6-summary or a stock k6).
--vus, --duration, --iterations and --stages reshape the one scenario run, as k6's own flags do: a plan
with several scenarios needs --scenario to pick it (docs/plans.md#command-line-overrides).
With loadctl's k6 the summary and the thresholds come from its metric stream and k6 keeps no metrics of its
own, so its memory stays flat in long runs. Ctrl-C (or SIGTERM, or the terminal closing: SIGHUP)
stops k6 gracefully and keeps the partial run; a second one stops it at once.
${EXIT_CODES_HELP}`,
    )
    .action((file: string, opts: Partial<TargetsOptions>) =>
      runCommand(async () => {
        const { targets, ...rest } = opts;
        if (targets !== undefined)
          return (await import('./commands/run-targets.js')).runTargets(io, file, { ...rest, targets });
        for (const flag of ['rounds', 'cooldown', 'failOn', 'warmup'] as const)
          if (rest[flag] !== undefined)
            throw usageError(`--${flag === 'failOn' ? 'fail-on' : flag} goes with --targets`);
        // `k6 version` starts before the run command's modules load, and runs while they do (started from
        // the same dynamic import, it waited for all of them: about 0.1 s of every run).
        const { findK6, projectRoot } = await import('../k6/locate.js');
        const k6Found = findK6(io, { projectRoot: projectRoot() });
        return (await import('./commands/run.js')).runRun(io, file, rest, k6Found);
      }),
    );
}

function addBreakpointCommand(program: Command, io: Io, runCommand: Runner): void {
  program
    .command('breakpoint')
    .description(
      'ramp one scenario until the target breaks its SLO: the highest load that held, where it broke and what broke first',
    )
    .argument('<plan>', 'plan file (YAML)')
    .requiredOption('--slo <limits>', 'the SLO to hold, e.g. "p95<500ms,errors<1%" or "ttft_p95<2s"')
    .option('--scenario <name>', 'the scenario whose flow is ramped (default: the plan’s first)')
    .option('--closed', 'closed model: ramp VUs (ramping-vus) instead of arrival rates')
    .option('--max-rate <n>', 'open model: the top level, iterations/s (default: 2 × the scenario’s rate)')
    .option(
      '--max-vus <n>',
      'closed model: the top level (default: 2 × the scenario’s VUs); open model: the VU pool for the rates',
    )
    .option('--start <n>', 'the first level (default: top ÷ steps)')
    .option('--steps <n>', 'how many levels, evenly spaced (default 10)')
    .option('--step <duration>', 'how long each level holds (default 10s)')
    .option('--window <seconds>', 'seconds in a row a level must break the SLO to stop (default 3)')
    .option('-t, --target <name>', 'target to run against (default: the plan’s defaultTarget)')
    .option('-p, --profile <name>', 'profile to apply before ramping')
    .option('--results <dir>', 'results folder', 'results')
    .option(
      '--tag <key=value>',
      'tag every metric of the run (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--json', 'print breakpoint.json instead of the table')
    .option('--no-progress', 'no live progress line')
    .option('--skip-preflight', 'skip the plan-sized host and target checks')
    .option(
      '--report <formats>',
      'also write reports of the run (its per-second series shows the knee): html, markdown, junit, json',
    )
    .option('--lang <lang>', 'language of the reports: en or ko', 'en')
    .option(
      '-e, --env <key=value>',
      'set a plan env value, as `run -e` (repeatable; not for secrets)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .addHelpText(
      'after',
      `
Examples:
  $ loadctl breakpoint plans/seat-race.yaml --slo "p95<500ms,errors<1%" --max-rate 400
  $ loadctl breakpoint plans/traffic-dam.yaml --scenario users --closed --max-vus 600 --slo "p95<1s,errors<1%"
  $ loadctl breakpoint plans/seat-race.yaml --closed --max-vus 400 --slo "p95{name:reserve}<300ms,errors<0.5%" --steps 8 --step 30s

SLO items: avg, med (p50), p90, p95 or max of the latency (k6's live data has no p99), and errors, each
optionally for one endpoint: p95{name:reserve}<300ms. Each level holds for --step; its numbers are k6's
own statistics of that level's requests. The search stops when a level breaks the SLO for --window
seconds in a row (or over its whole step). The run is kept in results/<plan>.breakpoint/<run-id>/ with
breakpoint.json. A found breaking point, or none up to the top level, exits 0; see docs/breakpoint.md.
${EXIT_CODES_HELP}`,
    )
    .action((file: string, opts: BreakpointOptions) =>
      runCommand(async () => (await import('./commands/breakpoint.js')).runBreakpoint(io, file, opts)),
    );
}

function addCompareCommand(program: Command, io: Io, runCommand: Runner): void {
  program
    .command('compare')
    .description(
      'compare stored runs of one plan: targets side by side, runs before and after a change, or the groups of one run (A/B)',
    )
    .argument(
      '<refs...>',
      'two or more target names or run ids (`loadctl runs` lists them); with --by, one run (or target: its latest run)',
    )
    .option('--plan <name>', 'the plan whose runs to compare (needed when several plans have these targets)')
    .option(
      '--by <tag:key>',
      'compare the groups of one run that differ in a tag the plan sets: tag:model, or tag:model=A,B to choose values and order',
    )
    .option('--baseline <ref>', 'the side the others are measured against (default: the first)')
    .option('--results <dir>', 'results folder', 'results')
    .option(
      '--format <format>',
      'table, markdown (for a pull request), json, html (a report with charts) or junit (for CI)',
      'table',
    )
    .option(
      '--fail-on <rules>',
      'exit 7 when a significant change crosses a limit, e.g. "p95>+10%,error_rate>+0.5pp,rps<-5%"',
    )
    .option('--min-effect <limits>', 'smallest change called a difference (default 5%,0.1pp)')
    .option(
      '-o, --out <file>',
      'write here (default: html to results/<plan>/compare-<run ids>.html, the others to stdout)',
    )
    .option('--lang <lang>', 'language of the HTML report: en or ko', 'en')
    .addHelpText(
      'after',
      `
Examples:
  $ loadctl compare x86 graviton
  $ loadctl compare 20261122T041500Z-3f9a1c 20261122T043000Z-7be210 --format markdown
  $ loadctl compare x86 graviton --baseline x86 --fail-on "p95>+10%,error_rate>+0.5pp,rps<-5%"
  $ loadctl compare x86 graviton --format html -o compare.html
  $ loadctl compare x86 graviton --fail-on "p95>+10%" --format junit -o compare-junit.xml
  $ loadctl compare 20261122T041500Z-3f9a1c --by tag:model --fail-on "p95>+10%"

A target stands for its latest comparison group (all rounds of \`run --targets\`), else its latest run.
With --by tag:KEY the sides are the requests of one run tagged KEY=value, one side per value (every value in
the plan's order, the first the baseline; KEY=A,B,C chooses them): overall rows, and the endpoints two groups
share by name; their requests and req/s follow the plan's load of each, so they are shown, not judged.
Each change is marked ✓ better, ✗ worse, ≈ within the noise, or ? not judged: noise is measured with paired
time batches of the runs (and rounds) at 95% confidence; see docs/compare.md. Rules of --fail-on name a
metric (requests, rps, avg, p50, p90, p95, p99, max, error_rate, checks, goodput), optionally one endpoint
as p95{name:reserve}, and a limit in % (pp for error_rate, checks and goodput).
${EXIT_CODES_HELP}`,
    )
    .action((refs: string[], opts: CompareOptions) =>
      runCommand(async () => (await import('./commands/compare.js')).runCompare(io, refs, opts)),
    );
}

function addRunsCommand(program: Command, io: Io, runCommand: Runner): void {
  program
    .command('runs')
    .description('list stored runs, oldest first')
    .option('--plan <name>', 'only runs of this plan')
    .option('--results <dir>', 'results folder', 'results')
    .option('--json', 'print them as JSON')
    .action((opts: { plan?: string; results?: string; json?: boolean }) =>
      runCommand(async () => (await import('./commands/runs.js')).runRuns(io, opts)),
    );
}

function addReportCommand(program: Command, io: Io, runCommand: Runner): void {
  program
    .command('report')
    .description(
      "write a report of a stored run: self-contained HTML with charts, Markdown, JUnit XML or JSON; with the plan's about: facts, average response times and recommendations",
    )
    .argument('<run>', 'a run id, latest, or a run folder (`loadctl runs` lists the runs)')
    .option('--plan <name>', 'only runs of this plan (with latest: the latest run of this plan)')
    .option('--results <dir>', 'results folder', 'results')
    .option('-f, --format <format>', 'html, markdown, junit or json', 'html')
    .option(
      '-o, --out <file>',
      'write here (default: html to <run folder>/report.html, the others to stdout)',
    )
    .option('--lang <lang>', 'report language: en or ko', 'en')
    .addHelpText(
      'after',
      `
Examples:
  $ loadctl report latest                                  # results/<plan>/<run-id>/report.html
  $ loadctl report latest --format html -o report.html
  $ loadctl report 20261122T015538Z-3c2cfd --format markdown > report.md
  $ loadctl report latest --plan seat-race --format junit -o junit.xml
  $ loadctl report latest --format markdown --lang ko

The HTML report is one file that opens offline: charts over time (VUs, requests/s, latency p50/p95/p99,
errors, per-endpoint latency with --samples) and tables of the verdict, thresholds, checks, endpoints,
invariants, custom metrics and the host. JUnit has one test case per threshold, check and invariant.
JSON is the run's summary.json (docs/results.md). See docs/reports.md.`,
    )
    .action((run: string, opts: ReportOptions) =>
      runCommand(async () => (await import('./commands/report.js')).runReport(io, run, opts)),
    );
}

function addDoctorCommand(program: Command, io: Io, runCommand: Runner): void {
  program
    .command('doctor')
    .description('check this machine, k6 and the targets against what a plan needs, each with its fix')
    .option('--plan <file>', 'size the checks for this plan (peak VUs, request rate, duration)')
    .option('-t, --target <name>', 'only this target of the plan (without --plan: a URL)')
    .option('-p, --profile <name>', 'profile to apply to the plan, e.g. smoke')
    .option('--results <dir>', 'results folder', 'results')
    .option('--samples', 'size the disk check for a run with --samples (raw samples kept)')
    .option('--json', 'print the findings as JSON (schema loadctl.doctor/v1)')
    .option('--strict', 'warnings fail too')
    .addHelpText(
      'after',
      '\nExamples:\n  $ loadctl doctor\n  $ loadctl doctor --plan plans/seat-race.yaml\n  $ loadctl doctor --plan plans/seat-race.yaml --strict --json\n\nExit 0 when nothing fails, 3 when a check fails (with --strict, also on a warning).',
    )
    .action((opts: DoctorOptions) =>
      runCommand(async () => (await import('./commands/doctor.js')).runDoctor(io, opts)),
    );
}

const DEMO_HELP = `
Every knob of a plan's \`demo:\` target has a flag (docs/plans.md#targets); a bad value is exit 2 naming the flag.
While it runs, PUT /admin/knobs changes them (GET /admin/stats shows them).
Chat: POST /api/chat (OpenAI-style, "stream": true for SSE), or a session's two requests: GET
/api/chat/events?session=ID holds the stream open, POST /api/chat/messages {session, model, messages} → 202
and the reply on that stream.

Examples:
  $ loadctl demo
  $ loadctl demo --port 9000 --latency 20 --jitter 10 --error-rate 0.01
  $ loadctl demo --latency 50 --max-concurrent 10 --queue 1000   # serves at most 200 requests/s
  $ loadctl demo --chat-ttft 150 --chat-token-delay 15 --chat-tokens 40 --chat-cut-rate 0.05
  $ loadctl demo --rate-limit 20 --rate-limit-burst 40 --seats 5 --allow-double-booking
  $ LOADCTL_BASE_URL=http://127.0.0.1:8080 k6 run results/seat-race/rendered/script.js`;

function addDemoCommand(program: Command, io: Io, runCommand: Runner): void {
  program
    .command('demo')
    .description('run the built-in demo service in the foreground (loopback only) until Ctrl-C')
    .option('--host <address>', 'loopback address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 for a free one)', '8080')
    .option('--latency <ms>', 'added latency per request')
    .option('--jitter <ms>', 'random extra latency per request, 0..ms')
    .option('--error-rate <fraction>', 'share of requests answered 500 (0..1)')
    .option('--cpu <ms>', 'busy CPU time per request')
    .option('--root-work <rounds>', 'GET /: chained SHA-256 rounds per request (default 2000)')
    .option('--schedules <n>', 'schedules to book seats on (default 3)')
    .option('--seats <n>', 'seats per schedule (default 50)')
    .option('--initial-points <n>', 'point balance each new user starts with (default 0)')
    .option('--coupon-stock <n>', 'coupons per coupon id (default 100)')
    .option('--rate-limit <perSecond>', 'per-client requests per second before 429')
    .option('--rate-limit-burst <n>', 'with --rate-limit: requests a client may send at once')
    .option('--max-concurrent <n>', 'requests served at once (a capacity for `breakpoint` to find)')
    .option('--queue <n>', 'with --max-concurrent: requests that wait for a slot before 503 (default 0)')
    .option('--chat-ttft <ms>', 'chat replies (/api/chat, sessions): time to the first token (default 300)')
    .option('--chat-token-delay <ms>', 'chat replies: time between tokens (default 20)')
    .option('--chat-tokens <n>', 'chat replies: tokens per answer (default 20)')
    .option('--chat-cut-rate <fraction>', 'chat replies: share of streams cut off before [DONE] (0..1)')
    .option('--chat-cut-after <n>', 'chat replies: tokens a cut stream sends first (default half)')
    .option('--allow-double-booking', 'a deliberate bug: reservations are not atomic')
    .addHelpText('after', DEMO_HELP)
    .action((opts: DemoOptions) =>
      runCommand(async () => (await import('./commands/demo.js')).runDemo(io, opts)),
    );
}

// In the order `loadctl --help` lists them.
const COMMANDS = [
  addValidateCommand,
  addRenderCommand,
  addRunCommand,
  (p: Command, i: Io, r: Runner) => addSuiteCommand(p, i, r, EXIT_CODES_HELP),
  addBreakpointCommand,
  addCompareCommand,
  addRunsCommand,
  addReportCommand,
  addDoctorCommand,
  addDemoCommand,
  addExportCommands,
];

function buildProgram(io: Io, runCommand: Runner): Command {
  const program = new Command('loadctl')
    .description('Repeatable, comparable and safe k6 load tests from YAML plans.')
    .version(VERSION, '-V, --version', 'print the loadctl version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ loadctl validate plans/*.yaml
  $ loadctl render plans/seat-race.yaml --profile smoke -o out/
  $ loadctl run plans/seat-race.yaml
  $ loadctl report latest --format html -o report.html
${EXIT_CODES_HELP}

Plans: docs/plans.md. Environment: LOADCTL_K6_BIN picks the k6 binary.`,
    );
  for (const add of COMMANDS) add(program, io, runCommand);
  return program;
}

// Messages quote plans, responses and stored runs: their control characters are shown, never obeyed.
function printError(io: Io, err: unknown): ExitCode {
  if (err instanceof PlanError) {
    io.stderr.write(`${terminalSafeLines(err.message)}\n`);
    const errors = err.diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr.write(`loadctl: the plan has ${errors} error${errors === 1 ? '' : 's'}\n`);
    return err.exitCode;
  }
  if (err instanceof LoadctlError) {
    io.stderr.write(
      `loadctl: ${terminalSafeLines(err.message)}\n${err.hint ? `  hint: ${terminalSafeLines(err.hint)}\n` : ''}`,
    );
    return err.exitCode;
  }
  const detail =
    err instanceof Error ? (io.env.LOADCTL_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  io.stderr.write(
    `loadctl: internal error: ${terminalSafeLines(detail)}\n  this is a bug; set LOADCTL_DEBUG=1 for the stack trace and report it\n`,
  );
  return EXIT.internal;
}

export async function main(argv: string[], io: Io = realIo()): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const runCommand: Runner = async (run) => {
    code = await run();
  };
  const program = buildProgram(io, runCommand);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Asked-for help and the version are not errors; everything else commander rejects is a usage error.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    return printError(io, err);
  }
  return code;
}
