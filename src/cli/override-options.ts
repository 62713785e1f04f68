// k6's shortcut options on `run` (and `render`): the plan's scenarios reshaped or selected, and its env set,
// from the command line (src/plans/overrides.ts, docs/plans.md#command-line-overrides).
import type { Command } from 'commander';

const collect = (v: string, all: string[]) => [...all, v];

export function withOverrideOptions(cmd: Command): Command {
  return cmd
    .option(
      '--scenario <name>',
      'run only this scenario of the plan (repeatable, or comma-separated)',
      collect,
      [] as string[],
    )
    .option('--vus <n>', 'VUs of the scenario run (as k6’s --vus; with --duration: constant-vus)')
    .option('--duration <d>', 'how long the scenario runs (as k6’s --duration: constant-vus, e.g. 30s)')
    .option('--iterations <n>', 'total iterations (as k6’s --iterations: shared-iterations)')
    .option(
      '--stages <list>',
      'a ramp of duration:target stages (as k6’s --stage: ramping-vus), e.g. 30s:100,1m:500,30s:0',
      collect,
      [] as string[],
    )
    .option(
      '-e, --env <key=value>',
      'set a plan env value, over the plan’s and the environment’s (repeatable; not for secrets)',
      collect,
      [] as string[],
    );
}
