import { describe, expect, it } from 'vitest';
import { mergeOptions } from './overlay.js';

describe('mergeOptions', () => {
  const script = {
    scenarios: {
      browse: { executor: 'ramping-vus', stages: [{ duration: '1m', target: 10 }], exec: 'browse' },
      buy: { executor: 'constant-vus', vus: 5, duration: '1m', exec: 'buy' },
    },
    thresholds: { http_req_failed: ['rate<0.01'], checks: ['rate>0.9'] },
    tags: { team: 'shop' },
    summaryTrendStats: ['avg'],
  };

  it('keeps the script’s scenarios when the plan names none', () => {
    expect(mergeOptions(script, { scenarios: {}, thresholds: { checks: ['rate>0.99'] } })).toEqual({
      ...script,
      thresholds: { http_req_failed: ['rate<0.01'], checks: ['rate>0.99'] },
    });
  });

  it('overrides fields of a named scenario, replaces it on a new executor, adds new ones', () => {
    const merged = mergeOptions(script, {
      scenarios: {
        buy: { vus: 1, duration: '5s' },
        browse: { executor: 'shared-iterations', vus: 1, iterations: 2, exec: 'browse' },
        extra: { executor: 'constant-vus', vus: 1, duration: '1s', exec: 'buy' },
      },
      tags: { env: 'ci' },
      summaryTrendStats: ['avg', 'p(95)'],
    });
    expect(merged.scenarios).toEqual({
      browse: { executor: 'shared-iterations', vus: 1, iterations: 2, exec: 'browse' },
      buy: { executor: 'constant-vus', vus: 1, duration: '5s', exec: 'buy' },
      extra: { executor: 'constant-vus', vus: 1, duration: '1s', exec: 'buy' },
    });
    expect(merged.tags).toEqual({ team: 'shop', env: 'ci' });
    expect(merged.summaryTrendStats).toEqual(['avg', 'p(95)']); // the script's avg kept, p(95) added
  });

  it('works on a script without options', () => {
    expect(mergeOptions(undefined, { thresholds: { checks: ['rate>0.9'] } })).toEqual({
      thresholds: { checks: ['rate>0.9'] },
    });
  });

  it('replaces a script’s shortcut options (stages, vus…) when the plan gives scenarios', () => {
    expect(
      mergeOptions(
        { stages: [{ duration: '1m', target: 10 }], thresholds: { checks: ['rate>0.9'] } },
        { scenarios: { default: { executor: 'constant-vus', vus: 1, duration: '1s' } } },
      ),
    ).toEqual({
      thresholds: { checks: ['rate>0.9'] },
      scenarios: { default: { executor: 'constant-vus', vus: 1, duration: '1s' } },
    });
  });
});
