// Minimal, fast HTTP target for the data-collection benchmark. Runs as a child process of run.mjs so its
// CPU is measurable on its own; prints `LISTENING <port>` once bound to 127.0.0.1:0.
// Every 500th request to /b answers 503, so error counts in every source are non-zero and checkable.
import http from 'node:http';

const bodies = {
  '/a': JSON.stringify({ ok: true, route: 'a', items: [1, 2, 3] }),
  '/b': JSON.stringify({ ok: true, route: 'b', user: { id: 42, name: 'x' } }),
};
const failBody = JSON.stringify({ ok: false, error: 'injected' });
const FAIL_EVERY = 500;

let requests = 0;
let failures = 0;
let bCount = 0;

const server = http.createServer((req, res) => {
  requests += 1;
  const body = bodies[req.url ?? ''];
  if (body === undefined) {
    failures += 1;
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': failBody.length });
    res.end(failBody);
    return;
  }
  if (req.url === '/b') {
    bCount += 1;
    if (bCount % FAIL_EVERY === 0) {
      failures += 1;
      res.writeHead(503, { 'content-type': 'application/json', 'content-length': failBody.length });
      res.end(failBody);
      return;
    }
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
});

// The parent asks for counters with a "count" line on stdin and ends us by closing stdin.
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  for (const line of chunk.split('\n')) {
    if (line.trim() === 'count') process.stdout.write(`COUNT ${requests} ${failures}\n`);
  }
});
process.stdin.on('end', () => {
  server.close();
  server.closeAllConnections();
});
