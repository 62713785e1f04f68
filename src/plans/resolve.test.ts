import { describe, expect, it } from 'vitest';
import { parsePlanText } from './parse.js';
import { resolvePlan, type ResolveChoices } from './resolve.js';
import { validatePlan, type ValidPlan } from './validate.js';

const PLAN = `
name: p
targets:
  a: { url: "http://127.0.0.1:1" }
  b: { url: "http://127.0.0.1:2" }
defaultTarget: a
flows:
  f:
    steps:
      - path: /
scenarios:
  s: { executor: constant-vus, vus: 2, duration: 10s, flow: f }
profiles:
  smoke:
    defaultTarget: b
    scenarios:
      s: { vus: 1, duration: 1s }
`;

function validated(text: string): ValidPlan & { raw: Record<string, unknown> } {
  const parsed = parsePlanText('p.yaml', text);
  if (!parsed.ok) throw new Error('unparsable');
  const { plan, withProfile, diagnostics } = validatePlan(parsed.source);
  if (!plan || !withProfile) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return { plan, withProfile, raw: parsed.source.value as Record<string, unknown> };
}

describe('resolvePlan', () => {
  const valid = validated(PLAN);

  it('validation keeps the typed plan of each profile; resolve applies the chosen one', () => {
    expect(Object.keys(valid.withProfile)).toEqual(['smoke']);
    const r = resolvePlan(valid, { profile: 'smoke' });
    if (!r.ok) throw new Error(r.message);
    expect(r.resolved.targetName).toBe('b');
    expect(r.resolved.profile).toBe('smoke');
    expect(r.resolved.plan.scenarios.s).toMatchObject({ vus: 1, duration: '1s' });
  });

  it('without a profile: the plan and its defaultTarget, or --target', () => {
    const r = resolvePlan(valid, {});
    expect(r.ok && r.resolved.targetName).toBe('a');
    expect(r.ok && r.resolved.plan).toBe(valid.plan);
    const t = resolvePlan(valid, { target: 'b' });
    expect(t.ok && t.resolved.target).toEqual({ url: 'http://127.0.0.1:2' });
  });

  it.each<[ResolveChoices, string, string]>([
    [{ profile: 'smok' }, 'the plan has no profile `smok`', 'did you mean `smoke`?'],
    [{ profile: 'toString' }, 'the plan has no profile `toString`', 'profiles: smoke'],
    [{ target: 'c' }, 'the plan has no target `c`', 'did you mean `a`?'],
  ])('%j → %s', (choices, message, hint) => {
    expect(resolvePlan(valid, choices)).toEqual({ ok: false, message, hint });
  });

  it('a profile whose result failed the schema does not resolve', () => {
    const r = resolvePlan({ plan: valid.plan, withProfile: {} }, { profile: 'smoke' });
    expect(r).toEqual({
      ok: false,
      message: 'the plan does not validate with this profile',
      hint: 'run `loadctl validate` on it for the details',
    });
  });

  it('the deprecated raw form gives the same result', () => {
    for (const choices of [{}, { profile: 'smoke' }, { profile: 'nope' }, { target: 'b' }])
      expect(resolvePlan(valid.raw, choices)).toEqual(resolvePlan(valid, choices));
  });

  it('several targets and no defaultTarget: asks for --target', () => {
    const v = validated(PLAN.replace('defaultTarget: a\n', ''));
    expect(resolvePlan(v, {})).toEqual({
      ok: false,
      message: 'the plan has several targets and no `defaultTarget`',
      hint: 'choose one with --target (a, b)',
    });
  });
});

describe('thresholds over a window reach k6 only as data for loadctl', () => {
  it('leaves them out of the options k6 gets, and keeps the plain ones', async () => {
    const { toK6Options } = await import('./compile.js');
    const valid = validated(
      `${PLAN}thresholds:\n  http_req_duration: ['p(95)<900', { threshold: 'p(95)<500', window: 30s }]\n  http_reqs: [{ threshold: 'count>10', window: 10s }]\n`,
    );
    const r = resolvePlan(valid, {});
    if (!r.ok) throw new Error(r.message);
    expect(toK6Options(r.resolved).thresholds).toEqual({ http_req_duration: ['p(95)<900'], http_reqs: [] });
  });
});

describe('a profile that points a monitored target at the demo', () => {
  const plan = (profileTarget: string) =>
    validated(`
name: p
targets:
  a:
    url: http://127.0.0.1:1
    monitor: { nodeExporter: http://10.0.0.5:9100/metrics }
flows:
  f:
    steps:
      - path: /
scenarios:
  s: { executor: constant-vus, vus: 2, duration: 10s, flow: f }
profiles:
  smoke:
    targets:
      a: ${profileTarget}
`);

  it('drops the real host’s monitor with its url', () => {
    const r = resolvePlan(plan('{ demo: true }'), { profile: 'smoke' });
    expect(r.ok && r.resolved.target).toEqual({ demo: true });
  });

  it('keeps a monitor the profile gives, and the plan’s when the profile only changes the url', () => {
    const own = resolvePlan(plan('{ demo: true, monitor: { process: { port: 9 } } }'), { profile: 'smoke' });
    expect(own.ok && own.resolved.target).toEqual({ demo: true, monitor: { process: { port: 9 } } });
    const url = resolvePlan(plan('{ url: "http://127.0.0.1:2" }'), { profile: 'smoke' });
    expect(url.ok && url.resolved.target.monitor).toEqual({ nodeExporter: 'http://10.0.0.5:9100/metrics' });
  });
});
