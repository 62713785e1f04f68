// Large files read as a stream of chunks, plain or gzip (told apart by the magic bytes, not the name).
// Memory stays flat whatever the file size: two read buffers or zlib's window. The consumer (raw-sample
// ingest in src/samples) stays pure: it only sees bytes. Time stays bounded too: only a regular file is
// read (a device or FIFO never ends), and gzip may inflate only so far (a gzip bomb inflates ~1000×).
import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { openRegularFile, ReadRefusedError } from './bounded-fs.js';

export interface InflateLimit {
  /** Inflated bytes allowed per byte of the gzip file. */
  ratio: number;
  /** Inflated bytes always allowed, however small the gzip file. */
  floorBytes: number;
}

// k6's NDJSON samples inflate ~30× (measured: 250 KB → 7 MB); a gzip bomb inflates ~1000×.
export const SAMPLES_INFLATE_LIMIT: InflateLimit = { ratio: 200, floorBytes: 64 * 1024 * 1024 };

/**
 * The file's bytes (inflated when it is gzip), `chunkSize` at a time. A yielded buffer may be reused for
 * a later chunk once the consumer asks for the next one: copy what must outlive that. Rejects on I/O
 * errors, corrupt gzip data, gzip that inflates past `inflateLimit` and what is not a regular file (all
 * three ReadRefusedError, from src/io/bounded-fs.ts).
 */
export async function* readFileChunks(
  path: string,
  chunkSize: number,
  inflateLimit: InflateLimit = SAMPLES_INFLATE_LIMIT,
): AsyncGenerator<Buffer> {
  const { file, size } = await openRegularFile(path);
  let gzip = false;
  try {
    gzip = await isGzip(file);
    if (!gzip) yield* readPlain(file, chunkSize);
  } finally {
    // The gzip stream closes the file when it ends.
    if (!gzip) await file.close();
  }
  if (gzip) {
    const maxBytes = Math.max(inflateLimit.floorBytes, size * inflateLimit.ratio);
    yield* readGzip(path, file, chunkSize, { maxBytes, sizeBytes: size });
  }
}

async function isGzip(file: FileHandle): Promise<boolean> {
  const magic = Buffer.alloc(2);
  const { bytesRead } = await file.read(magic, 0, 2, 0);
  return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

async function* readPlain(file: FileHandle, chunkSize: number): AsyncGenerator<Buffer> {
  // Two buffers: the next read runs on the thread pool while the consumer scans the last one; the
  // consumer is done with a buffer when it asks for the next chunk.
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
      yield bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    // Never close the file under a read still in flight.
    await next.catch(() => undefined);
  }
}

async function* readGzip(
  path: string,
  file: FileHandle,
  chunkSize: number,
  limit: { maxBytes: number; sizeBytes: number },
): AsyncGenerator<Buffer> {
  // Iterating lets zlib inflate the next chunks on the thread pool while the consumer scans the current
  // one; pipeline closes the file and turns corrupt data or a read error into a rejection here. Leaving
  // the loop (the limit, or the consumer stopping) destroys the streams, which closes the file.
  const inflated = pipeline(
    file.createReadStream({ highWaterMark: chunkSize, start: 0 }),
    createGunzip({ chunkSize }),
    () => undefined,
  );
  let total = 0;
  for await (const chunk of inflated as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit.maxBytes)
      throw new ReadRefusedError(path, {
        kind: 'too-large',
        maxBytes: limit.maxBytes,
        inflatedFrom: limit.sizeBytes,
      });
    yield chunk;
  }
}
