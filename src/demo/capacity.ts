// The capacity knob: at most `maxConcurrent` business requests are served at once, up to `queue` more wait for
// a slot in arrival order, and the rest are turned away (503) — a worker pool with a bounded backlog, so a
// breaking-point search has a known capacity to find (maxConcurrent ÷ service time). No clock and no I/O: the
// server decides what a slot covers (from admission to the end of the response).

export interface ResolvedCapacity {
  maxConcurrent: number;
  /** Requests that may wait for a slot; 0: beyond maxConcurrent every request is turned away at once. */
  queue: number;
}

export type Admission =
  | { kind: 'run' }
  /**
   * `ready` resolves true when the request holds a slot, false when `cancel()` gave up its place first (the
   * client left while waiting); cancelling once the slot is held does nothing (the holder calls `leave()`).
   */
  | { kind: 'wait'; ready: Promise<boolean>; cancel(): void }
  | { kind: 'reject' };

export interface CapacitySummary {
  maxConcurrent: number;
  queue: number;
  /** Requests served (at once or after waiting). */
  admitted: number;
  /** Requests that waited for a slot (served later, or gone before their turn). */
  queued: number;
  /** Requests turned away: every slot busy and the queue full. */
  rejected: number;
  /** The most requests served at once, and the longest queue. */
  peakInFlight: number;
  peakQueue: number;
}

export interface CapacityGate {
  enter(): Admission;
  /** A slot is free again: the next waiter (if any) takes it. Call once per admitted request. */
  leave(): void;
  /** New limits apply from the next decision; a larger limit lets waiters in at once. */
  configure(limits: ResolvedCapacity): void;
  /** Lets every waiter in (the knob was turned off). */
  drain(): void;
  summarize(): CapacitySummary;
}

export function createCapacityGate(initial: ResolvedCapacity): CapacityGate {
  let limits = initial;
  let inFlight = 0;
  // Each waiter is the function that settles its `ready`.
  const waiting: Array<(admitted: boolean) => void> = [];
  const counts = { admitted: 0, queued: 0, rejected: 0, peakInFlight: 0, peakQueue: 0 };

  function start(): void {
    inFlight++;
    counts.admitted++;
    counts.peakInFlight = Math.max(counts.peakInFlight, inFlight);
  }

  function admitWaiters(): void {
    while (inFlight < limits.maxConcurrent && waiting.length > 0) {
      start();
      waiting.shift()?.(true);
    }
  }

  return {
    enter() {
      if (inFlight < limits.maxConcurrent && waiting.length === 0) {
        start();
        return { kind: 'run' };
      }
      if (waiting.length >= limits.queue) {
        counts.rejected++;
        return { kind: 'reject' };
      }
      let settle: (admitted: boolean) => void = () => {};
      const ready = new Promise<boolean>((resolve) => (settle = resolve));
      waiting.push(settle);
      counts.queued++;
      counts.peakQueue = Math.max(counts.peakQueue, waiting.length);
      return {
        kind: 'wait',
        ready,
        cancel() {
          const at = waiting.indexOf(settle);
          if (at === -1) return;
          waiting.splice(at, 1);
          settle(false);
        },
      };
    },
    leave() {
      inFlight = Math.max(0, inFlight - 1);
      admitWaiters();
    },
    configure(next) {
      limits = next;
      admitWaiters();
    },
    drain() {
      for (const settle of waiting.splice(0)) {
        start();
        settle(true);
      }
    },
    summarize() {
      return { maxConcurrent: limits.maxConcurrent, queue: limits.queue, ...counts };
    },
  };
}
