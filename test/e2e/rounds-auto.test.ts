// `run --targets --rounds auto` with the real k6 against two demo instances, one 20 ms slower: three rounds,
// then one more only while a --fail-on rule is neither failed nor passed (docs/compare.md#--rounds-auto).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writePlan } from './helpers.js';

// GET / is a business route of the demo: its latency knob applies (not to /health); one SHA-256 round only.
const PLAN = `name: auto
defaultTarget: a
targets:
  a: { demo: { latencyMs: 2, rootWork: 1 } }
  b: { demo: { latencyMs: 22, rootWork: 1 } }
scenarios:
  users: { executor: constant-vus, vus: 4, duration: 3s, flow: get }
flows:
  get:
    think: 10ms
    steps:
      - { name: home, path: / }
`;

describe('run --targets --rounds auto', () => {
  it('stops after three rounds once every rule is judged, and exits as the gate does', async () => {
    const dir = await tempDir('rounds-auto');
    const plan = await writePlan(dir, 'auto.yaml', PLAN);
    const results = join(dir, 'results');
    const r = await runCli(
      [
        'run',
        plan,
        '--targets',
        'a,b',
        '--rounds',
        'auto',
        '--warmup',
        '0',
        '--cooldown',
        '0s',
        '--fail-on',
        'p50>+10%',
        '--results',
        results,
        '--no-progress',
      ],
      { timeoutMs: 150_000 },
    );
    // b's median is about ten times a's: found in three paired rounds, and it crosses the limit.
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(7);
    expect(r.stderr).toContain('--rounds auto: every rule judged after 3 rounds');
    expect(r.stderr).not.toContain('[round 4/');
    expect(readdirSync(join(results, 'auto'))).toHaveLength(6);
    expect(r.stdout).toMatch(/✗ p50>\+10% · b: \+[\d.,]+% — significant, over the limit/);
  }, 160_000);

  it('needs --fail-on: without a gate there is nothing to wait for (exit 2, nothing run)', async () => {
    const dir = await tempDir('rounds-auto');
    const plan = await writePlan(dir, 'auto.yaml', PLAN);
    const r = await runCli([
      'run',
      plan,
      '--targets',
      'a,b',
      '--rounds',
      'auto',
      '--results',
      join(dir, 'r'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--rounds auto needs --fail-on');
    expect(r.stderr).not.toContain('internal error');
  });
});
