// `loadctl run` with k6's own outputs against the fake Io: what k6 is given (its --out and --tag arguments,
// the credential in its environment), that the credential is in no file loadctl writes and not printed, and
// what loadctl says when k6 logs that an output could not write.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeIo, runCli, runDirs, SHOP } from '../harness/index.js';

const PASSWORD = 'pw-Outputs-7q2x';

const PLAN = `${readFileSync(SHOP.plan, 'utf8')}
secrets: [INFLUX_PASSWORD]
outputs:
  - type: influxdb
    url: http://influx.test:8086/k6
    env: { K6_INFLUXDB_USERNAME: '\${secrets.INFLUX_PASSWORD}-user', K6_INFLUXDB_PASSWORD: '\${secrets.INFLUX_PASSWORD}' }
  - json=k6.json
`;

// Captured from k6 v1.8.1 with an InfluxDB output whose server was down.
const INFLUX_DOWN =
  'time="2026-12-03T15:13:07Z" level=error msg="Couldn\'t write stats" error="Post \\"http://127.0.0.1:2/write?consistency=&db=k6&precision=ns&rp=\\": dial tcp 127.0.0.1:2: connect: connection refused" output=InfluxDBv1';

function io(logLines: string[] = []) {
  return fakeIo({
    k6: [{ ...SHOP.passed(), logLines }],
    files: { 'plans/shop.yaml': PLAN },
    env: { INFLUX_PASSWORD: PASSWORD },
  });
}

const RUN = ['run', 'plans/shop.yaml', '--skip-preflight', '--no-progress'];

describe('loadctl run with outputs (fake k6)', () => {
  it("gives k6 the outputs, loadctl's tags and the credential in its environment only", async () => {
    const fake = io();
    const r = await runCli(RUN, fake);
    expect(r.code, r.stderr).toBe(0);
    const [dir] = runDirs(r.files, 'shop');
    const runId = dir!.split('/').at(-1)!;
    const k6 = fake.k6.runs[0]!;
    const pairs = (flag: string) => k6.args.flatMap((a, i) => (k6.args[i - 1] === flag ? [a] : []));
    expect(pairs('--tag')).toEqual(['plan=shop', `run_id=${runId}`, 'target=shop']);
    expect(pairs('--out').filter((o) => !o.startsWith('loadctl='))).toEqual([
      'influxdb=http://influx.test:8086/k6',
      expect.stringMatching(new RegExp(`^json=/.*/${runId}/k6\\.json$`)),
    ]);
    expect(k6.env['K6_INFLUXDB_PASSWORD']).toBe(PASSWORD);
    expect(k6.env['K6_INFLUXDB_USERNAME']).toBe(`${PASSWORD}-user`);
    expect(k6.args.join(' ')).not.toContain(PASSWORD);
    expect(Object.entries(r.files).filter(([, text]) => text.includes(PASSWORD))).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    const meta = JSON.parse(r.files[`${dir}/meta.json`]!) as { outputs?: unknown };
    expect(meta.outputs).toEqual([
      {
        type: 'influxdb',
        url: 'http://influx.test:8086/k6',
        env: ['K6_INFLUXDB_USERNAME', 'K6_INFLUXDB_PASSWORD'],
      },
      { type: 'json', file: expect.stringMatching(/\/k6\.json$/), env: [] },
    ]);
    expect(r.stderr).toContain(
      `k6 also sends its metrics, tagged run_id=${runId}, to: influxdb (http://influx.test:8086/k6)`,
    );
  });

  it('says which output could not write, and the run still passes', async () => {
    const r = await runCli(RUN, io([INFLUX_DOWN, INFLUX_DOWN]));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ PASSED');
    expect(r.stderr).toContain(
      "warning: k6's InfluxDBv1 output could not send its metrics (2 errors; first: Couldn't write stats: Post",
    );
  });

  it('--out replaces the plan’s outputs, and --out none leaves them out (and loadctl’s tags with them)', async () => {
    const csv = io();
    expect((await runCli([...RUN, '--out', 'csv=k6.csv'], csv)).code).toBe(0);
    expect(csv.k6.runs[0]!.args.filter((a) => a.startsWith('influxdb=') || a.startsWith('csv='))).toEqual([
      expect.stringMatching(/^csv=\/.*\/k6\.csv$/),
    ]);
    const none = io();
    expect((await runCli([...RUN, '--out', 'none'], none)).code).toBe(0);
    expect(none.k6.runs[0]!.args).not.toContain('--tag');
    expect(none.k6.runs[0]!.env['K6_INFLUXDB_PASSWORD']).toBeUndefined();
  });

  it('a --out with a password in its URL is a usage error before k6 starts', async () => {
    const fake = io();
    const r = await runCli([...RUN, '--out', 'influxdb=http://me:hunter22@influx.test:8086/k6'], fake);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the URL holds a user name or password');
    expect(fake.k6.runs).toEqual([]);
  });
});
