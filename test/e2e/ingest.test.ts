// Ingestion of k6's raw samples end to end: a fresh run of the real k6 against a real server on
// 127.0.0.1, written with --out json (plain, and gzip by k6 itself), read back with readK6JsonFile and
// checked against k6's own --summary-export of the same run.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithK6Summary } from '../../src/samples/k6-summary-check.js';
import { readK6JsonFile } from '../../src/samples/read.js';
import { closedPortUrl, k6Path, runK6, SCENARIOS, startServer } from '../fixtures/k6-json/record.mjs';

interface Server {
  url: string;
  close(): Promise<void>;
}

describe('ingest of a fresh k6 run (real k6, real server)', () => {
  let dir = '';
  let server: Server;

  beforeAll(async () => {
    if (!existsSync(k6Path())) throw new Error(`no k6 at ${k6Path()}: run npm run setup:k6`);
    dir = await mkdtemp(join(tmpdir(), 'loadctl-ingest-e2e-'));
    server = (await startServer()) as Server;
  });
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['basic', 'plain'],
    ['escapes', 'gzip'],
  ] as const)(
    '%s scenario, %s output: counts equal k6’s, percentiles within 1 per cent',
    async (name, output) => {
      const scenario = SCENARIOS[name];
      const jsonOut = join(dir, output === 'gzip' ? `${name}.ndjson.gz` : `${name}.ndjson`);
      const summaryOut = join(dir, `${name}.summary.json`);
      const r = await runK6({
        script: scenario.script,
        dir,
        jsonOut,
        summaryOut,
        env: { BASE_URL: server.url, CLOSED_URL: await closedPortUrl(), ...scenario.env },
      });
      expect(r.code, r.stderr).toBe(0);

      const aggregates = await readK6JsonFile(jsonOut);
      const summary = JSON.parse(readFileSync(summaryOut, 'utf8')) as {
        metrics: Record<string, Record<string, number>>;
      };
      const check = compareWithK6Summary(aggregates, summary, { percentileTolerancePct: 1 });
      expect(check.mismatches).toEqual([]);
      expect(check.compared).toEqual(
        expect.arrayContaining([
          'http_reqs count',
          'http_req_failed passes',
          'http_req_failed fails',
          'checks passes',
          'checks fails',
          'iterations count',
          'http_req_duration count',
          'http_req_duration p(90)',
          'http_req_duration p(95)',
        ]),
      );
      const m = summary.metrics;
      expect(aggregates.counter('http_reqs')!.count).toBe(m['http_reqs']!['count']);
      expect(aggregates.counter('http_reqs')!.count).toBeGreaterThan(50);
      const p95 = aggregates.trend('http_req_duration')!.percentile(95);
      expect(Math.abs(p95 - m['http_req_duration']!['p(95)']!)).toBeLessThanOrEqual(
        m['http_req_duration']!['p(95)']! * 0.01,
      );
      expect(aggregates.input.invalid).toBe(0);
      // Most lines take the byte scanner, not JSON.parse.
      expect(aggregates.input.fastPoints).toBeGreaterThan(aggregates.input.parsedPoints);
    },
  );
});
