// Large files read as a stream of chunks, plain or gzip (told apart by the magic bytes, not the name).
// Memory stays flat whatever the file size: two read buffers or zlib's window. The consumer (raw-sample
// ingest in src/samples) stays pure: it only sees bytes.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * The file's bytes (inflated when it is gzip), `chunkSize` at a time. A yielded buffer may be reused for
 * a later chunk once the consumer asks for the next one: copy what must outlive that. Rejects on I/O
 * errors and corrupt gzip data.
 */
export async function* readFileChunks(path: string, chunkSize: number): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  let gzip: boolean;
  try {
    gzip = await isGzip(file);
    if (!gzip) yield* readPlain(file, chunkSize);
  } finally {
    await file.close();
  }
  if (gzip) yield* readGzip(path, chunkSize);
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

async function* readGzip(path: string, chunkSize: number): AsyncGenerator<Buffer> {
  // Iterating lets zlib inflate the next chunks on the thread pool while the consumer scans the current
  // one; pipeline closes the file and turns corrupt data or a read error into a rejection here.
  const inflated = pipeline(
    createReadStream(path, { highWaterMark: chunkSize }),
    createGunzip({ chunkSize }),
    () => undefined,
  );
  for await (const chunk of inflated as AsyncIterable<Buffer>) yield chunk;
}
