import { describe, expect, it } from 'vitest';
import { planSchema } from '../plans/schema.js';
import { K6_VERSION, fakeIo } from './facts.fixture.js';
import { PREFLIGHT_SKIPPED } from './preflight.js';
import { probeRunReadiness } from './readiness.js';

const plan = planSchema.parse({
  name: 'p',
  targets: { api: { url: 'http://api.example.com:8080', healthPath: '/health' } },
  secrets: ['API_TOKEN', 'MISSING_TOKEN'],
  scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 1, flow: 'f' } },
  flows: { f: { steps: [{ path: '/a' }] } },
});

const request = (skipHostChecks: boolean) => ({
  plan,
  targetName: 'api',
  resultsRoot: '/work/results',
  k6: { kind: 'found' as const, path: '/x/k6', source: 'path' as const, version: K6_VERSION, skipped: [] },
  samples: false,
  skipHostChecks,
});

describe('probeRunReadiness', () => {
  it("probes once and reports doctor's failures for the run, the target's included", async () => {
    const { io, asked } = fakeIo({
      fetch: async () => new Response('down', { status: 503 }),
    });
    const r = await probeRunReadiness(io, request(false));
    expect(r.failures.map((x) => x.split(' (needs')[0])).toEqual([
      // 1 VU needs 2 + 256 open files; the fake Mac allows 256.
      '  ✗ open files (ulimit -n): soft 256, hard unlimited',
      '  ✗ secret MISSING_TOKEN: not set',
      '  ✗ target api: health: GET http://api.example.com:8080/health → 503 in 0 ms',
    ]);
    expect(asked.filter((x) => x.startsWith('lookup') || x.startsWith('tcp'))).toEqual([
      'lookup api.example.com',
      'tcp 10.1.2.3:8080',
    ]);
  });

  it('--skip-preflight: the essential checks only, and the target is not contacted', async () => {
    const { io, asked } = fakeIo();
    const r = await probeRunReadiness(io, request(true));
    expect(r.warnings).toEqual([PREFLIGHT_SKIPPED]);
    expect(r.failures).toEqual([expect.stringMatching(/^ {2}✗ secret MISSING_TOKEN: not set/)]);
    expect(asked.filter((x) => /^(lookup|tcp|fetch)/.test(x))).toEqual([]);
  });
});
