// Chat sessions of the two-request cycle: `GET /api/chat/events?session=ID` holds an event stream open, and
// `POST /api/chat/messages {session, …}` asks a question whose reply streams on it. Pure bookkeeping, generic
// over what a stream is (the server's response object; a plain value in tests).
import { parseChatRequest, type ChatPlan } from './chat.js';
import { badRequest, parseFields, parseQueryParam } from './fields.js';
import type { ResolvedChatKnobs } from './knobs.js';
import { fail, ok, type Outcome } from './outcome.js';

const MAX_SESSION = 200;
// Printable and URL-safe, so an id reads the same in a query, a body and the stats.
const SESSION_ID = /^[A-Za-z0-9._:~-]+$/;

export interface SessionSummary {
  /** Event streams open now. */
  open: number;
  /** Event streams opened since the start (or the last reset). */
  opened: number;
  /** Questions accepted (202): each streams one reply. */
  messages: number;
  /** Replies that reached `data: [DONE]` on their stream. */
  replies: number;
}

export interface SessionTable<S> {
  /** A second stream for a session already open is refused: its replies would have two readers. */
  open(id: string, stream: S): Outcome<void>;
  /** Forgets the session if `stream` is still its stream (a later one under the same id stays). */
  close(id: string, stream: S): void;
  /** The session's stream, ready for a question: open and not streaming a reply. */
  claim(id: string): Outcome<S>;
  /** The reply on `id`'s stream is over (done or cut): the session takes the next question. */
  release(id: string, stream: S, completed: boolean): void;
  /** Counts from zero again (POST /admin/reset); open streams stay open. */
  resetCounts(): void;
  summarize(): SessionSummary;
}

export function createSessionTable<S>(): SessionTable<S> {
  const sessions = new Map<string, { stream: S; busy: boolean }>();
  const counts = { opened: 0, messages: 0, replies: 0 };
  return {
    open(id, stream) {
      if (sessions.has(id)) {
        return fail(409, 'SESSION_OPEN', `session ${id} already has an open event stream`);
      }
      sessions.set(id, { stream, busy: false });
      counts.opened++;
      return ok(undefined);
    },
    close(id, stream) {
      if (sessions.get(id)?.stream === stream) sessions.delete(id);
    },
    claim(id) {
      const session = sessions.get(id);
      if (session === undefined) {
        const message = `session ${id} has no open event stream; open GET /api/chat/events?session=${id} first`;
        return fail(404, 'SESSION_NOT_FOUND', message);
      }
      if (session.busy) return fail(409, 'SESSION_BUSY', `session ${id} is still streaming its last reply`);
      session.busy = true;
      counts.messages++;
      return ok(session.stream);
    },
    release(id, stream, completed) {
      const session = sessions.get(id);
      if (session?.stream === stream) session.busy = false;
      if (completed) counts.replies++;
    },
    resetCounts() {
      counts.opened = counts.messages = counts.replies = 0;
    },
    summarize() {
      return { open: sessions.size, ...counts };
    },
  };
}

export function isSessionId(id: string): boolean {
  return id.length > 0 && id.length <= MAX_SESSION && SESSION_ID.test(id);
}

const SESSION_RULE = `1 to ${MAX_SESSION} letters, digits or . _ : ~ -`;

/** `?session=` of the event stream. */
export function parseSessionQuery(query: string): Outcome<string> {
  const id = parseQueryParam(query, 'session');
  if (id === undefined || !isSessionId(id)) {
    return badRequest([`session: expected ${SESSION_RULE} in the query, e.g. ?session=user-1-0`]);
  }
  return ok(id);
}

export interface SessionMessage {
  session: string;
  plan: ChatPlan;
}

/** `POST /api/chat/messages`: a session id and a chat request as `POST /api/chat` takes it (never `stream`). */
export function parseSessionMessage(
  body: unknown,
  knobs: Pick<ResolvedChatKnobs, 'ttftMs' | 'tokenDelayMs' | 'tokens'>,
): Outcome<SessionMessage> {
  const issues: string[] = [];
  const fields = parseFields(body, issues);
  if (issues.length > 0) return badRequest(issues);
  const session = fields.session;
  if (typeof session !== 'string' || !isSessionId(session)) issues.push(`session: expected ${SESSION_RULE}`);
  const chat = parseChatRequest(body, knobs);
  if (!chat.ok) issues.push(chat.message);
  if (issues.length > 0) return badRequest(issues);
  if (!chat.ok) return chat;
  return ok({ session: session as string, plan: { ...chat.value, stream: true } });
}
