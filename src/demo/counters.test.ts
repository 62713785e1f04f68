import { describe, expect, it } from 'vitest';
import { createRequestCounters } from './counters.js';

describe('createRequestCounters', () => {
  it('counts requests and statuses per key', () => {
    const counters = createRequestCounters();
    counters.countRequest('POST /reservations');
    counters.countRequest('POST /reservations');
    counters.countStatus('POST /reservations', 201);
    counters.countStatus('POST /reservations', 409);
    counters.countStatus('POST /reservations', 409);
    expect(counters.summarize()).toEqual({
      requests: { 'POST /reservations': 2 },
      statuses: { 'POST /reservations': { '201': 1, '409': 2 } },
    });
  });
});
