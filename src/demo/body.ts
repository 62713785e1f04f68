// Request bodies of the demo service: JSON, bounded in size, read off the socket.
import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Bodies past the limit are read and dropped up to here, so the 413 reaches a client still uploading. */
const DRAIN_BYTES = 16 * 1024 * 1024;

export type BodyRead =
  | { kind: 'ok'; value: unknown }
  | { kind: 'too-large'; closeConnection: boolean }
  | { kind: 'bad-json'; message: string }
  | { kind: 'aborted' };

/** Reads a JSON body up to MAX_BODY_BYTES; past it keeps reading (dropping) up to DRAIN_BYTES, then gives up. */
export function readJsonBody(req: IncomingMessage): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (declared > DRAIN_BYTES) return Promise.resolve({ kind: 'too-large', closeConnection: true });
  return new Promise((resolve) => {
    let first: Buffer | undefined;
    let rest: Buffer[] | undefined;
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        if (first === undefined) first = chunk;
        else (rest ??= []).push(chunk);
        return;
      }
      first = undefined;
      rest = undefined;
      if (size > DRAIN_BYTES) {
        req.off('data', onData);
        req.pause();
        resolve({ kind: 'too-large', closeConnection: true });
      }
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) resolve({ kind: 'too-large', closeConnection: false });
      else
        resolve(
          parseJsonBody(
            first === undefined ? undefined : rest === undefined ? first : Buffer.concat([first, ...rest]),
          ),
        );
    });
    // A client that leaves mid-body: the first of these to fire wins, later resolves are no-ops.
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('close', () => resolve({ kind: 'aborted' }));
  });
}

function parseJsonBody(buffer: Buffer | undefined): BodyRead {
  if (buffer === undefined || buffer.length === 0) return { kind: 'ok', value: undefined };
  try {
    return { kind: 'ok', value: JSON.parse(buffer.toString('utf8')) as unknown };
  } catch (error) {
    return { kind: 'bad-json', message: error instanceof Error ? error.message : String(error) };
  }
}
