// The demo service's route table and matching. Pure. Counters and stats key on a route's template
// ("POST /api/coupons/{id}/issue"), never the raw URL, so a thousand coupon ids stay one line in the stats.

export type RouteKind = 'business' | 'health' | 'admin';

export interface DemoRoute {
  readonly id: RouteId;
  readonly method: string;
  readonly path: string;
  readonly kind: RouteKind;
  readonly group: string;
  readonly summary: string;
  /** The route reads a JSON body. */
  readonly body: boolean;
  /** "METHOD template": the key of request and status counters. */
  readonly key: string;
}

type RouteSpec = Omit<DemoRoute, 'key'>;

const SPECS = [
  {
    id: 'health',
    method: 'GET',
    path: '/health',
    kind: 'health',
    group: 'service',
    summary: 'liveness',
    body: false,
  },
  {
    id: 'root',
    method: 'GET',
    path: '/',
    kind: 'business',
    group: 'cpu',
    summary: 'rootWork rounds of SHA-256 per request → {rounds, digest}',
    body: false,
  },
  {
    id: 'authToken',
    method: 'POST',
    path: '/auth/token',
    kind: 'business',
    group: 'reservations',
    summary: '{username, password} → {token, userId}',
    body: true,
  },
  {
    id: 'dates',
    method: 'GET',
    path: '/reservations/available/dates',
    kind: 'business',
    group: 'reservations',
    summary: 'bookable dates',
    body: false,
  },
  {
    id: 'seats',
    method: 'GET',
    path: '/reservations/available/seat',
    kind: 'business',
    group: 'reservations',
    summary: '?scheduleId= → free seats',
    body: false,
  },
  {
    id: 'reserve',
    method: 'POST',
    path: '/reservations',
    kind: 'business',
    group: 'reservations',
    summary: '{scheduleId, seatId} → 201, or 409 SEAT_TAKEN',
    body: true,
  },
  {
    id: 'pay',
    method: 'POST',
    path: '/reservations/pay',
    kind: 'business',
    group: 'reservations',
    summary: '{reservationId, amount} → PAID, or 402 INSUFFICIENT_BALANCE',
    body: true,
  },
  {
    id: 'balance',
    method: 'GET',
    path: '/points/balance',
    kind: 'business',
    group: 'reservations',
    summary: 'point balance',
    body: false,
  },
  {
    id: 'charge',
    method: 'POST',
    path: '/points/charge',
    kind: 'business',
    group: 'reservations',
    summary: '{amount} → balance',
    body: true,
  },
  {
    id: 'signup',
    method: 'POST',
    path: '/api/auth/signup',
    kind: 'business',
    group: 'coupons',
    summary: '{email, password} → SESSION cookie',
    body: true,
  },
  {
    id: 'login',
    method: 'POST',
    path: '/api/auth/login',
    kind: 'business',
    group: 'coupons',
    summary: '{email, password} → SESSION cookie',
    body: true,
  },
  {
    id: 'issueCoupon',
    method: 'POST',
    path: '/api/coupons/{id}/issue',
    kind: 'business',
    group: 'coupons',
    summary: 'one per user while stock lasts, else 409 C001/C002',
    body: false,
  },
  {
    id: 'chat',
    method: 'POST',
    path: '/api/chat',
    kind: 'business',
    group: 'chat',
    summary: 'OpenAI-style completion; "stream": true for SSE',
    body: true,
  },
  {
    // The same completion at OpenAI's own path, so a plan written for an OpenAI-compatible server (vLLM)
    // runs on the demo unchanged.
    id: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    kind: 'business',
    group: 'chat',
    summary: 'the same as POST /api/chat, at the OpenAI path',
    body: true,
  },
  {
    id: 'chatEvents',
    method: 'GET',
    path: '/api/chat/events',
    kind: 'business',
    group: 'chat',
    summary: "?session= → a held-open SSE stream that carries the session's replies",
    body: false,
  },
  {
    id: 'chatMessage',
    method: 'POST',
    path: '/api/chat/messages',
    kind: 'business',
    group: 'chat',
    summary: "{session, model, messages} → 202; the reply streams on the session's GET",
    body: true,
  },
  {
    id: 'stats',
    method: 'GET',
    path: '/admin/stats',
    kind: 'admin',
    group: 'admin',
    summary: 'counters',
    body: false,
  },
  {
    id: 'reset',
    method: 'POST',
    path: '/admin/reset',
    kind: 'admin',
    group: 'admin',
    summary: 'clear state',
    body: false,
  },
  {
    id: 'knobs',
    method: 'PUT',
    path: '/admin/knobs',
    kind: 'admin',
    group: 'admin',
    summary: 'change knobs at run time',
    body: true,
  },
] as const satisfies readonly (Omit<RouteSpec, 'id'> & { id: string })[];

export type RouteId = (typeof SPECS)[number]['id'];

export const DEMO_ROUTES: readonly DemoRoute[] = SPECS.map((spec) => ({
  ...spec,
  key: `${spec.method} ${spec.path}`,
}));

/** The counter key for requests that match no route, or match a path with another method. */
export const UNMATCHED_KEY = '(unmatched)';

export type RouteMatch =
  | { kind: 'found'; route: DemoRoute; params: Readonly<Record<string, string>> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string };

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});
const NOT_FOUND: RouteMatch = { kind: 'not-found' };

interface CompiledRoute {
  route: DemoRoute;
  segments: readonly string[];
}

// Static paths resolve with one map lookup; only templates with {params} are scanned.
const STATIC = new Map<string, DemoRoute[]>();
const DYNAMIC: CompiledRoute[] = [];
for (const route of DEMO_ROUTES) {
  if (route.path.includes('{')) DYNAMIC.push({ route, segments: route.path.split('/') });
  else STATIC.set(route.path, [...(STATIC.get(route.path) ?? []), route]);
}

/** Matches a path (without its query). A trailing slash is ignored; params are percent-decoded. */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  const candidates = STATIC.get(path);
  if (candidates !== undefined) return pickMethod(method, candidates, NO_PARAMS);
  const segments = path.split('/');
  const found: DemoRoute[] = [];
  let params: Record<string, string> = {};
  for (const compiled of DYNAMIC) {
    const matched = matchSegments(compiled.segments, segments);
    if (matched !== undefined) {
      found.push(compiled.route);
      params = matched;
    }
  }
  return found.length === 0 ? NOT_FOUND : pickMethod(method, found, params);
}

function pickMethod(
  method: string,
  routes: readonly DemoRoute[],
  params: Readonly<Record<string, string>>,
): RouteMatch {
  for (const route of routes) if (route.method === method) return { kind: 'found', route, params };
  return { kind: 'method-not-allowed', allow: routes.map((route) => route.method).join(', ') };
}

function matchSegments(
  template: readonly string[],
  actual: readonly string[],
): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < template.length; i++) {
    const want = template[i] ?? '';
    const got = actual[i] ?? '';
    if (want.startsWith('{')) {
      const value = decodeSegment(got);
      if (value === undefined || value === '') return undefined;
      params ??= {};
      params[want.slice(1, -1)] = value;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params ?? {};
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
