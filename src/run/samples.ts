// Raw samples (`--samples`): streamed into HDR aggregates, then what the summary and charts take from them.
import {
  compareWithK6Summary,
  readK6JsonFile,
  STATUS_CLASSES,
  type AggregatesJson,
} from '../samples/index.js';
import type { K6Summary } from '../k6/summary.js';
import { seriesFromSamples, type SeriesPoint } from '../k6/live.js';

export interface SampleFindings {
  aggregates: AggregatesJson;
  series: SeriesPoint[];
  endpointSeries: Record<string, SeriesPoint[]>;
  statusClasses: Map<string, Record<string, number>>;
  notes: string[];
}

export async function readSampleFindings(
  path: string,
  endpoints: readonly string[],
  k6: K6Summary | undefined,
): Promise<SampleFindings | { unreadable: string }> {
  let agg;
  try {
    agg = await readK6JsonFile(path);
  } catch (err) {
    // k6 killed mid-write (a second Ctrl-C) leaves a cut-off gzip stream.
    return { unreadable: (err as Error).message };
  }
  const statusClasses = new Map<string, Record<string, number>>();
  const endpointSeries: Record<string, SeriesPoint[]> = {};
  for (const name of endpoints) {
    const classes: Record<string, number> = {};
    for (const cls of STATUS_CLASSES) {
      const n = agg.counter('http_reqs', { endpoint: name, status: cls })?.count ?? 0;
      if (n > 0) classes[cls] = n;
    }
    statusClasses.set(name, classes);
    endpointSeries[name] = seriesFromSamples(agg.perSecond({ endpoint: name }));
  }
  const notes: string[] = [];
  if (k6) {
    // The raw samples and k6's own summary must agree; say so loudly if they ever do not.
    const check = compareWithK6Summary(agg, {
      metrics: Object.fromEntries(
        Object.entries(k6.metrics).map(([k, m]) => [k, m.values as Record<string, number>]),
      ),
    });
    if (check.mismatches.length > 0) {
      notes.push(
        `raw samples disagree with k6's summary on ${check.mismatches.map((m) => `${m.metric} ${m.stat}`).join(', ')}`,
      );
    }
  }
  return {
    aggregates: agg.toJSON(),
    series: seriesFromSamples(agg.perSecond()),
    endpointSeries,
    statusClasses,
    notes,
  };
}
