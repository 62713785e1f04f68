// The file edge of ingestion: streams k6's `--out json=FILE` output (plain or gzip, told apart by the
// magic bytes, not the name) through K6JsonIngest. Memory stays flat whatever the file size: two read
// buffers, the carried partial line, and the aggregates.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Aggregates, AggregatesOptions } from './aggregate.js';
import { K6JsonIngest } from './ingest.js';

// Large reads amortise per-chunk work; 1 MiB is past the point where bigger stops helping.
const READ_CHUNK = 1 << 20;

export interface ReadK6JsonOptions extends AggregatesOptions {
  /** Bytes per read (plain) or per inflated chunk (gzip). */
  chunkSize?: number;
}

/** Aggregates of a k6 JSON output file. Rejects on I/O errors and corrupt gzip data. */
export async function readK6JsonFile(path: string, options: ReadK6JsonOptions = {}): Promise<Aggregates> {
  const chunkSize = options.chunkSize ?? READ_CHUNK;
  const ingest = new K6JsonIngest(options);
  const file = await open(path, 'r');
  let gzip: boolean;
  try {
    gzip = await isGzip(file);
    if (!gzip) await readPlain(file, ingest, chunkSize);
  } finally {
    await file.close();
  }
  if (gzip) await readGzip(path, ingest, chunkSize);
  return ingest.end();
}

async function isGzip(file: FileHandle): Promise<boolean> {
  const magic = Buffer.alloc(2);
  const { bytesRead } = await file.read(magic, 0, 2, 0);
  return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

async function readPlain(file: FileHandle, ingest: K6JsonIngest, chunkSize: number): Promise<void> {
  // Two buffers: the next read runs on the thread pool while this thread scans the last one. Ingest
  // copies only the partial last line of a chunk, so a buffer is free again once push returns.
  const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
  let which = 0;
  let next = file.read(buffers[0]!, 0, chunkSize, 0);
  let position = 0;
  try {
    for (;;) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0) break;
      position += bytesRead;
      which ^= 1;
      next = file.read(buffers[which]!, 0, chunkSize, position);
      ingest.push(bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead));
    }
  } finally {
    // Never close the file under a read still in flight.
    await next.catch(() => undefined);
  }
}

async function readGzip(path: string, ingest: K6JsonIngest, chunkSize: number): Promise<void> {
  // Iterating lets zlib inflate the next chunks on the thread pool while this thread scans the current
  // one; pipeline closes the file and turns corrupt data into a rejection.
  await pipeline(
    createReadStream(path, { highWaterMark: chunkSize }),
    createGunzip({ chunkSize }),
    async (inflated: AsyncIterable<Buffer>) => {
      for await (const chunk of inflated) ingest.push(chunk);
    },
  );
}
