import { describe, expect, it } from 'vitest';
import { checkDoctor } from './checks.js';
import { K6_VERSION, facts, needs } from './facts.fixture.js';
import { openFilesNeeded } from './host-checks.js';
import type { PlanNeeds } from './needs.js';
import { PREFLIGHT_SKIPPED, renderPreflight, selectPreflight } from './preflight.js';
import type { DoctorFacts, TargetFacts } from './probe.js';

/** What probeRunReadiness does after probing: doctor's checks, the run's selection, the run's lines. */
const preflight = (f: DoctorFacts, n: PlanNeeds = needs(), opts = { skip: false }) =>
  renderPreflight(selectPreflight(checkDoctor(f, n), { hostChecks: !opts.skip }), { skipped: opts.skip });

const closed: TargetFacts = {
  name: 'closed',
  kind: 'url',
  url: 'http://127.0.0.1:9',
  host: '127.0.0.1',
  port: 9,
  dns: { ok: true, addresses: ['127.0.0.1'], ms: 0 },
  tcp: { kind: 'refused' },
};

describe("run's preflight: what a run cannot do without", () => {
  it('passes a healthy host without a word', () => {
    expect(preflight(facts())).toEqual({ failures: [], warnings: [] });
  });

  it('k6 missing: the places looked in and the install hint', () => {
    const f = facts({ k6: { kind: 'missing', searched: ['/a/k6', 'PATH'], hint: 'run npm run setup:k6' } });
    expect(preflight(f).failures).toEqual([
      '  ✗ k6: not found (needs v0.49.0 ≤ k6 < v3.0.0) — looked in /a/k6, PATH\n      fix: run npm run setup:k6',
    ]);
  });

  it('k6 unusable: says why, whatever --skip-preflight says', () => {
    const f = facts({
      k6: {
        kind: 'broken',
        path: '/x/no-such-k6',
        source: 'env',
        detail: 'LOADCTL_K6_BIN is set to /x/no-such-k6, but there is no file there.',
        hint: 'unset LOADCTL_K6_BIN',
      },
    });
    const [line] = preflight(f, needs(), { skip: true }).failures;
    expect(line).toContain('✗ k6: /x/no-such-k6');
    expect(line).toContain('LOADCTL_K6_BIN is set to /x/no-such-k6, but there is no file there.');
    expect(line).toContain('\n      fix: unset LOADCTL_K6_BIN');
  });

  it('refuses stream steps on a k6 without the streaming extension, with the fix', () => {
    const [line, ...rest] = preflight(facts(), needs({ streamSteps: ['chat'] })).failures;
    expect(rest).toEqual([]);
    expect(line).toContain(
      '  ✗ k6 streaming: /p/.tools/bin/k6 (k6 v1.8.1) has no k6/x/loadctl-sse, which the stream steps chat need',
    );
    expect(line).toContain(
      "\n      fix: Run `npm run setup:k6`: it builds the pinned k6 with loadctl's streaming extension into .tools/bin/k6.",
    );
    const version = {
      ...K6_VERSION,
      extensions: [
        { module: 'loadctl.local/k6ext/sse', version: 'src-1', name: 'k6/x/loadctl-sse', type: 'js' },
      ],
    };
    const streaming = facts({ k6: { kind: 'found', path: '/x/k6', source: 'env', version, skipped: [] } });
    expect(preflight(streaming, needs({ streamSteps: ['chat'] }))).toEqual({ failures: [], warnings: [] });
  });

  it('names each declared secret that is not set, and how to set it', () => {
    const f = facts({
      secrets: [
        { name: 'API_TOKEN', set: false },
        { name: 'SET_ONE', set: true },
      ],
    });
    expect(preflight(f, needs(), { skip: true }).failures).toEqual([
      '  ✗ secret API_TOKEN: not set (needs set in the environment) — the plan declares it, and k6 stops before any load without it' +
        '\n      fix: export API_TOKEN=…   # loadctl passes it to k6 through the environment only',
    ]);
  });

  it('a results folder that cannot be written', () => {
    const f = facts({ results: { dir: '/r', writeError: 'permission denied' } });
    const [line] = preflight(f, needs(), { skip: true }).failures;
    expect(line).toMatch(/^ {2}✗ results folder: cannot write to \/r: permission denied \(needs writable\)/);
    expect(line).toContain('fix: sudo chown -R "$USER" /r   # or choose another folder with --results DIR');
  });

  it('a results folder without room for the run', () => {
    const [line] = preflight(facts({ results: { dir: '/r', freeBytes: 5e6 } }), needs(), {
      skip: true,
    }).failures;
    expect(line).toContain('✗ free disk: 5 MB free (needs ~20 MB for the run files)');
  });
});

describe("run's preflight: the host and target checks, and --skip-preflight", () => {
  it('asks for exactly the open files the VUs need, and says how', () => {
    const need = openFilesNeeded(1000);
    expect(need).toBe(2256);
    const n = needs({ peakVUs: 1000, localServer: false });
    expect(preflight(facts({ openFiles: { soft: need, hard: need } }), n).failures).toEqual([]);
    const [line] = preflight(facts({ openFiles: { soft: need - 1, hard: 65536 } }), n).failures;
    expect(line).toContain('✗ open files (ulimit -n): soft 2,255, hard 65,536 (needs ≥ 2,256 for 1,000 VUs)');
    expect(line).toContain('\n      fix: ulimit -n 2256   # this shell\n           printf');
    expect(preflight(facts({ openFiles: { soft: 1024, hard: 1024 } }), n).failures[0]).toContain(
      '/etc/security/limits.conf',
    );
  });

  it('warns, and does not fail, where the open-files limit cannot be read', () => {
    const f = facts();
    delete f.openFiles;
    const r = preflight(f, needs({ peakVUs: 100_000 }));
    expect(r.failures.filter((x) => x.includes('open files'))).toEqual([]);
    expect(r.warnings.filter((x) => x.startsWith('⚠ open files (ulimit -n): unknown'))).toHaveLength(1);
  });

  it('a target that refuses connections, or answers its health path with 503', () => {
    const refused = preflight(facts({ targets: [closed] })).failures;
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('✗ target closed: TCP connect: 127.0.0.1:9 refused the connection');
    expect(refused[0]).toContain('\n      fix: start the service');
    const sick: TargetFacts = {
      ...closed,
      tcp: { kind: 'ok', ms: 1 },
      http: { ok: true, url: 'http://127.0.0.1:9/health', status: 503, ms: 2 },
    };
    expect(preflight(facts({ targets: [sick] })).failures).toEqual([
      expect.stringContaining('✗ target closed: health: GET http://127.0.0.1:9/health → 503 in 2 ms'),
    ]);
  });

  it('--skip-preflight: only the essential checks, and says so', () => {
    const f = facts({
      openFiles: { soft: 256, hard: 256 },
      targets: [closed],
      secrets: [{ name: 'API_TOKEN', set: false }],
    });
    const r = preflight(f, needs({ peakVUs: 1000 }), { skip: true });
    expect(r.warnings).toEqual([PREFLIGHT_SKIPPED]);
    expect(r.failures).toEqual([expect.stringContaining('✗ secret API_TOKEN: not set')]);
  });

  it('reports k6, the results folder, the disk and missing secrets together', () => {
    const f = facts({
      k6: { kind: 'missing', searched: ['PATH'], hint: 'run npm run setup:k6' },
      results: { dir: '/r', writeError: 'permission denied', freeBytes: 5e6 },
      secrets: [{ name: 'API_TOKEN', set: false }],
    });
    expect(preflight(f, needs(), { skip: true }).failures.map((x) => x.split(':')[0])).toEqual([
      '  ✗ k6',
      '  ✗ results folder',
      '  ✗ free disk',
      '  ✗ secret API_TOKEN',
    ]);
  });
});
