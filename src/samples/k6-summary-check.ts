// Checks aggregates against k6's own end-of-test numbers for the same run (`--summary-export` JSON):
// the counts must be equal, percentiles within a tolerance. Pure; used by the tests and usable as a
// self-check of an ingest.
import type { Aggregates, SeriesFilter } from './aggregate.js';

export interface SummaryMismatch {
  /** As k6 names it, e.g. "http_req_duration{expected_response:true}". */
  metric: string;
  stat: string;
  k6: number;
  ours: number | undefined;
}

export interface SummaryCheck {
  /** Every stat compared, as "metric stat". */
  compared: string[];
  mismatches: SummaryMismatch[];
  /** Summary entries skipped: submetrics on tags other than expected_response, rates of counters. */
  skipped: string[];
}

export interface SummaryCheckOptions {
  /** Allowed relative difference for med and p(x), in percent. Default 1. */
  percentileTolerancePct?: number;
}

type SummaryValues = Record<string, number>;

function parseName(key: string): { metric: string; filter: SeriesFilter } | null {
  const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key);
  if (!m) return null;
  const metric = m[1]!;
  if (m[2] === undefined) return { metric, filter: {} };
  const [tag, value] = m[2].split(':');
  if (tag === 'expected_response' && (value === 'true' || value === 'false')) {
    return { metric, filter: { expectedResponse: value === 'true' } };
  }
  return null;
}

function relativeDiffPct(ours: number, k6: number): number {
  if (ours === k6) return 0;
  const scale = Math.max(Math.abs(k6), Math.abs(ours));
  return (Math.abs(ours - k6) / scale) * 100;
}

/** `summary` is the parsed --summary-export file ({ metrics: { name: { stat: value } } }). */
export function compareWithK6Summary(
  aggregates: Aggregates,
  summary: { metrics: Record<string, SummaryValues> },
  options: SummaryCheckOptions = {},
): SummaryCheck {
  const tolerance = options.percentileTolerancePct ?? 1;
  const out: SummaryCheck = { compared: [], mismatches: [], skipped: [] };
  const exact = (metric: string, stat: string, k6: number | undefined, ours: number | undefined): void => {
    if (k6 === undefined) return;
    out.compared.push(`${metric} ${stat}`);
    if (ours !== k6) out.mismatches.push({ metric, stat, k6, ours });
  };
  const near = (
    metric: string,
    stat: string,
    k6: number | undefined,
    ours: number | undefined,
    pct: number,
  ) => {
    if (k6 === undefined) return;
    out.compared.push(`${metric} ${stat}`);
    if (ours === undefined || !(relativeDiffPct(ours, k6) <= pct))
      out.mismatches.push({ metric, stat, k6, ours });
  };

  for (const [key, values] of Object.entries(summary.metrics)) {
    const name = parseName(key);
    if (name === null) {
      out.skipped.push(key);
      continue;
    }
    const stats = aggregates.stats(name.metric, name.filter);
    if (stats === undefined) {
      out.mismatches.push({ metric: key, stat: '(present)', k6: 1, ours: undefined });
      continue;
    }
    switch (stats.type) {
      case 'counter':
        exact(key, 'count', values['count'], stats.count);
        // k6 divides by its run clock, which the JSON output does not carry.
        out.skipped.push(`${key} rate`);
        break;
      case 'rate':
        exact(key, 'passes', values['passes'], stats.passes);
        exact(key, 'fails', values['fails'], stats.fails);
        near(key, 'value', values['value'], stats.rate, 1e-9);
        break;
      case 'gauge':
        exact(key, 'value', values['value'], stats.last);
        exact(key, 'min', values['min'], stats.min);
        exact(key, 'max', values['max'], stats.max);
        break;
      case 'trend':
        exact(key, 'count', values['count'], stats.count);
        exact(key, 'min', values['min'], stats.min);
        exact(key, 'max', values['max'], stats.max);
        // Sums of the same floats in a different order can differ in the last bits.
        near(key, 'avg', values['avg'], stats.avg, 1e-9);
        for (const [stat, k6] of Object.entries(values)) {
          const p = stat === 'med' ? 50 : /^p\((\d+(?:\.\d+)?)\)$/.exec(stat)?.[1];
          if (p === undefined) continue;
          near(key, stat, k6, stats.percentile(Number(p)), tolerance);
        }
        break;
    }
  }
  return out;
}
