import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../k6-templates/runtime/values.js';
import { invariantCheckLabel } from './invariant-label.js';

function context(env: Record<string, string>, secrets: Record<string, string> = {}): EvalContext {
  return {
    vars: {},
    env: (name) => env[name],
    secret: (name) => {
      const value = secrets[name];
      if (value === undefined) throw new Error(`the secret ${name} is not set`);
      return value;
    },
    data: () => undefined,
    vu: () => 0,
    iter: () => 0,
    iterInTest: () => 0,
    scenario: () => 'invariants',
    now: () => 0,
    random: () => 0,
  };
}

describe('invariantCheckLabel', () => {
  it('shows an env reference with its value: a number as a number', () => {
    const ctx = context({ COUPON_STOCK: '20' });
    expect(
      invariantCheckLabel('/admin/stats', { json: '$.couponsIssued', equals: '${env.COUPON_STOCK}' }, ctx),
    ).toBe('$.couponsIssued == 20');
    expect(invariantCheckLabel('/s', { json: '$.n', notEquals: '${env.COUPON_STOCK}' }, ctx)).toBe(
      '$.n != 20',
    );
  });

  it('shows text references inside text, quoted as text', () => {
    const ctx = context({ REGION: 'eu' });
    expect(invariantCheckLabel('/s', { json: '$.region', equals: 'zone-${env.REGION}' }, ctx)).toBe(
      '$.region == "zone-eu"',
    );
  });

  it('leaves an unset variable and literal values as written', () => {
    const ctx = context({});
    expect(invariantCheckLabel('/s', { json: '$.n', equals: '${env.MISSING}' }, ctx)).toBe(
      '$.n == "${env.MISSING}"',
    );
    expect(invariantCheckLabel('/s', { json: '$.n', equals: 0 }, ctx)).toBe('$.n == 0');
    expect(invariantCheckLabel('/s', { status: 200 }, ctx)).toBe('status is 200');
  });

  it('never resolves a secret into text', () => {
    const ctx = context({}, { TOKEN: 'hunter2-secret' });
    const label = invariantCheckLabel('/s', { header: 'x-token', equals: 'Bearer ${secrets.TOKEN}' }, ctx);
    expect(label).not.toContain('hunter2');
    expect(label).toBe('header x-token == "Bearer ${secrets.TOKEN}"');
  });
});
