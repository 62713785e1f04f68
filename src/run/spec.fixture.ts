// Small literal inputs shared by the engine's unit tests.
import type { LoadedPlan } from '../plans/load.js';
import { resolvePlan, type ResolvedPlan } from '../plans/resolve.js';
import type { RunChoices, RunFacts } from './prepare.js';

export function resolved(raw: Record<string, unknown>, target?: string): ResolvedPlan {
  const result = resolvePlan(raw, target !== undefined ? { target } : {});
  if (!result.ok) throw new Error(result.message);
  return result.resolved;
}

export const LOADED = { file: 'plans/shop.yaml', absPath: '/w/plans/shop.yaml' } as LoadedPlan;

export const SHOP = {
  name: 'shop',
  description: 'the shop',
  targets: { api: { url: 'http://api.test', description: 'staging' }, demo: { demo: true } },
  defaultTarget: 'api',
  scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '30s', flow: 'browse' } },
  flows: {
    browse: {
      steps: [
        { name: 'home', path: '/' },
        { name: 'cart', path: '/cart' },
      ],
    },
  },
};

export const FACTS: RunFacts = {
  cwd: '/w',
  env: {},
  now: new Date('2026-12-02T10:00:00Z'),
  hex: 'abc123',
  host: {
    arch: 'x64',
    platform: 'linux',
    cpuModel: 'cpu',
    cores: 4,
    kernel: '6.1',
    memoryBytes: 8e9,
    hostname: 'gen',
    node: 'v20.0.0',
  },
  k6: { path: '/bin/k6', version: 'v1.8.1', framesOutput: false },
  restPort: 6565,
};

export function choices(raw: Record<string, unknown> = SHOP, more: Partial<RunChoices> = {}): RunChoices {
  return {
    loaded: LOADED,
    resolved: resolved(raw),
    resultsRoot: '/w/results',
    tags: {},
    samples: false,
    ...more,
  };
}
