import { describe, expect, it } from 'vitest';
import { renderProgressLine } from './progress.js';

const snap = { elapsedMs: 5000, vus: 3, requests: 12_345, droppedIterations: 2, latency: { p95: 12.5 } };

describe('renderProgressLine', () => {
  it('draws a bar on a terminal and cuts the line to the width', () => {
    const line = renderProgressLine({ rps: 250, errorRate: 0 }, snap, {
      plannedMs: 10_000,
      exact: false,
      tty: true,
    });
    expect(line).toBe(
      '[██████████░░░░░░░░░░] 5s/≤10s ·  50% · 3 VUs · 250 req/s · errors 0.00% · p95 12.5ms · 12,345 requests · 2 dropped',
    );
    const cut = renderProgressLine(undefined, snap, { plannedMs: 10_000, exact: true, tty: true, width: 30 });
    expect(cut).toHaveLength(29);
  });

  it("shows the stream's windowed p95 (last second, last 10 s, per endpoint) instead of the cumulative one", () => {
    const line = renderProgressLine(
      { rps: 250, errorRate: 0 },
      snap,
      { plannedMs: 10_000, exact: true, tty: false },
      {
        p95Last1s: 51.2,
        p95Last10s: 30.4,
        endpoints: [
          { name: 'dates', p95Last10s: 2.5 },
          { name: 'reserve', p95Last10s: 50.9 },
        ],
      },
    );
    expect(line).toBe(
      '5s/10s ·  50% · 3 VUs · 250 req/s · errors 0.00% · p95 51.2ms 1s / 30.4ms 10s · 12,345 requests · 2 dropped · dates 2.50ms reserve 50.9ms',
    );
  });
});
