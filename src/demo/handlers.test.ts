import { describe, expect, it } from 'vitest';
import { handleBusinessRequest, type DemoAction, type DemoRequest } from './handlers.js';
import { resolveDemoKnobs } from './knobs.js';
import { DEMO_ROUTES, type RouteId } from './routes.js';
import { createDemoState, summarizeState, type DemoState } from './state.js';

function newState(): DemoState {
  let n = 0;
  return createDemoState(
    { schedules: 1, seatsPerSchedule: 2, initialPoints: 0, couponStock: 1 },
    () => `s${++n}`,
  );
}

function request(id: RouteId, parts: Partial<Omit<DemoRequest, 'route'>> = {}): DemoRequest {
  const route = DEMO_ROUTES.find((r) => r.id === id);
  if (route === undefined) throw new Error(id);
  return { route, params: {}, query: '', body: undefined, bearer: undefined, session: undefined, ...parts };
}

function replyOf(action: DemoAction): {
  status: number;
  body: unknown;
  headers?: Readonly<Record<string, string>>;
} {
  if (action.kind === 'race') return action.commit();
  if (action.kind !== 'reply') throw new Error(action.kind);
  return action;
}

const KNOBS = resolveDemoKnobs({});

describe('handleBusinessRequest', () => {
  it('asks for a token on protected routes and refuses another user id', () => {
    const state = newState();
    expect(replyOf(handleBusinessRequest(request('dates'), state, KNOBS))).toMatchObject({
      status: 401,
      body: { error: { code: 'AUTH_REQUIRED' } },
    });
    replyOf(
      handleBusinessRequest(request('authToken', { body: { username: 'a', password: 'p' } }), state, KNOBS),
    );
    const reserve = request('reserve', { bearer: 's1', body: { scheduleId: 1, seatId: 1, userId: 2 } });
    expect(replyOf(handleBusinessRequest(reserve, state, KNOBS))).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
  });

  it('lists all validation problems in one 400', () => {
    const reply = replyOf(
      handleBusinessRequest(request('authToken', { body: { username: '' } }), newState(), KNOBS),
    );
    expect(reply).toEqual({
      kind: 'reply',
      status: 400,
      body: {
        error: {
          code: 'BAD_REQUEST',
          message:
            'username: expected a non-empty string of at most 100 characters; password: expected a non-empty string of at most 200 characters',
        },
      },
    });
  });

  it('reserves atomically, or returns a race to run when double booking is allowed', () => {
    const state = newState();
    handleBusinessRequest(request('authToken', { body: { username: 'a', password: 'p' } }), state, KNOBS);
    const reserve = request('reserve', { bearer: 's1', body: { scheduleId: '1', seatId: '2' } });
    const racy = resolveDemoKnobs({ allowDoubleBooking: true });
    const first = handleBusinessRequest(reserve, state, racy);
    const second = handleBusinessRequest(reserve, state, racy);
    expect([first.kind, second.kind]).toEqual(['race', 'race']);
    expect([replyOf(first).status, replyOf(second).status]).toEqual([201, 201]);
    expect(summarizeState(state).doubleBookings).toBe(1);
    expect(replyOf(handleBusinessRequest(reserve, state, KNOBS))).toMatchObject({
      status: 409,
      body: { error: { code: 'SEAT_TAKEN' } },
    });
  });

  it('sets the session cookie on signup and issues coupons against it', () => {
    const state = newState();
    const signup = replyOf(
      handleBusinessRequest(request('signup', { body: { email: 'a@b', password: 'p' } }), state, KNOBS),
    );
    expect(signup).toMatchObject({
      status: 201,
      body: { userId: 1 },
      headers: { 'set-cookie': 'SESSION=s1; Path=/; HttpOnly' },
    });
    const issue = request('issueCoupon', { params: { id: '7' }, session: 's1' });
    expect(replyOf(handleBusinessRequest(issue, state, KNOBS))).toMatchObject({
      status: 200,
      body: { couponId: '7', code: '7-000001', userId: 1 },
    });
    expect(replyOf(handleBusinessRequest({ ...issue, session: 'nope' }, state, KNOBS))).toMatchObject({
      status: 401,
    });
  });

  it('validates the seat query and answers unknown schedules with 404', () => {
    const state = newState();
    handleBusinessRequest(request('authToken', { body: { username: 'a', password: 'p' } }), state, KNOBS);
    expect(
      replyOf(handleBusinessRequest(request('seats', { bearer: 's1', query: 'scheduleId=x' }), state, KNOBS))
        .status,
    ).toBe(400);
    expect(
      replyOf(handleBusinessRequest(request('seats', { bearer: 's1', query: 'scheduleId=9' }), state, KNOBS)),
    ).toMatchObject({
      status: 404,
      body: { error: { code: 'SCHEDULE_NOT_FOUND' } },
    });
  });

  it('turns a chat request into a plan', () => {
    const action = handleBusinessRequest(
      request('chat', { body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } }),
      newState(),
      KNOBS,
    );
    expect(action).toMatchObject({ kind: 'chat', plan: { model: 'm', stream: false } });
  });
});
