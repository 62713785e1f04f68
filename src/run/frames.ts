// loadctl's metric stream (docs/stream.md) after a run: per-second windowed series, overall and per endpoint,
// from the frames loadctl's k6 output wrote. Counts are checked against k6's own summary.
import { seriesFromSamples, type SeriesPoint } from '../k6/live.js';
import type { K6Summary } from '../k6/summary.js';
import {
  judgeWindowThresholds,
  type WindowThreshold,
  type WindowVerdict,
} from '../report/model/window-thresholds.js';
import type { FrameAggregates, InstanceTotals } from '../samples/frames.js';
import { k6SummaryFromFrames, type StreamSummaryInput } from '../report/model/stream-summary.js';

export interface FrameFindings {
  series: SeriesPoint[];
  endpointSeries: Record<string, SeriesPoint[]>;
  /** The plan's thresholds over a window, judged over every window of the whole run. */
  windows: Array<{ threshold: WindowThreshold; verdict: WindowVerdict }>;
  notes: string[];
  /** k6's end-of-test data rebuilt from the stream, when k6 kept none (RunSpec k6.summaryFrom 'stream'). */
  k6Summary?: K6Summary;
  /** Each k6 process's own totals, when the load was split over runners. */
  instances?: InstanceTotals[];
}

export function frameFindings(
  frames: FrameAggregates,
  endpoints: readonly string[],
  k6: K6Summary | undefined,
  cutBytes: number,
  windows: readonly WindowThreshold[] = [],
  rebuild?: StreamSummaryInput,
): FrameFindings {
  const endpointSeries: Record<string, SeriesPoint[]> = {};
  for (const name of endpoints)
    endpointSeries[name] = seriesFromSamples(frames.perPeriod({ endpoint: name }));
  const notes: string[] = [];
  const unfinished = frames.instanceStates().filter((s) => !s.final);
  if (unfinished.length > 0 || cutBytes > 0)
    notes.push(
      "loadctl's k6 output did not write its last frame (k6 was stopped at once): the series end with the last full second",
    );
  else if (k6) {
    // The stream and k6's own summary count the same samples: say so loudly if they ever do not.
    const k6Requests = k6.metrics['http_reqs']?.values['count'];
    const streamed = frames.total().requests;
    if (typeof k6Requests === 'number' && k6Requests !== streamed)
      notes.push(`loadctl's k6 output counted ${streamed} requests where k6's summary counts ${k6Requests}`);
  }
  if (rebuild)
    notes.push(
      "k6 kept no metrics of its own (its memory stays flat): the summary and the thresholds' verdicts come from loadctl's metric stream, counts exact, percentiles within 0.1 % (`run --k6-summary` for k6's own)",
    );
  return {
    series: seriesFromSamples(frames.perPeriod()),
    endpointSeries,
    windows: judgeWindowThresholds(frames, windows),
    notes,
    ...(rebuild ? { k6Summary: k6SummaryFromFrames(frames, rebuild) } : {}),
    ...(frames.instanceTotals().length > 0 ? { instances: frames.instanceTotals() } : {}),
  };
}
