import { describe, expect, it } from 'vitest';
import {
  MAX_COUPONS,
  SEAT_PRICE,
  chargePoints,
  checkSeatFree,
  createDemoState,
  findUserBySession,
  findUserByToken,
  issueCoupon,
  issueToken,
  listFreeSeats,
  logIn,
  payReservation,
  recordReservation,
  renderSchedules,
  reserveSeat,
  signUp,
  summarizeState,
  type DemoState,
  type User,
} from './state.js';

function newState(overrides: Partial<Parameters<typeof createDemoState>[0]> = {}): DemoState {
  let n = 0;
  return createDemoState(
    { schedules: 2, seatsPerSchedule: 4, initialPoints: 0, couponStock: 2, ...overrides },
    () => `secret-${++n}`,
  );
}

function login(state: DemoState, name: string): User {
  const issued = issueToken(state, name, 'pw');
  if (!issued.ok) throw new Error(issued.message);
  const user = findUserByToken(state, issued.value.token);
  if (user === undefined) throw new Error('no user');
  return user;
}

describe('schedules', () => {
  it('are consecutive dates from the fixed start, across month ends', () => {
    const schedules = renderSchedules(33);
    expect(schedules[0]).toEqual({ scheduleId: 1, date: '2030-01-01' });
    expect(schedules[30]).toEqual({ scheduleId: 31, date: '2030-01-31' });
    expect(schedules[31]).toEqual({ scheduleId: 32, date: '2030-02-01' });
  });
});

describe('users and tokens', () => {
  it('creates a user on first login and returns the same token after', () => {
    const state = newState({ initialPoints: 700 });
    const first = issueToken(state, 'ann', 'pw');
    const again = issueToken(state, 'ann', 'pw');
    expect(first).toEqual({ ok: true, value: { token: 'secret-1', userId: 1 } });
    expect(again).toEqual(first);
    expect(findUserByToken(state, 'secret-1')?.balance).toBe(700);
    expect(findUserByToken(state, 'nope')).toBeUndefined();
  });

  it('refuses an existing user with another password', () => {
    const state = newState();
    issueToken(state, 'ann', 'pw');
    expect(issueToken(state, 'ann', 'other')).toMatchObject({
      ok: false,
      status: 401,
      code: 'BAD_CREDENTIALS',
    });
  });

  it('signs up once per email and logs in with a session', () => {
    const state = newState();
    const signup = signUp(state, 'a@x.io', 'pw');
    expect(signup).toEqual({ ok: true, value: { userId: 1, session: 'secret-1' } });
    expect(signUp(state, 'a@x.io', 'pw')).toMatchObject({ ok: false, status: 409, code: 'EMAIL_TAKEN' });
    expect(logIn(state, 'a@x.io', 'pw')).toEqual(signup);
    expect(logIn(state, 'a@x.io', 'bad')).toMatchObject({ ok: false, status: 401, code: 'BAD_CREDENTIALS' });
    expect(logIn(state, 'b@x.io', 'pw')).toMatchObject({ ok: false, status: 401, code: 'BAD_CREDENTIALS' });
    expect(findUserBySession(state, 'secret-1')?.userId).toBe(1);
  });
});

describe('seats and reservations', () => {
  it('lists free seats only, with global seat ids', () => {
    const state = newState();
    const user = login(state, 'ann');
    expect(reserveSeat(state, user.userId, 2, 6)).toMatchObject({
      ok: true,
      value: { reservationId: 1, scheduleId: 2, seatId: 6, userId: 1, status: 'RESERVED', price: SEAT_PRICE },
    });
    const seats = listFreeSeats(state, 2);
    expect(seats.ok && seats.value.map((seat) => seat.seatId)).toEqual([5, 7, 8]);
    expect(seats.ok && seats.value[0]).toEqual({ seatId: 5, seatNo: 1, price: SEAT_PRICE });
    expect(listFreeSeats(state, 3)).toMatchObject({ ok: false, status: 404, code: 'SCHEDULE_NOT_FOUND' });
  });

  it('refuses a taken seat, a seat of another schedule and an unknown schedule', () => {
    const state = newState();
    const user = login(state, 'ann');
    reserveSeat(state, user.userId, 1, 2);
    expect(reserveSeat(state, user.userId, 1, 2)).toMatchObject({
      ok: false,
      status: 409,
      code: 'SEAT_TAKEN',
    });
    expect(reserveSeat(state, user.userId, 1, 5)).toMatchObject({
      ok: false,
      status: 404,
      code: 'SEAT_NOT_FOUND',
    });
    expect(reserveSeat(state, user.userId, 1, 0)).toMatchObject({
      ok: false,
      status: 404,
      code: 'SEAT_NOT_FOUND',
    });
    expect(reserveSeat(state, user.userId, 9, 1)).toMatchObject({
      ok: false,
      status: 404,
      code: 'SCHEDULE_NOT_FOUND',
    });
    expect(summarizeState(state)).toMatchObject({ seatsBooked: 1, doubleBookings: 0, reservations: 1 });
  });

  it('counts a seat held twice once, however many extra holders it gets', () => {
    const state = newState();
    const checks = [1, 2, 3].map(() => checkSeatFree(state, 1, 3));
    for (const check of checks) if (check.ok) recordReservation(state, 1, 1, check.value);
    expect(checks.every((check) => check.ok)).toBe(true);
    expect(summarizeState(state)).toMatchObject({ seatsBooked: 1, doubleBookings: 1, reservations: 3 });
  });
});

describe('points and payments', () => {
  it('charges whole positive amounts within safe integers', () => {
    const state = newState();
    const user = login(state, 'ann');
    expect(chargePoints(state, user, 5000)).toEqual({ ok: true, value: 5000 });
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      expect(chargePoints(state, user, amount)).toMatchObject({
        ok: false,
        status: 400,
        code: 'BAD_REQUEST',
      });
    }
    expect(chargePoints(state, user, Number.MAX_SAFE_INTEGER)).toMatchObject({ ok: false, status: 400 });
    expect(user.balance).toBe(5000);
  });

  it('pays a reservation once, for its price, from enough balance, by its owner', () => {
    const state = newState();
    const ann = login(state, 'ann');
    const bob = login(state, 'bob');
    reserveSeat(state, ann.userId, 1, 1);
    expect(payReservation(state, ann, 2, SEAT_PRICE)).toMatchObject({
      status: 404,
      code: 'RESERVATION_NOT_FOUND',
    });
    expect(payReservation(state, bob, 1, SEAT_PRICE)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(payReservation(state, ann, 1, 1)).toMatchObject({ status: 400, code: 'AMOUNT_MISMATCH' });
    expect(payReservation(state, ann, 1, SEAT_PRICE)).toMatchObject({
      status: 402,
      code: 'INSUFFICIENT_BALANCE',
    });
    chargePoints(state, ann, 6000);
    expect(payReservation(state, ann, 1, SEAT_PRICE)).toMatchObject({
      ok: true,
      value: { paymentId: 1, balance: 1000, reservation: { reservationId: 1, status: 'PAID' } },
    });
    expect(payReservation(state, ann, 1, SEAT_PRICE)).toMatchObject({ status: 409, code: 'ALREADY_PAID' });
    expect(summarizeState(state).payments).toBe(1);
  });
});

describe('coupons', () => {
  it('issues one per user while stock lasts', () => {
    const state = newState({ couponStock: 2 });
    expect(issueCoupon(state, 'spring', 1)).toEqual({ ok: true, value: { code: 'spring-000001' } });
    expect(issueCoupon(state, 'spring', 1)).toMatchObject({ ok: false, status: 409, code: 'C002' });
    expect(issueCoupon(state, 'spring', 2)).toEqual({ ok: true, value: { code: 'spring-000002' } });
    expect(issueCoupon(state, 'spring', 3)).toEqual({
      ok: false,
      status: 409,
      code: 'C001',
      message: 'sold out',
    });
    expect(issueCoupon(state, 'summer', 3).ok).toBe(true);
    expect(summarizeState(state)).toMatchObject({
      coupons: {
        spring: { issued: 2, stock: 2, remaining: 0 },
        summer: { issued: 1, stock: 2, remaining: 1 },
      },
      couponsIssued: 3,
      couponStock: 2,
    });
  });

  it('keeps a coupon called __proto__ an ordinary key of the summary', () => {
    const state = newState();
    issueCoupon(state, '__proto__', 1);
    const coupons = summarizeState(state).coupons;
    expect(Object.getPrototypeOf(coupons)).toBe(Object.prototype);
    expect(Object.keys(coupons)).toEqual(['__proto__']);
  });

  it('caps the number of coupon ids', () => {
    const state = newState();
    for (let i = 0; i < MAX_COUPONS; i++) issueCoupon(state, `c${i}`, 1);
    expect(issueCoupon(state, 'one-more', 1)).toMatchObject({
      ok: false,
      status: 404,
      code: 'COUPON_NOT_FOUND',
    });
    expect(issueCoupon(state, 'c0', 2).ok).toBe(true);
  });
});
