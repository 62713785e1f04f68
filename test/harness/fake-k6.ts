// A scripted k6 behind io.spawn, io.runCommand and io.fetch. It answers `k6 version` like the pinned k6 with
// loadctl's streaming extension, and plays a `k6 run` scenario: log lines, the end-of-test summary written to
// LOADCTL_SUMMARY_PATH (recorded from real runs: test/fixtures/k6-summary/shop/), the REST API while it runs,
// k6's answer to SIGINT (graceful stop, exit 105) and to PATCH /v1/status (stop, exit 103), then its exit.
import type { CommandResult, StreamOptions, StreamingProcess } from '../../src/io/exec.js';
import type { FakeFs } from './fake-fs.js';
import { readFixture } from './fixtures.js';

/** What one `k6 run` does. Summaries are the JSON text k6's handleSummary would write. */
export interface K6Scenario {
  /** Exit code when the run ends by itself. */
  exitCode: number;
  /** Written to LOADCTL_SUMMARY_PATH when the run ends by itself; none when undefined. */
  summary?: string;
  /** k6's log lines (stderr), emitted as the run starts. */
  logLines?: string[];
  /** How long the run lasts, in real milliseconds, before it ends by itself (default 0). */
  durationMs?: number;
  /**
   * What the first SIGINT does: k6 stops gracefully, writes this summary and exits with this code, after
   * `afterMs` real milliseconds (a teardown that takes its time; default 0).
   */
  onInterrupt?: { exitCode: number; summary?: string; logLines?: string[]; afterMs?: number };
  /** GET /v1/metrics body while the run lasts. */
  restMetrics?: string;
}

/** One `k6 run` the fake played, for tests to look at and steer. */
export interface K6RunRecord {
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string | undefined;
  /** Signals loadctl sent, in order. */
  signals: string[];
  /** Requests to its REST API, as `METHOD /path`. */
  restCalls: string[];
  /** Settles once the process has ended. */
  result: Promise<CommandResult>;
}

const K6_EXIT = { interrupted: 105, stoppedFromRest: 103 } as const;

/** The scenarios recorded from real k6 v1.8.1 runs of test/fixtures/k6-summary/shop/shop.yaml. */
export const SHOP = {
  plan: 'test/fixtures/k6-summary/shop/shop.yaml',
  passed: (): K6Scenario => ({
    exitCode: 0,
    summary: readFixture('test/fixtures/k6-summary/shop/passed.k6-summary.json'),
    restMetrics: readFixture('test/fixtures/k6-summary/shop/rest-metrics.json'),
    onInterrupt: interrupted(),
  }),
  thresholdsFailed: (): K6Scenario => ({
    exitCode: 99,
    summary: readFixture('test/fixtures/k6-summary/shop/thresholds-failed.k6-summary.json'),
    logLines: logLines('test/fixtures/k6-summary/shop/thresholds-failed.k6-log.txt'),
  }),
  /** k6 v1.8.1 with an exception thrown in setup(): exit 107 with its error line, and no summary. */
  crashed: (): K6Scenario => ({
    exitCode: 107,
    logLines: logLines('test/fixtures/k6-summary/shop/crash.k6-log.txt'),
  }),
  /** A run that lasts until interrupted (the `long` profile). */
  endless: (): K6Scenario => ({
    exitCode: 0,
    durationMs: 60_000,
    summary: readFixture('test/fixtures/k6-summary/shop/passed.k6-summary.json'),
    restMetrics: readFixture('test/fixtures/k6-summary/shop/rest-metrics.json'),
    onInterrupt: interrupted(),
  }),
};

function interrupted(): NonNullable<K6Scenario['onInterrupt']> {
  return {
    exitCode: K6_EXIT.interrupted,
    summary: readFixture('test/fixtures/k6-summary/shop/interrupted.k6-summary.json'),
    logLines: logLines('test/fixtures/k6-summary/shop/interrupted.k6-log.txt'),
  };
}

function logLines(fixture: string): string[] {
  return readFixture(fixture)
    .split('\n')
    .filter((line) => line !== '');
}

export const K6_VERSION_OUTPUT = (): string => readFixture('test/fixtures/k6-summary/shop/k6-version.txt');

interface RunningK6 {
  address: string | undefined;
  scenario: K6Scenario;
  record: K6RunRecord;
  stop: (how: 'interrupt' | 'rest' | 'kill') => void;
}

/** The k6 binary at one path of the fake file system, and the runs it played. */
export class FakeK6 {
  readonly runs: K6RunRecord[] = [];
  private readonly running = new Set<RunningK6>();
  private readonly queue: K6Scenario[];
  private readonly waiters: Array<(run: K6RunRecord) => void> = [];
  private pid = 4200;

  constructor(
    readonly path: string,
    private readonly fs: FakeFs,
    scenarios: K6Scenario[],
    private readonly versionOutput: string,
  ) {
    this.queue = [...scenarios];
  }

  /** Resolves with the n-th run (0-based) once it has started. */
  started(n = 0): Promise<K6RunRecord> {
    const have = this.runs[n];
    if (have) return Promise.resolve(have);
    return new Promise((resolve) => {
      const check = (): void => {
        const run = this.runs[n];
        if (run) resolve(run);
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  version(file: string): CommandResult {
    return {
      kind: 'exited',
      file,
      exitCode: 0,
      stdout: this.versionOutput.trimEnd(),
      stderr: '',
      durationMs: 40,
    };
  }

  spawn(file: string, args: string[], opts: StreamOptions): StreamingProcess {
    const scenario = this.queue.shift();
    if (args[0] !== 'run' || scenario === undefined) {
      const message =
        scenario === undefined ? 'no k6 scenario left for this run' : `unexpected: k6 ${args.join(' ')}`;
      const result: CommandResult = { kind: 'error', file, code: 'FAKE_K6', message };
      return { pid: undefined, result: Promise.resolve(result), kill: () => false };
    }
    const pid = (this.pid += 1);
    let settle: (result: CommandResult) => void = () => {};
    const result = new Promise<CommandResult>((resolve) => (settle = resolve));
    const env = opts.env ?? {};
    const record: K6RunRecord = { args, env, cwd: opts.cwd, signals: [], restCalls: [], result };
    const log = (lines: string[] | undefined) => {
      for (const line of lines ?? []) opts.onStderrLine?.(line);
    };
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    const end = (exitCode: number, summary: string | undefined) => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      this.running.delete(running);
      const path = env.LOADCTL_SUMMARY_PATH;
      if (summary !== undefined && path !== undefined) this.fs.writeSync(path, summary);
      settle({
        kind: 'exited',
        file,
        exitCode,
        stdout: '',
        stderr: '',
        durationMs: scenario.durationMs ?? 0,
      });
    };
    const running: RunningK6 = {
      address: argValue(args, '--address'),
      scenario,
      record,
      stop: (how) => {
        if (ended) return;
        if (how === 'kill') {
          ended = true;
          if (timer) clearTimeout(timer);
          this.running.delete(running);
          settle({ kind: 'signaled', file, signal: 'SIGKILL', stdout: '', stderr: '', durationMs: 0 });
        } else if (how === 'rest') {
          end(K6_EXIT.stoppedFromRest, scenario.summary);
        } else {
          const onInt = scenario.onInterrupt ?? { exitCode: K6_EXIT.interrupted };
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => {
            log(onInt.logLines);
            end(onInt.exitCode, onInt.summary);
          }, onInt.afterMs ?? 0);
        }
      },
    };
    this.running.add(running);
    this.runs.push(record);
    for (const wake of this.waiters.splice(0)) wake(record);
    // Like a process, it starts after spawn returns: the caller has its listeners in place by then.
    setImmediate(() => {
      if (ended) return;
      log(scenario.logLines);
      timer = setTimeout(() => end(scenario.exitCode, scenario.summary), scenario.durationMs ?? 0);
    });
    return {
      pid,
      result,
      kill: (signal = 'SIGTERM') => {
        if (ended) return false;
        record.signals.push(signal);
        // k6 stops gracefully on SIGINT (and SIGTERM); a second one, or SIGKILL, ends it at once.
        const again = record.signals.length > 1;
        setImmediate(() => running.stop(signal === 'SIGKILL' || again ? 'kill' : 'interrupt'));
        return true;
      },
    };
  }

  /** k6's REST API, for a running k6 listening on the URL's host:port; undefined for any other URL. */
  fetch(url: URL, init: RequestInit | undefined): Response | undefined {
    const run = [...this.running].find((r) => r.address === url.host);
    if (run === undefined) return undefined;
    const method = (init?.method ?? 'GET').toUpperCase();
    run.record.restCalls.push(`${method} ${url.pathname}`);
    if (method === 'GET' && url.pathname === '/v1/metrics' && run.scenario.restMetrics !== undefined) {
      return jsonResponse(run.scenario.restMetrics);
    }
    if (method === 'PATCH' && url.pathname === '/v1/status') {
      setImmediate(() => run.stop('rest'));
      return jsonResponse(
        JSON.stringify({
          data: { type: 'status', id: 'default', attributes: { stopped: true, running: false } },
        }),
      );
    }
    return new Response('{"errors":[{"title":"not found"}]}', { status: 404 });
  }
}

function jsonResponse(body: string): Response {
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}

function argValue(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : args[at + 1];
}
