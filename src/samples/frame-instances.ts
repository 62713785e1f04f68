// Each k6 process's own totals in a merged stream (runners: a run's end shows each one's share). Pure.
import { addPending, durationStatsOf, type DurationStats } from './digest.js';

/** What of a frame the totals read (src/samples/frames.ts Frame has it; named here to keep the modules acyclic). */
interface FrameLike {
  instance: string;
  series: ReadonlyArray<{
    metric: string;
    count: number;
    sum: number;
    min?: number | undefined;
    max?: number | undefined;
    values?: number[] | undefined;
    hdr?: string | undefined;
  }>;
}

export interface InstanceTotals {
  instance: string;
  requests: number;
  failed: number;
  iterations: number;
  duration: DurationStats;
}

export interface InstanceAccumulator {
  requests: number;
  failed: number;
  iterations: number;
  count: number;
  min: number;
  max: number;
  pending: Array<string | Float64Array>;
}

export function accumulateInstance(into: Map<string, InstanceAccumulator>, frame: FrameLike): void {
  let a = into.get(frame.instance);
  if (!a) {
    a = { requests: 0, failed: 0, iterations: 0, count: 0, min: Infinity, max: -Infinity, pending: [] };
    into.set(frame.instance, a);
  }
  for (const s of frame.series) {
    if (s.metric === 'http_reqs') a.requests += s.sum;
    else if (s.metric === 'http_req_failed') a.failed += s.sum;
    else if (s.metric === 'iterations') a.iterations += s.sum;
    else if (s.metric === 'http_req_duration') {
      a.count += s.count;
      if (s.min !== undefined) a.min = Math.min(a.min, s.min);
      if (s.max !== undefined) a.max = Math.max(a.max, s.max);
      if (s.values !== undefined) a.pending.push(Float64Array.from(s.values));
      if (s.hdr !== undefined) a.pending.push(s.hdr);
    }
  }
}

export function totalsOf(instance: string, a: InstanceAccumulator): InstanceTotals {
  const pos = addPending(a.pending, null);
  return {
    instance,
    requests: a.requests,
    failed: a.failed,
    iterations: a.iterations,
    duration: durationStatsOf({ count: a.count, min: a.min, max: a.max, pos, neg: null }),
  };
}
