// `run --vus/--duration/--stages/--scenario/-e` against the fake Io: what reaches k6, what is recorded, what
// is printed, and what is refused before anything runs.
import { describe, expect, it } from 'vitest';
import { copyIntoFake, fakeIo, runCli, runDirs, SHOP } from '../harness/index.js';

const RUN = ['run', 'plans/shop.yaml', '--skip-preflight', '--no-progress'];

function shopIo() {
  const io = fakeIo({ k6: [SHOP.passed()] });
  copyIntoFake(io.fs, SHOP.plan, 'plans/shop.yaml');
  return io;
}

function json<T>(files: Record<string, string>, path: string): T {
  const text = files[path];
  expect(text, `${path} was written`).toBeDefined();
  return JSON.parse(text!) as T;
}

interface PlanResolved {
  overrides?: Record<string, unknown>;
  plan: { env?: Record<string, string>; scenarios: Record<string, Record<string, unknown>> };
}

describe('loadctl run with overrides (fake k6)', () => {
  it('--vus --duration -e: the plan as run, recorded in plan.resolved.json and meta.json, and shown', async () => {
    const io = shopIo();
    const r = await runCli([...RUN, '--vus', '3', '--duration', '2s', '-e', 'PAGE=x', '--env', 'N=1'], io);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const [dir] = runDirs(r.files, 'shop');
    const resolved = json<PlanResolved>(r.files, `${dir}/plan.resolved.json`);
    expect(resolved.overrides).toEqual({ vus: 3, duration: '2s', env: { PAGE: 'x', N: '1' } });
    expect(resolved.plan.scenarios).toEqual({
      browse: { executor: 'constant-vus', flow: 'browse', vus: 3, duration: '2s' },
    });
    expect(resolved.plan.env).toEqual({ PAGE: 'x', N: '1' });
    const meta = json<{ overrides?: unknown }>(r.files, `${dir}/meta.json`);
    expect(meta.overrides).toEqual(resolved.overrides);
    // k6 runs the reshaped scenario, and gets -e in its environment (over the one loadctl inherited).
    const options = json<{ scenarios: Record<string, Record<string, unknown>> }>(
      r.files,
      `${dir}/options.json`,
    );
    expect(options.scenarios['browse']).toMatchObject({ executor: 'constant-vus', vus: 3, duration: '2s' });
    expect(io.k6.runs[0]?.env).toMatchObject({ PAGE: 'x', N: '1' });
    expect(r.stderr).toContain('overrides: --vus 3 --duration 2s -e PAGE=… -e N=…\n');
    expect(r.stdout).toContain('overrides: --vus 3 --duration 2s -e PAGE=… -e N=…\n');
  });

  it('without overrides, nothing is recorded or shown', async () => {
    const r = await runCli(RUN, shopIo());
    expect(r.code).toBe(0);
    const [dir] = runDirs(r.files, 'shop');
    expect(json<PlanResolved>(r.files, `${dir}/plan.resolved.json`).overrides).toBeUndefined();
    expect(r.stdout).not.toContain('overrides:');
  });

  it.each([
    [
      ['--scenario', 'brwose'],
      '--scenario "brwose": the plan has no scenario of that name',
      'did you mean browse?',
    ],
    [
      ['--stages', '1s:2', '--duration', '2s'],
      '--stages with --duration: the stages already say how long the load lasts',
      'leave out --duration, or --stages',
    ],
    [
      ['--duration', '2'],
      '--duration "2" is not a duration',
      'give a k6 duration such as 30s, 2m, 1h30m or 250ms',
    ],
    [
      ['--vus', '0'],
      'the plan with --vus 0 is not valid:\n  --vus: scenarios.browse.vus: vus must be at least 1',
      'change the values of these flags',
    ],
  ])('%j is a usage error before anything runs', async (args, message, hint) => {
    const io = shopIo();
    const r = await runCli([...RUN, ...args], io);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`loadctl: ${message}\n  hint: ${hint}\n`);
    expect(runDirs(r.files, 'shop')).toEqual([]);
    expect(io.k6.runs).toEqual([]);
  });

  it('render --stages writes the reshaped scenario', async () => {
    const io = shopIo();
    const r = await runCli(['render', 'plans/shop.yaml', '--stages', '1s:2,1s:0', '-o', 'out'], io);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('overrides: --stages 1s:2,1s:0\n');
    const options = json<{ scenarios: Record<string, unknown> }>(r.files, 'out/options.json');
    expect(options.scenarios['browse']).toMatchObject({
      executor: 'ramping-vus',
      stages: [
        { duration: '1s', target: 2 },
        { duration: '1s', target: 0 },
      ],
    });
  });
});
