// `run --targets`' warm-up and the cold-start check (issue 19, part 1), with the real k6 against two servers
// this test starts: each is slow for the first second after its first request (100 ms falling to 0, on top of
// 2 ms), as a JIT-compiled service or one with empty caches is. Without a warm-up both measured runs start
// cold, and the summaries and the comparison say so; with one, the warm-up pays that second and the measured
// runs are warm.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/report/compare/compare.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { runCli, tempDir, writePlan } from './helpers.js';

interface ColdServer {
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}

async function startColdServer(): Promise<ColdServer> {
  let first: number | undefined;
  let count = 0;
  const server: Server = createServer((_req, res) => {
    const now = performance.now();
    first ??= now;
    count++;
    const cold = Math.max(0, 100 * (1 - (now - first) / 1000));
    setTimeout(() => res.end('ok'), 2 + cold);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const servers: ColdServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function compareTwo(warmup: string) {
  const a = await startColdServer();
  const b = await startColdServer();
  servers.push(a, b);
  const dir = await tempDir('warmup');
  const plan = await writePlan(
    dir,
    'cold.yaml',
    `name: cold
targets:
  a: { url: '${a.url}' }
  b: { url: '${b.url}' }
scenarios:
  users: { executor: constant-vus, vus: 4, duration: 5s, flow: get }
flows:
  get:
    think: 20ms
    steps:
      - { name: home, path: / }
`,
  );
  const results = join(dir, 'results');
  const r = await runCli(
    [
      'run',
      plan,
      '--targets',
      'a,b',
      '--warmup',
      warmup,
      '--cooldown',
      '0s',
      '--results',
      results,
      '--json',
      '--no-progress',
    ],
    { timeoutMs: 90_000 },
  );
  expect(r.code, r.stderr).toBe(0);
  const ids = readdirSync(join(results, 'cold')).sort();
  const summaries = ids.map(
    (id) => JSON.parse(readFileSync(join(results, 'cold', id, 'summary.json'), 'utf8')) as RunSummary,
  );
  return { r, a, b, results, summaries, comparison: JSON.parse(r.stdout) as Comparison };
}

describe('run --targets: warm-up and cold starts', () => {
  it('--warmup 0: both runs start cold, and the summaries and the comparison say so', async () => {
    const { summaries, comparison, r } = await compareTwo('0');
    expect(r.stderr).not.toContain('[warm-up]');
    expect(summaries.map((s) => s.target.name)).toEqual(['a', 'b']);
    for (const s of summaries) {
      // The first of five 1-second batches paid the cold second: far above the median of the others.
      expect(s.coldStart, s.target.name).toBeDefined();
      expect(s.coldStart!.firstP95).toBeGreaterThan(2 * s.coldStart!.restP95);
      expect(s.notes.some((n) => n.startsWith('the run started cold'))).toBe(true);
    }
    expect(comparison.notes.filter((n) => / started cold /.test(n))).toHaveLength(2);
  }, 100_000);

  it('with a warm-up, each target pays its cold second before the measured runs, which are warm', async () => {
    const { summaries, comparison, r, a, b, results } = await compareTwo('2s');
    expect(r.stderr).toContain('[warm-up] a');
    expect(r.stderr).toContain('[warm-up] b');
    expect(r.stderr).toMatch(/warm-up a: \d+ requests, p95 [\d.]+ms \(discarded\)/);
    // Only the measured runs are kept: the warm-up's folder is gone.
    expect(readdirSync(results)).toEqual(['cold']);
    expect(summaries).toHaveLength(2);
    for (const [s, server] of [
      [summaries[0]!, a],
      [summaries[1]!, b],
    ] as const) {
      expect(s.coldStart, s.target.name).toBeUndefined();
      // The warm-up's requests reached the target too.
      expect(server.requests()).toBeGreaterThan(s.totals.requests);
    }
    expect(comparison.notes.filter((n) => / started cold /.test(n))).toEqual([]);
  }, 100_000);
});
