// What placing a runner gives the group that drives it (src/run/runner-place.ts): where its REST API and its
// collector are, how it is started, signalled and cleaned up after. Types only.
import type { StreamingProcess } from '../io/exec.js';

/** Where runnerArgs points a runner's k6: its REST listen address, its stream's URL, its script (if moved). */
export interface RunnerAt {
  restAddress: string;
  collectorUrl: string;
  script?: string | undefined;
}

/** The program that starts a runner's k6, all its arguments, and whether it gets k6's environment. */
export interface RunnerLaunch {
  file: string;
  args: string[];
  /** False over ssh: k6's environment went to the remote host in a file, not to the local ssh client. */
  withK6Env: boolean;
}

export interface RunnerPlace {
  /** Where loadctl reaches the runner's REST API. */
  restAddress: string;
  /** The address loadctl's collector listens on for this runner. */
  collectorHost: string;
  /**
   * How to start the runner once the collector listens at `collectorUrl` (on collectorHost); `k6Args` makes
   * the runner's k6 arguments for where its k6 runs.
   */
  launch(collectorUrl: string, k6Args: (at: RunnerAt) => string[]): RunnerLaunch;
  /** Sends k6 a signal (SIGINT: end gracefully, SIGKILL): to the process here, or over ssh by its pid there. */
  signal(proc: StreamingProcess | undefined, sig: 'SIGINT' | 'SIGKILL'): void;
  /** True when a line of the launched program's stdout is for loadctl (the remote pid), not k6's log. */
  takeLine(line: string): boolean;
  /** Removes what placing left (a remote work dir). Best effort: never rejects. */
  cleanup(): Promise<void>;
  /** What is worth keeping about the place (which k6 runs on a remote host). */
  notes: string[];
}

/** What placing a runner needs of the run. */
export interface PlaceInputs {
  k6Path: string;
  /** The run's script, for a runner on another host to copy. */
  scriptPath: string;
  /** k6's environment (secrets included), for a runner on another host to get in a file. */
  k6Env: Record<string, string>;
}
