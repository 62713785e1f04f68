// A runner on a remote host over ssh (docs/distributed.md, "Remote hosts over SSH"): the "host" is a network
// namespace on a bridge with an sshd the test starts in it; loadctl reaches it with a key and an ssh config
// of the test's own (LOADCTL_SSH_CONFIG). The target is the demo service behind a relay on the bridge's
// address. Needs root, `ip` and OpenSSH's server (`npm run setup` installs it); skipped otherwise, with the
// reason printed.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoService, type DemoService } from '../../src/demo/index.js';
import type { RunSummary } from '../../src/report/model/summary.js';
import { REPO, runCli, startCli, tempDir, writePlan } from './helpers.js';

const SSHD = '/usr/sbin/sshd';
const IS_ROOT = process.getuid?.() === 0;
const HAS_IP = spawnSync('ip', ['-V'], { stdio: 'ignore' }).error === undefined;
const HAS_SSH = existsSync(SSHD) && spawnSync('ssh', ['-V'], { stdio: 'ignore' }).error === undefined;
const CAN = IS_ROOT && HAS_IP && HAS_SSH;
if (!CAN)
  console.warn(
    `runners-ssh.test.ts: skipped, it needs ${!IS_ROOT || !HAS_IP ? 'root and `ip` (network namespaces)' : `OpenSSH (${SSHD} and ssh: \`npm run setup\`)`}`,
  );

// Names and a subnet of this process's own, apart from runners-netns.test.ts's 10.242.x.
const ID = process.pid % 200;
const NET = `10.243.${ID}`;
const BRIDGE = `lcsb${ID}`;
const NS = `lcs${ID}-r`;
const VETH = `lcsv${ID}`;
const REMOTE = `${NET}.11`;
const SECRET = 'ssh-secret-Zq81x';
const ITERATIONS = 60;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

function makeHost(): void {
  ip('link', 'add', BRIDGE, 'type', 'bridge');
  ip('addr', 'add', `${NET}.1/24`, 'dev', BRIDGE);
  ip('link', 'set', BRIDGE, 'up');
  ip('netns', 'add', NS);
  ip('link', 'add', VETH, 'type', 'veth', 'peer', 'name', `${VETH}p`);
  ip('link', 'set', `${VETH}p`, 'netns', NS);
  ip('link', 'set', VETH, 'master', BRIDGE);
  ip('link', 'set', VETH, 'up');
  ip('-n', NS, 'addr', 'add', `${REMOTE}/24`, 'dev', `${VETH}p`);
  ip('-n', NS, 'link', 'set', `${VETH}p`, 'up');
  ip('-n', NS, 'link', 'set', 'lo', 'up');
}

function removeHost(): void {
  spawnSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
  spawnSync('ip', ['link', 'del', BRIDGE], { stdio: 'ignore' });
}

/** Keys, an sshd_config for the namespace's sshd and an ssh config for loadctl, all in `dir`. */
function writeSshFiles(dir: string): { sshdConfig: string; clientConfig: string } {
  const keygen = (file: string) =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'pipe' });
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'id'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id.pub')));
  const sshdConfig = join(dir, 'sshd_config');
  writeFileSync(
    sshdConfig,
    [
      `ListenAddress ${REMOTE}`,
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'AllowTcpForwarding yes',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      '',
    ].join('\n'),
  );
  const clientConfig = join(dir, 'ssh_config');
  writeFileSync(
    clientConfig,
    [
      `Host ${REMOTE}`,
      `  IdentityFile ${join(dir, 'id')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  StrictHostKeyChecking accept-new',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  return { sshdConfig, clientConfig };
}

async function waitForPort(host: string, port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The demo listens on loopback only (by design): a relay on the bridge's address lets the namespace in. */
function startRelay(demoUrl: string): Promise<net.Server> {
  const port = Number(new URL(demoUrl).port);
  const relay = net.createServer((c) => {
    const s = net.connect(port, '127.0.0.1');
    c.pipe(s).pipe(c);
    c.on('error', () => s.destroy());
    s.on('error', () => c.destroy());
  });
  return new Promise((resolve) => relay.listen(0, `${NET}.1`, () => resolve(relay)));
}

function remoteWorkDirs(): string[] {
  return readdirSync('/tmp').filter((n) => n.startsWith('loadctl-runner.'));
}

async function writeRemotePlan(dir: string, targetUrl: string): Promise<string> {
  return await writePlan(
    dir,
    'remote.yaml',
    `name: remote
targets:
  t: { url: '${targetUrl}' }
defaultTarget: t
secrets: [LOADCTL_E2E_SSH_SECRET]
scenarios:
  shared: { executor: shared-iterations, vus: 4, iterations: ${ITERATIONS}, maxDuration: 30s, flow: f }
setup:
  steps:
    - { name: signup, method: POST, path: /api/auth/signup, json: { email: s@s.s, password: pw123456 } }
flows:
  f:
    steps:
      - name: health
        path: /health
        headers: { X-Api-Key: '\${secrets.LOADCTL_E2E_SSH_SECRET}' }
`,
  );
}

describe.skipIf(!CAN)('runners over ssh: a local runner and one on a remote host', () => {
  let dir: string;
  let sshd: ChildProcess | undefined;
  let demo: DemoService;
  let relay: net.Server | undefined;
  let clientConfig: string;
  let targetUrl: string;

  beforeAll(async () => {
    removeHost();
    makeHost();
    dir = await tempDir('ssh');
    const files = writeSshFiles(dir);
    clientConfig = files.clientConfig;
    mkdirSync('/run/sshd', { recursive: true });
    sshd = spawn('ip', ['netns', 'exec', NS, SSHD, '-D', '-e', '-f', files.sshdConfig], {
      // Its log says every refused tunnel connection while k6 starts: noise here.
      stdio: 'ignore',
    });
    await waitForPort(REMOTE, 22, 10_000);
    demo = await startDemoService({ port: 0 });
    relay = await startRelay(demo.url);
    const address = relay.address() as net.AddressInfo;
    targetUrl = `http://${NET}.1:${address.port}`;
  }, 60_000);

  afterAll(async () => {
    sshd?.kill('SIGTERM');
    relay?.close();
    await demo?.close();
    removeHost();
  });

  it('splits the load exactly, runs setup once, and keeps the secret out of argv, files and logs', async () => {
    const plan = await writeRemotePlan(dir, targetUrl);
    const before = new Set(remoteWorkDirs());
    const results = join(dir, 'results');
    // Every process's command line, sampled while the run goes on: the secret must be in none.
    const seenInPs: string[] = [];
    const sampler = setInterval(() => {
      const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout ?? '';
      if (ps.includes(SECRET)) seenInPs.push(ps);
    }, 100);
    const out = await runCli(
      [
        'run',
        plan,
        '--runner',
        'local',
        '--runner',
        `ssh:root@${REMOTE}`,
        '--results',
        results,
        '--no-progress',
      ],
      { timeoutMs: 180_000, env: { LOADCTL_SSH_CONFIG: clientConfig, LOADCTL_E2E_SSH_SECRET: SECRET } },
    );
    clearInterval(sampler);
    expect(out.code, out.stderr).toBe(0);

    const seen = demo.stats().requests;
    expect(seen['POST /api/auth/signup']).toBe(1);
    expect(seen['GET /health']).toBe(ITERATIONS);
    const runDir = join(results, 'remote', readdirSync(join(results, 'remote'))[0] ?? '');
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.totals.iterations).toBe(ITERATIONS);
    expect(summary.totals.requests).toBe(ITERATIONS + 1);
    expect(summary.notes).toContain('setup() ran once, on runner-1');
    expect(summary.notes.some((n) => n.includes("loadctl's k6 copied there"))).toBe(true);
    const rows = summary.runners ?? [];
    expect(rows.map((r) => r.where)).toEqual(['local', `ssh:root@${REMOTE}`]);
    for (const r of rows) expect(r.requests).toBeGreaterThan(0);
    expect(rows.reduce((a, r) => a + r.iterations, 0)).toBe(ITERATIONS);
    // The remote k6 was let go by its pid and its last frame came back through the tunnel.
    const meta = JSON.parse(readFileSync(join(runDir, 'meta.json'), 'utf8')) as {
      runners: Array<{ id: string; exitCode: number | null; final: boolean }>;
    };
    expect(meta.runners.map((r) => [r.id, r.exitCode, r.final])).toEqual([
      ['runner-1', 0, true],
      ['runner-2', 0, true],
    ]);

    // The remote work dir (and the env file in it) is gone; the secret is in no log, file or command line.
    expect(remoteWorkDirs().filter((d) => !before.has(d))).toEqual([]);
    expect(existsSync(join(runDir, 'k6.log'))).toBe(true);
    for (const file of readdirSync(runDir).filter((f) => statSync(join(runDir, f)).isFile()))
      expect(readFileSync(join(runDir, file), 'utf8'), file).not.toContain(SECRET);
    expect(seenInPs).toEqual([]);
  }, 240_000);

  it('uses the k6 LOADCTL_REMOTE_K6 names there, and copies none', async () => {
    const plan = await writeRemotePlan(dir, targetUrl);
    const k6 = realpathSync(join(REPO, '.tools/bin/k6'));
    const health = demo.stats().requests['GET /health'] ?? 0;
    const results = join(dir, 'results-found');
    const out = await runCli(
      ['run', plan, '--runner', `ssh:root@${REMOTE}`, '--results', results, '--no-progress'],
      {
        timeoutMs: 120_000,
        env: { LOADCTL_SSH_CONFIG: clientConfig, LOADCTL_REMOTE_K6: k6, LOADCTL_E2E_SSH_SECRET: SECRET },
      },
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`runner-1 (ssh:root@${REMOTE}): k6 found there at ${k6} (k6 v`);
    expect((demo.stats().requests['GET /health'] ?? 0) - health).toBe(ITERATIONS);
  }, 150_000);

  it('a host ssh cannot reach is named before anything runs', async () => {
    const plan = await writeRemotePlan(dir, targetUrl);
    const health = demo.stats().requests['GET /health'] ?? 0;
    const out = await runCli(
      ['run', plan, '--runner', 'local', '--runner', `ssh:root@${REMOTE}:2`, '--results', join(dir, 'r3')],
      { timeoutMs: 60_000, env: { LOADCTL_SSH_CONFIG: clientConfig, LOADCTL_E2E_SSH_SECRET: SECRET } },
    );
    expect(out.code).toBe(3);
    expect(out.stderr).toContain(`runner-2 (ssh:root@${REMOTE}:2): preparing a work dir failed`);
    expect(out.stderr).toMatch(/Connection refused/);
    expect(demo.stats().requests['GET /health'] ?? 0).toBe(health);
  }, 90_000);

  it('Ctrl-C stops the remote k6 gracefully (let go by its pid there) and leaves no work dir', async () => {
    const plan = await writePlan(
      dir,
      'long.yaml',
      `name: long
targets:
  t: { url: '${targetUrl}' }
defaultTarget: t
scenarios:
  steady: { executor: constant-vus, vus: 2, duration: 60s, flow: f }
flows:
  f:
    steps:
      - { name: health, path: /health }
`,
    );
    const before = new Set(remoteWorkDirs());
    const remoteK6s = () =>
      (spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout ?? '')
        .split('\n')
        .filter((l) => /loadctl-runner\.[^/]+\/k6 run/.test(l));
    const cli = startCli(
      ['run', plan, '--runner', `ssh:root@${REMOTE}`, '--results', join(dir, 'r4'), '--no-progress'],
      { timeoutMs: 60_000, env: { LOADCTL_SSH_CONFIG: clientConfig } },
    );
    const deadline = Date.now() + 30_000;
    while (remoteK6s().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(remoteK6s()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2000));
    cli.child.kill('SIGINT');
    const out = await cli.done;
    expect(out.code, out.stderr).toBe(130);
    expect(out.stderr).toContain('stopping every runner gracefully');
    expect(remoteK6s()).toEqual([]);
    expect(remoteWorkDirs().filter((d) => !before.has(d))).toEqual([]);
  }, 90_000);
});
