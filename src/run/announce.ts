// The line that says what runs where, before k6 starts.
import type { Io } from '../io/io.js';
import { leftOutNotes } from '../report/model/endpoint-bound.js';
import { terminalSafe } from '../terminal-safe.js';
import type { RunSpec } from './prepare.js';
import { describeOutputs } from './outputs.js';
import { describeOverrides } from '../plans/overrides.js';

export function announceRun(io: Io, spec: RunSpec, baseUrl: string, where = ''): void {
  io.stderr.write(
    `running ${spec.plan.name} against ${spec.target.name} (${terminalSafe(baseUrl)}) with k6 ${spec.k6.version}${where}${spec.warmup ? ' (a warm-up: its results are discarded)' : `; results in ${spec.shownDir}`}\n`,
  );
  const overrides = spec.resolved.overrides;
  if (overrides !== undefined) io.stderr.write(`overrides: ${terminalSafe(describeOverrides(overrides))}\n`);
  // Said before k6 starts, so a huge plan's first lines explain its rows.
  for (const note of leftOutNotes(spec.endpointsLeftOut)) io.stderr.write(`note: ${note}\n`);
  const outputs = describeOutputs(spec.outputs, spec.runDir);
  if (outputs.length > 0)
    io.stderr.write(
      `k6 also sends its metrics, tagged run_id=${spec.runId}, to: ${terminalSafe(outputs.join(', '))}\n`,
    );
}
