// What `loadctl demo` prints about a running demo service. Pure: it returns lines, the CLI prints them.
import type { DemoKnobs } from '../plans/schema.js';
import { DEMO_ROUTES } from './routes.js';
import type { DemoService } from './server.js';

const GROUP_TITLES: Readonly<Record<string, string>> = {
  service: 'Service',
  cpu: 'CPU work (no login; a fixed amount of work per request, so its time is the speed of the CPU)',
  reservations: 'Reservations (Authorization: Bearer <token> from POST /auth/token)',
  coupons: 'Coupons (SESSION cookie from signup or login)',
  chat: 'Chat (fake LLM, bearer token optional)',
  admin: 'Admin (exempt from the latency, error, rate-limit and capacity knobs)',
};

export function describeDemo(service: Pick<DemoService, 'url' | 'stats'>): string[] {
  const lines = [`loadctl demo service listening on ${service.url}`];
  const width = Math.max(...DEMO_ROUTES.map((route) => route.key.length));
  let group = '';
  for (const route of DEMO_ROUTES) {
    if (route.group !== group) {
      group = route.group;
      lines.push('', `${GROUP_TITLES[group] ?? group}:`);
    }
    lines.push(`  ${route.key.padEnd(width)}  ${route.summary}`);
  }
  lines.push('', `Knobs: ${renderKnobSummary(service.stats().knobs)}`);
  return lines;
}

function renderKnobSummary(knobs: DemoKnobs): string {
  const parts = [
    `latency ${knobs.latencyMs ?? 0}ms${knobs.jitterMs ? ` +0..${knobs.jitterMs}ms` : ''}`,
    `errors ${Math.round((knobs.errorRate ?? 0) * 100)}%`,
    `cpu ${knobs.cpuWorkMs ?? 0}ms`,
    `GET / ${knobs.rootWork} SHA-256 rounds`,
    `${knobs.schedules} schedules × ${knobs.seatsPerSchedule} seats`,
    `${knobs.couponStock} coupons per id`,
    `${knobs.initialPoints} starting points`,
    knobs.rateLimit === undefined
      ? 'no rate limit'
      : `rate limit ${knobs.rateLimit.perSecond}/s burst ${knobs.rateLimit.burst ?? Math.ceil(knobs.rateLimit.perSecond)}`,
    `chat ttft ${knobs.chat?.ttftMs}ms, ${knobs.chat?.tokens} tokens every ${knobs.chat?.tokenDelayMs}ms`,
  ];
  if (knobs.capacity !== undefined)
    parts.push(
      `${knobs.capacity.maxConcurrent} requests at once, ${knobs.capacity.queue ?? 0} queued, then 503`,
    );
  if (knobs.allowDoubleBooking) parts.push('DOUBLE BOOKING ALLOWED (deliberate bug)');
  return parts.join(', ');
}
