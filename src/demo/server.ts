// The demo service's HTTP edge: sockets, bodies, timers, the clock and randomness live here; the rules live in
// state.ts, handlers.ts, chat.ts and rate-limit.ts. Loopback only: this is a target for trying loadctl and for
// the project's tests, never something to expose.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { DemoKnobs } from '../plans/schema.js';
import {
  completionDelayMs,
  planStreamCut,
  renderChatCompletion,
  renderChunkFrame,
  renderFinishFrames,
  tokenDueMs,
  type ChatMeta,
  type ChatPlan,
} from './chat.js';
import { createCapacityGate, type CapacityGate, type CapacitySummary } from './capacity.js';
import { createRequestCounters, type RequestCounts } from './counters.js';
import { parseBearer, parseCookie } from './fields.js';
import {
  errorBody,
  failureReply,
  handleBusinessRequest,
  reply,
  type DemoAction,
  type Reply,
} from './handlers.js';
import {
  listStateKnobChanges,
  planFaults,
  renderKnobs,
  resolveDemoKnobs,
  resolveKnobsPatch,
  validateDemoKnobs,
  type ResolvedDemoKnobs,
} from './knobs.js';
import { fail } from './outcome.js';
import {
  createRateLimiter,
  renderRetryAfter,
  resolveClientKey,
  type RateLimitAccuracy,
  type RateLimiter,
  type RateLimitSummary,
} from './rate-limit.js';
import { matchRoute, UNMATCHED_KEY, type DemoRoute } from './routes.js';
import { createDemoState, summarizeState, type DemoState, type StateSummary } from './state.js';

// How long allowDoubleBooking's check-then-commit leaves the seat looking free: a slow database round trip.
// At 5 ms, 40 VUs racing on a busy 2-core machine once all arrived after the first one had committed.
const RACE_WINDOW_MS = 25;

export interface DemoStats extends StateSummary, RequestCounts {
  rateLimit: RateLimitSummary;
  /** Whether the limiter held each client to its configured rate; null while no limiter has run. */
  rateLimitAccuracy: RateLimitAccuracy | null;
  /** The capacity knob's worker pool: served, queued, turned away (kept across resets); null without the knob. */
  capacity: CapacitySummary | null;
  startedAt: string;
  /** When `POST /admin/reset` last cleared the state, or null. */
  resetAt: string | null;
  /** Every knob with its default applied, and the bound port. */
  knobs: DemoKnobs;
}

export interface DemoService {
  url: string;
  host: string;
  port: number;
  stats(): DemoStats;
  /** Throws on an invalid patch. State knobs (schedules, seats, points, coupon stock) apply at the next reset. */
  setKnobs(patch: Partial<DemoKnobs>): void;
  /** Stops listening, ends keep-alive connections and open streams, and resolves. */
  close(): Promise<void>;
}

export interface DemoServiceOptions {
  /** Receives one line per notable event: admin changes and unexpected errors. */
  log?: (line: string) => void;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** Bodies past the limit are read and dropped up to here, so the 413 reaches a client still uploading. */
const DRAIN_BYTES = 16 * 1024 * 1024;
/**
 * Far above the gaps between a load test's requests, so the server rarely closes a connection just as a
 * client reuses it (a race k6 reports as connection resets). close() ends idle connections at once anyway.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** A timer can fire a fraction of a millisecond before its due time; a token that close to due goes now. */
const TOKEN_EARLY_MS = 1;

const EMPTY_RATE_LIMIT: RateLimitSummary = { allowed: 0, limited: 0, clients: {} };

type BodyRead =
  | { kind: 'ok'; value: unknown }
  | { kind: 'too-large'; closeConnection: boolean }
  | { kind: 'bad-json'; message: string }
  | { kind: 'aborted' };

export async function startDemoService(
  knobs: DemoKnobs = {},
  opts: DemoServiceOptions = {},
): Promise<DemoService> {
  const checked = validateDemoKnobs(knobs);
  if (!checked.ok) throw new Error(`invalid demo service knobs: ${checked.issues.join('; ')}`);
  const log = opts.log ?? (() => {});
  let current: DemoKnobs = checked.knobs;
  let resolved: ResolvedDemoKnobs = resolveDemoKnobs(current);
  let state = openState(resolved);
  let limiter: RateLimiter | undefined;
  let gate: CapacityGate | undefined;
  let counters = createRequestCounters();
  const startedAt = new Date().toISOString();
  let resetAt: string | null = null;
  let chatSequence = 0;
  // Every pending timer, so close() can cancel them: a 60 s latency knob must not hold the process open.
  const timers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | undefined;

  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    serve(req, res).catch((error: unknown) => answerCrash(res, error));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Kept above keepAliveTimeout, the usual pairing, so an idle kept-alive connection ends by the keep-alive
  // timer and never by a headers timeout.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;

  await listen(server, resolved.port, resolved.host);
  server.on('error', (error) => log(`demo service error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  const host = resolved.host;

  function limiterFor(knobsNow: ResolvedDemoKnobs): RateLimiter | undefined {
    if (knobsNow.rateLimit === undefined) return undefined;
    limiter ??= createRateLimiter(knobsNow.rateLimit, () => performance.now());
    return limiter;
  }

  /**
   * The capacity knob: holds a slot of the worker pool from here to the end of the response (a queued request
   * waits for one first). False when the request was answered (503) or its client left while it waited.
   */
  async function admit(res: ServerResponse, key: string): Promise<boolean> {
    if (resolved.capacity === undefined) return true;
    gate ??= createCapacityGate(resolved.capacity);
    const pool = gate;
    const admission = pool.enter();
    if (admission.kind === 'reject') {
      const message = `all ${resolved.capacity.maxConcurrent} workers are busy and the queue is full`;
      send(res, key, failureReply(fail(503, 'OVER_CAPACITY', message)));
      return false;
    }
    let holding = admission.kind === 'run';
    res.once('close', () => {
      if (holding) pool.leave();
      else if (admission.kind === 'wait') admission.cancel();
    });
    if (admission.kind === 'wait') {
      // Settled before the response can close (a microtask), so `holding` is right when 'close' comes.
      if (!(await admission.ready)) return false;
      holding = true;
    }
    return true;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const match = matchRoute(method, path);
    if (match.kind !== 'found') {
      counters.countRequest(UNMATCHED_KEY);
      if (match.kind === 'not-found') {
        send(res, UNMATCHED_KEY, failureReply(fail(404, 'NOT_FOUND', `no route for ${method} ${path}`)));
      } else {
        const message = `${method} is not allowed on ${path}; use ${match.allow}`;
        send(
          res,
          UNMATCHED_KEY,
          failureReply(fail(405, 'METHOD_NOT_ALLOWED', message), { allow: match.allow }),
        );
      }
      return;
    }
    const route = match.route;
    // Admin calls stay out of the counters, so reading the stats does not change them.
    const key = route.kind === 'admin' ? undefined : route.key;
    if (key !== undefined) counters.countRequest(key);
    const bearer = parseBearer(req.headers.authorization);

    if (route.kind === 'business') {
      const rateLimiter = limiterFor(resolved);
      if (rateLimiter !== undefined) {
        const decision = rateLimiter.take(
          resolveClientKey(req.headers['x-client-id'], bearer, req.socket.remoteAddress),
        );
        if (!decision.allowed) {
          const retryAfter = renderRetryAfter(decision.retryAfterMs);
          const message = `rate limit exceeded; retry after ${retryAfter}s`;
          send(res, key, failureReply(fail(429, 'RATE_LIMITED', message), { 'retry-after': retryAfter }));
          return;
        }
      }
      if (!(await admit(res, route.key))) return;
    }

    let body: unknown;
    if (route.body) {
      const read = await readJsonBody(req);
      if (read.kind === 'aborted') return;
      if (read.kind === 'too-large') {
        const message = `the body is larger than ${MAX_BODY_BYTES} bytes`;
        const headers = read.closeConnection ? { connection: 'close' } : undefined;
        send(res, key, failureReply(fail(413, 'PAYLOAD_TOO_LARGE', message), headers));
        return;
      }
      if (read.kind === 'bad-json') {
        send(res, key, failureReply(fail(400, 'BAD_JSON', `the body is not valid JSON: ${read.message}`)));
        return;
      }
      body = read.value;
    }

    if (route.kind !== 'business') {
      send(res, key, serveServiceRoute(route, body));
      return;
    }

    const faults = planFaults(resolved, Math.random(), Math.random());
    if (faults.cpuMs > 0) burnCpu(faults.cpuMs);
    if (faults.delayMs > 0) await sleep(faults.delayMs);
    if (faults.fail) {
      send(res, key, failureReply(fail(500, 'INJECTED_ERROR', 'error injected by the errorRate knob')));
      return;
    }
    const action = handleBusinessRequest(
      {
        route,
        params: match.params,
        query: q === -1 ? '' : url.slice(q + 1),
        body,
        bearer,
        session: parseCookie(req.headers.cookie, 'SESSION'),
      },
      state,
      resolved,
    );
    await runAction(res, route, action);
  }

  async function runAction(res: ServerResponse, route: DemoRoute, action: DemoAction): Promise<void> {
    switch (action.kind) {
      case 'reply':
        send(res, route.key, action);
        return;
      case 'race':
        // The deliberate bug of allowDoubleBooking: between check and commit, other requests run. The gap
        // stands for a database round trip (RACE_WINDOW_MS), long enough that requests arriving on separate
        // connections within it all see the seat free, as they would against a real read-then-write service.
        await sleep(RACE_WINDOW_MS);
        send(res, route.key, action.commit());
        return;
      case 'chat': {
        const meta: ChatMeta = {
          id: `chatcmpl-${++chatSequence}`,
          created: Math.floor(Date.now() / 1000),
          model: action.plan.model,
        };
        if (action.plan.stream) {
          const cutAfter = planStreamCut(resolved.chat, action.plan.tokens.length, Math.random());
          streamChat(res, route.key, meta, action.plan, cutAfter);
          return;
        }
        await sleep(completionDelayMs(action.plan));
        send(res, route.key, reply(200, renderChatCompletion(meta, action.plan)));
        return;
      }
    }
  }

  /**
   * Server-sent events on timers due at absolute offsets from the headers, stopped when the client leaves.
   * With `cutAfter`, the connection drops when token `cutAfter` is due, without the end marker.
   */
  function streamChat(
    res: ServerResponse,
    key: string,
    meta: ChatMeta,
    plan: ChatPlan,
    cutAfter: number | undefined,
  ): void {
    if (res.destroyed) return;
    counters.countStatus(key, 200);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    // Headers go now, not with the first token: time to first byte and time to first token must differ.
    res.flushHeaders();
    const start = performance.now();
    let next = 0;
    let timer: NodeJS.Timeout | undefined;

    const stop = (): void => {
      if (timer !== undefined) {
        clearTimeout(timer);
        timers.delete(timer);
        timer = undefined;
      }
    };
    const schedule = (inMs: number): void => {
      timer = setTimeout(tick, Math.max(0, inMs));
      timers.add(timer);
    };
    const tick = (): void => {
      stop();
      if (res.destroyed) return;
      const elapsed = performance.now() - start;
      // Ends by the last frame, or by the cut (cutAfter is at most the token count).
      while (tokenDueMs(plan, next) <= elapsed + TOKEN_EARLY_MS) {
        if (next === cutAfter) {
          // Dropped as by a crashed upstream: what was written still goes out (destroy() could discard it),
          // the chunked body never gets its terminator, and no end marker comes.
          res.socket?.end();
          return;
        }
        const frame = renderChunkFrame(meta, plan.tokens[next] ?? '', next === 0);
        next++;
        if (next === plan.tokens.length && cutAfter === undefined) {
          res.end(frame + renderFinishFrames(meta, plan));
          return;
        }
        // A slow reader: wait for the socket instead of buffering the whole answer.
        if (!res.write(frame)) {
          res.once('drain', tick);
          return;
        }
      }
      schedule(tokenDueMs(plan, next) - elapsed);
    };
    res.on('close', stop);
    schedule(plan.ttftMs);
  }

  function serveServiceRoute(route: DemoRoute, body: unknown): Reply {
    switch (route.id) {
      case 'health':
        return reply(200, { status: 'ok' });
      case 'stats':
        return reply(200, stats());
      case 'reset':
        resetState();
        log('demo service: state reset');
        return reply(200, { status: 'reset', resetAt });
      case 'knobs': {
        const before = current;
        const next = resolveKnobsPatch(current, body ?? {}, { host, port });
        if (!next.ok) return failureReply(fail(400, 'BAD_REQUEST', next.issues.join('; ')));
        applyKnobs(next.knobs);
        const appliesAfterReset = listStateKnobChanges(before, next.knobs);
        log(`demo service: knobs changed: ${JSON.stringify(body)}`);
        return reply(200, { knobs: renderKnobs(resolved, port), appliesAfterReset });
      }
      default:
        return failureReply(fail(500, 'INTERNAL', `${route.key} is not a service route`));
    }
  }

  /** Writes a JSON reply and counts its status under `key` (none for admin routes). */
  function send(res: ServerResponse, key: string | undefined, answer: Reply): void {
    // The client may have left during a delay; there is no one to answer.
    if (res.destroyed || res.headersSent) return;
    if (key !== undefined) counters.countStatus(key, answer.status);
    const json = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...answer.headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  }

  function answerCrash(res: ServerResponse, error: unknown): void {
    log(
      `demo service: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    if (res.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const json = JSON.stringify(errorBody('INTERNAL', 'unexpected error in the demo service'));
    res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  function applyKnobs(next: DemoKnobs): void {
    current = next;
    resolved = resolveDemoKnobs(next);
    if (resolved.rateLimit !== undefined) limiter?.configure(resolved.rateLimit);
    if (resolved.capacity !== undefined) gate?.configure(resolved.capacity);
    else {
      // Turned off: whoever waits is let in, and the next pool starts from zero.
      gate?.drain();
      gate = undefined;
    }
  }

  function resetState(): void {
    state = openState(resolved);
    limiter = undefined;
    counters = createRequestCounters();
    resetAt = new Date().toISOString();
  }

  function stats(): DemoStats {
    return {
      ...summarizeState(state),
      rateLimit: limiter?.summarize() ?? EMPTY_RATE_LIMIT,
      rateLimitAccuracy: limiter?.summarizeAccuracy() ?? null,
      capacity: gate?.summarize() ?? null,
      ...counters.summarize(),
      startedAt,
      resetAt,
      knobs: renderKnobs(resolved, port),
    };
  }

  return {
    url: `http://${host}:${port}`,
    host,
    port,
    stats,
    setKnobs(patch) {
      const next = resolveKnobsPatch(current, patch, { host, port });
      if (!next.ok) throw new Error(`invalid demo service knobs: ${next.issues.join('; ')}`);
      applyKnobs(next.knobs);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function openState(knobs: ResolvedDemoKnobs): DemoState {
  return createDemoState(
    {
      schedules: knobs.schedules,
      seatsPerSchedule: knobs.seatsPerSchedule,
      initialPoints: knobs.initialPoints,
      couponStock: knobs.couponStock,
    },
    randomUUID,
  );
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new Error(`the demo service could not listen on ${host}:${port}: ${error.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The cpuWorkMs knob: hold the one JavaScript thread, as a CPU-bound handler would. */
function burnCpu(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Busy on purpose; a timer would leave the CPU idle and measure nothing.
  }
}

/** Reads a JSON body up to MAX_BODY_BYTES; past it keeps reading (dropping) up to DRAIN_BYTES, then gives up. */
function readJsonBody(req: IncomingMessage): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (declared > DRAIN_BYTES) return Promise.resolve({ kind: 'too-large', closeConnection: true });
  return new Promise((resolve) => {
    let first: Buffer | undefined;
    let rest: Buffer[] | undefined;
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        if (first === undefined) first = chunk;
        else (rest ??= []).push(chunk);
        return;
      }
      first = undefined;
      rest = undefined;
      if (size > DRAIN_BYTES) {
        req.off('data', onData);
        req.pause();
        resolve({ kind: 'too-large', closeConnection: true });
      }
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) resolve({ kind: 'too-large', closeConnection: false });
      else
        resolve(
          parseJsonBody(
            first === undefined ? undefined : rest === undefined ? first : Buffer.concat([first, ...rest]),
          ),
        );
    });
    // A client that leaves mid-body: the first of these to fire wins, later resolves are no-ops.
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('close', () => resolve({ kind: 'aborted' }));
  });
}

function parseJsonBody(buffer: Buffer | undefined): BodyRead {
  if (buffer === undefined || buffer.length === 0) return { kind: 'ok', value: undefined };
  try {
    return { kind: 'ok', value: JSON.parse(buffer.toString('utf8')) as unknown };
  } catch (error) {
    return { kind: 'bad-json', message: error instanceof Error ? error.message : String(error) };
  }
}
