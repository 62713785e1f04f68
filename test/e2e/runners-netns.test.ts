// Runners on separate "hosts" (docs/distributed.md): each k6 in a network namespace of its own, with its own
// address on a bridge, and the target (the demo service) in another. The seat race run by one runner and by
// two must book each seat once and report the same totals. Needs root and `ip` (CI runs as root); skipped
// otherwise, with the reason printed.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/report/model/summary.js';
import { REPO, runCli, tempDir } from './helpers.js';

const IS_ROOT = process.getuid?.() === 0;
const HAS_IP = spawnSync('ip', ['-V'], { stdio: 'ignore' }).error === undefined;
const CAN = IS_ROOT && HAS_IP;
if (!CAN) console.warn('runners-netns.test.ts: skipped, it needs root and `ip` to make network namespaces');

// Names and a subnet of this process's own, so that two test runs on one machine never meet.
const ID = process.pid % 200;
const NET = `10.242.${ID}`;
const BRIDGE = `lcbr${ID}`;
const HOSTS = [
  { ns: `lc${ID}-r1`, addr: `${NET}.11` },
  { ns: `lc${ID}-r2`, addr: `${NET}.12` },
  { ns: `lc${ID}-t`, addr: `${NET}.20` },
];
const TARGET = `http://${NET}.20:8080`;
const SEATS = 20;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

function makeHosts(): void {
  ip('link', 'add', BRIDGE, 'type', 'bridge');
  ip('addr', 'add', `${NET}.1/24`, 'dev', BRIDGE);
  ip('link', 'set', BRIDGE, 'up');
  for (const [i, h] of HOSTS.entries()) {
    const veth = `lcv${ID}x${i}`;
    ip('netns', 'add', h.ns);
    ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`);
    ip('link', 'set', `${veth}p`, 'netns', h.ns);
    ip('link', 'set', veth, 'master', BRIDGE);
    ip('link', 'set', veth, 'up');
    ip('-n', h.ns, 'addr', 'add', `${h.addr}/24`, 'dev', `${veth}p`);
    ip('-n', h.ns, 'link', 'set', `${veth}p`, 'up');
    ip('-n', h.ns, 'link', 'set', 'lo', 'up');
  }
}

function removeHosts(): void {
  for (const h of HOSTS) spawnSync('ip', ['netns', 'del', h.ns], { stdio: 'ignore' });
  spawnSync('ip', ['link', 'del', BRIDGE], { stdio: 'ignore' });
}

/**
 * The demo service in the target's namespace. It listens on loopback only (by design), so a small TCP relay
 * in the same namespace makes it reachable at the namespace's address, as a real service on its host is.
 */
async function startTarget(dir: string): Promise<ChildProcess> {
  const script = join(dir, 'target.mjs');
  writeFileSync(
    script,
    `import net from 'node:net';
import { startDemoService } from ${JSON.stringify(join(REPO, 'dist/demo/index.js'))};
const demo = await startDemoService({ port: 0, seatsPerSchedule: ${SEATS} });
const port = Number(new URL(demo.url).port);
net.createServer((c) => { const s = net.connect(port, '127.0.0.1'); c.pipe(s).pipe(c); c.on('error', () => s.destroy()); s.on('error', () => c.destroy()); })
  .listen(8080, ${JSON.stringify(HOSTS[2]?.addr)}, () => console.log('ready'));
`,
  );
  const child = spawn('ip', ['netns', 'exec', HOSTS[2]?.ns ?? '', process.execPath, script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the target did not start')), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`the target exited with ${code}`)));
  });
  return child;
}

async function stats(): Promise<{ seatsBooked: number; doubleBookings: number }> {
  const res = await fetch(`${TARGET}/admin/stats`);
  return (await res.json()) as { seatsBooked: number; doubleBookings: number };
}

function race(planText: string): string {
  // The shipped seat race with one more target: the demo in its namespace.
  return planText
    .replace(/^targets:\n/m, `targets:\n  ns: { url: '${TARGET}' }\n`)
    .replace(/^defaultTarget: local$/m, 'defaultTarget: ns');
}

describe.skipIf(!CAN)('runners in network namespaces: the seat race on one and on two hosts', () => {
  let dir: string;
  let target: ChildProcess | undefined;
  let plan: string;

  beforeAll(async () => {
    removeHosts();
    makeHosts();
    dir = await tempDir('netns');
    target = await startTarget(dir);
    plan = join(dir, 'seat-race.yaml');
    writeFileSync(plan, race(readFileSync(join(REPO, 'plans/seat-race.yaml'), 'utf8')));
  }, 60_000);

  afterAll(() => {
    target?.kill('SIGKILL');
    removeHosts();
  });

  async function runRace(runners: string[], results: string) {
    await fetch(`${TARGET}/admin/reset`, { method: 'POST' });
    const out = await runCli(
      ['run', plan, ...runners.flatMap((r) => ['--runner', r]), '--results', results, '--no-progress'],
      { timeoutMs: 120_000 },
    );
    const runs = readdirSync(join(results, 'seat-race'));
    const summary = JSON.parse(
      readFileSync(join(results, 'seat-race', runs[0] ?? '', 'summary.json'), 'utf8'),
    ) as RunSummary;
    return { out, summary, stats: await stats() };
  }

  it('books each seat once and reports the same totals on two runners as on one', async () => {
    const one = await runRace([`netns:${HOSTS[0]?.ns}`], join(dir, 'one'));
    const two = await runRace([`netns:${HOSTS[0]?.ns}`, `netns:${HOSTS[1]?.ns}`], join(dir, 'two'));
    // How many of the seats a race books depends on how its waves of 200 VUs meet (each wave of VUs that saw
    // the same first free seat books one): what must hold is that every seat booked was booked once, and
    // that the merged stream counts exactly the wins the service recorded.
    for (const r of [one, two]) {
      expect(r.out.code, r.out.stderr).toBe(0);
      expect(r.stats.doubleBookings).toBe(0);
      expect(r.stats.seatsBooked).toBeGreaterThan(0);
      expect(r.stats.seatsBooked).toBeLessThanOrEqual(SEATS);
      expect(r.summary.metrics['seat_won']?.values['count']).toBe(r.stats.seatsBooked);
      const reserve = r.summary.endpoints.find((e) => e.name === 'reserve')?.requests ?? 0;
      const lost = r.summary.metrics['seat_lost']?.values['count'] ?? 0;
      expect(reserve).toBe(r.stats.seatsBooked + lost);
    }
    const totals = (s: RunSummary) => ({
      iterations: s.totals.iterations,
      token: s.endpoints.find((e) => e.name === 'token')?.requests,
      seats: s.endpoints.find((e) => e.name === 'seats')?.requests,
    });
    // 200 VUs × 5 iterations, one login per VU: the same on one host or split over two.
    expect(totals(one.summary)).toEqual({ iterations: 1000, token: 200, seats: 1000 });
    expect(totals(two.summary)).toEqual(totals(one.summary));
    const rows = two.summary.runners ?? [];
    expect(rows.map((r) => r.where)).toEqual([`netns:${HOSTS[0]?.ns}`, `netns:${HOSTS[1]?.ns}`]);
    for (const r of rows) expect(r.iterations).toBe(500);
  }, 300_000);
});
