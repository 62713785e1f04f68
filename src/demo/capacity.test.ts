import { describe, expect, it } from 'vitest';
import { createCapacityGate, type Admission } from './capacity.js';

function waiter(a: Admission): Extract<Admission, { kind: 'wait' }> {
  if (a.kind !== 'wait') throw new Error(`expected to wait, got ${a.kind}`);
  return a;
}

describe('createCapacityGate', () => {
  it('runs up to maxConcurrent at once and turns the rest away without a queue', () => {
    const gate = createCapacityGate({ maxConcurrent: 2, queue: 0 });
    expect([gate.enter().kind, gate.enter().kind, gate.enter().kind]).toEqual(['run', 'run', 'reject']);
    gate.leave();
    expect(gate.enter().kind).toBe('run');
    expect(gate.summarize()).toEqual({
      maxConcurrent: 2,
      queue: 0,
      admitted: 3,
      queued: 0,
      rejected: 1,
      peakInFlight: 2,
      peakQueue: 0,
    });
  });

  it('queues up to `queue` requests and admits them in arrival order as slots free up', async () => {
    const gate = createCapacityGate({ maxConcurrent: 1, queue: 2 });
    expect(gate.enter().kind).toBe('run');
    const first = waiter(gate.enter());
    const second = waiter(gate.enter());
    expect(gate.enter().kind).toBe('reject');
    const order: string[] = [];
    void first.ready.then((ok) => order.push(`first ${ok}`));
    void second.ready.then((ok) => order.push(`second ${ok}`));
    gate.leave();
    await Promise.resolve();
    expect(order).toEqual(['first true']);
    gate.leave();
    await Promise.resolve();
    expect(order).toEqual(['first true', 'second true']);
    expect(gate.summarize()).toMatchObject({ admitted: 3, queued: 2, rejected: 1, peakQueue: 2 });
  });

  it('the slot a request frees goes to the waiter, not to a newcomer', () => {
    const gate = createCapacityGate({ maxConcurrent: 1, queue: 5 });
    gate.enter();
    waiter(gate.enter());
    gate.leave();
    expect(gate.enter().kind).toBe('wait');
  });

  it('a cancelled waiter gives up its place (ready → false) and frees room in the queue', async () => {
    const gate = createCapacityGate({ maxConcurrent: 1, queue: 1 });
    gate.enter();
    const w = waiter(gate.enter());
    expect(gate.enter().kind).toBe('reject');
    w.cancel();
    expect(await w.ready).toBe(false);
    expect(gate.enter().kind).toBe('wait');
    // Cancelling twice, or after the slot was granted, changes nothing.
    w.cancel();
    expect(gate.summarize()).toMatchObject({ admitted: 1, queued: 2, rejected: 1 });
  });

  it('a larger limit lets waiters in at once; drain lets them all in', async () => {
    const gate = createCapacityGate({ maxConcurrent: 1, queue: 10 });
    gate.enter();
    const a = waiter(gate.enter());
    const b = waiter(gate.enter());
    const c = waiter(gate.enter());
    gate.configure({ maxConcurrent: 2, queue: 10 });
    expect(await a.ready).toBe(true);
    gate.drain();
    expect(await Promise.all([b.ready, c.ready])).toEqual([true, true]);
    expect(gate.summarize()).toMatchObject({ admitted: 4, peakInFlight: 4, maxConcurrent: 2 });
  });

  it('never counts below zero in flight', () => {
    const gate = createCapacityGate({ maxConcurrent: 1, queue: 0 });
    gate.leave();
    expect(gate.enter().kind).toBe('run');
    expect(gate.enter().kind).toBe('reject');
  });
});
