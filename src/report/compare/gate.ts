// The regression gate of `compare --fail-on "p95>+10%,error_rate>+0.5pp,rps<-5%"`: rules parsed from text
// and judged against a comparison. A rule fails only on a significant change that crosses its limit. Pure.
import { metricAlias, type Comparison, type MetricRow, type Verdict } from './compare.js';

export interface GateRule {
  /** The text as written, for messages. */
  text: string;
  /** A judged row key of the comparison: requests, rps, avg, med, p(95), error_rate, checks, goodput. */
  metric: string;
  endpoint?: string;
  op: '>' | '<';
  /** The limit as a fraction (0.1 = 10 %, or 0.005 = 0.5 pp). */
  limit: number;
  unit: '%' | 'pp';
}

export interface GateResult {
  rule: GateRule;
  side: string;
  status: 'failed' | 'passed' | 'unjudged' | 'inconclusive';
  delta?: number;
  verdict?: Verdict;
  /** The smallest change the number could have shown (cell.detectable), when the rule's limit is under it. */
  detectable?: number;
  /** Why a rule was not judged. */
  reason?: string;
}

const RULE_RE =
  /^\s*([a-z_][a-z0-9_.()]*)\s*(?:\{\s*name\s*:\s*([^}]+?)\s*\})?\s*([<>])\s*([+-]?\d+(?:\.\d+)?)\s*(%|pp)\s*$/i;

const POINTS = new Set(['error_rate', 'checks', 'goodput', 'cpu']);

function metricKey(name: string): string | undefined {
  const n = name.toLowerCase();
  if (n === 'errors' || n === 'error_rate' || n === 'http_req_failed') return 'error_rate';
  if (n === 'rps' || n === 'requests' || n === 'checks' || n === 'goodput' || n === 'avg') return n;
  // The server's: its CPU, and what a request cost it.
  if (n === 'cpu' || n === 'cpu_per_1k_rps' || n === 'req_per_cpu_s') return n;
  if (n === 'p50' || n === 'med') return 'med';
  const p = n.match(/^p\(?(\d{1,2}(?:\.\d+)?)\)?$/);
  return p ? `p(${p[1]})` : undefined;
}

export function parseFailOn(
  text: string,
): { ok: true; rules: GateRule[] } | { ok: false; problems: string[] } {
  const rules: GateRule[] = [];
  const problems: string[] = [];
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const m = part.match(RULE_RE);
    if (!m) {
      problems.push(
        `"${part.trim()}" is not a rule: write metric, < or >, a signed limit and % or pp, e.g. p95>+10%`,
      );
      continue;
    }
    const [, name = '', endpoint, op, value = '0', unit] = m;
    const metric = metricKey(name);
    if (name.toLowerCase() === 'max') {
      problems.push(
        `"${part.trim()}": max is reported but never judged (one request decides it, so no noise estimate holds); gate on p99 instead`,
      );
      continue;
    }
    if (metric === undefined) {
      problems.push(
        `"${part.trim()}": unknown metric ${name} (use requests, rps, avg, p50, p90, p95, p99, error_rate, checks, goodput, cpu, cpu_per_1k_rps, req_per_cpu_s)`,
      );
      continue;
    }
    const wants = POINTS.has(metric) ? 'pp' : '%';
    if (unit !== wants) {
      problems.push(
        `"${part.trim()}": ${name} changes in ${wants === 'pp' ? 'percentage points (pp)' : 'percent (%)'}, e.g. ${name}${op}+${wants === 'pp' ? '0.5pp' : '10%'}`,
      );
      continue;
    }
    rules.push({
      text: part.trim(),
      metric,
      ...(endpoint ? { endpoint } : {}),
      op: op === '<' ? '<' : '>',
      limit: Number(value) / 100,
      unit: wants,
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rules };
}

function findRow(c: Comparison, rule: GateRule): MetricRow | undefined {
  const rows =
    rule.endpoint === undefined
      ? [...c.overall, ...c.server]
      : c.endpoints.find((e) => e.name === rule.endpoint)?.rows;
  return rows?.find((r) => r.key === rule.metric);
}

/** A detectable change in the rule's unit: "18%", "2.1pp". */
export function formatSize(rule: GateRule, size: number): string {
  const v = size * 100;
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}${rule.unit}`;
}

/** Every rule against every side but the baseline. */
export function judgeGate(c: Comparison, rules: readonly GateRule[]): GateResult[] {
  const out: GateResult[] = [];
  for (const rule of rules) {
    const row = findRow(c, rule);
    c.sides.forEach((side, i) => {
      if (i === c.baseline) return;
      const cell = row?.cells[i];
      if (!row || !cell || cell.delta === undefined) {
        out.push({
          rule,
          side: side.label,
          status: 'unjudged',
          reason: rule.endpoint
            ? `no ${metricAlias(rule.metric)} of endpoint ${rule.endpoint} on both sides`
            : `no ${metricAlias(rule.metric)} on both sides`,
        });
        return;
      }
      const base = {
        rule,
        side: side.label,
        delta: cell.delta,
        ...(cell.verdict ? { verdict: cell.verdict } : {}),
      };
      if (cell.verdict === 'unknown' || cell.verdict === undefined) {
        out.push({
          ...base,
          status: 'unjudged',
          reason: !row.judged
            ? `${metricAlias(rule.metric)} is shown, never judged${c.by ? ': the groups of one run get the load the plan gives each' : ''}`
            : cell.needs !== undefined
              ? `not enough data: ${cell.tail ?? 0} requests above the ${metricAlias(rule.metric)} of a run; it needs about ${cell.needs} requests a run`
              : c.method.noise === 'none'
                ? 'no noise estimate (no time batches and fewer than 3 rounds)'
                : 'not enough data (fewer than 3 paired time batches or rounds with requests)',
        });
        return;
      }
      const crosses = rule.op === '>' ? cell.delta > rule.limit : cell.delta < rule.limit;
      const significant = cell.verdict === 'better' || cell.verdict === 'worse';
      if (crosses && significant) out.push({ ...base, status: 'failed' });
      // "Inside the noise" is no pass when the noise is wider than the limit: a change at the limit could
      // not have been told from none.
      else if (!significant && cell.detectable !== undefined && Math.abs(rule.limit) < cell.detectable)
        out.push({
          ...base,
          status: 'inconclusive',
          detectable: cell.detectable,
          reason: `cannot be judged with this much data: detectable change is ±${formatSize(rule, cell.detectable)}`,
        });
      else out.push({ ...base, status: 'passed' });
    });
  }
  return out;
}
