// The network edge: free ports, TCP reachability and HTTP. Everything else asks through Io.
import { connect, createServer } from 'node:net';

/** A free TCP port on loopback (the tiny race until k6 binds it is acceptable for a local tool). */
export async function probeFreePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type Reachability =
  | { kind: 'ok'; ms: number }
  | { kind: 'refused' }
  | { kind: 'timeout' }
  | { kind: 'dns'; detail: string }
  | { kind: 'error'; detail: string };

/** Can we open a TCP connection to the target at all? A run against a closed port measures nothing. */
export async function probeTcp(host: string, port: number, timeoutMs = 3000): Promise<Reachability> {
  const started = Date.now();
  return await new Promise<Reachability>((resolve) => {
    const socket = connect({ host, port });
    const done = (r: Reachability) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ kind: 'timeout' }));
    socket.once('connect', () => done({ kind: 'ok', ms: Date.now() - started }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done({ kind: 'refused' });
      else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') done({ kind: 'dns', detail: err.code });
      else done({ kind: 'error', detail: err.code ?? err.message });
    });
  });
}
