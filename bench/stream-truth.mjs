#!/usr/bin/env node
// Truth check of loadctl's frames (docs/stream.md) against k6's own raw samples of the same run:
//
//   node bench/stream-truth.mjs [folder]      (default test/fixtures/stream)
//
// The folder holds frames.ndjson (--out loadctl=…), samples.json or samples.json.gz (--out json=…) and,
// optionally, k6-summary.json (handleSummary). Per endpoint (`name` tag), and per endpoint and status class:
//   - the number of http_reqs samples equals the sum of the frames' http_reqs counts, exactly;
//   - the same for http_req_duration, and the sum of its values agrees (floating point aside);
//   - p95 of the frames' HDR histograms, decoded with hdr-histogram-js (the reader loadctl uses) and merged
//     over every frame, is within 0.1 % of the exact p95 of the raw values. "Exact" is the nearest-rank p95
//     (the value HdrHistogram estimates); k6's summary interpolates between neighbours, shown beside it.
// Prints the figures; exit status 1 when a check fails.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import readline from 'node:readline';
import { createGunzip } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';

const folder = process.argv[2] ?? 'test/fixtures/stream';
const TOLERANCE = 0.001;

function statusClass(status) {
  if (status === undefined) return '';
  if (status === '0') return 'none';
  return /^[1-5]\d\d$/.test(status) ? `${status[0]}xx` : 'other';
}

function newHistogram() {
  return hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** Nearest rank, as HdrHistogram defines a percentile. */
function nearestRank(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** k6's percentile: linear interpolation between neighbours. */
function interpolated(sorted, p) {
  const i = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(i);
  return lo + 1 < sorted.length ? sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (i - lo) : sorted[lo];
}

// Frames: per key (endpoint, or endpoint + status class) the counts, sums and the merged histogram.
const frames = { reqs: new Map(), dur: new Map() };
let frameCount = 0;
let finals = 0;
for (const [i, line] of readFileSync(join(folder, 'frames.ndjson'), 'utf8').split('\n').entries()) {
  if (line === '') continue;
  const frame = JSON.parse(line);
  if (frame.schema !== 'loadctl.frames/v1') throw new Error(`frames.ndjson:${i + 1}: schema ${frame.schema}`);
  frameCount++;
  if (frame.final) finals++;
  for (const s of frame.series) {
    if (s.metric !== 'http_reqs' && s.metric !== 'http_req_duration') continue;
    for (const key of [s.name, `${s.name} ${s.status}`]) {
      const map = s.metric === 'http_reqs' ? frames.reqs : frames.dur;
      const e = map.get(key) ?? { count: 0, sum: 0, hist: s.hdr ? newHistogram() : undefined };
      e.count += s.count;
      e.sum += s.sum;
      if (s.hdr) e.hist.add(hdr.decodeFromCompressedBase64(s.hdr, 64));
      map.set(key, e);
    }
  }
}

// Raw samples: k6's JSON output, one line per sample.
const samplesFile = ['samples.json', 'samples.json.gz'].map((f) => join(folder, f)).find(existsSync);
if (!samplesFile) throw new Error(`no samples.json or samples.json.gz in ${folder}`);
const raw = { reqs: new Map(), dur: new Map() };
let input = createReadStream(samplesFile);
if (samplesFile.endsWith('.gz')) input = input.pipe(createGunzip());
for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
  if (!line.includes('"type":"Point"')) continue;
  const { metric, data } = JSON.parse(line);
  if (metric !== 'http_reqs' && metric !== 'http_req_duration') continue;
  const name = data.tags?.name ?? '';
  for (const key of [name, `${name} ${statusClass(data.tags?.status)}`]) {
    const map = metric === 'http_reqs' ? raw.reqs : raw.dur;
    const values = map.get(key) ?? [];
    values.push(data.value);
    map.set(key, values);
  }
}

const summaryFile = join(folder, 'k6-summary.json');
const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : undefined;

console.log(
  `${frameCount} frames (${finals} final) from ${join(folder, 'frames.ndjson')}; samples from ${samplesFile}`,
);
let failures = 0;
const keys = [...new Set([...raw.reqs.keys(), ...frames.reqs.keys()])].sort();
for (const key of keys) {
  const reqs = raw.reqs.get(key) ?? [];
  const fr = frames.reqs.get(key) ?? { count: 0 };
  const values = [...(raw.dur.get(key) ?? [])].sort((a, b) => a - b);
  const fd = frames.dur.get(key);
  const rawSum = values.reduce((a, b) => a + b, 0);
  const countsOk =
    reqs.length === fr.count && values.length === fd?.count && fd?.hist.totalCount === values.length;
  const sumOk = fd !== undefined && Math.abs(fd.sum - rawSum) <= 1e-9 * Math.max(1, rawSum);
  const exact = nearestRank(values, 95);
  const fromHdr = fd ? fd.hist.getValueAtPercentile(95) / 1e6 : NaN;
  const error = (fromHdr - exact) / exact;
  const p95Ok = Math.abs(error) <= TOLERANCE;
  if (!countsOk || !sumOk || !p95Ok) failures++;
  const k6p95 = summary?.metrics?.[`http_req_duration{name:${key}}`]?.values?.['p(95)'];
  console.log(
    `${key.padEnd(14)} requests: samples ${String(reqs.length).padStart(5)}, frames ${String(fr.count).padStart(5)} ` +
      `${countsOk ? '✓' : '✗'} | duration sum ${sumOk ? '✓' : '✗'} | p95 exact ${exact.toFixed(4)} ms, ` +
      `HDR ${fromHdr.toFixed(4)} ms (${(error * 100).toFixed(4)} %) ${p95Ok ? '✓' : '✗'}` +
      `, interpolated ${interpolated(values, 95).toFixed(4)} ms` +
      (k6p95 !== undefined ? `, k6 summary ${k6p95.toFixed(4)} ms` : ''),
  );
}
console.log(failures === 0 ? 'all checks hold' : `${failures} key(s) failed`);
process.exitCode = failures === 0 ? 0 : 1;
