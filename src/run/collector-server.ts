// The collector's effects: HTTP servers the runners push their frames to (one per address they reach loadctl
// on), and the run's frames file the pushes are appended to, timed by the collector's clock. What a push
// means is decided in src/samples/collector.ts.
import type { AppendFile, Io } from '../io/io.js';
import type { HttpAnswer, HttpRequestIn, Listening } from '../io/http-listen.js';
import { CLOCK_HEADER, FrameCollector, INSTANCE_HEADER, type InstanceState } from '../samples/collector.js';
import type { Frame } from '../samples/frames.js';
import { terminalSafe } from '../terminal-safe.js';

/** A push carries a period or a few of frames: KiBs, MiBs for thousands of endpoints. */
const MAX_PUSH_BYTES = 64 * 1024 * 1024;
export const COLLECTOR_PATH = '/frames';
/** How long a kept frame may wait for the file: the run's end reads the file, the live view is fed directly. */
const FLUSH_MS = 200;

export interface RunningCollector {
  /** The URL runners that reach loadctl at `host` push to. */
  urlFor(host: string): string;
  requestStop(reason: string): void;
  /** When and why the first stop was asked for, if one was. */
  stopped(): { reason: string; at: string } | undefined;
  states(): InstanceState[];
  /** Pushes refused (not a frame, another run's runner…), each said once. */
  refusals(): string[];
  close(): Promise<void>;
}

/**
 * Pushes arrive spread over each second: their lines go to the file a few times a second, not once each (a
 * hundred runners' writes one by one were a fifth of the collector's work).
 */
function batchedWriter(file: AppendFile): { add(lines: string[]): void; flush(): void } {
  let pending: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length > 0) file.write(pending.join(''));
    pending = [];
  };
  return {
    add: (lines) => {
      pending.push(...lines);
      timer ??= setTimeout(flush, FLUSH_MS);
    },
    flush,
  };
}

export async function startCollector(
  io: Io,
  o: {
    hosts: readonly string[];
    /** 0: a free port on each host. */
    port: number;
    framesPath: string;
    allowed: ReadonlySet<string> | undefined;
    redact: (text: string) => string;
    /** Every push's frames once kept, in order (the live view, which then need not read the file). */
    onFrames?: (frames: readonly Frame[]) => void;
  },
): Promise<RunningCollector> {
  const collector = new FrameCollector(o.allowed);
  const file = await io.openAppend(o.framesPath);
  const refusals = new Set<string>();
  let stoppedAt: Date | undefined;
  const writer = batchedWriter(file);
  const handle = (req: HttpRequestIn): HttpAnswer => {
    if (req.method !== 'POST' || req.path.split('?')[0] !== COLLECTOR_PATH)
      return { status: 404, body: `loadctl's collector takes POST ${COLLECTOR_PATH}\n` };
    const clock = Number(req.headers[CLOCK_HEADER]);
    const taken = collector.take({
      instance: req.headers[INSTANCE_HEADER],
      clockMs: Number.isFinite(clock) ? clock : undefined,
      receivedMs: io.now().getTime(),
      body: req.body,
    });
    if (!taken.ok) {
      refusals.add(terminalSafe(taken.problem));
      return { status: taken.status, body: `${taken.problem}\n` };
    }
    // A secret in a tag (a URL as a request's name) never reaches the disk.
    writer.add(taken.lines.map((line) => `${o.redact(line)}\n`));
    if (taken.frames.length > 0) o.onFrames?.(taken.frames);
    return taken.answer === undefined
      ? { status: 204 }
      : { status: 200, body: JSON.stringify(taken.answer), contentType: 'application/json' };
  };
  const servers: Listening[] = [];
  try {
    for (const host of new Set(o.hosts))
      servers.push(await io.listenHttp(host, o.port, MAX_PUSH_BYTES, handle));
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    await file.close();
    throw err;
  }
  const urls = new Map(servers.map((s) => [s.host, `http://${hostPort(s.host, s.port)}${COLLECTOR_PATH}`]));
  return {
    urlFor: (host) => {
      const url = urls.get(host);
      if (url === undefined) throw new Error(`the collector does not listen on ${host}`);
      return url;
    },
    requestStop: (reason) => {
      if (collector.stopRequested === undefined) stoppedAt = io.now();
      collector.requestStop(reason);
    },
    stopped: () => {
      const reason = collector.stopRequested;
      return reason === undefined || stoppedAt === undefined
        ? undefined
        : { reason, at: stoppedAt.toISOString() };
    },
    states: () => collector.states(),
    refusals: () => [...refusals],
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      writer.flush();
      await file.close();
    },
  };
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
