#!/usr/bin/env node
// Data-collection sources benchmark: how much requests/s does k6 lose for each way loadctl could collect
// end-of-run aggregates and a per-second series? Prints ratios measured in this one run (not a timed test).
//
//   node bench/sources/run.mjs [--rounds 7] [--seconds 10] [--vus 20] [--modes a,b,...] [--keep]
//   node bench/sources/run.mjs --rate 3000 --seconds 60 --rounds 1 --modes bare,...  (fixed load: CPU over time)
//   node bench/sources/run.mjs --from /tmp/loadctl-bench-sources-XXXX/results.json   (re-render only)
//
// Shape: read args → start target server [E] → for each round, modes rotated: run k6 + collector [E]
// → summarize runs (pure) → render table and findings (pure) → print + write results.json [E].
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const TARGET_RATIO = 0.95;
const ENDPOINTS = ['a', 'b'];
const TREND_STATS = 'avg,min,med,max,p(50),p(90),p(95),p(99),count';
const CLK_TCK = 100; // getconf CLK_TCK on Linux x86_64; /proc/<pid>/stat times are in these ticks.

// ---------------------------------------------------------------------------------------------------------
// Pure: arguments, modes, k6 invocation

export function parseArgs(argv) {
  const opts = {
    rounds: 7,
    seconds: 10,
    vus: 20,
    rate: undefined,
    modes: undefined,
    keep: false,
    k6: undefined,
    from: undefined,
  };
  const problems = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const next = () => {
      i += 1;
      return argv[i];
    };
    if (arg === '--rounds' || arg === '--seconds' || arg === '--vus' || arg === '--rate') {
      const value = Number(next());
      if (!Number.isInteger(value) || value <= 0) problems.push(`${arg} needs a positive integer`);
      else opts[arg.slice(2)] = value;
    } else if (arg === '--modes')
      opts.modes = String(next() ?? '')
        .split(',')
        .filter(Boolean);
    else if (arg === '--k6') opts.k6 = next();
    else if (arg === '--from') opts.from = next();
    else if (arg === '--keep') opts.keep = true;
    else
      problems.push(
        `unknown argument ${arg} (known: --rounds --seconds --vus --rate --modes --k6 --keep --from)`,
      );
  }
  return { opts, problems };
}

export function submetricThresholds(endpoints) {
  const thresholds = {};
  for (const metric of ['http_req_duration', 'http_reqs', 'http_req_failed']) {
    for (const name of endpoints) thresholds[`${metric}{name:${name}}`] = [];
  }
  return thresholds;
}

// Each mode is data: extra k6 args/env (given the run's ports and files) and which collector reads it live.
export const MODES = [
  { name: 'bare', submetrics: false, collector: 'none' },
  { name: 'summary-submetrics', submetrics: true, collector: 'none' },
  { name: 'rest-api', submetrics: true, collector: 'rest' },
  {
    name: 'web-dashboard',
    submetrics: true,
    collector: 'sse',
    env: (run) => ({
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_HOST: '127.0.0.1',
      K6_WEB_DASHBOARD_PORT: String(run.ports.live),
      K6_WEB_DASHBOARD_PERIOD: '1s',
      K6_WEB_DASHBOARD_OPEN: 'false',
    }),
  },
  {
    // The env form of the dashboard has no per-tag option; the --out form takes `tag=` (default "group"),
    // which makes the dashboard keep a sub-metric per value of that tag for every metric.
    name: 'web-dashboard-tag-name',
    submetrics: true,
    collector: 'sse',
    args: (run) => ['--out', `web-dashboard=host=127.0.0.1&port=${run.ports.live}&period=1s&tag=name`],
  },
  {
    name: 'out-json',
    submetrics: true,
    collector: 'none',
    args: (run) => ['--out', `json=${run.file('json')}`],
  },
  {
    name: 'out-json-gz',
    submetrics: true,
    collector: 'none',
    args: (run) => ['--out', `json=${run.file('json.gz')}`],
  },
  {
    name: 'out-csv',
    submetrics: true,
    collector: 'none',
    args: (run) => ['--out', `csv=${run.file('csv')}`],
  },
  {
    name: 'fewer-systemtags',
    submetrics: true,
    collector: 'none',
    args: (run) => [
      '--system-tags',
      'status,method,name,scenario,expected_response',
      '--out',
      `json=${run.file('json')}`,
    ],
  },
  {
    name: 'otel-http',
    submetrics: true,
    collector: 'otlp',
    args: () => ['--out', 'opentelemetry'],
    env: (run) => ({
      K6_OTEL_EXPORTER_PROTOCOL: 'http/protobuf',
      K6_OTEL_HTTP_EXPORTER_ENDPOINT: `127.0.0.1:${run.ports.live}`,
      K6_OTEL_HTTP_EXPORTER_INSECURE: 'true',
      K6_OTEL_EXPORT_INTERVAL: '1s',
      K6_OTEL_FLUSH_INTERVAL: '1s',
    }),
  },
];

export function resolveK6Invocation(mode, run, config) {
  const env = {
    K6_NO_USAGE_REPORT: 'true',
    K6_AUTO_EXTENSION_RESOLUTION: 'false',
    BASE_URL: config.baseUrl,
    VUS: String(config.vus),
    DURATION: `${config.seconds}s`,
    RATE: config.rate ? String(config.rate) : '',
    SUMMARY_OUT: run.summaryPath,
    ...(mode.submetrics
      ? { THRESHOLDS: JSON.stringify(submetricThresholds(ENDPOINTS)), TREND_STATS }
      : { THRESHOLDS: '', TREND_STATS: '' }),
    ...(mode.env ? mode.env(run) : {}),
  };
  // Every mode gets its own REST API port (k6 always starts the API server; the default :6565 would clash
  // with other k6 runs on this machine). Only rest-api mode polls it.
  const args = ['run', '-q', '--address', `127.0.0.1:${run.ports.api}`, ...(mode.args ? mode.args(run) : [])];
  return { args: [...args, path.join(HERE, 'script.js')], env };
}

export function rotate(list, by) {
  const n = list.length;
  return list.map((_, i) => list[(i + by) % n]);
}

// ---------------------------------------------------------------------------------------------------------
// Pure: parsing what k6 and /proc give us

export function parseTimeFile(text) {
  const [elapsed, user, sys, maxRssKb] = text.trim().split('\n').pop().trim().split(/\s+/).map(Number);
  return { wallS: elapsed, cpuS: user + sys, userS: user, sysS: sys, maxRssMb: maxRssKb / 1024 };
}

export function parseProcStatCpu(text) {
  // fields after the parenthesised comm: utime is field 14, stime 15 (1-based).
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
}

export function parseMachineCpu(text) {
  const f = text.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busyS: (total - idle) / CLK_TCK, totalS: total / CLK_TCK };
}

export function summarizeK6Summary(data) {
  const m = data.metrics;
  const perEndpoint = {};
  for (const name of ENDPOINTS) {
    const d = m[`http_req_duration{name:${name}}`];
    const c = m[`http_reqs{name:${name}}`];
    const f = m[`http_req_failed{name:${name}}`];
    if (d || c || f) perEndpoint[name] = { duration: d?.values, reqs: c?.values, failed: f?.values };
  }
  return {
    rps: m.http_reqs.values.rate,
    requests: m.http_reqs.values.count,
    failedRequests: m.http_req_failed?.values.passes ?? null,
    testRunDurationMs: data.state.testRunDurationMs,
    metricNames: Object.keys(m).sort(),
    perEndpoint,
  };
}

// REST /v1/metrics: JSON:API list, every value cumulative since the test started.
export function parseRestMetrics(body) {
  const out = {};
  for (const item of body.data ?? [])
    out[item.id] = { type: item.attributes.type, sample: item.attributes.sample };
  return out;
}

export function summarizeRestSeries(polls) {
  const points = [];
  for (let i = 1; i < polls.length; i += 1) {
    const prev = polls[i - 1];
    const cur = polls[i];
    const dt = (cur.at - prev.at) / 1000;
    const reqs = (p) => p.metrics.http_reqs?.sample.count ?? 0;
    const failed = (p) => Math.round((p.metrics.http_req_failed?.sample.rate ?? 0) * reqs(p));
    const dur = cur.metrics.http_req_duration?.sample ?? {};
    points.push({
      t: Number((cur.at / 1000).toFixed(2)),
      rps: Math.round((reqs(cur) - reqs(prev)) / dt),
      errors: failed(cur) - failed(prev),
      vus: cur.metrics.vus?.sample.value ?? null,
      cumulativeMedMs: dur.med,
      cumulativeP95Ms: dur['p(95)'],
      cumulativeP99Ms: dur['p(99)'],
    });
  }
  const ids = new Set();
  const keysByType = {};
  for (const p of polls) {
    for (const [id, v] of Object.entries(p.metrics)) {
      ids.add(id);
      keysByType[v.type] = [...new Set([...(keysByType[v.type] ?? []), ...Object.keys(v.sample)])].sort();
    }
  }
  const last = polls.at(-1);
  return {
    polls: polls.length,
    lastCumulativeRequests: last?.metrics.http_reqs?.sample.count ?? null,
    metricIds: [...ids].sort(),
    sampleKeysByType: keysByType,
    points,
  };
}

// Dashboard SSE: `metric` events announce names; `snapshot` (per period) and `cumulative` events carry one
// array per metric, ordered by the sorted names of every metric announced so far.
export function parseSseText(text) {
  const events = [];
  for (const block of text.split('\n\n')) {
    let event = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) });
  }
  return events;
}

const AGGREGATES = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'max', 'med', 'min', 'p(90)', 'p(95)', 'p(99)'],
};

export function decodeDashboardEvents(events) {
  const types = {};
  const decoded = [];
  let misaligned = 0;
  for (const { event, data } of events) {
    if (event === 'metric')
      Object.assign(types, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.type])));
    if (event !== 'snapshot' && event !== 'cumulative') continue;
    // Go's sort.Strings orders by bytes; JS default sort by UTF-16 units agrees for these ASCII names.
    const names = Object.keys(types).sort();
    if (names.length !== data.length) misaligned += 1;
    const values = {};
    names.forEach((name, i) => {
      const arr = data[i] ?? [];
      const keys = AGGREGATES[types[name]] ?? [];
      if (arr.length !== 0 && arr.length !== keys.length) misaligned += 1;
      values[name] = Object.fromEntries(arr.map((v, j) => [keys[j], v]));
    });
    decoded.push({ event, time: values.time?.value, values });
  }
  return { decoded, misaligned, metricNames: Object.keys(types).sort() };
}

export function summarizeDashboardSeries(events, finalRequests) {
  const { decoded, misaligned, metricNames } = decodeDashboardEvents(events);
  const endpoint = (v, metric, name) => v[`${metric}{name:${name}}`];
  const snapshots = decoded.filter((d) => d.event === 'snapshot');
  const cumulatives = decoded.filter((d) => d.event === 'cumulative');
  const points = snapshots.map(({ time, values: v }) => {
    const reqs = v.http_reqs?.count ?? 0;
    const d = v.http_req_duration ?? {};
    const perEndpoint = {};
    for (const name of ENDPOINTS) {
      const ed = endpoint(v, 'http_req_duration', name);
      const ec = endpoint(v, 'http_reqs', name);
      if (ed || ec) perEndpoint[name] = { count: ec?.count, p95: ed?.['p(95)'] };
    }
    return {
      time,
      rps: v.http_reqs?.rate,
      requests: reqs,
      // Rates arrive only as a fraction, truncated to 5 decimals: errors = fraction × requests, rounded.
      errors: Math.round((v.http_req_failed?.rate ?? 0) * reqs),
      vus: v.vus?.value ?? null,
      medMs: d.med,
      p95Ms: d['p(95)'],
      p99Ms: d['p(99)'],
      ...(Object.keys(perEndpoint).length ? { perEndpoint } : {}),
    };
  });
  const snapshotRequests = points.reduce((a, p) => a + p.requests, 0);
  const lastCumulative = cumulatives.at(-1)?.values.http_reqs?.count ?? null;
  return {
    eventCounts: events.reduce((acc, e) => ({ ...acc, [e.event]: (acc[e.event] ?? 0) + 1 }), {}),
    param: events.find((e) => e.event === 'param')?.data ?? null,
    misaligned,
    metricNames,
    snapshots: snapshots.length,
    snapshotRequests,
    lastCumulativeRequests: lastCumulative,
    finalRequests,
    points,
  };
}

// Minimal protobuf walking for OTLP ExportMetricsServiceRequest: enough for names, kinds, temporality,
// point counts and histogram bounds. Field numbers from opentelemetry/proto/metrics/v1/metrics.proto.
function readVarint(buf, pos) {
  let result = 0;
  let mul = 1;
  for (;;) {
    const byte = buf[pos];
    pos += 1;
    result += (byte & 0x7f) * mul;
    if (byte < 0x80) return [result, pos];
    mul *= 128;
  }
}

export function parseProtoFields(buf) {
  const fields = [];
  let pos = 0;
  while (pos < buf.length) {
    let key;
    [key, pos] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      let v;
      [v, pos] = readVarint(buf, pos);
      fields.push({ field, wire, value: v });
    } else if (wire === 1) {
      fields.push({ field, wire, value: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 2) {
      let len;
      [len, pos] = readVarint(buf, pos);
      fields.push({ field, wire, value: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 5) {
      fields.push({ field, wire, value: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return fields;
}

const OTLP_KINDS = { 5: 'gauge', 7: 'sum', 9: 'histogram', 10: 'exponential_histogram', 11: 'summary' };
const TEMPORALITY = { 1: 'delta', 2: 'cumulative' };

export function parseOtlpMetrics(buf) {
  const metrics = [];
  for (const rm of parseProtoFields(buf).filter((f) => f.field === 1)) {
    for (const sm of parseProtoFields(rm.value).filter((f) => f.field === 2)) {
      for (const m of parseProtoFields(sm.value).filter((f) => f.field === 2)) {
        const fields = parseProtoFields(m.value);
        const name = fields.find((f) => f.field === 1)?.value.toString('utf8');
        const kindField = fields.find((f) => OTLP_KINDS[f.field]);
        if (!kindField) continue;
        const inner = parseProtoFields(kindField.value);
        const dataPoints = inner.filter((f) => f.field === 1);
        const temporality = inner.find((f) => f.field === 2)?.value;
        // Attributes: field 7 in Number data points, 9 in histogram data points.
        const attrField = kindField.field === 9 || kindField.field === 10 ? 9 : 7;
        const attributes = new Set();
        for (const dp of dataPoints) {
          for (const kv of parseProtoFields(dp.value).filter((f) => f.field === attrField && f.wire === 2)) {
            const kvFields = parseProtoFields(kv.value);
            const key = kvFields.find((f) => f.field === 1)?.value.toString('utf8');
            const any = kvFields.find((f) => f.field === 2);
            const str = any
              ? parseProtoFields(any.value)
                  .find((f) => f.field === 1)
                  ?.value.toString('utf8')
              : undefined;
            attributes.add(key === 'condition' && str ? `condition=${str}` : key);
          }
        }
        let bounds;
        if (kindField.field === 9 && dataPoints[0]) {
          const b = parseProtoFields(dataPoints[0].value).find((f) => f.field === 7)?.value;
          if (b) bounds = Array.from({ length: b.length / 8 }, (_, i) => b.readDoubleLE(i * 8));
        }
        metrics.push({
          name,
          kind: OTLP_KINDS[kindField.field],
          temporality: TEMPORALITY[temporality] ?? null,
          points: dataPoints.length,
          attributes: [...attributes].sort(),
          ...(bounds ? { bounds } : {}),
        });
      }
    }
  }
  return metrics;
}

export function summarizeOtlp(requests) {
  const byName = {};
  for (const r of requests) {
    for (const m of r.metrics) {
      const prev = byName[m.name];
      byName[m.name] = {
        ...m,
        points: Math.max(prev?.points ?? 0, m.points),
        attributes: [...new Set([...(prev?.attributes ?? []), ...m.attributes])].sort(),
      };
    }
  }
  return {
    exports: requests.length,
    bytes: requests.reduce((a, r) => a + r.bytes, 0),
    metrics: byName,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Pure: statistics and rendering

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarizeRuns(runs, modeNames) {
  const ok = runs.filter((r) => r.ok);
  const bareByRound = new Map(ok.filter((r) => r.mode === 'bare').map((r) => [r.round, r]));
  return modeNames.map((mode) => {
    const mine = ok.filter((r) => r.mode === mode);
    const ratios = mine
      .filter((r) => bareByRound.has(r.round))
      .map((r) => r.rps / bareByRound.get(r.round).rps);
    // k6 CPU seconds per request, relative to the same round's bare run: less sensitive than rps to
    // other load on the machine, since it counts work done rather than work that fitted in the window.
    const cpuPerReq = (r) => r.k6.cpuS / r.requests;
    const cpuRatios = mine
      .filter((r) => bareByRound.has(r.round))
      .map((r) => cpuPerReq(r) / cpuPerReq(bareByRound.get(r.round)));
    const ratio = median(ratios);
    return {
      mode,
      runs: mine.length,
      failedRuns: runs.filter((r) => r.mode === mode && !r.ok).length,
      medianRps: median(mine.map((r) => r.rps)),
      ratio,
      ratioMin: Math.min(...ratios),
      ratioMax: Math.max(...ratios),
      pass: ratio >= TARGET_RATIO,
      k6CpuMsPerKReq: median(mine.map((r) => cpuPerReq(r) * 1e6)),
      k6CpuRatio: median(cpuRatios),
      k6MaxRssMb: median(mine.map((r) => r.k6.maxRssMb)),
      otherCpuS: median(mine.map((r) => r.otherCpuS)),
      outputMb: mine.some((r) => r.outputBytes != null)
        ? median(mine.map((r) => (r.outputBytes ?? 0) / 1e6))
        : null,
    };
  });
}

export function renderTable(rows, { fixedRate = false } = {}) {
  const header = [
    'mode',
    'median rps',
    'ratio',
    'min–max',
    '≥0.95',
    'k6 cpu ms/1k req',
    'cpu/req ratio',
    'k6 rss MB',
    'file MB',
  ];
  const body = rows.map((r) => [
    r.mode,
    Number.isFinite(r.medianRps) ? Math.round(r.medianRps).toString() : '—',
    Number.isFinite(r.ratio) ? r.ratio.toFixed(3) : '—',
    Number.isFinite(r.ratioMin) ? `${r.ratioMin.toFixed(3)}–${r.ratioMax.toFixed(3)}` : '—',
    // At a fixed arrival rate rps is set by the script, so only the CPU columns mean anything.
    r.mode === 'bare' ? '(ref)' : fixedRate ? 'n/a' : r.pass ? 'PASS' : 'FAIL',
    Number.isFinite(r.k6CpuMsPerKReq) ? r.k6CpuMsPerKReq.toFixed(1) : '—',
    Number.isFinite(r.k6CpuRatio) ? r.k6CpuRatio.toFixed(3) : '—',
    Number.isFinite(r.k6MaxRssMb) ? r.k6MaxRssMb.toFixed(0) : '—',
    r.outputMb == null ? '' : r.outputMb.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function renderNoise(runs) {
  const bare = runs.filter((r) => r.ok && r.mode === 'bare').map((r) => r.rps);
  const other = runs.filter((r) => r.ok).map((r) => r.otherCpuS / r.k6.wallS);
  const fmt = (x) => x.toFixed(2);
  return [
    `bare rps across rounds: min ${Math.round(Math.min(...bare))}, median ${Math.round(median(bare))}, ` +
      `max ${Math.round(Math.max(...bare))} (spread ${fmt(Math.max(...bare) / Math.min(...bare))}×)`,
    `CPU used by other processes during runs (cores, not k6/server/bench): median ${fmt(median(other))}, ` +
      `max ${fmt(Math.max(...other))}`,
  ].join('\n');
}

// Other engineers share these 2 cores. A run is "quiet" when processes other than k6, the target server
// and this script used under QUIET_CORES of a core on average during it. Unpaired, but free of contention.
export const QUIET_CORES = 0.15;

export function summarizeQuiet(runs, modeNames) {
  const quiet = runs.filter((r) => r.ok && r.otherCpuS / r.k6.wallS < QUIET_CORES);
  const bare = median(quiet.filter((r) => r.mode === 'bare').map((r) => r.rps));
  return modeNames.map((mode) => {
    const rps = quiet.filter((r) => r.mode === mode).map((r) => r.rps);
    return { mode, n: rps.length, medianRps: median(rps), ratio: median(rps) / bare };
  });
}

// Contention-adjusted ratio: least squares on log(rps) = a_mode + b × otherCores over all runs, where
// otherCores is the CPU other processes used during the run. exp(a_mode − a_bare) is the ratio with the
// other load held equal; the interval is ±1.96 standard errors. Assumes one common slope for all modes.
export function summarizeAdjusted(runs, modeNames) {
  const ok = runs.filter((r) => r.ok);
  const x = (r) => r.otherCpuS / r.k6.wallS;
  const y = (r) => Math.log(r.rps);
  const mean = (xs) => xs.reduce((a, v) => a + v, 0) / xs.length;
  const groups = new Map(modeNames.map((m) => [m, ok.filter((r) => r.mode === m)]));
  let sxy = 0;
  let sxx = 0;
  const stats = new Map();
  for (const [m, rs] of groups) {
    if (rs.length === 0) continue;
    const mx = mean(rs.map(x));
    const my = mean(rs.map(y));
    stats.set(m, { mx, my, n: rs.length });
    for (const r of rs) {
      sxy += (x(r) - mx) * (y(r) - my);
      sxx += (x(r) - mx) ** 2;
    }
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  let rss = 0;
  for (const [m, rs] of groups) {
    const st = stats.get(m);
    if (!st) continue;
    st.a = st.my - slope * st.mx;
    for (const r of rs) rss += (y(r) - st.a - slope * x(r)) ** 2;
  }
  const sigma = Math.sqrt(rss / Math.max(1, ok.length - stats.size - 1));
  const bare = stats.get('bare');
  const rows = modeNames.map((mode) => {
    const st = stats.get(mode);
    if (!st || !bare) return { mode, ratio: NaN, low: NaN, high: NaN, rpsAtZero: NaN };
    const d = st.a - bare.a;
    const se = sigma * Math.sqrt(1 / st.n + 1 / bare.n + (st.mx - bare.mx) ** 2 / sxx);
    return {
      mode,
      rpsAtZero: Math.exp(st.a),
      ratio: Math.exp(d),
      low: mode === 'bare' ? 1 : Math.exp(d - 1.96 * se),
      high: mode === 'bare' ? 1 : Math.exp(d + 1.96 * se),
    };
  });
  return { slope, sigma, rows };
}

export function renderAdjusted({ slope, sigma, rows }) {
  return [
    `contention-adjusted (log rps = mode + ${slope.toFixed(3)} × other cores; residual sd ${sigma.toFixed(3)}):`,
    ...rows.map(
      (r) =>
        `  ${r.mode.padEnd(24)} rps at no other load ${Math.round(r.rpsAtZero)}, ratio ${r.ratio.toFixed(3)} ` +
        `(95% ${r.low.toFixed(3)}–${r.high.toFixed(3)})`,
    ),
  ].join('\n');
}

// k6 CPU use (cores) early in the run versus in its last 10 seconds: flat for per-sample costs, rising for
// costs that grow with everything collected so far (e.g. re-sorting all trend values on every read).
export function summarizeCpuGrowth(runs, modeNames) {
  const cores = (samples, from, to) => {
    const inWindow = samples.filter((s) => s.at >= from && s.at <= to);
    if (inWindow.length < 2) return NaN;
    const first = inWindow[0];
    const last = inWindow.at(-1);
    return (last.cpuS - first.cpuS) / (last.at - first.at);
  };
  return modeNames.map((mode) => {
    const mine = runs.filter((r) => r.ok && r.mode === mode && (r.cpuSamples?.length ?? 0) > 25);
    const early = mine.map((r) => cores(r.cpuSamples, 2, 12));
    const late = mine.map((r) => {
      const end = r.cpuSamples.at(-1).at - 3; // leave out the graceful stop and teardown
      return cores(r.cpuSamples, end - 10, end);
    });
    return { mode, runs: mine.length, early: median(early), late: median(late) };
  });
}

export function renderCpuGrowth(rows) {
  if (!rows.some((r) => r.runs > 0)) return '';
  return [
    'k6 CPU (cores) at 2–12 s vs the last 10 s of the load (runs of 25 s or more):',
    ...rows.map((r) => `  ${r.mode.padEnd(24)} ${r.early.toFixed(2)} → ${r.late.toFixed(2)} (n=${r.runs})`),
  ].join('\n');
}

export function renderQuiet(rows) {
  const cell = (r) =>
    `${r.mode} ${r.n ? `${Math.round(r.medianRps)} rps${Number.isFinite(r.ratio) ? ` (${r.ratio.toFixed(3)})` : ''}` : '—'} n=${r.n}`;
  return `quiet runs only (other load < ${QUIET_CORES} cores), median rps (ratio to quiet bare median):\n  ${rows.map(cell).join('\n  ')}`;
}

export function renderReport({ opts, modeNames, runs, minutes }) {
  const ok = runs.filter((r) => r.ok);
  const mismatches = ok
    .map((r) => ({
      mode: r.mode,
      round: r.round,
      k6: r.requests,
      server: r.serverRequests,
      k6Failed: r.summaryFailures,
      serverFailed: r.serverFailures,
    }))
    .filter((x) => x.k6 !== x.server || x.k6Failed !== x.serverFailed);
  const failed = runs.filter((r) => !r.ok).map((r) => `${r.mode}#${r.round}: ${r.error ?? `exit ${r.code}`}`);
  return [
    `k6 data-collection sources: ${opts.rounds} rounds × ${modeNames.length} modes, ${opts.seconds}s each, ` +
      `${opts.vus} VUs${opts.rate ? `, fixed ${opts.rate} iterations/s` : ''}${Number.isFinite(minutes) ? `, ${minutes.toFixed(1)} min` : ''}`,
    '',
    renderTable(summarizeRuns(runs, modeNames), { fixedRate: Boolean(opts.rate) }),
    '',
    renderNoise(runs),
    renderAdjusted(summarizeAdjusted(runs, modeNames)),
    renderQuiet(summarizeQuiet(runs, modeNames)),
    renderCpuGrowth(summarizeCpuGrowth(runs, modeNames)),
    `k6 summary request/failure counts equal the server's in ${ok.length - mismatches.length} of ${ok.length} runs` +
      (mismatches.length ? `; mismatches: ${JSON.stringify(mismatches)}` : ''),
    ...(failed.length ? [`failed runs: ${failed.join('; ')}`] : []),
    '',
    renderFindings(latestFindings(runs)),
  ].join('\n');
}

const fmtMs = (x) => (x == null ? '—' : Number(x).toFixed(3));

export function renderFindings(latest) {
  const out = [];
  const s = latest.summary;
  if (s) {
    out.push('handleSummary data.metrics (summary-submetrics):');
    out.push(`  names: ${s.metricNames.join(', ')}`);
    for (const [name, e] of Object.entries(s.perEndpoint)) {
      out.push(
        `  ${name}: reqs ${e.reqs?.count}, failed ${e.failed?.passes}/${(e.failed?.passes ?? 0) + (e.failed?.fails ?? 0)}, ` +
          `p50 ${fmtMs(e.duration?.['p(50)'])} p95 ${fmtMs(e.duration?.['p(95)'])} p99 ${fmtMs(e.duration?.['p(99)'])} ms, ` +
          `count ${e.duration?.count}`,
      );
    }
  }
  const r = latest.rest;
  if (r) {
    out.push('REST GET /v1/metrics (rest-api), polled once per second:');
    out.push(`  polls ${r.polls}; ids: ${r.metricIds.join(', ')}`);
    out.push(`  sample keys by type: ${JSON.stringify(r.sampleKeysByType)}`);
    out.push('  all values are cumulative since test start; per-second counts only by differencing.');
    out.push(
      `  last poll saw ${r.lastCumulativeRequests} of ${latest.restFinal} requests (tail after it is lost).`,
    );
    for (const p of r.points.slice(0, 3)) out.push(`  ${JSON.stringify(p)}`);
  }
  for (const key of ['sse', 'sseTag']) {
    const d = latest[key];
    if (!d) continue;
    out.push(`Dashboard SSE GET /events (${key === 'sse' ? 'web-dashboard' : 'web-dashboard-tag-name'}):`);
    out.push(`  events: ${JSON.stringify(d.eventCounts)}; misaligned arrays: ${d.misaligned}`);
    out.push(`  param.aggregates: ${JSON.stringify(d.param?.aggregates)}; period ${d.param?.period} ms`);
    out.push(`  metrics: ${d.metricNames.join(', ')}`);
    out.push(
      `  ${d.snapshots} snapshots hold ${d.snapshotRequests} requests; last cumulative ${d.lastCumulativeRequests}; ` +
        `k6 summary ${d.finalRequests}`,
    );
    for (const p of d.points.slice(1, 4)) out.push(`  ${JSON.stringify(p)}`);
  }
  const o = latest.otlp;
  if (o) {
    out.push('OTLP/HTTP (otel-http), export interval 1s:');
    out.push(`  exports ${o.exports}, ${(o.bytes / 1e6).toFixed(2)} MB protobuf`);
    for (const m of Object.values(o.metrics)) {
      out.push(
        `  ${m.name}: ${m.kind}${m.temporality ? ` (${m.temporality})` : ''}, ${m.points} series, ` +
          `attributes ${(m.attributes ?? []).join(',')}` +
          (m.bounds ? `, bounds ${JSON.stringify(m.bounds)}` : ''),
      );
    }
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Effects: processes, sockets, files

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function startTargetServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(HERE, 'server.mjs')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buffered = '';
    const waiters = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const [word, ...rest] = line.split(' ');
        if (word === 'LISTENING') {
          resolve({
            port: Number(rest[0]),
            pid: child.pid,
            counts: () =>
              new Promise((res) => {
                waiters.push(res);
                child.stdin.write('count\n');
              }),
            stop: () => child.stdin.end(),
          });
        } else if (word === 'COUNT')
          waiters.shift()?.({ requests: Number(rest[0]), failures: Number(rest[1]) });
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`target server exited with ${code}`)));
  });
}

async function readCpu(pid) {
  try {
    return parseProcStatCpu(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function getJson(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: httpAgent, timeout: 900 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

// Polls GET /v1/metrics once per second until stopped; keeps every parsed poll with its time offset.
function startRestCollector(port, t0) {
  const polls = [];
  const raw = [];
  let errors = 0;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      const body = await getJson(`http://127.0.0.1:${port}/v1/metrics`);
      const at = Date.now() - t0;
      if (raw.length < 3) raw.push(body);
      polls.push({ at, metrics: parseRestMetrics(body) });
    } catch {
      errors += 1;
    }
  };
  const timer = setInterval(tick, 1000);
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
      return { polls, raw, errors };
    },
  };
}

// Reads the dashboard's SSE stream; retries the connection until k6 is listening. We close it ourselves on
// `stop`, because k6's dashboard server waits for open event streams when it shuts down.
function startSseCollector(port) {
  let text = '';
  let stopped = false;
  let req;
  let connectedAt = null;
  let sawStop = false;
  const connect = () => {
    if (stopped) return;
    req = http.get(
      { host: '127.0.0.1', port, path: '/events', headers: { accept: 'text/event-stream' } },
      (res) => {
        connectedAt = Date.now();
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
          if (!sawStop && /\nevent: stop\n/.test(text)) {
            sawStop = true;
            res.destroy();
          }
        });
      },
    );
    req.on('error', () => {
      if (connectedAt === null) setTimeout(connect, 50);
    });
  };
  connect();
  return {
    stop: () => {
      stopped = true;
      req?.destroy();
      return { text, sawStop };
    },
  };
}

// A do-nothing OTLP/HTTP receiver that decodes each export just enough to describe it.
async function startOtlpReceiver() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const buf = Buffer.concat(chunks);
      const metrics = (() => {
        try {
          return parseOtlpMetrics(buf);
        } catch (err) {
          return [{ name: `decode error: ${err.message}`, kind: 'error', points: 0, attributes: [] }];
        }
      })();
      requests.push({ bytes: buf.length, metrics });
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve(requests));
        server.closeAllConnections();
      }),
  };
}

// k6 CPU seconds once per second (k6 is the child of the /usr/bin/time wrapper), to see costs that grow
// with test duration.
function startCpuSampler(wrapperPid) {
  const samples = [];
  const t0 = Date.now();
  const timer = setInterval(async () => {
    try {
      const children = await readFile(`/proc/${wrapperPid}/task/${wrapperPid}/children`, 'utf8');
      const pid = children.trim().split(' ')[0];
      if (pid) samples.push({ at: (Date.now() - t0) / 1000, cpuS: await readCpu(pid) });
    } catch {
      // wrapper gone
    }
  }, 1000);
  return { stop: () => (clearInterval(timer), samples) };
}

function runProcess(cmd, args, env, limitS) {
  return new Promise((resolve) => {
    // Own process group, so the time limit can end k6 together with its /usr/bin/time wrapper.
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const sampler = startCpuSampler(child.pid);
    let stderr = '';
    child.stdout.on('data', () => {});
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-4000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, limitS * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stderr, cpuSamples: sampler.stop() });
    });
  });
}

async function runOne({ mode, round, config, server, workDir }) {
  const tag = `${round}-${mode.name}`;
  const files = [];
  const otlp = mode.collector === 'otlp' ? await startOtlpReceiver() : null;
  const run = {
    ports: { api: await freePort(), live: otlp ? otlp.port : await freePort() },
    summaryPath: path.join(workDir, `${tag}.summary.json`),
    file: (ext) => {
      const f = path.join(workDir, `${tag}.${ext}`);
      files.push(f);
      return f;
    },
  };
  const { args, env } = resolveK6Invocation(mode, run, config);
  const timePath = path.join(workDir, `${tag}.time`);
  const before = {
    machine: parseMachineCpu(await readFile('/proc/stat', 'utf8')),
    server: await readCpu(server.pid),
    self: process.cpuUsage(),
    counts: await server.counts(),
  };
  const t0 = Date.now();
  const collector =
    mode.collector === 'rest'
      ? startRestCollector(run.ports.api, t0)
      : mode.collector === 'sse'
        ? startSseCollector(run.ports.live)
        : null;
  const result = await runProcess(
    '/usr/bin/time',
    ['-f', '%e %U %S %M', '-o', timePath, config.k6, ...args],
    { ...process.env, ...env },
    config.seconds + 40,
  );
  const live = collector?.stop();
  const otlpRequests = otlp ? await otlp.stop() : null;
  const after = {
    machine: parseMachineCpu(await readFile('/proc/stat', 'utf8')),
    server: await readCpu(server.pid),
    self: process.cpuUsage(before.self),
    counts: await server.counts(),
  };
  const record = { mode: mode.name, round, ok: false, code: result.code, timedOut: result.timedOut };
  try {
    const k6 = parseTimeFile(await readFile(timePath, 'utf8'));
    const summary = summarizeK6Summary(JSON.parse(await readFile(run.summaryPath, 'utf8')));
    const serverCpuS = after.server - before.server;
    const selfCpuS = (after.self.user + after.self.system) / 1e6;
    const machineBusyS = after.machine.busyS - before.machine.busyS;
    let outputBytes = null;
    for (const f of files) {
      outputBytes =
        (outputBytes ?? 0) +
        (await stat(f).then(
          (s) => s.size,
          () => 0,
        ));
      if (!config.keep) await rm(f, { force: true });
    }
    Object.assign(record, {
      ok: result.code === 0,
      rps: summary.rps,
      requests: summary.requests,
      serverRequests: after.counts.requests - before.counts.requests,
      serverFailures: after.counts.failures - before.counts.failures,
      summaryFailures: summary.failedRequests,
      k6,
      serverCpuS,
      selfCpuS,
      otherCpuS: Math.max(0, machineBusyS - k6.cpuS - serverCpuS - selfCpuS),
      outputBytes,
      summary,
      cpuSamples: result.cpuSamples,
    });
    if (live && mode.collector === 'rest') {
      record.rest = { ...summarizeRestSeries(live.polls), errors: live.errors };
      record.restRaw = live.raw;
    }
    if (live && mode.collector === 'sse') {
      const events = parseSseText(live.text);
      record.sse = { ...summarizeDashboardSeries(events, summary.requests), sawStop: live.sawStop };
      record.sseRaw = events.filter((e) => e.event !== 'config').slice(0, 12);
    }
    if (otlpRequests) record.otlp = summarizeOtlp(otlpRequests);
  } catch (err) {
    record.error = `${err.message}; k6 exit ${result.code}; stderr: ${result.stderr.slice(-600)}`;
  }
  if (!config.keep) await rm(run.summaryPath, { force: true });
  return record;
}

function latestFindings(runs) {
  const last = (mode) => runs.filter((r) => r.ok && r.mode === mode).at(-1);
  return {
    summary: last('summary-submetrics')?.summary,
    rest: last('rest-api')?.rest,
    restFinal: last('rest-api')?.requests,
    sse: last('web-dashboard')?.sse,
    sseTag: last('web-dashboard-tag-name')?.sse,
    otlp: last('otel-http')?.otlp,
  };
}

async function main() {
  const { opts, problems } = parseArgs(process.argv.slice(2));
  if (opts.from) {
    if (problems.length) throw new Error(problems.join('\n'));
    const saved = JSON.parse(await readFile(opts.from, 'utf8'));
    const modeNames = [...new Set(saved.runs.map((r) => r.mode))];
    process.stdout.write(`${renderReport({ ...saved, modeNames, minutes: saved.minutes ?? NaN })}\n`);
    return;
  }
  const modes = opts.modes ? MODES.filter((m) => opts.modes.includes(m.name)) : MODES;
  const unknown = (opts.modes ?? []).filter((n) => !MODES.some((m) => m.name === n));
  if (unknown.length)
    problems.push(`unknown modes: ${unknown.join(', ')} (known: ${MODES.map((m) => m.name)})`);
  if (!modes.some((m) => m.name === 'bare'))
    problems.push('--modes must include bare (ratios are against it)');
  if (problems.length) throw new Error(problems.join('\n'));

  const k6 = opts.k6 ?? path.join(REPO, '.tools', 'bin', 'k6');
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'loadctl-bench-sources-'));
  const server = await startTargetServer();
  const config = { ...opts, k6, baseUrl: `http://127.0.0.1:${server.port}` };
  const runs = [];
  const started = Date.now();
  try {
    for (let round = 0; round < opts.rounds; round += 1) {
      for (const mode of rotate(modes, round % modes.length)) {
        const record = await runOne({ mode, round, config, server, workDir });
        runs.push(record);
        const note = record.ok
          ? `${Math.round(record.rps)} rps, k6 cpu ${record.k6.cpuS.toFixed(1)}s, other ${record.otherCpuS.toFixed(1)}s`
          : `FAILED: ${record.error ?? `exit ${record.code}`}`;
        process.stderr.write(`[round ${round + 1}/${opts.rounds}] ${mode.name.padEnd(22)} ${note}\n`);
      }
    }
  } finally {
    server.stop();
  }

  const minutes = (Date.now() - started) / 60000;
  const modeNames = modes.map((m) => m.name);
  const report = renderReport({ opts, modeNames, runs, minutes });
  const resultsPath = path.join(workDir, 'results.json');
  await writeFile(resultsPath, JSON.stringify({ opts, minutes, runs }, null, 1));
  process.stdout.write(`${report}\n\nraw results: ${resultsPath}\n`);
}

// Only the entry sets the exit status; importing this file (to test the pure parts) runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
}
