// A file rewritten line by line through a transform (a redactor), in flat memory: read in chunks, written to
// a temporary file beside it, renamed over it. A line cut at the end (a write in progress when its writer was
// killed) is transformed and kept as it was, without a line end.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileChunks } from './file-chunks.js';

export async function rewriteLines(path: string, transform: (line: string) => string): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const out = createWriteStream(tmp);
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  try {
    for await (const chunk of readFileChunks(path, 1 << 20)) {
      const text = pending + decoder.decode(chunk, { stream: true });
      const end = text.lastIndexOf('\n');
      if (end < 0) {
        pending = text;
        continue;
      }
      pending = text.slice(end + 1);
      await write(`${text.slice(0, end).split('\n').map(transform).join('\n')}\n`);
    }
    pending += decoder.decode();
    if (pending !== '') await write(transform(pending));
    out.end();
    await once(out, 'finish');
    await rename(tmp, path);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}
