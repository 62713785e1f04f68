// Reading and writing a results folder: copies of the recorded run folders in a temp dir, some damaged.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realIo, type Io } from '../io/io.js';
import { LoadctlError } from '../errors.js';
import { readOptionalStoredFile, readStoredFile, readStoredRunFiles, readStoredRuns } from './read.js';
import {
  renderMetaFile,
  renderPlanResolvedFile,
  renderSeriesFile,
  renderSummaryFile,
  writeRunFiles,
} from './write.js';
import type { RunSummary } from '../report/model/summary.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const GOOD = '20261122T043604Z-11f905';
const BAD = '20261122T043613Z-e700a2';
const FOREIGN = '20261122T043630Z-470fff';

let root = '';
let io: Io;

async function caught(p: Promise<unknown>): Promise<LoadctlError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LoadctlError) return err;
    throw err;
  }
  throw new Error('expected a LoadctlError');
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loadctl-store-'));
  io = { ...realIo(), cwd: root };
  const plan = join(root, 'results', 'compare');
  await cp(join(FIXTURES, 'stored-runs', 'compare'), plan, { recursive: true });
  const bad = join(plan, BAD, 'summary.json');
  const s = JSON.parse(await readFile(bad, 'utf8')) as { totals: Record<string, unknown> };
  s.totals['requests'] = 'many';
  await writeFile(bad, JSON.stringify(s));
  const foreign = join(plan, FOREIGN, 'summary.json');
  await writeFile(
    foreign,
    (await readFile(foreign, 'utf8')).replace('loadctl.summary/v1', 'loadctl.summary/v9'),
  );
  // A run still going: no summary.json yet, so not a run.
  await mkdir(join(plan, '20261122T050000Z-000000'));
  await writeFile(join(root, 'results', 'notes.txt'), 'not a plan folder');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readStoredRuns', () => {
  it('lists the good runs and the damaged ones apart', async () => {
    const { runs, damaged } = await readStoredRuns(io, 'results');
    expect(runs.map((r) => r.summary.runId)).toEqual([GOOD, '20261122T043640Z-b9b048']);
    expect(damaged.map((d) => [d.id, d.plan, d.file, d.message])).toEqual([
      [
        BAD,
        'compare',
        'summary.json',
        `results/compare/${BAD}/summary.json: totals.requests: expected number, got string "many"`,
      ],
      [
        FOREIGN,
        'compare',
        'summary.json',
        `results/compare/${FOREIGN}/summary.json is foreign: not a loadctl.summary/v1 summary.json (it declares "loadctl.summary/v9")`,
      ],
    ]);
    expect(damaged[0]?.hint).toBe('re-run, or remove the run folder');
  });

  it('is empty for a results folder that does not exist, and an error for a file', async () => {
    expect(await readStoredRuns(io, 'nowhere')).toEqual({ runs: [], damaged: [], unfinished: [] });
    const err = await caught(readStoredRuns(io, 'results/notes.txt'));
    expect([err.exitCode, err.message]).toEqual([3, 'results/notes.txt is not a results folder']);
  });
});

describe('readStoredFile', () => {
  const dir = (id: string) => join(root, 'results', 'compare', id);

  it('gives a damaged or missing file as an environment error naming it', async () => {
    const bad = await caught(readStoredFile(io, dir(BAD), 'summary'));
    expect([bad.exitCode, bad.message, bad.hint]).toEqual([
      3,
      `results/compare/${BAD}/summary.json: totals.requests: expected number, got string "many"`,
      're-run, or remove the run folder',
    ]);
    const missing = await caught(readStoredFile(io, dir(GOOD), 'series'));
    expect([missing.exitCode, missing.message]).toEqual([
      3,
      `results/compare/${GOOD}/series.json is missing`,
    ]);
    const foreign = await caught(readStoredRunFiles(io, dir(FOREIGN)));
    expect(foreign.message).toContain('is foreign');
    expect(foreign.hint).toMatch(/another version of loadctl/);
  });

  it('gives an optional file that is absent as undefined, and a damaged one as an error', async () => {
    expect(await readOptionalStoredFile(io, dir(GOOD), 'series')).toBeUndefined();
    const files = await readStoredRunFiles(io, dir(GOOD));
    expect([files.summary.runId, files.meta?.host?.cores, files.series]).toEqual([GOOD, 2, undefined]);
    await writeFile(join(dir(GOOD), 'meta.json'), '{"schema": "loadctl.meta/v1", "host": {"cores": "2"}}');
    const err = await caught(readStoredRunFiles(io, dir(GOOD)));
    expect(err.message).toBe(
      `results/compare/${GOOD}/meta.json: host.cores: expected number, got string "2"`,
    );
  });
});

describe('readStoredRunFiles and server.json', () => {
  const server = {
    schema: 'loadctl.server/v1',
    target: 'staging',
    intervalMs: 1000,
    sources: [{ id: 'process', kind: 'process', address: 'pid 7', local: true, samples: 2, errors: [] }],
    series: [
      {
        id: 'processCpu',
        source: 'process',
        label: 'process CPU',
        unit: 'percent',
        points: [
          [1, 40],
          [2, 55],
        ],
      },
    ],
  };

  it('reads server.json when there, without it as normal, and names a damaged one', async () => {
    const dir = join(root, 'results', 'monitored', GOOD);
    await cp(join(FIXTURES, 'stored-runs', 'compare', GOOD), dir, { recursive: true });
    expect((await readStoredRunFiles(io, dir)).server).toBeUndefined();
    await writeFile(join(dir, 'server.json'), JSON.stringify(server));
    expect((await readStoredRunFiles(io, dir)).server?.series[0]?.points).toEqual([
      [1, 40],
      [2, 55],
    ]);
    await writeFile(join(dir, 'server.json'), JSON.stringify({ ...server, intervalMs: 'often' }));
    const err = await caught(readStoredRunFiles(io, dir));
    expect([err.exitCode, err.message]).toEqual([
      3,
      `results/monitored/${GOOD}/server.json: intervalMs: expected number, got string "often"`,
    ]);
  });
});

describe('writers', () => {
  it('write what the readers read back, with their versions', async () => {
    const runDir = join(root, 'results', 'written', 'r1');
    const summary = JSON.parse(
      await readFile(join(FIXTURES, 'report', 'ticket-rush', 'summary.json'), 'utf8'),
    ) as RunSummary;
    const planFile = JSON.parse(
      await readFile(join(FIXTURES, 'report', 'seat-race-smoke', 'plan.resolved.json'), 'utf8'),
    ) as Parameters<typeof renderPlanResolvedFile>[0];
    await writeRunFiles(io, runDir, {
      summary: renderSummaryFile(summary),
      series: renderSeriesFile({
        schema: 'loadctl.series/v1',
        source: 'k6-rest-api',
        intervalMs: 1000,
        points: [],
      }),
      meta: renderMetaFile({ schema: 'loadctl.meta/v1', runId: 'r1', endedAt: null, exitCode: null }),
      plan: renderPlanResolvedFile(planFile, (text) => text.replace('racer-pass', '[redacted]')),
    });
    const files = await readStoredRunFiles(io, runDir);
    expect(files.summary).toEqual(summary);
    expect(files.series?.points).toEqual([]);
    expect(files.meta?.runId).toBe('r1');
    expect(files.plan?.schema).toBe('loadctl.plan-resolved/v1');
    expect(JSON.stringify(files.plan)).toContain('[redacted]');
  });
});

describe('stored files that are no file loadctl wrote', () => {
  // A FIFO would block an open forever; a 3 GB summary.json would take all memory: both refused unread.
  it(
    'lists a FIFO or a huge summary.json as damaged, naming the file and the limit',
    { timeout: 10_000 },
    async () => {
      const results = join(root, 'special-results');
      const fifoRun = join(results, 'p', '20261122T000001Z-aaaaaa');
      const hugeRun = join(results, 'p', '20261122T000002Z-bbbbbb');
      await mkdir(fifoRun, { recursive: true });
      await mkdir(hugeRun, { recursive: true });
      execFileSync('mkfifo', [join(fifoRun, 'summary.json')]);
      await writeFile(join(hugeRun, 'summary.json'), '');
      await truncate(join(hugeRun, 'summary.json'), 3 * 1024 ** 3);
      const { runs, damaged } = await readStoredRuns(io, results);
      expect(runs).toEqual([]);
      expect(damaged.map((d) => d.message)).toEqual([
        `special-results/p/20261122T000001Z-aaaaaa/summary.json is a FIFO (named pipe), not a regular file: it is not a file loadctl wrote`,
        `special-results/p/20261122T000002Z-bbbbbb/summary.json is larger than the 64 MiB limit (it is 3 GiB): it is not a file loadctl wrote`,
      ]);
      const err = await caught(readStoredFile(io, hugeRun, 'summary'));
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(/summary\.json is larger than the 64 MiB limit/);
      expect(err.hint).toMatch(/remove the run folder/);
    },
  );
});
