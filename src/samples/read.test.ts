import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateK6Json, K6JsonIngest, MAX_LINE_BYTES } from './ingest.js';
import { readK6JsonFile } from './read.js';

const FIXTURES = new URL('../../test/fixtures/k6-json/', import.meta.url);

describe('readK6JsonFile', () => {
  let dir = '';
  let gz: Buffer;
  let text: Buffer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadctl-ingest-'));
    gz = await readFile(new URL('basic.ndjson.gz', FIXTURES));
    text = gunzipSync(gz);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('plain and gzip files give the same aggregates as the text in memory', async () => {
    const plain = join(dir, 'basic.ndjson');
    const zipped = join(dir, 'basic.ndjson.gz');
    await writeFile(plain, text);
    await writeFile(zipped, gz);
    const want = aggregateK6Json(text).toJSON();
    expect((await readK6JsonFile(plain)).toJSON()).toEqual(want);
    expect((await readK6JsonFile(zipped)).toJSON()).toEqual(want);
  });

  it.each([1, 7, 64, 4096])('lines split across %i-byte chunks are put back together', async (chunkSize) => {
    // At most 6,000 reads a case: every chunk boundary still falls inside some line, and a 1-byte read per
    // byte of 60 kB took over 5 s on a busy CI machine.
    const part = text.subarray(0, Math.min(60_000, chunkSize * 6_000));
    const file = join(dir, `chunks-${chunkSize}.ndjson`);
    await writeFile(file, part);
    const reference = aggregateK6Json(part);
    expect(reference.sampleCount).toBeGreaterThan(10);
    const want = reference.toJSON();
    expect((await readK6JsonFile(file, { chunkSize })).toJSON()).toEqual(want);
    const zipped = join(dir, `chunks-${chunkSize}.gz`);
    await writeFile(zipped, gzipSync(part));
    expect((await readK6JsonFile(zipped, { chunkSize: Math.max(chunkSize, 64) })).toJSON()).toEqual(want);
  });

  it('tells gzip by its magic bytes, not by the file name', async () => {
    const misnamed = join(dir, 'really-gzip.ndjson');
    const plainGz = join(dir, 'really-plain.gz');
    await writeFile(misnamed, gz);
    await writeFile(plainGz, text);
    const want = aggregateK6Json(text).sampleCount;
    expect((await readK6JsonFile(misnamed)).sampleCount).toBe(want);
    expect((await readK6JsonFile(plainGz)).sampleCount).toBe(want);
  });

  it('a run cut short: the truncated last line is counted as invalid, with its line number', async () => {
    const cut = text.subarray(0, text.length - 40);
    const file = join(dir, 'cut.ndjson');
    await writeFile(file, cut);
    const a = await readK6JsonFile(file);
    const lines = cut.toString('utf8').split('\n').length;
    expect(a.input).toMatchObject({ invalid: 1, invalidLines: [lines], lines });
    expect(a.sampleCount).toBe(aggregateK6Json(text).sampleCount - 1);
  });

  it('an empty file and a missing file', async () => {
    const empty = join(dir, 'empty.ndjson');
    await writeFile(empty, '');
    expect((await readK6JsonFile(empty)).sampleCount).toBe(0);
    await expect(readK6JsonFile(join(dir, 'missing.ndjson'))).rejects.toThrow(/ENOENT/);
  });

  it('a gzip bomb is refused once it inflates past its limit', { timeout: 30_000 }, async () => {
    // 96 gzip members of 1 MiB of zeros each: ~100 KiB inflating ~1000× (k6's samples inflate ~30×).
    // Refused after 64 MiB, the floor of the limit.
    const bomb = join(dir, 'bomb.ndjson.gz');
    const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    await writeFile(bomb, Buffer.concat(Array.from({ length: 96 }, () => member)));
    await expect(readK6JsonFile(bomb)).rejects.toThrow(/inflates to more than 64 MiB .*gzip bomb/);
  });

  it('refuses a FIFO without waiting for a writer', { timeout: 10_000 }, async () => {
    const fifo = join(dir, 'samples.fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(readK6JsonFile(fifo)).rejects.toThrow(/is a FIFO \(named pipe\), not a regular file/);
  });

  it('corrupt gzip is an error, not a silent partial result', async () => {
    const bad = join(dir, 'bad.gz');
    await writeFile(bad, Buffer.concat([gz.subarray(0, 2000), Buffer.alloc(50, 7)]));
    await expect(readK6JsonFile(bad)).rejects.toThrow();
  });
});

describe('K6JsonIngest', () => {
  it('keeps at most MAX_LINE_BYTES of a line without a newline, and counts it invalid', () => {
    const ingest = new K6JsonIngest();
    const chunk = Buffer.alloc(256 * 1024, 0x78);
    for (let i = 0; i < 4 * (MAX_LINE_BYTES / chunk.length); i++) ingest.push(chunk);
    // What the ingest holds of the unfinished line: nothing once it is past the limit.
    const carried = (ingest as unknown as { carry: Buffer | null }).carry;
    expect(carried?.length ?? 0).toBeLessThanOrEqual(MAX_LINE_BYTES);
    const good =
      '{"type":"Metric","data":{"name":"data_sent","type":"counter","contains":"data","thresholds":[],"submetrics":null},"metric":"data_sent"}\n';
    ingest.push(Buffer.from(`xx\n${good}`));
    const a = ingest.end();
    expect(a.input).toMatchObject({ invalid: 1, invalidLines: [1], lines: 2 });
  });

  it('refuses chunks after end()', () => {
    const ingest = new K6JsonIngest();
    ingest.end();
    expect(() => ingest.push(Buffer.from('{}'))).toThrow(/after end/);
  });
});
