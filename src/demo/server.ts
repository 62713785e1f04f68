// The demo service's HTTP edge: the socket and its lifetime. Requests are handled by DemoServer
// (service.ts); the rules live in state.ts, handlers.ts, chat.ts and rate-limit.ts. Loopback only: this is a
// target for trying loadctl and for the project's tests, never something to expose.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoKnobs } from '../plans/schema.js';
import { validateDemoKnobs } from './knobs.js';
import { DemoServer, type DemoStats } from './service.js';

export type { DemoStats } from './service.js';

export interface DemoService {
  url: string;
  host: string;
  port: number;
  stats(): DemoStats;
  /** Throws on an invalid patch. State knobs (schedules, seats, points, coupon stock) apply at the next reset. */
  setKnobs(patch: Partial<DemoKnobs>): void;
  /** Stops listening, ends keep-alive connections and open streams, and resolves. */
  close(): Promise<void>;
}

export interface DemoServiceOptions {
  /** Receives one line per notable event: admin changes and unexpected errors. */
  log?: (line: string) => void;
}

/**
 * Far above the gaps between a load test's requests, so the server rarely closes a connection just as a
 * client reuses it (a race k6 reports as connection resets). close() ends idle connections at once anyway.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export async function startDemoService(
  knobs: DemoKnobs = {},
  opts: DemoServiceOptions = {},
): Promise<DemoService> {
  const checked = validateDemoKnobs(knobs);
  if (!checked.ok) throw new Error(`invalid demo service knobs: ${checked.issues.join('; ')}`);
  const log = opts.log ?? (() => {});
  const service = new DemoServer(checked.knobs, log);
  let closing: Promise<void> | undefined;

  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    service.serve(req, res).catch((error: unknown) => service.answerCrash(res, error));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Kept above keepAliveTimeout, the usual pairing, so an idle kept-alive connection ends by the keep-alive
  // timer and never by a headers timeout.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;

  await listen(server, service.requestedPort, service.host);
  server.on('error', (error) => log(`demo service error: ${error.message}`));
  service.port = (server.address() as AddressInfo).port;
  const { host, port } = service;

  return {
    url: `http://${host}:${port}`,
    host,
    port,
    stats: () => service.stats(),
    setKnobs: (patch) => service.patchKnobs(patch),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of service.timers) clearTimeout(timer);
        service.timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new Error(`the demo service could not listen on ${host}:${port}: ${error.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
