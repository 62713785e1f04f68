// An existing k6 script in the usual style: the target from BASE_URL, stages, thresholds, checks and a
// custom Rate. loadctl runs it unchanged (see existing-script.yaml).
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Rate } from 'k6/metrics';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const SCHEDULE_ID = __ENV.SCHEDULE_ID || '1';

export const reserveAnswered = new Rate('reserve_answered');

export const options = {
  stages: [
    { duration: '30s', target: 20 },
    { duration: '1m', target: 20 },
    { duration: '30s', target: 0 },
  ],
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<500'],
    reserve_answered: ['rate>0.99'],
  },
};

export function setup() {
  const res = http.post(
    `${BASE_URL}/auth/token`,
    JSON.stringify({ username: 'k6-user', password: 'k6-pass' }),
    {
      headers: { 'Content-Type': 'application/json' },
      tags: { name: 'token' },
    },
  );
  check(res, { 'logged in': (r) => r.status === 200 });
  return { token: res.json('token') };
}

export default function (data) {
  const params = { headers: { Authorization: `Bearer ${data.token}`, 'Content-Type': 'application/json' } };
  const seats = http.get(`${BASE_URL}/reservations/available/seat?scheduleId=${SCHEDULE_ID}`, {
    ...params,
    tags: { name: 'seats' },
  });
  check(seats, { 'seats listed': (r) => r.status === 200 });
  const free = seats.json('seats') || [];
  if (free.length > 0) {
    const seat = free[Math.floor(Math.random() * free.length)];
    const res = http.post(
      `${BASE_URL}/reservations`,
      JSON.stringify({ scheduleId: Number(SCHEDULE_ID), seatId: seat.seatId }),
      {
        ...params,
        tags: { name: 'reserve' },
        responseCallback: http.expectedStatuses(201, 409),
      },
    );
    reserveAnswered.add(res.status === 201 || res.status === 409);
    check(res, { 'reserved or taken': (r) => r.status === 201 || r.status === 409 });
  }
  sleep(1);
}
