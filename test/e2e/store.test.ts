// The results folder read back by the real CLI (dist/): copies of recorded run folders in a temp results dir,
// some damaged or foreign. `runs` lists the good runs and marks the damaged; `report` and `compare` of a
// damaged run exit 3 naming the file and the field, never "internal error". Then a real run and a short
// breakpoint search (the real k6, the demo service): every JSON file they write fits its schema.
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseStoredFile } from '../../src/store/parse.js';
import { RUN_FILES } from '../../src/store/layout.js';
import { STORED_FILES, type StoredFile } from '../../src/store/schemas/index.js';
import { REPO, runCli, tempDir, writePlan } from './helpers.js';

const FIXTURES = join(REPO, 'test', 'fixtures');
const X86 = '20261122T043604Z-11f905';
const GRAVITON = '20261122T043613Z-e700a2';
const FOREIGN = '20261122T043630Z-470fff';
const X86_LATER = '20261122T043640Z-b9b048';
const TICKETS = '20261122T043229Z-8c4aee';
const HINT = 're-run, or remove the run folder';

async function edit(path: string, change: (value: Record<string, unknown>) => void): Promise<void> {
  const value = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  change(value);
  await writeFile(path, JSON.stringify(value, null, 2));
}

describe('damaged and foreign stored runs', () => {
  let dir = '';
  const cli = (...args: string[]) => runCli([...args, '--results', 'results'], { cwd: dir });

  beforeAll(async () => {
    dir = await tempDir('store');
    const plan = join(dir, 'results', 'graviton-vs-x86');
    await cp(join(FIXTURES, 'stored-runs', 'compare'), plan, { recursive: true });
    await cp(join(FIXTURES, 'report', 'ticket-rush'), join(dir, 'results', 'ticket-rush', TICKETS), {
      recursive: true,
    });
    await edit(join(plan, GRAVITON, 'summary.json'), (s) => {
      (s['totals'] as Record<string, unknown>)['requests'] = '1200';
    });
    await edit(join(plan, FOREIGN, 'summary.json'), (s) => {
      s['schema'] = 'loadctl.summary/v2';
    });
  });

  it('`runs` lists the good runs, marks the damaged ones with the file and why, and exits 0', async () => {
    const r = await cli('runs');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const id of [X86, X86_LATER, TICKETS])
      expect(r.stdout).toMatch(new RegExp(`${id} .*(passed|failed)`));
    expect(r.stdout).toMatch(new RegExp(`${GRAVITON} +graviton-vs-x86 .*damaged summary.json`));
    expect(r.stdout).toContain('3 runs in results, 2 damaged');
    expect(r.stdout).toContain(
      `✗ results/graviton-vs-x86/${GRAVITON}/summary.json: totals.requests: expected number, got string "1200" (${HINT})`,
    );
    expect(r.stdout).toContain(
      `✗ results/graviton-vs-x86/${FOREIGN}/summary.json is foreign: not a loadctl.summary/v1 summary.json (it declares "loadctl.summary/v2")`,
    );

    const json = await cli('runs', '--json');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as Array<{ runId: string }>).map((s) => s.runId)).toEqual([
      TICKETS,
      X86,
      X86_LATER,
    ]);
    expect(json.stderr).toContain(`damaged run: results/graviton-vs-x86/${GRAVITON}/summary.json`);
  });

  it('`report` of a damaged or foreign run exits 3 with the file, the field and what to do', async () => {
    const bad = await cli('report', GRAVITON, '--format', 'json');
    expect(bad.code).toBe(3);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(
      `results/graviton-vs-x86/${GRAVITON}/summary.json: totals.requests: expected number, got string "1200"`,
    );
    expect(bad.stderr).toContain(HINT);
    expect(bad.stderr).not.toContain('internal error');
    const foreign = await cli('report', FOREIGN, '--format', 'markdown');
    expect(foreign.code).toBe(3);
    expect(foreign.stderr).toContain('is foreign: not a loadctl.summary/v1 summary.json');
    const byPath = await runCli(['report', `results/graviton-vs-x86/${GRAVITON}`, '--format', 'json'], {
      cwd: dir,
    });
    expect(byPath.code).toBe(3);
    const none = await cli('report', '20990101T000000Z-abcdef');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no run 20990101T000000Z-abcdef in results');
    // The good runs still make reports.
    expect((await cli('report', X86, '--format', 'json')).code).toBe(0);
  });

  it('`report` names a damaged optional file too', async () => {
    const series = join(dir, 'results', 'ticket-rush', TICKETS, 'series.json');
    const good = await readFile(series, 'utf8');
    await edit(series, (s) => {
      (s['points'] as Array<Record<string, unknown>>)[2]!['rps'] = null;
    });
    const r = await cli('report', TICKETS, '--format', 'markdown');
    await writeFile(series, good);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `results/ticket-rush/${TICKETS}/series.json: points[2].rps: expected number, got null`,
    );
  });

  it('`compare` with a damaged run exits 3; without one it leaves the damaged out and says so', async () => {
    const bad = await cli('compare', X86, GRAVITON);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(
      `${GRAVITON}/summary.json: totals.requests: expected number, got string "1200"`,
    );
    expect(bad.stderr).not.toContain('internal error');
    const foreign = await cli('compare', FOREIGN, X86_LATER);
    expect(foreign.code).toBe(3);
    expect(foreign.stderr).toContain('is foreign');
    const none = await cli('compare', '20990101T000000Z-abcdef', X86);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no stored run 20990101T000000Z-abcdef');

    const good = await cli('compare', X86, X86_LATER, '--format', 'json');
    expect(good.code).toBe(0);
    expect(good.stderr).toContain(`left out a damaged run: results/graviton-vs-x86/${GRAVITON}/summary.json`);

    const meta = join(dir, 'results', 'graviton-vs-x86', X86_LATER, 'meta.json');
    await edit(meta, (m) => {
      (m['host'] as Record<string, unknown>)['cores'] = 'two';
    });
    const badMeta = await cli('compare', X86, X86_LATER);
    expect(badMeta.code).toBe(3);
    expect(badMeta.stderr).toContain(`${X86_LATER}/meta.json: host.cores: expected number, got string "two"`);
  });

  it('-o that is a folder, or lies under a file, is a usage error (exit 2) naming it', async () => {
    await mkdir(join(dir, 'out'), { recursive: true });
    await writeFile(join(dir, 'file.txt'), 'x');
    const folder = await cli('report', X86, '--format', 'markdown', '-o', 'out');
    expect([folder.code, folder.stderr]).toEqual([2, expect.stringContaining('-o out is a folder')]);
    const under = await cli('report', X86, '-o', 'file.txt/report.html');
    expect([under.code, under.stderr]).toEqual([
      2,
      expect.stringContaining('-o file.txt/report.html lies under file.txt, which is a file'),
    ]);
    const cmp = await cli('compare', X86, X86_LATER, '-o', 'out');
    expect([cmp.code, cmp.stderr]).toEqual([2, expect.stringContaining('-o out is a folder')]);
    for (const r of [folder, under, cmp]) expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

const PLAN = `
name: store-e2e
targets:
  local:
    demo: {}
scenarios:
  browse: { executor: constant-arrival-rate, rate: 20, duration: 4s, preAllocatedVUs: 5, flow: browse }
flows:
  browse:
    steps:
      - name: dates
        path: /reservations/available/dates
        expect: 401
`;

describe('what a real run and a breakpoint search write fits the schemas', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await tempDir('store-real');
    await writePlan(dir, 'store.yaml', PLAN);
  });

  async function checkFolder(runDir: string): Promise<string[]> {
    const names = await readdir(runDir);
    const checked: string[] = [];
    for (const [file, name] of Object.entries(RUN_FILES)) {
      if (!(file in STORED_FILES) || !names.includes(name)) continue;
      const parsed = parseStoredFile(file as StoredFile, await readFile(join(runDir, name), 'utf8'));
      expect(parsed.ok ? 'ok' : parsed.problem, name).toBe('ok');
      checked.push(name);
    }
    return checked;
  }

  // With k6's own summary, so that k6-summary.json is checked too (the default writes a subset of these).
  it('run --samples --k6-summary', async () => {
    const r = await runCli(
      ['run', 'store.yaml', '--results', 'results', '--no-progress', '--samples', '--k6-summary'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const plan = join(dir, 'results', 'store-e2e');
    const [id] = await readdir(plan);
    expect((await checkFolder(join(plan, id ?? ''))).sort()).toEqual(
      [
        'summary.json',
        'k6-summary.json',
        'series.json',
        'meta.json',
        'plan.resolved.json',
        'demo-stats.json',
        'samples-aggregates.json',
        // A demo target: loadctl's own process, sampled as its server side.
        'server.json',
      ].sort(),
    );
  });

  it('breakpoint', async () => {
    const r = await runCli(
      [
        'breakpoint',
        'store.yaml',
        '--results',
        'results',
        '--no-progress',
        '--slo',
        'p95<2s',
        '--start',
        '10',
        '--max-rate',
        '20',
        '--steps',
        '2',
        '--step',
        '2s',
      ],
      { cwd: dir, timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const plan = join(dir, 'results', 'store-e2e.breakpoint');
    const [id] = await readdir(plan);
    expect(await checkFolder(join(plan, id ?? ''))).toEqual(
      expect.arrayContaining(['breakpoint.json', 'server.json']),
    );
  });
});
