import { describe, expect, it } from 'vitest';
import { describeDemo } from './describe.js';
import { renderKnobs, resolveDemoKnobs } from './knobs.js';
import type { DemoStats } from './server.js';

describe('describeDemo', () => {
  it('prints the address, every route by group and the knobs', () => {
    const knobs = renderKnobs(resolveDemoKnobs({ latencyMs: 20, allowDoubleBooking: true }), 4000);
    const lines = describeDemo({ url: 'http://127.0.0.1:4000', stats: () => ({ knobs }) as DemoStats });
    expect(lines[0]).toBe('loadctl demo service listening on http://127.0.0.1:4000');
    expect(lines).toContain(
      '  POST /api/coupons/{id}/issue       one per user while stock lasts, else 409 C001/C002',
    );
    expect(lines).toContain(
      '  GET /                              rootWork rounds of SHA-256 per request → {rounds, digest}',
    );
    expect(lines.at(-1)).toMatch(
      /^Knobs: latency 20ms, errors 0%, cpu 0ms, GET \/ 2000 SHA-256 rounds, .*DOUBLE BOOKING ALLOWED/,
    );
  });
});
