// The Go tests of k6ext/ (the output `--out loadctl=…` and k6/x/loadctl-sse), run here so CI runs them with
// the rest. They need Go, which `npm run setup:k6` needs too; without it they are skipped, and the reason is
// printed, not silent.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

const K6EXT = join(REPO, 'k6ext');
const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).error === undefined;
if (!hasGo)
  console.warn('k6ext-go.test.ts: skipped, `go` is not on PATH (install Go to run the k6ext Go tests)');

function runGoTest(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // -mod=readonly: the committed go.sum is the truth, as for the build.
    const child = spawn('go', ['test', '-mod=readonly', '-count=1', './...'], {
      cwd: K6EXT,
      env: { ...process.env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('k6ext Go tests', () => {
  it.skipIf(!hasGo)(
    'go test ./... passes in k6ext/',
    async () => {
      const r = await runGoTest();
      // The whole output on failure says which Go test failed and why.
      expect(r.code, r.output).toBe(0);
      expect(r.output).toMatch(/^ok\s+loadctl\.local\/k6ext\/output\b/m);
      expect(r.output).toMatch(/^ok\s+loadctl\.local\/k6ext\/sse\b/m);
    },
    300_000,
  );
});
