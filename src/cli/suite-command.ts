// `loadctl suite`'s options and help (docs/suite.md). A module of its own beside main.ts, which registers it
// with the others (main.ts is near the file-size bound).
import type { Command } from 'commander';
import type { ExitCode } from '../errors.js';
import type { Io } from '../io/io.js';
import type { SuiteOptions } from './commands/suite.js';

type Runner = (run: () => Promise<ExitCode>) => Promise<void>;

export function addSuiteCommand(program: Command, io: Io, runCommand: Runner, exitCodesHelp: string): void {
  program
    .command('suite')
    .description(
      'run several plans one after another (files, or folders of *.yaml plans in name order): one table, one exit code, one report',
    )
    .argument('<plans...>', 'plan files and folders of plans')
    .option('-p, --profile <name>', 'profile to apply to every plan, e.g. smoke (each plan must have it)')
    .option('-t, --target <name>', 'target to run every plan against (each plan must have it)')
    .option('--cooldown <duration>', 'pause between plans (default 10s)')
    .option(
      '--warmup <duration>',
      'before each plan, run its first <duration> of load and discard it, so a cold start is not measured (default 0: none)',
    )
    .option('--results <dir>', 'results folder', 'results')
    .option(
      '--tag <key=value>',
      'tag every metric of every run (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--no-progress', 'no live progress line')
    .option('--skip-preflight', 'skip the plan-sized host and target checks')
    .option(
      '--report <formats>',
      'write each run’s reports and the suite’s (results/suite-<id>/): html, markdown, junit (json: the runs’ only)',
    )
    .option('--lang <lang>', 'language of the runs’ reports: en or ko', 'en')
    .addHelpText(
      'after',
      `
Examples:
  $ loadctl suite plans/ --profile smoke
  $ loadctl suite plans/seat-race.yaml plans/coupon-issue.yaml --cooldown 30s --report html,junit
  $ loadctl suite plans/ --profile smoke --warmup 5s --report markdown,junit --no-progress   # in CI

Every plan is read, validated and resolved before the first one runs: a plan with an error, or without
the --profile or --target given, stops the suite before anything runs (exit 2). A folder's *.yaml and *.yml
files are all taken as plans. The plans run in the order given, a folder's in name order. Ctrl-C stops the
current run gracefully and no later plan starts. The suite exits with the worst of its runs' exit codes
(130, 1, 3, 2, 4, 5, 6, 7, 99, 0, most severe first); see docs/suite.md.
${exitCodesHelp}`,
    )
    .action((paths: string[], opts: SuiteOptions) =>
      runCommand(async () => (await import('./commands/suite.js')).runSuite(io, paths, opts)),
    );
}
