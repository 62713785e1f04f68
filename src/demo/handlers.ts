// Business routes as functions from a parsed request and the state to an action for the server to carry out.
// Synchronous and free of I/O: the two things that need time (the deliberate reservation race and chat token
// pacing) come back as actions, and the server runs their timers.
import { parseChatRequest, type ChatPlan } from './chat.js';
import { parseSessionMessage, parseSessionQuery, type SessionMessage } from './sessions.js';
import {
  badRequest,
  parseFields,
  parseIdField,
  parseOptionalIdField,
  parseQueryParam,
  parseStringField,
  parseWholeNumber,
} from './fields.js';
import type { ResolvedDemoKnobs } from './knobs.js';
import { fail, type Failure, type Outcome } from './outcome.js';
import type { DemoRoute } from './routes.js';
import {
  chargePoints,
  checkSeatFree,
  findUserBySession,
  findUserByToken,
  issueCoupon,
  issueToken,
  listFreeSeats,
  logIn,
  payReservation,
  recordReservation,
  reserveSeat,
  signUp,
  type DemoState,
  type Reservation,
  type User,
} from './state.js';

export interface DemoRequest {
  route: DemoRoute;
  params: Readonly<Record<string, string>>;
  /** The query string without its "?". */
  query: string;
  /** Parsed JSON, or undefined when the request had no body. */
  body: unknown;
  bearer: string | undefined;
  session: string | undefined;
}

export interface Reply {
  kind: 'reply';
  status: number;
  body: unknown;
  headers?: Readonly<Record<string, string>>;
}

export type DemoAction =
  | Reply
  /** Yield to the event loop, then commit: the deliberately non-atomic reservation of `allowDoubleBooking`. */
  | { kind: 'race'; seat: string; commit: () => Reply }
  | { kind: 'chat'; plan: ChatPlan }
  /** `GET /api/chat/events`: open the session's event stream. */
  | { kind: 'chatEvents'; session: string }
  /** `POST /api/chat/messages`: stream the reply on the session's open stream. */
  | { kind: 'chatMessage'; message: SessionMessage }
  /** `GET /`: the server computes the rounds (root-work.ts) and counts them. */
  | { kind: 'work'; rounds: number };

const MAX_NAME = 100;
const MAX_EMAIL = 254;
const MAX_PASSWORD = 200;
const MAX_COUPON_ID = 64;

export function handleBusinessRequest(
  request: DemoRequest,
  state: DemoState,
  knobs: ResolvedDemoKnobs,
): DemoAction {
  switch (request.route.id) {
    case 'root':
      return { kind: 'work', rounds: knobs.rootWork };
    case 'authToken':
      return handleAuthToken(request, state);
    case 'dates':
      return withUser(request, state, () => reply(200, { dates: state.schedules }));
    case 'seats':
      return withUser(request, state, () => handleSeats(request, state));
    case 'reserve':
      return withUser(request, state, (user) =>
        handleReserve(request, state, user, knobs.allowDoubleBooking),
      );
    case 'pay':
      return withUser(request, state, (user) => handlePay(request, state, user));
    case 'balance':
      return withUser(request, state, (user) => handleBalance(request, user));
    case 'charge':
      return withUser(request, state, (user) => handleCharge(request, state, user));
    case 'signup':
    case 'login':
      return handleAccount(request, state);
    case 'issueCoupon':
      return handleIssueCoupon(request, state);
    case 'chat': {
      // Auth is optional here, as with a local model server: any bearer token, or none, is accepted.
      const plan = parseChatRequest(request.body, knobs.chat);
      return plan.ok ? { kind: 'chat', plan: plan.value } : failureReply(plan);
    }
    case 'chatEvents': {
      const session = parseSessionQuery(request.query);
      return session.ok ? { kind: 'chatEvents', session: session.value } : failureReply(session);
    }
    case 'chatMessage': {
      const message = parseSessionMessage(request.body, knobs.chat);
      return message.ok ? { kind: 'chatMessage', message: message.value } : failureReply(message);
    }
    case 'health':
    case 'stats':
    case 'reset':
    case 'knobs':
      return failureReply(fail(500, 'INTERNAL', `${request.route.key} is not a business route`));
  }
}

export function reply(status: number, body: unknown, headers?: Readonly<Record<string, string>>): Reply {
  return headers === undefined ? { kind: 'reply', status, body } : { kind: 'reply', status, body, headers };
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

export function failureReply(failure: Failure, headers?: Readonly<Record<string, string>>): Reply {
  return reply(failure.status, errorBody(failure.code, failure.message), headers);
}

function handleAuthToken(request: DemoRequest, state: DemoState): Reply {
  const issues: string[] = [];
  const fields = parseFields(request.body, issues);
  const username = parseStringField(fields, 'username', issues, MAX_NAME);
  const password = parseStringField(fields, 'password', issues, MAX_PASSWORD);
  if (issues.length > 0) return failureReply(badRequest(issues));
  return toReply(issueToken(state, username, password), 200);
}

function handleSeats(request: DemoRequest, state: DemoState): Reply {
  const scheduleId = parseWholeNumber(parseQueryParam(request.query, 'scheduleId'));
  if (scheduleId === undefined || scheduleId < 1) {
    return failureReply(
      badRequest(['scheduleId: expected a positive whole number in the query, e.g. ?scheduleId=1']),
    );
  }
  const seats = listFreeSeats(state, scheduleId);
  return seats.ok ? reply(200, { scheduleId, seats: seats.value }) : failureReply(seats);
}

function handleReserve(
  request: DemoRequest,
  state: DemoState,
  user: User,
  allowDoubleBooking: boolean,
): DemoAction {
  const issues: string[] = [];
  const fields = parseFields(request.body, issues);
  const scheduleId = parseIdField(fields, 'scheduleId', issues);
  const seatId = parseIdField(fields, 'seatId', issues);
  const mismatch = checkSameUser(parseOptionalIdField(fields, 'userId', issues), user);
  if (issues.length > 0) return failureReply(badRequest(issues));
  if (mismatch !== undefined) return failureReply(mismatch);
  if (!allowDoubleBooking)
    return toReply(reserveSeat(state, user.userId, scheduleId, seatId), 201, renderReservation);
  const free = checkSeatFree(state, scheduleId, seatId);
  if (!free.ok) return failureReply(free);
  return {
    kind: 'race',
    seat: `${scheduleId}:${free.value}`,
    commit: () =>
      reply(201, renderReservation(recordReservation(state, user.userId, scheduleId, free.value))),
  };
}

function handlePay(request: DemoRequest, state: DemoState, user: User): Reply {
  const issues: string[] = [];
  const fields = parseFields(request.body, issues);
  const reservationId = parseIdField(fields, 'reservationId', issues);
  const amount = parseWholeNumber(fields.amount);
  if (amount === undefined) issues.push('amount: expected a whole number of points');
  const mismatch = checkSameUser(parseOptionalIdField(fields, 'userId', issues), user);
  if (issues.length > 0) return failureReply(badRequest(issues));
  if (mismatch !== undefined) return failureReply(mismatch);
  const paid = payReservation(state, user, reservationId, amount ?? 0);
  if (!paid.ok) return failureReply(paid);
  const { paymentId, reservation, balance } = paid.value;
  return reply(200, {
    paymentId,
    reservationId: reservation.reservationId,
    status: reservation.status,
    balance,
  });
}

function handleBalance(request: DemoRequest, user: User): Reply {
  const queried = parseQueryParam(request.query, 'userId');
  if (queried !== undefined) {
    const userId = parseWholeNumber(queried);
    if (userId === undefined) return failureReply(badRequest(['userId: expected a positive whole number']));
    const mismatch = checkSameUser(userId, user);
    if (mismatch !== undefined) return failureReply(mismatch);
  }
  return reply(200, { userId: user.userId, balance: user.balance });
}

function handleCharge(request: DemoRequest, state: DemoState, user: User): Reply {
  const issues: string[] = [];
  const fields = parseFields(request.body, issues);
  const amount = parseWholeNumber(fields.amount);
  if (amount === undefined || amount < 1) issues.push('amount: expected a whole number of points above 0');
  const mismatch = checkSameUser(parseOptionalIdField(fields, 'userId', issues), user);
  if (issues.length > 0) return failureReply(badRequest(issues));
  if (mismatch !== undefined) return failureReply(mismatch);
  const balance = chargePoints(state, user, amount ?? 0);
  return balance.ok ? reply(200, { userId: user.userId, balance: balance.value }) : failureReply(balance);
}

function handleAccount(request: DemoRequest, state: DemoState): Reply {
  const issues: string[] = [];
  const fields = parseFields(request.body, issues);
  const email = parseStringField(fields, 'email', issues, MAX_EMAIL);
  if (email !== '' && !email.includes('@')) issues.push('email: expected an address with "@"');
  const password = parseStringField(fields, 'password', issues, MAX_PASSWORD);
  if (issues.length > 0) return failureReply(badRequest(issues));
  const signup = request.route.id === 'signup';
  const account = signup ? signUp(state, email, password) : logIn(state, email, password);
  if (!account.ok) return failureReply(account);
  return reply(
    signup ? 201 : 200,
    { userId: account.value.userId },
    { 'set-cookie': renderSessionCookie(account.value.session) },
  );
}

function handleIssueCoupon(request: DemoRequest, state: DemoState): Reply {
  const user = request.session === undefined ? undefined : findUserBySession(state, request.session);
  if (user === undefined) {
    return failureReply(
      fail(401, 'AUTH_REQUIRED', 'send the SESSION cookie from POST /api/auth/signup or /api/auth/login'),
    );
  }
  const couponId = request.params.id ?? '';
  if (couponId.length > MAX_COUPON_ID) {
    return failureReply(fail(404, 'COUPON_NOT_FOUND', `coupon ids are at most ${MAX_COUPON_ID} characters`));
  }
  const issued = issueCoupon(state, couponId, user.userId);
  return issued.ok
    ? reply(200, { couponId, code: issued.value.code, userId: user.userId })
    : failureReply(issued);
}

export function renderSessionCookie(session: string): string {
  return `SESSION=${session}; Path=/; HttpOnly`;
}

function withUser(request: DemoRequest, state: DemoState, then: (user: User) => DemoAction): DemoAction {
  const user = request.bearer === undefined ? undefined : findUserByToken(state, request.bearer);
  if (user === undefined) {
    return failureReply(
      fail(401, 'AUTH_REQUIRED', 'send Authorization: Bearer <token> from POST /auth/token'),
    );
  }
  return then(user);
}

/** A body may name its user (plans often send it); it must then be the token's user. */
function checkSameUser(userId: number | undefined, user: User): Failure | undefined {
  if (userId === undefined || userId === user.userId) return undefined;
  return fail(403, 'FORBIDDEN', `userId ${userId} is not the user of this token (${user.userId})`);
}

/** The public fields, copied: the state's record is live and must not leak later changes into a reply. */
function renderReservation(r: Reservation): object {
  return {
    reservationId: r.reservationId,
    scheduleId: r.scheduleId,
    seatId: r.seatId,
    userId: r.userId,
    status: r.status,
    price: r.price,
  };
}

function toReply<T>(
  outcome: Outcome<T>,
  status: number,
  render: (value: T) => unknown = (value) => value,
): Reply {
  return outcome.ok ? reply(status, render(outcome.value)) : failureReply(outcome);
}
