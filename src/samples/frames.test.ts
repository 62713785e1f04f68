import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, recordUnits, toUnits } from './digest.js';
import {
  FrameAggregates,
  FrameReader,
  FRAMES_SCHEMA,
  parseFrameLine,
  splitLines,
  type Frame,
  type FrameSeries,
} from './frames.js';

/** k6's percentile of exact values: rank p·(n−1), linear interpolation. */
function exactPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (i - lo);
}

function trend(name: string, status: string, values: readonly number[]): FrameSeries {
  const h = newHistogram();
  for (const v of values) recordUnits(h, toUnits(v));
  return {
    metric: 'http_req_duration',
    type: 'trend',
    name,
    status,
    scenario: 's',
    count: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
    hdr: encodeHistogram(h),
  };
}

function counter(metric: string, name: string, status: string, sum: number): FrameSeries {
  return {
    metric,
    type: metric === 'http_req_failed' ? 'rate' : 'counter',
    name,
    status,
    scenario: 's',
    count: sum,
    sum,
  };
}

function frame(instance: string, seq: number, start: number, series: FrameSeries[], final = false): Frame {
  return { schema: FRAMES_SCHEMA, instance, seq, periodMs: 1000, start, final, series };
}

/** A seeded generator, so the property below runs on the same draws every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('frames', () => {
  it('parses a frame line and names what is wrong with a bad one', () => {
    const good = frame('a', 0, 1000, [counter('http_reqs', 'x', '2xx', 3)]);
    expect(parseFrameLine(JSON.stringify(good))).toEqual({ ok: true, frame: good });
    expect(parseFrameLine('{"schema":"loadctl.frames/v9"}')).toMatchObject({ ok: false, problem: /schema/ });
    expect(parseFrameLine('{"sch')).toEqual({ ok: false, problem: 'not JSON' });
  });

  it('keeps a line cut in the middle of a write for the next read', () => {
    const first = splitLines('', '{"a":1}\n{"b":');
    expect(first).toEqual({ lines: ['{"a":1}'], rest: '{"b":' });
    expect(splitLines(first.rest, '2}\n')).toEqual({ lines: ['{"b":2}'], rest: '' });
  });

  it('merges two k6 processes exactly: counts add, percentiles are those of the union of their samples', () => {
    const random = seeded(15);
    const a = Array.from({ length: 700 }, () => 0.2 + random() * 3);
    const b = Array.from({ length: 300 }, () => 40 + random() * 20);
    const agg = new FrameAggregates();
    agg.add(frame('a', 0, 5000, [trend('x', '2xx', a), counter('http_reqs', 'x', '2xx', a.length)]));
    agg.add(frame('b', 0, 5000, [trend('x', '2xx', b), counter('http_reqs', 'x', '2xx', b.length)]));
    const total = agg.total({ endpoint: 'x' });
    expect(total.requests).toBe(1000);
    const union = [...a, ...b];
    for (const p of [50, 90, 95, 99] as const) {
      const got = total.duration?.[`p${p}`] ?? NaN;
      // 3 significant digits in nanoseconds: within 0.1 % (docs/stream.md).
      expect(Math.abs(got / exactPercentile(union, p) - 1)).toBeLessThan(0.001);
    }
    expect(total.duration).toMatchObject({ count: 1000, min: Math.min(...union), max: Math.max(...union) });
  });

  it('windows by period, so a slow second is not hidden by many fast ones before it', () => {
    const agg = new FrameAggregates();
    for (let s = 0; s < 9; s++)
      agg.add(
        frame('a', s, s * 1000, [
          trend('x', '2xx', Array(200).fill(1)),
          counter('http_reqs', 'x', '2xx', 200),
        ]),
      );
    agg.add(
      frame(
        'a',
        9,
        9000,
        [trend('x', '2xx', Array(20).fill(50)), counter('http_reqs', 'x', '2xx', 20)],
        true,
      ),
    );
    const rows = agg.perPeriod({ endpoint: 'x' });
    expect(rows).toHaveLength(10);
    expect(rows[9]?.duration?.p95).toBeCloseTo(50, 1);
    expect(agg.total({ endpoint: 'x' }).duration?.p95).toBeCloseTo(1, 2);
    expect(agg.window(8000, 10_000, { endpoint: 'x' }).duration?.p95).toBeCloseTo(50, 1);
  });

  it('gives the same figures whether it keeps what it decoded or not, and forgets old periods when asked', () => {
    const build = (keep: boolean) => {
      const agg = new FrameAggregates(keep);
      for (let s = 0; s < 5; s++)
        agg.add(
          frame('a', s, s * 1000, [
            trend(
              'x',
              '2xx',
              Array.from({ length: 300 }, (_, i) => 1 + i / 10 + s),
            ),
            counter('http_reqs', 'x', '2xx', 300),
          ]),
        );
      return agg;
    };
    const kept = build(true);
    const once = build(false);
    for (const agg of [kept, once]) agg.perPeriod({ endpoint: 'x' });
    expect(once.perPeriod({ endpoint: 'x' })).toEqual(kept.perPeriod({ endpoint: 'x' }));
    expect(once.total().duration).toEqual(kept.total().duration);
    kept.forget(3000);
    expect(kept.starts()).toEqual([3000, 4000]);
    expect(kept.total().requests).toBe(600);
  });

  it('adds periods that come again (late samples), counts failures and status classes, and sums VUs over instances', () => {
    const agg = new FrameAggregates();
    const vus = (last: number): FrameSeries => ({
      metric: 'vus',
      type: 'gauge',
      name: '',
      status: '',
      scenario: '',
      count: 1,
      sum: last,
      min: last,
      max: last,
      last,
    });
    agg.add(
      frame('a', 0, 0, [
        counter('http_reqs', 'x', '2xx', 5),
        counter('http_reqs', 'x', '5xx', 2),
        counter('http_req_failed', 'x', '5xx', 2),
        vus(3),
      ]),
    );
    agg.add(frame('b', 0, 0, [vus(4)]));
    agg.add(frame('a', 1, 0, [counter('http_reqs', 'x', 'none', 1)], true));
    const w = agg.total();
    expect(w).toMatchObject({
      requests: 8,
      failed: 2,
      maxVus: 7,
      statusClasses: { '2xx': 5, '5xx': 2, none: 1 },
    });
    expect(agg.instanceStates()).toEqual([
      { instance: 'a', final: true },
      { instance: 'b', final: false },
    ]);
  });

  it('refuses a frame that came twice and periods that differ', () => {
    const agg = new FrameAggregates();
    agg.add(frame('a', 0, 0, []));
    expect(() => agg.add(frame('a', 0, 0, []))).toThrow(/twice or out of order/);
    expect(() => agg.add({ ...frame('b', 0, 0, []), periodMs: 500 })).toThrow(/cannot be merged/);
  });
});

describe('frames recorded from a real k6 run (test/fixtures/stream/README.md)', () => {
  const dir = new URL('../../test/fixtures/stream/', import.meta.url);
  const reader = new FrameReader();
  reader.push(readFileSync(new URL('frames.ndjson', dir), 'utf8'));
  const frames = reader.frames;
  // The raw samples of the same run: every http_req_duration value per endpoint, exactly.
  const raw = new Map<string, number[]>();
  let requests = 0;
  for (const line of gunzipSync(readFileSync(new URL('samples.json.gz', dir)))
    .toString('utf8')
    .split('\n')) {
    if (!line.includes('"Point"')) continue;
    const s = JSON.parse(line) as { metric: string; data: { value: number; tags?: { name?: string } } };
    if (s.metric === 'http_reqs') requests += s.data.value;
    if (s.metric !== 'http_req_duration') continue;
    const name = s.data.tags?.name ?? '';
    raw.set(name, [...(raw.get(name) ?? []), s.data.value]);
  }
  const k6 = JSON.parse(readFileSync(new URL('k6-summary.json', dir), 'utf8')) as {
    metrics: Record<string, { values: Record<string, number> }>;
  };

  it('counts every request k6 counted, per endpoint and in all', () => {
    expect(frames.total().requests).toBe(requests);
    expect(frames.total().requests).toBe(k6.metrics['http_reqs']?.values['count']);
    for (const [name, values] of raw) expect(frames.total({ endpoint: name }).requests).toBe(values.length);
    expect(frames.instanceStates()).toEqual([{ instance: 'fixture', final: true }]);
  });

  it("gives k6's percentiles of the raw samples within 0.1 %, per endpoint and overall", () => {
    for (const name of ['dates', 'missing']) {
      const values = raw.get(name) ?? [];
      const got = frames.total({ endpoint: name }).duration;
      expect(got?.count).toBe(values.length);
      for (const p of [50, 90, 95, 99] as const)
        expect(Math.abs((got?.[`p${p}`] ?? NaN) / exactPercentile(values, p) - 1)).toBeLessThan(0.001);
    }
    const all = frames.total().duration;
    for (const [stat, p] of [
      ['p(95)', 95],
      ['p(90)', 90],
      ['med', 50],
    ] as const)
      expect(
        Math.abs((all?.[`p${p}`] ?? NaN) / (k6.metrics['http_req_duration']?.values[stat] ?? NaN) - 1),
      ).toBeLessThan(0.001);
  });
});

describe('a gauge of several instances (runners), through metricWindow', () => {
  const gauge = (v: number): FrameSeries => ({
    metric: 'vus_max',
    type: 'gauge',
    name: '',
    status: '',
    scenario: '',
    count: 1,
    sum: v,
    min: v,
    max: v,
    last: v,
  });

  it('is the sum of each instance’s last value, and its extremes are those of that sum over time', async () => {
    const { metricWindow } = await import('./metric-window.js');
    const agg = new FrameAggregates();
    agg.add(frame('r1', 0, 0, [gauge(5)]));
    agg.add(frame('r2', 0, 0, [gauge(5)]));
    // r2 sends nothing in the second period: its 5 is carried; r1 grows to 7.
    agg.add(frame('r1', 1, 1000, [gauge(7)]));
    agg.add(frame('r2', 1, 2000, [gauge(1)]));
    const w = metricWindow(agg, 'vus_max', {}, -Infinity, Infinity);
    expect({ last: w.last, min: w.min, max: w.max }).toEqual({ last: 8, min: 8, max: 12 });
    // One instance: its own extremes, as k6 gives them.
    const one = new FrameAggregates();
    one.add(frame('r1', 0, 0, [{ ...gauge(3), min: 1, max: 9 }]));
    expect(metricWindow(one, 'vus_max', {}, -Infinity, Infinity)).toMatchObject({ last: 3, min: 1, max: 9 });
  });
});
