#!/usr/bin/env node
// Benchmark of k6 JSON ingestion (src/samples). Prints ratios measured in this one run, with the
// contenders interleaved over several rounds (medians), so a busy machine slows both sides alike:
//
//   1. plain file: readK6JsonFile vs a naive readline + JSON.parse reader feeding the same aggregator
//      (goal: ≥ 4× faster);
//   2. gzip file: readK6JsonFile vs `zcat FILE | wc -l`, the floor set by decompression and line
//      splitting alone (goal: within 1.5×);
//   3. peak RSS of readK6JsonFile on 5M samples vs on 1M (goal: within 10%).
//
// Run after building: npx tsc -p tsconfig.build.json && node bench/ingest.mjs
// Inputs are synthetic but made of real k6 lines: test/fixtures/k6-json/basic.ndjson.gz repeated with
// varied values, times, endpoint names and statuses. Every measurement runs in a fresh child process
// and times only the ingest itself. Temp files are removed at the end.
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip, gunzipSync } from 'node:zlib';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(REPO, 'dist', 'samples', 'index.js');
const FIXTURE = join(REPO, 'test', 'fixtures', 'k6-json', 'basic.ndjson.gz');

const SMALL = 1_000_000;
const LARGE = 5_000_000;
const ROUNDS_PLAIN = 5;
const ROUNDS_GZIP = 5;
const ROUNDS_RSS = 3;
// The fixture ran at ~190 requests/s; time is compressed so the synthetic run is ~1,900 requests/s,
// a busy but ordinary load test (1M samples ≈ 40 s of run, 5M ≈ 200 s).
const TIME_COMPRESSION = 10;

const GOALS = { plainSpeedup: 4, gzipOverFloor: 1.5, rssGrowth: 1.1 };

// ---- child mode: one measurement, printed as JSON ----

async function child(mode, file) {
  const ingest = await import(DIST);
  const t0 = performance.now();
  let agg;
  if (mode === 'ingest') {
    agg = await ingest.readK6JsonFile(file);
  } else {
    // The baseline: what one would write first.
    agg = new ingest.Aggregates();
    const sample = ingest.newSample();
    const rl = readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of rl) {
      if (line === '') continue;
      const found = ingest.sampleFromParsed(JSON.parse(line), sample);
      if (found === 'point') agg.add(sample);
      else if (typeof found === 'object') agg.declare(found);
    }
  }
  const ms = performance.now() - t0;
  console.log(
    JSON.stringify({
      ms,
      maxRssKb: process.resourceUsage().maxRSS,
      samples: agg.sampleCount,
      httpReqs: agg.counter('http_reqs')?.count ?? 0,
      p95: agg.trend('http_req_duration')?.percentile(95) ?? 0,
    }),
  );
}

function runChild(mode, file) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${mode} child exited ${code}`)),
    );
  });
}

function timeZcat(file) {
  const t0 = performance.now();
  const lines = Number(
    execFileSync('sh', ['-c', 'zcat "$1" | wc -l', 'sh', file], { encoding: 'utf8' }).trim(),
  );
  return { ms: performance.now() - t0, lines };
}

// ---- synthetic input ----

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Go's strconv 'g' shortest format, as k6 (easyjson) writes floats: 1e-05, 1.2345675e+06. */
function goFloat(v) {
  const a = Math.abs(v);
  if (v === 0 || (a >= 1e-4 && a < 1e21 && a < 1e6)) return String(v);
  return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}

function loadTemplate() {
  const lines = gunzipSync(readFileSync(FIXTURE)).toString('utf8').split('\n').filter(Boolean);
  const declarations = lines.filter((l) => l.startsWith('{"type":"Metric"'));
  const trends = new Set(
    declarations
      .map((l) => JSON.parse(l).data)
      .filter((d) => d.type === 'trend')
      .map((d) => d.name),
  );
  const points = lines.filter((l) => l.startsWith('{"metric"')).map((l) => JSON.parse(l));
  const ns = (t) => {
    const m = /^(.{19})(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
    const sec = Date.parse(`${m[1]}${m[3] === 'Z' ? 'Z' : m[3]}`) / 1000;
    return { sec, nanos: Number((m[2] ?? '').padEnd(9, '0')) };
  };
  const first = ns(points[0].data.time);
  let group = -1;
  let prevKey = '';
  const template = points.map((p) => {
    const t = ns(p.data.time);
    const key = p.data.time + JSON.stringify(p.data.tags);
    if (key !== prevKey) group++;
    prevKey = key;
    return {
      metric: p.metric,
      trend: trends.has(p.metric),
      relNs: (t.sec - first.sec) * 1e9 + (t.nanos - first.nanos),
      value: p.data.value,
      tags: p.data.tags,
      group,
    };
  });
  const span = template.reduce((m, p) => Math.max(m, p.relNs), 0) + 20e6;
  return { declarations, template, span, firstSec: first.sec };
}

function generate(file, samples, { declarations, template, span, firstSec }) {
  const fd = openSync(file, 'w');
  const rand = mulberry32(42);
  const tagCache = new Map();
  const secPrefix = new Map();
  let out = declarations.join('\n') + '\n';
  for (let i = 0; i < samples; i++) {
    const cycle = Math.floor(i / template.length);
    const p = template[i % template.length];
    // One choice per request (group) and cycle, so the lines of a request stay consistent.
    const h = Math.imul(cycle * 7919 + p.group, 2654435761) >>> 0;
    const variant = h % 100;
    const failed = p.tags?.status === '200' && variant % 50 === 7;
    const suffix = variant < 40 ? '' : ` #${variant % 4}`;
    const tagKey = `${p.group}|${suffix}|${failed}`;
    let tags = tagCache.get(tagKey);
    if (tags === undefined) {
      if (p.tags === null) tags = 'null';
      else {
        const t = { ...p.tags };
        if (t.name !== undefined) t.name += suffix;
        if (t.url !== undefined && suffix) t.url += suffix;
        if (failed) {
          t.status = '503';
          t.expected_response = 'false';
        }
        tags = JSON.stringify(t);
      }
      tagCache.set(tagKey, tags);
    }
    let value = p.value;
    if (p.trend) value = Math.round(value * (0.5 + rand()) * 1e6) / 1e6;
    else if (failed && p.metric === 'http_req_failed') value = 1;
    const rel = (cycle * span + p.relNs) / TIME_COMPRESSION;
    const relSec = Math.floor(rel / 1e9);
    const nanos = Math.floor(rel - relSec * 1e9);
    const sec = firstSec + relSec;
    let prefix = secPrefix.get(sec);
    if (prefix === undefined) {
      prefix = new Date(sec * 1000).toISOString().slice(0, 19);
      secPrefix.set(sec, prefix);
    }
    const frac = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
    out += `{"metric":"${p.metric}","type":"Point","data":{"time":"${prefix}${frac}Z","value":${goFloat(value)},"tags":${tags}}}\n`;
    if (out.length > 1 << 22) {
      writeSync(fd, out);
      out = '';
    }
  }
  writeSync(fd, out);
  closeSync(fd);
}

// ---- report ----

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
const ms = (x) => `${x.toFixed(0)} ms`;

async function main() {
  if (!existsSync(DIST)) {
    console.error(`${DIST} is missing: build first with npx tsc -p tsconfig.build.json`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'loadctl-bench-ingest-'));
  try {
    const small = join(dir, 'samples-1m.ndjson');
    const large = join(dir, 'samples-5m.ndjson');
    const smallGz = `${small}.gz`;
    const tpl = loadTemplate();
    process.stdout.write(
      `generating ${SMALL.toLocaleString('en')} and ${LARGE.toLocaleString('en')} samples in ${dir} … `,
    );
    generate(small, SMALL, tpl);
    generate(large, LARGE, tpl);
    await pipeline(createReadStream(small), createGzip({ level: 6 }), createWriteStream(smallGz));
    console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Warm the page cache so the first round is not the only one reading from disk.
    for (const f of [small, large, smallGz])
      for await (const _ of createReadStream(f, { highWaterMark: 1 << 22 }));

    const plain = { naive: [], ingest: [] };
    for (let r = 0; r < ROUNDS_PLAIN; r++) {
      const order = r % 2 ? ['ingest', 'naive'] : ['naive', 'ingest'];
      for (const mode of order) plain[mode].push(await runChild(mode, small));
    }
    const gzip = { zcat: [], ingest: [] };
    for (let r = 0; r < ROUNDS_GZIP; r++) {
      const order = r % 2 ? ['ingest', 'zcat'] : ['zcat', 'ingest'];
      for (const mode of order)
        gzip[mode].push(mode === 'zcat' ? timeZcat(smallGz) : await runChild('ingest', smallGz));
    }
    const rss = { small: [], large: [] };
    for (let r = 0; r < ROUNDS_RSS; r++) {
      const order = r % 2 ? ['large', 'small'] : ['small', 'large'];
      for (const which of order) rss[which].push(await runChild('ingest', which === 'small' ? small : large));
    }

    // Both readers must agree, or the speed figures mean nothing.
    const sanity = [
      plain.naive.every((x) => x.samples === SMALL) && plain.ingest.every((x) => x.samples === SMALL),
      plain.naive[0].httpReqs === plain.ingest[0].httpReqs && plain.naive[0].p95 === plain.ingest[0].p95,
      gzip.ingest.every((x) => x.samples === SMALL) &&
        gzip.zcat.every((x) => x.lines === SMALL + tpl.declarations.length),
      rss.large.every((x) => x.samples === LARGE),
    ].every(Boolean);

    const naiveMs = median(plain.naive.map((x) => x.ms));
    const plainMs = median(plain.ingest.map((x) => x.ms));
    const zcatMs = median(gzip.zcat.map((x) => x.ms));
    const gzMs = median(gzip.ingest.map((x) => x.ms));
    const rssSmall = median(rss.small.map((x) => x.maxRssKb)) * 1024;
    const rssLarge = median(rss.large.map((x) => x.maxRssKb)) * 1024;
    const rows = [
      {
        goal: 'plain: ingest vs readline+JSON.parse',
        figures: `naive ${ms(naiveMs)} / ingest ${ms(plainMs)}`,
        ratio: naiveMs / plainMs,
        target: `≥ ${GOALS.plainSpeedup}×`,
        pass: naiveMs / plainMs >= GOALS.plainSpeedup,
      },
      {
        goal: 'gzip: ingest vs zcat | wc -l',
        figures: `zcat|wc ${ms(zcatMs)} / ingest ${ms(gzMs)}`,
        ratio: gzMs / zcatMs,
        target: `≤ ${GOALS.gzipOverFloor}×`,
        pass: gzMs / zcatMs <= GOALS.gzipOverFloor,
      },
      {
        goal: 'memory: peak RSS 5M vs 1M samples',
        figures: `1M ${mb(rssSmall)} / 5M ${mb(rssLarge)}`,
        ratio: rssLarge / rssSmall,
        target: `≤ ${GOALS.rssGrowth.toFixed(2)}×`,
        pass: rssLarge / rssSmall <= GOALS.rssGrowth,
      },
    ];

    console.log();
    console.log(
      `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `inputs: 1M samples ${mb(statSync(small).size)} plain, ${mb(statSync(smallGz).size)} gzip; 5M samples ${mb(statSync(large).size)} plain`,
    );
    console.log(
      `times are medians of ${ROUNDS_PLAIN}/${ROUNDS_GZIP} interleaved rounds, RSS of ${ROUNDS_RSS}; each in a fresh process\n`,
    );
    const w = [38, 38, 8, 8];
    console.log(['goal', 'measured', 'ratio', 'target'].map((h, i) => h.padEnd(w[i])).join('') + 'result');
    for (const r of rows) {
      console.log(
        r.goal.padEnd(w[0]) +
          r.figures.padEnd(w[1]) +
          `${r.ratio.toFixed(2)}×`.padEnd(w[2]) +
          r.target.padEnd(w[3]) +
          (r.pass ? 'PASS' : 'FAIL'),
      );
    }
    console.log(`\nreaders agree on counts and p95: ${sanity ? 'yes' : 'NO'}`);
    console.log('rounds (ms):');
    console.log(`  naive   ${plain.naive.map((x) => x.ms.toFixed(0)).join(' ')}`);
    console.log(`  ingest  ${plain.ingest.map((x) => x.ms.toFixed(0)).join(' ')}`);
    console.log(`  zcat|wc ${gzip.zcat.map((x) => x.ms.toFixed(0)).join(' ')}`);
    console.log(`  ingest  ${gzip.ingest.map((x) => x.ms.toFixed(0)).join(' ')}  (gzip)`);
    console.log(`  RSS 1M  ${rss.small.map((x) => mb(x.maxRssKb * 1024)).join(' ')}`);
    console.log(
      `  RSS 5M  ${rss.large.map((x) => mb(x.maxRssKb * 1024)).join(' ')}  (${rss.large.map((x) => ms(x.ms)).join(' ')})`,
    );
    console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
    if (!sanity || rows.some((r) => !r.pass)) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await main();
