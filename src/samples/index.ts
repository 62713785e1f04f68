// Streamed ingestion of k6's raw samples (`k6 run --out json=FILE`, plain or .gz) into exact counts and
// mergeable HDR histograms. read.ts is the only module here that touches the world.
export {
  Aggregates,
  aggregatesJsonSchema,
  AGGREGATES_FORMAT,
  mergeAggregates,
  parseAggregatesJson,
  STATUS_CLASSES,
  type AggregatesJson,
  type AggregatesOptions,
  type CounterStats,
  type DurationStats,
  type GaugeStats,
  type MetricInfo,
  type MetricStats,
  type ParseAggregatesResult,
  type RateStats,
  type SampleTime,
  type SecondStats,
  type SeriesFilter,
  type StatusClass,
  type TrendStats,
} from './aggregate.js';
export { aggregateK6Json, K6JsonIngest } from './ingest.js';
export { readK6JsonFile, type ReadK6JsonOptions } from './read.js';
export {
  K6JsonScanner,
  parseTimeText,
  sampleFromParsed,
  newSample,
  type MetricDeclaration,
  type MetricType,
  type SampleFields,
  type SampleSink,
  type ScanResult,
  type ScanStats,
} from './scan.js';
export {
  compareWithK6Summary,
  type SummaryCheck,
  type SummaryCheckOptions,
  type SummaryMismatch,
} from './k6-summary-check.js';
