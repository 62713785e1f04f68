// The stored files' schemas against the model types (type level) and against files recorded from real runs.
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  BREAKPOINT_SCHEMA as VERDICT_BREAKPOINT_SCHEMA,
  type LevelResult,
  type Verdict,
} from '../breakpoint/verdict.js';
import type { HostFacts } from '../io/host.js';
import type { SeriesPoint } from '../k6/live.js';
import type { RunSummary } from '../report/model/summary.js';
import { aggregateK6Json } from '../samples/ingest.js';
import { parseStoredFile } from './parse.js';
import type { StoredFile } from './schemas/index.js';
import {
  BREAKPOINT_SCHEMA,
  type breakpointSchema,
  type metaSchema,
  type seriesPointSchema,
} from './schemas/files.js';
import type { StoredSummary } from './schemas/summary.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const text = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');

type Extends<A, B> = [A] extends [B] ? true : false;
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

describe('stored file schemas', () => {
  it('summary.json’s schema is RunSummary exactly', () => {
    const same: Equals<StoredSummary, RunSummary> = true;
    expect(same).toBe(true);
  });

  it('the writers take what loadctl builds', () => {
    type Breakpoint = z.input<typeof breakpointSchema>;
    const checks: Array<true> = [
      true satisfies Extends<Verdict, Breakpoint['verdict']>,
      true satisfies Extends<LevelResult, Breakpoint['levels'][number]>,
      true satisfies Extends<HostFacts, NonNullable<z.input<typeof metaSchema>['host']>>,
      true satisfies Extends<SeriesPoint, z.input<typeof seriesPointSchema>>,
    ];
    expect(checks).not.toContain(false);
    expect(BREAKPOINT_SCHEMA).toBe(VERDICT_BREAKPOINT_SCHEMA);
  });

  const recorded: Array<[StoredFile, string]> = [
    ...['report/seat-race-smoke', 'report/ticket-rush'].flatMap((dir): Array<[StoredFile, string]> => [
      ['summary', `${dir}/summary.json`],
      ['series', `${dir}/series.json`],
      ['meta', `${dir}/meta.json`],
      ['plan', `${dir}/plan.resolved.json`],
    ]),
    ...readdirSync(join(FIXTURES, 'stored-runs/compare')).flatMap((id): Array<[StoredFile, string]> => [
      ['summary', `stored-runs/compare/${id}/summary.json`],
      ['meta', `stored-runs/compare/${id}/meta.json`],
    ]),
    ['k6Summary', 'stored-runs/k6-summary-batches.json'],
    ['k6Summary', 'k6-summary/thresholds-failed.json'],
  ];
  it.each(recorded)('reads the recorded %s file %s', (file, path) => {
    const parsed = parseStoredFile(file, text(path));
    expect(parsed.ok ? 'ok' : parsed.problem).toBe('ok');
  });

  it('reads samples-aggregates.json as loadctl writes it', () => {
    const samples = gunzipSync(readFileSync(join(FIXTURES, 'k6-json/basic.ndjson.gz')));
    const json = JSON.stringify(aggregateK6Json(samples).toJSON());
    expect(parseStoredFile('samplesAggregates', json).ok).toBe(true);
  });
});
