import { describe, expect, it } from 'vitest';
import { DEMO_ROUTES, matchRoute } from './routes.js';

describe('matchRoute', () => {
  it('finds static routes by method and path, ignoring a trailing slash', () => {
    expect(matchRoute('POST', '/reservations')).toMatchObject({ kind: 'found', route: { id: 'reserve' } });
    expect(matchRoute('POST', '/reservations/')).toMatchObject({ kind: 'found', route: { id: 'reserve' } });
    expect(matchRoute('POST', '/reservations/pay')).toMatchObject({ kind: 'found', route: { id: 'pay' } });
  });

  it('serves the chat completion at OpenAI’s path too, counted under its own key', () => {
    expect(matchRoute('POST', '/v1/chat/completions')).toMatchObject({
      kind: 'found',
      route: { id: 'chat', key: 'POST /v1/chat/completions' },
    });
    expect(matchRoute('POST', '/api/chat')).toMatchObject({ route: { id: 'chat', key: 'POST /api/chat' } });
  });

  it('finds templates and decodes their params', () => {
    expect(matchRoute('POST', '/api/coupons/spring%2025/issue')).toEqual({
      kind: 'found',
      route: expect.objectContaining({ id: 'issueCoupon', key: 'POST /api/coupons/{id}/issue' }),
      params: { id: 'spring 25' },
    });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(matchRoute('GET', '/reservations')).toEqual({ kind: 'method-not-allowed', allow: 'POST' });
    expect(matchRoute('GET', '/api/coupons/1/issue')).toEqual({ kind: 'method-not-allowed', allow: 'POST' });
    expect(matchRoute('GET', '/nope')).toEqual({ kind: 'not-found' });
    expect(matchRoute('POST', '/api/coupons//issue')).toEqual({ kind: 'not-found' });
    expect(matchRoute('POST', '/api/coupons/%E0%A4%A/issue')).toEqual({ kind: 'not-found' });
  });

  it('keys every route by method and template, uniquely', () => {
    const keys = DEMO_ROUTES.map((route) => route.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('GET /health');
  });
});
