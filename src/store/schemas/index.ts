// Every JSON file of a run folder that loadctl writes or reads, with its schema and version. Readers check
// a file against its entry (src/store/parse.ts); docs/schemas/ holds the JSON Schemas generated from them.
import type { z } from 'zod';
import { k6SummarySchema } from '../../k6/summary.js';
import { AGGREGATES_FORMAT, aggregatesJsonSchema } from '../../samples/aggregate.js';
import { SUMMARY_SCHEMA } from '../../report/model/summary.js';
import type { RunFile } from '../layout.js';
import {
  BREAKPOINT_SCHEMA,
  breakpointSchema,
  DEMO_STATS_SCHEMA,
  demoStatsSchema,
  META_SCHEMA,
  metaSchema,
  PLAN_RESOLVED_SCHEMA,
  planResolvedSchema,
  SERIES_SCHEMA,
  seriesSchema,
} from './files.js';
import { SERVER_SCHEMA, serverFileSchema } from './server.js';
import { summarySchema } from './summary.js';

export interface StoredFileSpec<S extends z.ZodType> {
  schema: S;
  /** The version a file must declare, e.g. loadctl.summary/v1; none for k6's own file. */
  version?: string;
  /** The version a file declares (its `schema` field, or what stands for one). */
  versionOf?: (file: Record<string, unknown>) => unknown;
  /** A file without a version reads as this one (the field came later). */
  versionOptional?: boolean;
  /** The name of its JSON Schema in docs/schemas/ (without .schema.json). */
  docName: string;
}

const schemaField = (file: Record<string, unknown>): unknown => file['schema'];

export const STORED_FILES = {
  summary: { schema: summarySchema, version: SUMMARY_SCHEMA, versionOf: schemaField, docName: 'summary' },
  meta: { schema: metaSchema, version: META_SCHEMA, versionOf: schemaField, docName: 'meta' },
  series: { schema: seriesSchema, version: SERIES_SCHEMA, versionOf: schemaField, docName: 'series' },
  plan: {
    schema: planResolvedSchema,
    version: PLAN_RESOLVED_SCHEMA,
    versionOf: schemaField,
    versionOptional: true,
    docName: 'plan-resolved',
  },
  demoStats: {
    schema: demoStatsSchema,
    version: DEMO_STATS_SCHEMA,
    versionOf: schemaField,
    versionOptional: true,
    docName: 'demo-stats',
  },
  samplesAggregates: {
    schema: aggregatesJsonSchema,
    version: `${AGGREGATES_FORMAT} v1`,
    versionOf: (file) =>
      file['format'] === undefined && file['version'] === undefined
        ? undefined
        : `${String(file['format'])} v${String(file['version'])}`,
    docName: 'samples-aggregates',
  },
  breakpoint: {
    schema: breakpointSchema,
    version: BREAKPOINT_SCHEMA,
    versionOf: schemaField,
    docName: 'breakpoint',
  },
  server: { schema: serverFileSchema, version: SERVER_SCHEMA, versionOf: schemaField, docName: 'server' },
  k6Summary: { schema: k6SummarySchema, docName: 'k6-summary' },
} as const satisfies Partial<Record<RunFile, StoredFileSpec<z.ZodType>>>;

/** A run folder's JSON files that have a schema. */
export type StoredFile = keyof typeof STORED_FILES;
/** What reading a stored file gives. */
export type StoredValue<F extends StoredFile> = z.output<(typeof STORED_FILES)[F]['schema']>;
