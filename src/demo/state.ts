// The demo service's business state and rules: users, tokens, seats, reservations, points, coupons. Pure data
// and synchronous functions, no I/O and no clock: in Node's single thread a synchronous check-and-set cannot
// interleave with another request, which is what makes reservations and coupon issuing atomic. Secrets come
// from an injected generator so tests are deterministic.

import { fail, ok, type Failure, type Outcome } from './outcome.js';

/** Every seat costs the same: plans can hard-code the amount they pay. */
export const SEAT_PRICE = 5000;

/** Schedules are consecutive days from this date, fixed so runs stay comparable and never fall in the past. */
export const FIRST_SCHEDULE_DATE = { year: 2030, monthIndex: 0, day: 1 } as const;

export const MAX_COUPONS = 10_000;

export interface DemoStateConfig {
  schedules: number;
  seatsPerSchedule: number;
  initialPoints: number;
  couponStock: number;
}

export interface User {
  userId: number;
  login: string;
  password: string;
  balance: number;
  token: string | undefined;
  session: string | undefined;
}

export type ReservationStatus = 'RESERVED' | 'PAID';

export interface Reservation {
  reservationId: number;
  scheduleId: number;
  seatId: number;
  userId: number;
  status: ReservationStatus;
  price: number;
}

export interface Schedule {
  scheduleId: number;
  date: string;
}

export interface Seat {
  seatId: number;
  seatNo: number;
  price: number;
}

interface Coupon {
  stock: number;
  issued: number;
  holders: Set<number>;
}

export interface DemoState {
  readonly config: DemoStateConfig;
  readonly newSecret: () => string;
  readonly schedules: readonly Schedule[];
  readonly usersByLogin: Map<string, User>;
  /** Index userId - 1. */
  readonly users: User[];
  readonly tokens: Map<string, User>;
  readonly sessions: Map<string, User>;
  /** Per schedule, how many reservations hold each seat (index seatNo - 1); allocated on first booking. */
  readonly seatHolders: Map<number, Uint32Array>;
  /** Index reservationId - 1. */
  readonly reservations: Reservation[];
  readonly coupons: Map<string, Coupon>;
  seatsBooked: number;
  doubleBookings: number;
  payments: number;
  couponsIssued: number;
}

export interface StateSummary {
  seatsBooked: number;
  doubleBookings: number;
  reservations: number;
  payments: number;
  coupons: Record<string, { issued: number; stock: number; remaining: number }>;
  couponsIssued: number;
  couponStock: number;
  users: number;
}

export function createDemoState(config: DemoStateConfig, newSecret: () => string): DemoState {
  return {
    config: { ...config },
    newSecret,
    schedules: renderSchedules(config.schedules),
    usersByLogin: new Map(),
    users: [],
    tokens: new Map(),
    sessions: new Map(),
    seatHolders: new Map(),
    reservations: [],
    coupons: new Map(),
    seatsBooked: 0,
    doubleBookings: 0,
    payments: 0,
    couponsIssued: 0,
  };
}

export function renderSchedules(count: number): Schedule[] {
  const { year, monthIndex, day } = FIRST_SCHEDULE_DATE;
  return Array.from({ length: count }, (_, index) => ({
    scheduleId: index + 1,
    date: new Date(Date.UTC(year, monthIndex, day + index)).toISOString().slice(0, 10),
  }));
}

// ---------------------------------------------------------------- users and credentials

/** Logs in, creating the user on first login. Tokens are one per user so memory stays bounded under load. */
export function issueToken(
  state: DemoState,
  username: string,
  password: string,
): Outcome<{ token: string; userId: number }> {
  let user = state.usersByLogin.get(username);
  if (user === undefined) user = addUser(state, username, password);
  else if (user.password !== password)
    return fail(401, 'BAD_CREDENTIALS', 'wrong password for this username');
  if (user.token === undefined) {
    user.token = state.newSecret();
    state.tokens.set(user.token, user);
  }
  return ok({ token: user.token, userId: user.userId });
}

export function signUp(
  state: DemoState,
  email: string,
  password: string,
): Outcome<{ userId: number; session: string }> {
  if (state.usersByLogin.has(email))
    return fail(409, 'EMAIL_TAKEN', 'an account with this email already exists');
  const user = addUser(state, email, password);
  return ok({ userId: user.userId, session: openSession(state, user) });
}

export function logIn(
  state: DemoState,
  email: string,
  password: string,
): Outcome<{ userId: number; session: string }> {
  const user = state.usersByLogin.get(email);
  // One message for both cases so the endpoint does not reveal which emails exist.
  if (user === undefined || user.password !== password) {
    return fail(401, 'BAD_CREDENTIALS', 'unknown email or wrong password');
  }
  return ok({ userId: user.userId, session: openSession(state, user) });
}

export function findUserByToken(state: DemoState, token: string): User | undefined {
  return state.tokens.get(token);
}

export function findUserBySession(state: DemoState, session: string): User | undefined {
  return state.sessions.get(session);
}

function addUser(state: DemoState, login: string, password: string): User {
  const user: User = {
    userId: state.users.length + 1,
    login,
    // Plain text on purpose: an in-memory demo on loopback, never real credentials.
    password,
    balance: state.config.initialPoints,
    token: undefined,
    session: undefined,
  };
  state.users.push(user);
  state.usersByLogin.set(login, user);
  return user;
}

function openSession(state: DemoState, user: User): string {
  if (user.session === undefined) {
    user.session = state.newSecret();
    state.sessions.set(user.session, user);
  }
  return user.session;
}

// ---------------------------------------------------------------- seats and reservations

export function findSchedule(state: DemoState, scheduleId: number): Schedule | undefined {
  return Number.isInteger(scheduleId) ? state.schedules[scheduleId - 1] : undefined;
}

export function seatIdOf(state: DemoState, scheduleId: number, seatNo: number): number {
  return (scheduleId - 1) * state.config.seatsPerSchedule + seatNo;
}

export function listFreeSeats(state: DemoState, scheduleId: number): Outcome<Seat[]> {
  if (findSchedule(state, scheduleId) === undefined) return scheduleNotFound(scheduleId);
  const holders = state.seatHolders.get(scheduleId);
  const seats: Seat[] = [];
  for (let seatNo = 1; seatNo <= state.config.seatsPerSchedule; seatNo++) {
    if (holders === undefined || holders[seatNo - 1] === 0) {
      seats.push({ seatId: seatIdOf(state, scheduleId, seatNo), seatNo, price: SEAT_PRICE });
    }
  }
  return ok(seats);
}

/** The availability half of a reservation. Returns the seat number within its schedule. */
export function checkSeatFree(state: DemoState, scheduleId: number, seatId: number): Outcome<number> {
  if (findSchedule(state, scheduleId) === undefined) return scheduleNotFound(scheduleId);
  const seatNo = seatId - seatIdOf(state, scheduleId, 0);
  if (!Number.isInteger(seatId) || seatNo < 1 || seatNo > state.config.seatsPerSchedule) {
    return fail(404, 'SEAT_NOT_FOUND', `seat ${seatId} is not in schedule ${scheduleId}`);
  }
  if ((state.seatHolders.get(scheduleId)?.[seatNo - 1] ?? 0) > 0) {
    return fail(409, 'SEAT_TAKEN', `seat ${seatId} is already reserved`);
  }
  return ok(seatNo);
}

/**
 * The recording half: records unconditionally, so a seat checked free earlier may end up held twice. Only the
 * deliberate `allowDoubleBooking` race calls this apart from `reserveSeat`.
 */
export function recordReservation(
  state: DemoState,
  userId: number,
  scheduleId: number,
  seatNo: number,
): Reservation {
  let holders = state.seatHolders.get(scheduleId);
  if (holders === undefined) {
    holders = new Uint32Array(state.config.seatsPerSchedule);
    state.seatHolders.set(scheduleId, holders);
  }
  const before = holders[seatNo - 1] ?? 0;
  holders[seatNo - 1] = before + 1;
  if (before === 0) state.seatsBooked++;
  if (before === 1) state.doubleBookings++;
  const reservation: Reservation = {
    reservationId: state.reservations.length + 1,
    scheduleId,
    seatId: seatIdOf(state, scheduleId, seatNo),
    userId,
    status: 'RESERVED',
    price: SEAT_PRICE,
  };
  state.reservations.push(reservation);
  return reservation;
}

/** Check and record in one synchronous step: atomic in Node's single thread. */
export function reserveSeat(
  state: DemoState,
  userId: number,
  scheduleId: number,
  seatId: number,
): Outcome<Reservation> {
  const free = checkSeatFree(state, scheduleId, seatId);
  return free.ok ? ok(recordReservation(state, userId, scheduleId, free.value)) : free;
}

// ---------------------------------------------------------------- points and payments

/** Points are whole numbers and stay safe integers, so balances never lose precision. */
export function chargePoints(state: DemoState, user: User, amount: number): Outcome<number> {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    return fail(400, 'BAD_REQUEST', 'amount: expected a whole number of points above 0');
  }
  if (user.balance + amount > Number.MAX_SAFE_INTEGER) {
    return fail(400, 'BAD_REQUEST', 'amount: the balance would exceed the largest safe integer');
  }
  user.balance += amount;
  return ok(user.balance);
}

export function payReservation(
  state: DemoState,
  user: User,
  reservationId: number,
  amount: number,
): Outcome<{ paymentId: number; reservation: Reservation; balance: number }> {
  const reservation = Number.isInteger(reservationId) ? state.reservations[reservationId - 1] : undefined;
  if (reservation === undefined) {
    return fail(404, 'RESERVATION_NOT_FOUND', `no reservation ${reservationId}`);
  }
  if (reservation.userId !== user.userId) {
    return fail(403, 'FORBIDDEN', `reservation ${reservationId} belongs to another user`);
  }
  if (reservation.status === 'PAID')
    return fail(409, 'ALREADY_PAID', `reservation ${reservationId} is already paid`);
  if (amount !== reservation.price) {
    return fail(400, 'AMOUNT_MISMATCH', `amount ${amount} does not match the price ${reservation.price}`);
  }
  if (user.balance < amount) {
    return fail(
      402,
      'INSUFFICIENT_BALANCE',
      `balance ${user.balance} is below the price ${amount}; charge points first`,
    );
  }
  user.balance -= amount;
  reservation.status = 'PAID';
  state.payments++;
  return ok({ paymentId: state.payments, reservation, balance: user.balance });
}

// ---------------------------------------------------------------- coupons

export function issueCoupon(state: DemoState, couponId: string, userId: number): Outcome<{ code: string }> {
  let coupon = state.coupons.get(couponId);
  if (coupon === undefined) {
    // Any id in the path names a coupon; the cap keeps a stream of made-up ids from growing memory forever.
    if (state.coupons.size >= MAX_COUPONS) {
      return fail(
        404,
        'COUPON_NOT_FOUND',
        `no coupon ${couponId}: at most ${MAX_COUPONS} coupon ids per reset`,
      );
    }
    coupon = { stock: state.config.couponStock, issued: 0, holders: new Set() };
    state.coupons.set(couponId, coupon);
  }
  // The duplicate check comes first: "you already have one" is the truer answer once stock runs out too.
  if (coupon.holders.has(userId)) return fail(409, 'C002', 'already issued to this user');
  if (coupon.issued >= coupon.stock) return fail(409, 'C001', 'sold out');
  coupon.issued++;
  coupon.holders.add(userId);
  state.couponsIssued++;
  return ok({ code: `${couponId}-${String(coupon.issued).padStart(6, '0')}` });
}

// ---------------------------------------------------------------- stats

export function summarizeState(state: DemoState): StateSummary {
  // fromEntries defines own properties, so a coupon id such as "__proto__" stays an ordinary key.
  const coupons: StateSummary['coupons'] = Object.fromEntries(
    Array.from(state.coupons, ([id, c]) => [
      id,
      { issued: c.issued, stock: c.stock, remaining: c.stock - c.issued },
    ]),
  );
  return {
    seatsBooked: state.seatsBooked,
    doubleBookings: state.doubleBookings,
    reservations: state.reservations.length,
    payments: state.payments,
    coupons,
    couponsIssued: state.couponsIssued,
    couponStock: state.config.couponStock,
    users: state.users.length,
  };
}

function scheduleNotFound(scheduleId: number): Failure {
  return fail(404, 'SCHEDULE_NOT_FOUND', `no schedule ${scheduleId}`);
}
