#!/usr/bin/env node
// Records the arrival of a streamed chat answer's bytes from a running demo service, for the definitions
// test (k6ext/sse/definitions_test.go): each read of the body with its time after the request was sent.
//
//   node bin/loadctl.js demo --port 18931 --chat-ttft 150 --chat-token-delay 25 --chat-tokens 12 &
//   node scripts/record-demo-streams.mjs http://127.0.0.1:18931 > k6ext/sse/testdata/demo-streams.json
//   npx prettier --write k6ext/sse/testdata/demo-streams.json
//
// Four requests at once: a full answer, one capped by max_tokens, a one-token answer (no TPOT) and one
// without stream_options (no usage: the counts then come from elsewhere).
import { performance } from 'node:perf_hooks';

const base = process.argv[2] ?? 'http://127.0.0.1:18931';
const messages = [{ role: 'user', content: 'How long does a load test take to warm up?' }];
const bodies = [
  { max_tokens: undefined, usage: true },
  { max_tokens: 5, usage: true },
  { max_tokens: 1, usage: true },
  { max_tokens: undefined, usage: false },
];

async function record({ max_tokens, usage }) {
  const body = { model: 'demo-model', messages, stream: true, max_tokens };
  if (usage) body.stream_options = { include_usage: true };
  const sent = performance.now();
  const res = await fetch(`${base}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const headersMs = performance.now() - sent;
  const reads = [];
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    reads.push({ atMs: performance.now() - sent, data: decoder.decode(chunk, { stream: true }) });
  }
  return { request: body, status: res.status, headersMs, reads };
}

const requests = await Promise.all(bodies.map(record));
const recordedAt = new Date().toISOString();
process.stdout.write(`${JSON.stringify({ recordedAt, base, requests }, null, 1)}\n`);
