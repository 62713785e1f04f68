// Splits a byte stream of k6 JSON output into lines and folds them into Aggregates. Pure: the caller
// reads the file (read.ts) and pushes chunks; this never touches the world.
import { Aggregates, type AggregatesOptions } from './aggregate.js';
import { K6JsonScanner } from './scan.js';

const NEWLINE = 10;

export class K6JsonIngest {
  private readonly scanner = new K6JsonScanner();
  private readonly aggregates: Aggregates;
  /** The start of a line that the previous chunk did not finish. */
  private carry: Buffer | null = null;
  private done = false;

  constructor(options: AggregatesOptions = {}) {
    this.aggregates = new Aggregates(options);
  }

  /** Feeds the next bytes. The chunk is not kept, so the caller may reuse its memory afterwards. */
  push(chunk: Buffer): void {
    if (this.done) throw new Error('K6JsonIngest: push() after end()');
    let start = 0;
    if (this.carry !== null) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]);
      this.carry = null;
      this.scanner.scanLines(line, 0, line.length, this.aggregates);
      start = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(NEWLINE);
    if (lastNl >= start) {
      this.scanner.scanLines(chunk, start, lastNl + 1, this.aggregates);
      start = lastNl + 1;
    }
    if (start < chunk.length) this.carry = Buffer.from(chunk.subarray(start));
  }

  /** Scans a last line without '\n' (a k6 run cut short leaves one) and returns the result. */
  end(): Aggregates {
    if (!this.done) {
      this.done = true;
      if (this.carry !== null) this.scanner.scanLines(this.carry, 0, this.carry.length, this.aggregates);
      this.carry = null;
      this.aggregates.input = this.scanner.stats;
    }
    return this.aggregates;
  }
}

/** Aggregates of a whole k6 JSON text already in memory (tests, small inputs). */
export function aggregateK6Json(data: Uint8Array | string, options?: AggregatesOptions): Aggregates {
  const ingest = new K6JsonIngest(options);
  ingest.push(
    typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.length),
  );
  return ingest.end();
}
