// The demo service's request handling: one DemoServer per running service holds the knobs, the state, the
// limiter, the capacity gate and the counters; server.ts owns the socket. Timers, the clock and randomness
// live here; the rules live in state.ts, handlers.ts, chat.ts and rate-limit.ts.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { DemoKnobs } from '../plans/schema.js';
import {
  completionDelayMs,
  planStreamCut,
  renderChatCompletion,
  type ChatMeta,
  type ChatPlan,
} from './chat.js';
import { openEventStream, streamReply } from './chat-stream.js';
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
import { MAX_BODY_BYTES, readJsonBody, type BodyRead } from './body.js';
import { burnCpu, computeRootWork, type RootWorkSummary } from './root-work.js';
import { createSessionTable, type SessionMessage, type SessionSummary } from './sessions.js';

// How long allowDoubleBooking's check-then-commit leaves a seat looking free at most: until a rival request has
// seen the same seat free, or this long. A fixed gap (5 ms, then 25 ms) let 40 VUs racing on a busy 2-core
// machine all arrive after the first one had committed, now and then; waiting for a rival makes the bug show
// whenever two requests race within the window, however their arrivals spread.
const RACE_WINDOW_MS = 1000;
/** A capacity slot: given back when the response closes, unless kept, and then by the release keep() returns. */
interface Slot {
  keep(): () => void;
}
const NOTHING = (): void => {};
/** What a request holds without the capacity knob. */
const NO_SLOT: Slot = { keep: () => NOTHING };

const EMPTY_RATE_LIMIT: RateLimitSummary = { allowed: 0, limited: 0, clients: {} };

export interface DemoStats extends StateSummary, RequestCounts {
  rateLimit: RateLimitSummary;
  /** Whether the limiter held each client to its configured rate; null while no limiter has run. */
  rateLimitAccuracy: RateLimitAccuracy | null;
  /** `GET /`'s CPU work done: requests and SHA-256 rounds. */
  rootWork: RootWorkSummary;
  /** The chat sessions of `GET /api/chat/events` and `POST /api/chat/messages` (open ones survive a reset). */
  chatSessions: SessionSummary;
  /** The capacity knob's worker pool: served, queued, turned away (kept across resets); null without the knob. */
  capacity: CapacitySummary | null;
  startedAt: string;
  /** When `POST /admin/reset` last cleared the state, or null. */
  resetAt: string | null;
  /** Every knob with its default applied, and the bound port. */
  knobs: DemoKnobs;
}

export class DemoServer {
  private current: DemoKnobs;
  private resolved: ResolvedDemoKnobs;
  private state: DemoState;
  private limiter: RateLimiter | undefined;
  private gate: CapacityGate | undefined;
  private counters = createRequestCounters();
  private readonly startedAt = new Date().toISOString();
  private resetAt: string | null = null;
  private chatSequence = 0;
  private rootWork: RootWorkSummary = { requests: 0, rounds: 0 };
  /** Open session event streams: live connections, so a reset only zeroes their counts. */
  private readonly sessions = createSessionTable<ServerResponse>();
  /** Every pending timer, so close() can cancel them: a 60 s latency knob must not hold the process open. */
  readonly timers = new Set<NodeJS.Timeout>();
  /** allowDoubleBooking: per seat, the wake-up of the first request holding it unbooked. */
  private readonly racers = new Map<string, () => void>();
  /** Where the service listens; the port is set once it is bound. */
  readonly host: string;
  port = 0;

  constructor(
    knobs: DemoKnobs,
    private readonly log: (line: string) => void,
  ) {
    this.current = knobs;
    this.resolved = resolveDemoKnobs(knobs);
    this.state = openState(this.resolved);
    this.host = this.resolved.host;
  }

  /** The port the knobs ask for (0: any free one). */
  get requestedPort(): number {
    return this.resolved.port;
  }

  /** Throws on an invalid patch; state knobs apply at the next reset. */
  patchKnobs(patch: Partial<DemoKnobs>): void {
    const next = resolveKnobsPatch(this.current, patch, { host: this.host, port: this.port });
    if (!next.ok) throw new Error(`invalid demo service knobs: ${next.issues.join('; ')}`);
    this.applyKnobs(next.knobs);
  }

  private limiterFor(knobsNow: ResolvedDemoKnobs): RateLimiter | undefined {
    if (knobsNow.rateLimit === undefined) return undefined;
    this.limiter ??= createRateLimiter(knobsNow.rateLimit, () => performance.now());
    return this.limiter;
  }

  /**
   * The capacity knob: holds a slot of the worker pool (a queued request waits for one first) until the end of
   * the response, unless the handler keeps it longer (a session's reply outlives its 202). Undefined when the
   * request was answered (503) or its client left while it waited.
   */
  private async admit(res: ServerResponse, key: string): Promise<Slot | undefined> {
    if (this.resolved.capacity === undefined) return NO_SLOT;
    this.gate ??= createCapacityGate(this.resolved.capacity);
    const pool = this.gate;
    const admission = pool.enter();
    if (admission.kind === 'reject') {
      const message = `all ${this.resolved.capacity.maxConcurrent} workers are busy and the queue is full`;
      this.send(res, key, failureReply(fail(503, 'OVER_CAPACITY', message)));
      return undefined;
    }
    let holding = admission.kind === 'run';
    let kept = false;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      pool.leave();
    };
    res.once('close', () => {
      if (!holding && admission.kind === 'wait') admission.cancel();
      else if (!kept) release();
    });
    if (admission.kind === 'wait') {
      // Settled before the response can close (a microtask), so `holding` is right when 'close' comes.
      if (!(await admission.ready)) return undefined;
      holding = true;
    }
    return {
      keep: () => {
        kept = true;
        return release;
      },
    };
  }

  private awaitRival(seat: string): Promise<void> {
    const first = this.racers.get(seat);
    if (first !== undefined) {
      this.racers.delete(seat);
      first();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        if (this.racers.get(seat) === wake) this.racers.delete(seat);
        resolve();
      };
      const timer = setTimeout(wake, RACE_WINDOW_MS);
      this.timers.add(timer);
      this.racers.set(seat, wake);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** The rate limit and the capacity knob: the request's slot, or undefined when it was answered (429, 503). */
  private async letIn(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    bearer: string | undefined,
  ): Promise<Slot | undefined> {
    const rateLimiter = this.limiterFor(this.resolved);
    if (rateLimiter !== undefined) {
      const decision = rateLimiter.take(
        resolveClientKey(req.headers['x-client-id'], bearer, req.socket.remoteAddress),
      );
      if (!decision.allowed) {
        const retryAfter = renderRetryAfter(decision.retryAfterMs);
        const message = `rate limit exceeded; retry after ${retryAfter}s`;
        this.send(res, key, failureReply(fail(429, 'RATE_LIMITED', message), { 'retry-after': retryAfter }));
        return undefined;
      }
    }
    return this.admit(res, key);
  }

  /** The JSON body; a body too large or not JSON is answered here (413, 400). */
  private async readBody(
    req: IncomingMessage,
    res: ServerResponse,
    key: string | undefined,
  ): Promise<BodyRead> {
    const read = await readJsonBody(req);
    if (read.kind === 'too-large') {
      const message = `the body is larger than ${MAX_BODY_BYTES} bytes`;
      const headers = read.closeConnection ? { connection: 'close' } : undefined;
      this.send(res, key, failureReply(fail(413, 'PAYLOAD_TOO_LARGE', message), headers));
    } else if (read.kind === 'bad-json') {
      this.send(res, key, failureReply(fail(400, 'BAD_JSON', `the body is not valid JSON: ${read.message}`)));
    }
    return read;
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const match = matchRoute(method, path);
    if (match.kind !== 'found') {
      this.counters.countRequest(UNMATCHED_KEY);
      if (match.kind === 'not-found') {
        this.send(res, UNMATCHED_KEY, failureReply(fail(404, 'NOT_FOUND', `no route for ${method} ${path}`)));
      } else {
        const message = `${method} is not allowed on ${path}; use ${match.allow}`;
        this.send(
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
    if (key !== undefined) this.counters.countRequest(key);
    const bearer = parseBearer(req.headers.authorization);

    // Opening a session's event stream generates nothing: the dam and the workers meter its questions.
    const gated = route.kind === 'business' && route.id !== 'chatEvents';
    const slot = gated ? await this.letIn(req, res, route.key, bearer) : NO_SLOT;
    if (slot === undefined) return;
    const read = route.body ? await this.readBody(req, res, key) : { kind: 'ok' as const, value: undefined };
    if (read.kind !== 'ok') return;
    const body = read.value;

    if (route.kind !== 'business') {
      this.send(res, key, this.serveServiceRoute(route, body));
      return;
    }

    const faults = planFaults(this.resolved, Math.random(), Math.random());
    if (faults.cpuMs > 0) burnCpu(faults.cpuMs);
    if (faults.delayMs > 0) await this.sleep(faults.delayMs);
    if (faults.fail) {
      this.send(res, key, failureReply(fail(500, 'INJECTED_ERROR', 'error injected by the errorRate knob')));
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
      this.state,
      this.resolved,
    );
    if (action.kind === 'chatMessage') this.askInSession(res, route.key, action.message, slot);
    else await this.runAction(res, route, action);
  }

  private async runAction(res: ServerResponse, route: DemoRoute, action: DemoAction): Promise<void> {
    switch (action.kind) {
      case 'chatEvents':
        this.openSession(res, route.key, action.session);
        return;
      case 'chatMessage':
        // serve() hands these to askInSession with their slot.
        return;
      case 'reply':
        this.send(res, route.key, action);
        return;
      case 'work': {
        // A client that left during the latency knob gets no work done for it, as a real handler would not.
        if (res.destroyed) return;
        const body = computeRootWork(action.rounds);
        this.rootWork = {
          requests: this.rootWork.requests + 1,
          rounds: this.rootWork.rounds + action.rounds,
        };
        this.send(res, route.key, reply(200, body));
        return;
      }
      case 'race':
        // The deliberate bug of allowDoubleBooking: between check and commit, other requests run, as they
        // would against a read-then-write service; the first holder commits when a rival has seen the seat
        // free too (RACE_WINDOW_MS at most), and the rival at once.
        await this.awaitRival(action.seat);
        this.send(res, route.key, action.commit());
        return;
      case 'chat': {
        const meta = this.nextChatMeta(action.plan.model);
        if (action.plan.stream) {
          if (res.destroyed) return;
          this.counters.countStatus(route.key, 200);
          openEventStream(res);
          this.streamOn(res, meta, action.plan, true, NOTHING);
          return;
        }
        await this.sleep(completionDelayMs(action.plan));
        this.send(res, route.key, reply(200, renderChatCompletion(meta, action.plan)));
        return;
      }
    }
  }

  private nextChatMeta(model: string): ChatMeta {
    return { id: `chatcmpl-${++this.chatSequence}`, created: Math.floor(Date.now() / 1000), model };
  }

  /** `GET /api/chat/events`: a held-open event stream; the client closing it ends the session. */
  private openSession(res: ServerResponse, key: string, session: string): void {
    if (res.destroyed) return;
    const opened = this.sessions.open(session, res);
    if (!opened.ok) {
      this.send(res, key, failureReply(opened));
      return;
    }
    res.once('close', () => this.sessions.close(session, res));
    this.counters.countStatus(key, 200);
    openEventStream(res);
    // A comment, which no event parser dispatches: the client sees bytes as soon as it listens.
    res.write(': listening\n\n');
  }

  /** `POST /api/chat/messages`: 202 at once, then the reply on the session's stream; the slot lasts as long. */
  private askInSession(res: ServerResponse, key: string, message: SessionMessage, slot: Slot): void {
    // No one is left to tell that the question was accepted.
    if (res.destroyed) return;
    const claimed = this.sessions.claim(message.session);
    if (!claimed.ok) {
      this.send(res, key, failureReply(claimed));
      return;
    }
    const release = slot.keep();
    const stream = claimed.value;
    const meta = this.nextChatMeta(message.plan.model);
    this.send(res, key, reply(202, { session: message.session, id: meta.id }));
    this.streamOn(stream, meta, message.plan, false, (completed) => {
      release();
      this.sessions.release(message.session, stream, completed);
    });
  }

  /** A reply as events on `res`, cut off as the cutRate knob says. */
  private streamOn(
    res: ServerResponse,
    meta: ChatMeta,
    plan: ChatPlan,
    endResponse: boolean,
    onEnd: (completed: boolean) => void,
  ): void {
    const cutAfter = planStreamCut(this.resolved.chat, plan.tokens.length, Math.random());
    streamReply({ res, meta, plan, cutAfter, endResponse, timers: this.timers, onEnd });
  }

  private serveServiceRoute(route: DemoRoute, body: unknown): Reply {
    switch (route.id) {
      case 'health':
        return reply(200, { status: 'ok' });
      case 'stats':
        return reply(200, this.stats());
      case 'reset':
        this.resetState();
        this.log('demo service: state reset');
        return reply(200, { status: 'reset', resetAt: this.resetAt });
      case 'knobs': {
        const before = this.current;
        const next = resolveKnobsPatch(this.current, body ?? {}, { host: this.host, port: this.port });
        if (!next.ok) return failureReply(fail(400, 'BAD_REQUEST', next.issues.join('; ')));
        this.applyKnobs(next.knobs);
        const appliesAfterReset = listStateKnobChanges(before, next.knobs);
        this.log(`demo service: knobs changed: ${JSON.stringify(body)}`);
        return reply(200, { knobs: renderKnobs(this.resolved, this.port), appliesAfterReset });
      }
      default:
        return failureReply(fail(500, 'INTERNAL', `${route.key} is not a service route`));
    }
  }

  /** Writes a JSON reply and counts its status under `key` (none for admin routes). */
  private send(res: ServerResponse, key: string | undefined, answer: Reply): void {
    // The client may have left during a delay; there is no one to answer.
    if (res.destroyed || res.headersSent) return;
    if (key !== undefined) this.counters.countStatus(key, answer.status);
    const json = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...answer.headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  }

  answerCrash(res: ServerResponse, error: unknown): void {
    this.log(
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

  applyKnobs(next: DemoKnobs): void {
    this.current = next;
    this.resolved = resolveDemoKnobs(next);
    if (this.resolved.rateLimit !== undefined) this.limiter?.configure(this.resolved.rateLimit);
    if (this.resolved.capacity !== undefined) this.gate?.configure(this.resolved.capacity);
    else {
      // Turned off: whoever waits is let in, and the next pool starts from zero.
      this.gate?.drain();
      this.gate = undefined;
    }
  }

  private resetState(): void {
    this.state = openState(this.resolved);
    this.limiter = undefined;
    this.counters = createRequestCounters();
    this.rootWork = { requests: 0, rounds: 0 };
    this.sessions.resetCounts();
    this.resetAt = new Date().toISOString();
  }

  stats(): DemoStats {
    return {
      ...summarizeState(this.state),
      rateLimit: this.limiter?.summarize() ?? EMPTY_RATE_LIMIT,
      rateLimitAccuracy: this.limiter?.summarizeAccuracy() ?? null,
      capacity: this.gate?.summarize() ?? null,
      rootWork: { ...this.rootWork },
      chatSessions: this.sessions.summarize(),
      ...this.counters.summarize(),
      startedAt: this.startedAt,
      resetAt: this.resetAt,
      knobs: renderKnobs(this.resolved, this.port),
    };
  }
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
