// The CI recipe of docs/ci.md, run: docs/ci/loadctl.yml is parsed, and its `run:` steps run locally in order
// with bash as GitHub runs them (-eo pipefail), as a push to main (the baseline) and then as pull requests.
// What only GitHub has is left out explicitly: steps that `uses:` an action (checkout, setup-node, setup-go,
// the caches, upload-artifact, the JUnit view) are skipped, and the caches' effect is the workspace that
// stays between the simulated jobs (loadctl-baseline/); the set-up steps (npm ci, setup:k6, build) are
// checked, not run, because this test runs after `npm run build` with k6 in place. GITHUB_STEP_SUMMARY is a
// temp file. The plan is the test's own, with an eight-second smoke profile against the demo service.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO, tempDir } from './helpers.js';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  if?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: { push?: { branches?: string[] }; pull_request?: unknown };
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

const WORKFLOW = parse(readFileSync(join(REPO, 'docs/ci/loadctl.yml'), 'utf8')) as Workflow;
const JOB = WORKFLOW.jobs['load']!;
/** Set-up steps: what they run is checked; this test runs after them (`npm run build`, k6 in place). */
const SETUP: Readonly<Record<string, string>> = {
  install: 'npm ci',
  k6: 'npm run setup:k6',
  build: 'npm run build',
};

type Event = 'push' | 'pull_request';

/** The few conditions the recipe uses; any other is this test's to learn, not to guess. */
function shouldRun(cond: string | undefined, event: Event, failed: boolean): boolean {
  if (cond === undefined) return !failed;
  if (cond.trim() === 'always()') return true;
  const m = /^github\.event_name == '(\w+)'$/.exec(cond.trim());
  if (m) return !failed && m[1] === event;
  throw new Error(`the recipe test does not know the condition ${cond}`);
}

interface StepResult {
  id: string;
  code: number | null;
  output: string;
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ id: '', code, output }));
  });
}

/** The job's steps in order, as GitHub would run them for `event`; returns each step that ran. */
async function runJob(ws: string, event: Event, env: Record<string, string>): Promise<StepResult[]> {
  const ran: StepResult[] = [];
  let failed = false;
  for (const step of JOB.steps) {
    if (step.uses !== undefined) continue;
    if (step.id !== undefined && step.id in SETUP) continue;
    if (!shouldRun(step.if, event, failed)) continue;
    const r = await bash(step.run ?? '', ws, {
      ...JOB.env,
      ...step.env,
      GITHUB_EVENT_NAME: event,
      GITHUB_STEP_SUMMARY: join(ws, 'step-summary.md'),
      ...env,
    });
    ran.push({ ...r, id: step.id ?? step.name ?? '?' });
    if (r.code !== 0) failed = true;
  }
  return ran;
}

/** The service a pull request changes: its latency (ms) is what the gate must notice. */
function plan(latencyMs: number): string {
  return `
name: ci-demo
targets:
  local: { demo: { latencyMs: ${latencyMs} } }
scenarios:
  s: { executor: constant-vus, vus: 4, duration: 1m, gracefulStop: 2s, flow: f }
thresholds:
  http_req_failed: ['rate<0.05']
profiles:
  smoke:
    scenarios:
      # 8 users for 8 s: about 900 requests a run, enough for the recipe's error_rate>+1pp to be judged (exit 8
      # below that), and eight time batches for p95>+25% (five, after a cold start, once detected only ±30 %).
      s: { executor: constant-vus, vus: 8, duration: 8s, gracefulStop: 2s, flow: f }
flows:
  f:
    steps:
      - name: token
        method: POST
        path: /auth/token
        json: { username: 'ci-\${vu}', password: pw }
        think: 20ms
`;
}

/** A fresh checkout of a repository using loadctl: its plans, and loadctl's bin (as after npm ci). */
async function checkout(ws: string, latencyMs: number): Promise<void> {
  await rm(join(ws, 'results'), { recursive: true, force: true });
  await rm(join(ws, 'step-summary.md'), { force: true });
  await mkdir(join(ws, JOB.env?.['LOADCTL_PLANS'] ?? 'plans/ci'), { recursive: true });
  await writeFile(join(ws, JOB.env?.['LOADCTL_PLANS'] ?? 'plans/ci', 'ci-demo.yaml'), plan(latencyMs));
  if (!existsSync(join(ws, 'bin'))) await symlink(join(REPO, 'bin'), join(ws, 'bin'));
}

const summaryOf = (ws: string) => readFileSync(join(ws, 'step-summary.md'), 'utf8');

describe('the CI recipe (docs/ci/loadctl.yml)', () => {
  it('sets up Node 20, Go with its module cache and a cached k6 keyed on k6ext/go.sum and setup-k6.mjs', () => {
    expect(WORKFLOW.on.push?.branches).toEqual(['main']);
    expect(WORKFLOW.on).toHaveProperty('pull_request');
    const uses = (name: string) => JOB.steps.find((s) => s.uses?.startsWith(`${name}@`));
    expect(uses('actions/setup-node')?.with?.['node-version']).toBe(20);
    expect(uses('actions/setup-go')?.with?.['cache-dependency-path']).toBe('k6ext/go.sum');
    const k6Cache = JOB.steps.find(
      (s) => s.uses?.startsWith('actions/cache@') && s.with?.['path'] === '.tools/bin/k6',
    );
    expect(String(k6Cache?.with?.['key'])).toMatch(/hashFiles\(.*'k6ext\/go\.sum'.*'scripts\/setup-k6\.mjs'/);
    for (const [id, command] of Object.entries(SETUP))
      expect(JOB.steps.find((s) => s.id === id)?.run?.trim()).toBe(command);
    expect(JOB.steps.some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
  });

  it('main keeps a baseline; a pull request gets the comparison in the summary, passes, and a slower one exits 7', async () => {
    const ws = await tempDir('ci');
    // A push to main: the suite passes and its runs become the baseline.
    await checkout(ws, 50);
    const main = await runJob(ws, 'push', {});
    expect(
      main.map((r) => [r.id, r.code]),
      main.map((r) => r.output).join('\n'),
    ).toEqual([
      ['suite', 0],
      ['baseline', 0],
    ]);
    expect(readdirSync(join(ws, 'loadctl-baseline'))).toEqual(['ci-demo']);
    // The recipe's warm-up ran against the plan's target, and its runs were thrown away.
    expect(main[0]?.output).toMatch(/warm-up local: \d+ requests, p95 [\d.]+ms \(discarded\)/);
    expect(readdirSync(join(ws, 'results')).filter((n) => n.startsWith('.warmup-'))).toEqual([]);
    expect(readdirSync(join(ws, 'results', 'ci-demo'))).toHaveLength(1);
    expect(summaryOf(ws)).toContain('loadctl suite');

    // A pull request that changes nothing: the comparison is in the summary and the gate passes.
    await checkout(ws, 50);
    const same = await runJob(ws, 'pull_request', {});
    expect(
      same.map((r) => [r.id, r.code]),
      same.map((r) => r.output).join('\n'),
    ).toEqual([
      ['suite', 0],
      ['gate', 0],
    ]);
    const summary = summaryOf(ws);
    const baseId = readdirSync(join(ws, 'loadctl-baseline', 'ci-demo'))[0]!;
    expect(summary).toContain('loadctl suite');
    expect(summary).toContain(baseId);
    expect(summary).toContain('### loadctl compare: ci-demo');
    const suiteDir = readdirSync(join(ws, 'results')).find((n) => n.startsWith('suite-'))!;
    expect(readdirSync(join(ws, 'results', suiteDir)).sort()).toEqual([
      'compare-ci-demo.junit.xml',
      'junit.xml',
      'suite.html',
      'suite.md',
    ]);

    // A pull request that makes the service four times slower, under a tight gate: exit 7, and the
    // comparison that says why is in the summary.
    await checkout(ws, 200);
    const slower = await runJob(ws, 'pull_request', { LOADCTL_FAIL_ON: 'p95>+5%' });
    expect(
      slower.map((r) => [r.id, r.code]),
      slower.map((r) => r.output).join('\n'),
    ).toEqual([
      ['suite', 0],
      ['gate', 7],
    ]);
    expect(summaryOf(ws)).toContain('### loadctl compare: ci-demo');
    expect(summaryOf(ws)).toContain(baseId);
    expect(summaryOf(ws)).toContain('✗');
  }, 240_000);
});
