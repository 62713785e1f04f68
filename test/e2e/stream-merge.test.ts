// Two k6 processes, one load (k6's execution segments, as the k6-operator splits a test): their frames of
// loadctl's metric stream merge exactly. The merged histogram is bucket for bucket the histogram of the union
// of both processes' raw samples (`--out json`), and the merged counts are their sum.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoService, type DemoService } from '../../src/demo/index.js';
import { bucketsFromHistogram, newHistogram, recordUnits, toUnits } from '../../src/samples/digest.js';
import { FrameReader } from '../../src/samples/frames.js';
import { metricWindow } from '../../src/samples/metric-window.js';
import { REPO, tempDir } from './helpers.js';

const K6 = process.env.LOADCTL_K6_BIN ?? join(REPO, '.tools', 'bin', 'k6');

function k6(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(K6, args, {
      env: { ...process.env, ...env, K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('frames of two k6 processes merge exactly', () => {
  let demo: DemoService;
  let dir: string;
  const raw: number[] = [];
  const reader = new FrameReader();
  let requests = 0;

  beforeAll(async () => {
    // Latencies that vary, so the histograms have many buckets.
    demo = await startDemoService({ latencyMs: 1, jitterMs: 4 });
    dir = await tempDir('stream-merge');
    const script = join(dir, 'script.js');
    writeFileSync(
      script,
      `import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 4, duration: '3s' } } };
export default function () {
  http.get(__ENV.BASE_URL + '/reservations/available/dates', { tags: { name: 'dates' } });
}
`,
    );
    const runs = (['0:1/2', '1/2:1'] as const).map((segment, i) =>
      k6(
        [
          'run',
          '--quiet',
          '--summary-mode=disabled',
          '--execution-segment',
          segment,
          '--execution-segment-sequence',
          '0,1/2,1',
          '--address',
          '',
          '--out',
          `loadctl=${join(dir, `frames-${i}.ndjson`)}?instance=runner-${i}`,
          '--out',
          `json=${join(dir, `raw-${i}.json`)}`,
          script,
        ],
        { BASE_URL: demo.url },
      ),
    );
    for (const r of await Promise.all(runs))
      if (r.code !== 0) throw new Error(`k6 exited ${r.code}: ${r.stderr}`);
    for (const i of [0, 1]) {
      reader.push(readFileSync(join(dir, `frames-${i}.ndjson`), 'utf8'));
      for (const line of readFileSync(join(dir, `raw-${i}.json`), 'utf8').split('\n')) {
        if (!line.includes('"Point"')) continue;
        const s = JSON.parse(line) as { metric: string; data: { value: number } };
        if (s.metric === 'http_req_duration') raw.push(s.data.value);
        if (s.metric === 'http_reqs') requests += s.data.value;
      }
    }
  }, 90_000);

  afterAll(async () => {
    await demo?.close();
  });

  it('has both runners, each with its final frame, and counts every request of both', () => {
    expect(reader.frames.instanceStates()).toEqual([
      { instance: 'runner-0', final: true },
      { instance: 'runner-1', final: true },
    ]);
    expect(requests).toBeGreaterThan(100);
    expect(reader.frames.total({ endpoint: 'dates' }).requests).toBe(requests);
  });

  it('merges the histograms into the histogram of the union of their raw samples, bucket for bucket', () => {
    const merged = metricWindow(reader.frames, 'http_req_duration', { name: 'dates' }, -Infinity, Infinity);
    const union = newHistogram();
    for (const v of raw) recordUnits(union, toUnits(v));
    expect(merged.count).toBe(raw.length);
    expect(merged.min).toBe(Math.min(...raw));
    expect(merged.max).toBe(Math.max(...raw));
    const got = merged.digest?.pos;
    if (!got) throw new Error('no histogram merged');
    expect(bucketsFromHistogram(got)).toEqual(bucketsFromHistogram(union));
  });
});
