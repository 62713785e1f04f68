// loadctl's frames file (docs/stream.md), read in chunks: memory holds the merged periods, not the file.
import { readFileChunks } from '../io/file-chunks.js';
import { FrameReader, type FrameAggregates } from './frames.js';

const READ_CHUNK = 1 << 20;

/** The merged frames of a file. Rejects on I/O errors and on a line that is not a frame (with its number). */
export async function readFramesFile(
  path: string,
  redact: (text: string) => string = (t) => t,
  opts: { perInstance?: boolean } = {},
): Promise<{ frames: FrameAggregates; cutBytes: number; redactedLines: number }> {
  // Read once, at the end of a run: nothing decoded is kept (memory holds the frames as written).
  const reader = new FrameReader(redact, { keep: false, perInstance: opts.perInstance ?? false });
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of readFileChunks(path, READ_CHUNK))
    reader.push(decoder.decode(chunk, { stream: true }));
  reader.push(decoder.decode());
  return { frames: reader.frames, cutBytes: reader.unfinishedTail, redactedLines: reader.redactedLines };
}
