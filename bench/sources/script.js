// One k6 script for every collection mode, so the only difference between modes is how data leaves k6.
// Configuration arrives through env only: BASE_URL, VUS, DURATION, RATE, THRESHOLDS (JSON), TREND_STATS,
// SUMMARY_OUT.
import http from 'k6/http';
import { check } from 'k6';

const thresholds = __ENV.THRESHOLDS ? JSON.parse(__ENV.THRESHOLDS) : {};
const trendStats = __ENV.TREND_STATS ? __ENV.TREND_STATS.split(',') : undefined;

export const options = {
  scenarios: {
    // RATE (iterations/s) switches to a fixed arrival rate: then the load is the same in every mode and the
    // question becomes how much CPU k6 spends on it, second by second.
    load: __ENV.RATE
      ? {
          executor: 'constant-arrival-rate',
          rate: Number(__ENV.RATE),
          timeUnit: '1s',
          preAllocatedVUs: Number(__ENV.VUS || 20),
          maxVUs: Number(__ENV.VUS || 20),
          duration: __ENV.DURATION || '10s',
          gracefulStop: '2s',
        }
      : {
          executor: 'constant-vus',
          vus: Number(__ENV.VUS || 20),
          duration: __ENV.DURATION || '10s',
          gracefulStop: '2s',
        },
  },
  thresholds,
  ...(trendStats ? { summaryTrendStats: trendStats } : {}),
};

const base = __ENV.BASE_URL;

export default function () {
  const a = http.get(`${base}/a`, { tags: { name: 'a' } });
  check(a, { 'a is 200': (r) => r.status === 200 });
  const b = http.get(`${base}/b`, { tags: { name: 'b' } });
  check(b, { 'b is 200': (r) => r.status === 200 });
}

// Bare mode runs this too: k6's end-of-test data always exists, so its cost belongs to every mode.
export function handleSummary(data) {
  if (__ENV.SUMMARY_OUT) return { [__ENV.SUMMARY_OUT]: JSON.stringify(data) };
  return {};
}
