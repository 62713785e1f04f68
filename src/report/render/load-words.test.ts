// A scenario's load as the reports word it, for the arrival-rate scenarios with `arrivals:`.
import { describe, expect, it } from 'vitest';
import { EN } from './i18n-en.js';
import { KO } from './i18n-ko.js';

const steady = {
  executor: 'constant-arrival-rate',
  rate: 2,
  timeUnit: '1s',
  duration: '2m',
  preAllocatedVUs: 40,
};

describe('the load column of a scenario with arrivals', () => {
  it('names the process and its seed after the rate, in English and Korean', () => {
    const poisson = { ...steady, arrivals: { process: 'poisson', burstiness: 1, seed: 1 } };
    expect(EN.load(poisson)).toBe('2 iterations per 1s for 2m (40–40 VUs), Poisson arrivals (seed 1)');
    expect(KO.load(poisson)).toBe('1s당 반복 2회, 2m 동안 (VU 40–40개), 포아송 도착 (시드 1)');
  });

  it('gives a gamma process its burstiness, on a ramp too', () => {
    const ramp = {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      stages: [{ duration: '1m', target: 10 }],
      preAllocatedVUs: 5,
      arrivals: { process: 'gamma', burstiness: 0.5, seed: 0 },
    };
    expect(EN.load(ramp)).toBe('from 0/1s: 10/1s / 1m (5–5 VUs), gamma arrivals, burstiness 0.5 (seed 0)');
    expect(KO.load(ramp)).toBe('0/1s에서 시작: 10/1s / 1m (VU 5–5개), 감마 도착, burstiness 0.5 (시드 0)');
  });

  it('says nothing more of evenly spaced arrivals', () => {
    expect(EN.load(steady)).toBe('2 iterations per 1s for 2m (40–40 VUs)');
  });
});
