// loadctl doctor through the real CLI on the real host: real /proc, real k6, real sockets on loopback.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, REPO, runCli, tempDir, writePlan, type CliResult } from './helpers.js';

const BIG_PLAN = `name: big
targets:
  local: { demo: true }
scenarios:
  s: { executor: constant-vus, vus: 1000, duration: 10s, flow: f }
flows:
  f:
    steps:
      - { name: a, path: /a }
`;

const CLOSED_PLAN = `name: closed
targets:
  closed: { url: 'http://127.0.0.1:9', healthPath: /health }
scenarios:
  s: { executor: per-vu-iterations, vus: 1, iterations: 1, flow: f }
flows:
  f:
    steps:
      - { name: a, path: /a }
`;

/** The CLI under a shell whose open-files limit is lowered first, as a user's shell would be. */
function runInShell(script: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const child = spawn('bash', ['-c', `${script} && exec node '${BIN}' ${quoted}`], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

interface Report {
  schema: string;
  ok: boolean;
  checks: Array<{ id: string; status: string; observed: string; needed: string; fix?: string }>;
}

describe('loadctl doctor', () => {
  it('fails the open-files check under ulimit -n 256 for 1000 VUs, with its fix, and exits 3', async () => {
    const dir = await tempDir('doctor');
    const plan = await writePlan(dir, 'big.yaml', BIG_PLAN);
    const r = await runInShell('ulimit -n 256', ['doctor', '--plan', plan, '--results', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/✗\s+open files \(ulimit -n\)\s+soft 256, hard 256\s+≥ 2,256 for 1,000 VUs/);
    expect(r.stdout).toContain('sudo prlimit --pid $$ --nofile=2256:2256');
    expect(r.stdout).toContain(
      "printf '* soft nofile 2256\\n* hard nofile 2256\\n' | sudo tee -a /etc/security/limits.conf",
    );
    expect(r.stdout).toContain('LimitNOFILE=2256');

    const j = await runInShell('ulimit -n 256', ['doctor', '--plan', plan, '--results', dir, '--json']);
    expect(j.code).toBe(3);
    const report = JSON.parse(j.stdout) as Report;
    expect(report.schema).toBe('loadctl.doctor/v1');
    expect(report.ok).toBe(false);
    const openFiles = report.checks.find((c) => c.id === 'open-files');
    expect(openFiles?.status).toBe('failure');
    expect(openFiles?.fix).toContain('LimitNOFILE=2256');
  });

  it('fails the reachability check of a target on a closed loopback port', async () => {
    const dir = await tempDir('doctor');
    const plan = await writePlan(dir, 'closed.yaml', CLOSED_PLAN);
    const r = await runCli(['doctor', '--plan', plan, '--results', dir, '--json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as Report;
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId['target.closed.tcp']?.status).toBe('failure');
    expect(byId['target.closed.tcp']?.observed).toBe('127.0.0.1:9 refused the connection');
    expect(byId['target.closed.host']?.status).toBe('warning');
    // Nothing listens, so there is no health answer to judge.
    expect(byId['target.closed.health']).toBeUndefined();
  });

  it('prints every check relevant to the seat race and passes on this machine', async () => {
    const dir = await tempDir('doctor');
    const r = await runCli(['doctor', '--plan', 'plans/seat-race.yaml', '--results', dir]);
    expect(r.stderr).toBe('');
    for (const title of [
      'k6',
      'Node.js',
      'CPU load',
      'free memory',
      'open files (ulimit -n)',
      'fs.file-max',
      'ephemeral ports',
      'net.ipv4.tcp_tw_reuse',
      'net.core.somaxconn',
      'results folder',
      'free disk',
      'target local',
    ])
      expect(r.stdout).toContain(title);
    expect(r.stdout).toMatch(/open files \(ulimit -n\)\s+soft [\d,]+, hard [\d,]+\s+≥ 656 for 200 VUs/);
    // The machine may be busy (CPU load is a warning), but nothing should fail here; if something does, the
    // printed table says why.
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).not.toContain('✗');
  });

  it('--json has the schema id and the documented fields; --strict fails on warnings', async () => {
    const dir = await tempDir('doctor');
    const r = await runCli(['doctor', '--plan', 'plans/seat-race.yaml', '--results', dir, '--json']);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.schema).toBe('loadctl.doctor/v1');
    for (const c of report.checks) {
      expect(Object.keys(c).slice(0, 5)).toEqual(['id', 'title', 'status', 'observed', 'needed']);
      expect(['ok', 'warning', 'failure']).toContain(c.status);
    }
    expect(r.code).toBe(report.ok ? 0 : 3);
    const strict = await runCli([
      'doctor',
      '--plan',
      'plans/seat-race.yaml',
      '--results',
      dir,
      '--json',
      '--strict',
    ]);
    const strictReport = JSON.parse(strict.stdout) as Report;
    const anyWarning = strictReport.checks.some((c) => c.status !== 'ok');
    expect(strict.code).toBe(anyWarning ? 3 : 0);
    expect(strictReport.ok).toBe(!anyWarning);
  });

  it('refuses a target the plan does not have (exit 2)', async () => {
    const r = await runCli(['doctor', '--plan', 'plans/seat-race.yaml', '--target', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the plan has no target `nope`');
  });
});
