import { describe, expect, it } from 'vitest';
import { clockShift, FrameCollector } from './collector.js';

const frame = (instance: string, seq: number, start: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    schema: 'loadctl.frames/v1',
    instance,
    seq,
    periodMs: 1000,
    start,
    final: false,
    series: [
      { metric: 'http_reqs', type: 'counter', name: 'a', status: '2xx', scenario: 's', count: 3, sum: 3 },
    ],
    ...extra,
  });

const push = (instance: string | undefined, lines: string[], clockMs?: number, receivedMs = 10_000) => ({
  instance,
  clockMs,
  receivedMs,
  body: lines.map((l) => `${l}\n`).join(''),
});

describe('clockShift', () => {
  it('rounds a runner clock offset to whole periods, 0 for less than half a period', () => {
    expect(clockShift(0, 1000)).toBe(0);
    expect(clockShift(499, 1000)).toBe(0);
    expect(clockShift(-499, 1000)).toBe(0);
    expect(Object.is(clockShift(-400, 1000), 0)).toBe(true);
    expect(clockShift(2600, 1000)).toBe(3000);
    expect(clockShift(-5400, 1000)).toBe(-5000);
  });
});

describe('FrameCollector', () => {
  it('keeps a runner’s frames in order, timed by the collector: the offset taken at its first push', () => {
    const c = new FrameCollector();
    // The runner's clock is 7.2 s behind the collector's.
    const a = c.take(push('r1', [frame('r1', 0, 1000), frame('r1', 1, 2000)], 2_800, 10_000));
    expect(a.ok && a.frames.map((f) => f.start)).toEqual([8000, 9000]);
    // A later push with another apparent offset (network delay) does not move the series.
    const b = c.take(push('r1', [frame('r1', 2, 3000)], 3_000, 11_900));
    expect(b.ok && b.frames.map((f) => f.start)).toEqual([10_000]);
    expect(b.ok && JSON.parse(b.lines[0] ?? '{}').start).toBe(10_000);
    expect(c.states()).toMatchObject([{ instance: 'r1', frames: 3, shiftMs: 7000, final: false }]);
  });

  it('writes an unmoved frame as it came, and one with an escape or a shift serialized again', () => {
    const c = new FrameCollector();
    const plain = frame('r1', 0, 1000);
    // Go's encoder writes & as \u0026: the line written must carry the text as the redaction sees it.
    const escaped = plain.replace('"name":"a"', '"name":"a\\u0026b"');
    const r = c.take(push('r1', [plain, escaped.replace('"seq":0', '"seq":1')], 10_000, 10_000));
    expect(r.ok && r.lines[0]).toBe(plain);
    expect(r.ok && r.lines[1]).toContain('"name":"a&b"');
    const moved = new FrameCollector().take(push('r2', [frame('r2', 0, 1000)], 5_000, 10_000));
    expect(moved.ok && JSON.parse(moved.lines[0] ?? '{}').start).toBe(6000);
  });

  it('takes a frame repeated by a retried push once', () => {
    const c = new FrameCollector();
    c.take(push('r1', [frame('r1', 0, 1000), frame('r1', 1, 2000)]));
    const again = c.take(push('r1', [frame('r1', 1, 2000), frame('r1', 2, 3000)]));
    expect(again.ok && again.frames.map((f) => f.seq)).toEqual([2]);
  });

  it('marks a runner finished with its final frame and its runMs, and refuses anything after it', () => {
    const c = new FrameCollector();
    const r = c.take(push('r1', [frame('r1', 0, 1000), frame('r1', 1, 2000, { final: true, runMs: 1500 })]));
    expect(r.ok).toBe(true);
    expect(c.states()[0]).toMatchObject({ final: true, runMs: 1500 });
    expect(c.take(push('r1', [frame('r1', 2, 3000)]))).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses a push without an instance, from a runner of another run, or with foreign or broken lines', () => {
    const c = new FrameCollector(new Set(['r1']));
    expect(c.take(push(undefined, [frame('r1', 0, 0)]))).toMatchObject({ ok: false, status: 400 });
    expect(c.take(push('r9', [frame('r9', 0, 0)]))).toMatchObject({
      ok: false,
      status: 403,
      problem: 'instance "r9" is not a runner of this run',
    });
    expect(c.take(push('r1', [frame('r2', 0, 0)]))).toMatchObject({
      ok: false,
      problem: 'line 1: a frame of "r2" in a push of "r1"',
    });
    expect(c.take(push('r1', [frame('r1', 0, 0), '{nope'])).ok).toBe(false);
    expect(c.take(push('r1', [frame('r1', 0, 0, { final: true }), frame('r1', 1, 1000)]))).toMatchObject({
      ok: false,
      problem: "line 1: the final frame is not the push's last",
    });
    // Nothing of a refused push was kept.
    expect(c.states()).toEqual([]);
  });

  it('answers every push with the stop once one is asked for, the first reason kept', () => {
    const c = new FrameCollector();
    const before = c.take(push('r1', [frame('r1', 0, 0)]));
    expect(before.ok && before.answer).toBeUndefined();
    c.requestStop('p95 failed');
    c.requestStop('interrupted');
    const after = c.take(push('r1', []));
    expect(after.ok && after.answer).toEqual({ stop: 'p95 failed' });
  });
});
