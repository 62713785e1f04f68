// Durations as k6 reads them: the forms it accepts, and the longest one it holds.
import { describe, expect, it } from 'vitest';
import { durationNanos, isDuration, parseDuration, withinK6Range } from './duration.js';

describe('k6 durations', () => {
  it.each(['250ms', '1.5s', '1h30m', '1d', '2d12h', '1s1h', '1µs', '1us', '0s'])('accepts %s', (text) => {
    expect(isDuration(text)).toBe(true);
  });

  // k6 reads days only as a leading whole number (strconv.ParseInt on what precedes "d").
  it.each(['1.5d', '1h1d', '1d1d', '30', '10 s', '-1s', '.5s', ''])('refuses %s', (text) => {
    expect(isDuration(text)).toBe(false);
  });

  it('reads milliseconds and whole nanoseconds as Go does', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('0.3s')).toBe(300);
    expect(parseDuration('1.1s')).toBe(1100);
    expect(durationNanos('0.5ns')).toBe(0n);
    expect(durationNanos('1.5ns')).toBe(1n);
    expect(durationNanos('1d1h')).toBe(90_000_000_000_000n);
  });

  it("holds up to Go's int64 nanoseconds and no more", () => {
    expect(withinK6Range('2562047h47m16.854775807s')).toBe(true);
    expect(withinK6Range('2562047h47m16.854775808s')).toBe(false);
    expect(withinK6Range('106751d')).toBe(true);
    expect(withinK6Range('106752d')).toBe(false);
    expect(withinK6Range('2562048h')).toBe(false);
  });
});
