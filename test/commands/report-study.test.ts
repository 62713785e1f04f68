// `loadctl report` of a stored study: the plan's `about:` facts from plan.resolved.json, the average response
// time and the recommendations, in English and Korean (test/fixtures/report/ticket-rush, recorded).
import { describe, expect, it } from 'vitest';
import { copyIntoFake, fakeIo, runCli } from '../harness/index.js';

const RUN_DIR = 'results/ticket-rush/20261122T043229Z-8c4aee';

function withAbout(about: unknown) {
  const io = fakeIo();
  copyIntoFake(io.fs, 'test/fixtures/report/ticket-rush', RUN_DIR);
  const file = `${RUN_DIR}/plan.resolved.json`;
  const resolved = JSON.parse(io.fs.readTextSync(file)) as { plan: Record<string, unknown> };
  resolved.plan['about'] = about;
  io.fs.writeSync(file, JSON.stringify(resolved));
  return io;
}

describe('loadctl report (a stored study)', () => {
  it('shows the facts, the average response time and the recommendations', async () => {
    const io = withAbout({ model: 'llama-3-8b', server: 'vLLM 0.5 on 1×A10G', max_tokens: 256 });
    const r = await runCli(['report', 'latest', '--format', 'markdown'], io);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      '## About this study\n\n- **model**: llama-3-8b\n- **server**: vLLM 0.5 on 1×A10G\n- **max\\_tokens**: 256',
    );
    expect(r.stdout).toContain('- **Average response time (all requests)**: 7.00ms');
    expect(r.stdout).toMatch(/## Recommendations\n\n- `seats`: most failed responses were 5xx/);
  });

  it('in Korean', async () => {
    const r = await runCli(
      ['report', 'latest', '--format', 'markdown', '--lang', 'ko'],
      withAbout({ model: 'm' }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('## 측정 조건\n\n- **model**: m');
    expect(r.stdout).toContain('## 권장 조치');
  });

  it('has the facts as JUnit properties', async () => {
    const r = await runCli(['report', 'latest', '--format', 'junit'], withAbout({ model: 'llama-3-8b' }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('<property name="about.model" value="llama-3-8b"/>');
  });

  it('names a damaged about in plan.resolved.json: exit 3', async () => {
    const r = await runCli(['report', 'latest', '--format', 'markdown'], withAbout({ model: ['a', 'b'] }));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${RUN_DIR}/plan.resolved.json: plan.about.model`);
  });
});
