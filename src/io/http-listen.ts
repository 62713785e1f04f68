// A small HTTP server for what runners push to loadctl (their metric streams): requests read whole, within a
// bound, and handed to a handler that answers with a status and a body. Effects only.
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface HttpRequestIn {
  method: string;
  path: string;
  /** Lower-cased names; a repeated header keeps its first value. */
  headers: Record<string, string>;
  body: string;
}

export interface HttpAnswer {
  status: number;
  body?: string;
  contentType?: string;
}

export interface Listening {
  host: string;
  port: number;
  close(): Promise<void>;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? (v[0] ?? '') : v;
  }
  return out;
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Listens on host:port (port 0: any free one) until closed. A body larger than maxBytes is answered 413
 * unread by the handler; a handler that throws is answered 500 with its message.
 */
export function listenHttp(
  host: string,
  port: number,
  maxBytes: number,
  handle: (req: HttpRequestIn) => Promise<HttpAnswer> | HttpAnswer,
): Promise<Listening> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      let answer: HttpAnswer;
      try {
        const body = await readBody(req, maxBytes);
        answer =
          body === undefined
            ? { status: 413, body: `a push is at most ${maxBytes} bytes\n` }
            : await handle({
                method: req.method ?? 'GET',
                path: req.url ?? '/',
                headers: headersOf(req),
                body,
              });
      } catch (err) {
        answer = { status: 500, body: `${(err as Error).message}\n` };
      }
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain; charset=utf-8' });
      res.end(answer.body ?? '');
    })();
  });
  // Runners push once a period over a kept-alive connection: no need to hold idle ones long after.
  server.keepAliveTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
      resolve({
        host,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
