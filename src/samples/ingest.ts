// Splits a byte stream of k6 JSON output into lines and folds them into Aggregates. Pure: the caller
// reads the file (read.ts) and pushes chunks; this never touches the world.
import { Aggregates, type AggregatesOptions } from './aggregate.js';
import { K6JsonScanner } from './scan.js';

const NEWLINE = 10;
// k6's sample lines are a few hundred bytes; a line past this is no k6 output, and keeping all of it (a
// file of zeros has no newline at all) would hold the whole file in memory. It is counted invalid, unread.
export const MAX_LINE_BYTES = 1 << 20;

export class K6JsonIngest {
  private readonly scanner = new K6JsonScanner();
  private readonly aggregates: Aggregates;
  /** The start of a line that the previous chunk did not finish. */
  private carry: Buffer | null = null;
  /** Inside a line over MAX_LINE_BYTES: bytes are dropped until its newline. */
  private skipping = false;
  private done = false;

  constructor(options: AggregatesOptions = {}) {
    this.aggregates = new Aggregates(options);
  }

  /** Feeds the next bytes. The chunk is not kept, so the caller may reuse its memory afterwards. */
  push(chunk: Buffer): void {
    if (this.done) throw new Error('K6JsonIngest: push() after end()');
    let start = 0;
    if (this.carry !== null || this.skipping) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) {
        this.carryOn(chunk, 0);
        return;
      }
      const carried = this.carry;
      this.carry = null;
      if (this.skipping) this.skipping = false;
      else if (carried !== null && carried.length + nl + 1 > MAX_LINE_BYTES) this.scanner.countSkippedLine();
      else if (carried !== null) {
        const line = Buffer.concat([carried, chunk.subarray(0, nl + 1)]);
        this.scanner.scanLines(line, 0, line.length, this.aggregates);
      }
      start = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(NEWLINE);
    if (lastNl >= start) {
      this.scanner.scanLines(chunk, start, lastNl + 1, this.aggregates);
      start = lastNl + 1;
    }
    if (start < chunk.length) this.carryOn(chunk, start);
  }

  /** Keeps chunk[start..] as the start of an unfinished line, or drops the line once it is too long. */
  private carryOn(chunk: Buffer, start: number): void {
    if (this.skipping) return;
    const kept = this.carry?.length ?? 0;
    if (kept + chunk.length - start > MAX_LINE_BYTES) {
      this.carry = null;
      this.skipping = true;
      this.scanner.countSkippedLine();
      return;
    }
    const rest = chunk.subarray(start);
    this.carry = this.carry === null ? Buffer.from(rest) : Buffer.concat([this.carry, rest]);
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
