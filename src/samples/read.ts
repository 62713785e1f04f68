// Ingestion of k6's `--out json=FILE` output (plain or gzip): the file's chunks, read by src/io, go
// through K6JsonIngest. Memory stays flat whatever the file size: two read buffers, the carried partial
// line, and the aggregates.
import { readFileChunks } from '../io/file-chunks.js';
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
  const ingest = new K6JsonIngest(options);
  // Ingest copies only the partial last line of a chunk, so a chunk's buffer is free once push returns.
  for await (const chunk of readFileChunks(path, options.chunkSize ?? READ_CHUNK)) ingest.push(chunk);
  return ingest.end();
}
