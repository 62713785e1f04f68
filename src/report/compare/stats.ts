// Small statistics for compare: Student's t critical values and a paired test on per-batch differences. Pure.

// Two-sided 95 % critical values of Student's t for 1…30 degrees of freedom.
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The two-sided 95 % critical value of t with `df` degrees of freedom (df ≥ 1). */
export function tCritical95(df: number): number {
  if (!(df >= 1)) return Number.POSITIVE_INFINITY;
  const d = Math.floor(df);
  if (d <= T95.length) return T95[d - 1] ?? Number.POSITIVE_INFINITY;
  // Cornish–Fisher expansion around the normal quantile: within 0.001 of the exact value above 30.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * d) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * d * d);
}

export interface PairedTest {
  /** Number of paired differences. */
  n: number;
  mean: number;
  /** Half-width of the 95 % confidence interval of the mean difference. */
  halfWidth: number;
  /** Two-sided p-value of "the mean difference is zero". */
  p: number;
}

/** The mean of paired differences with its 95 % confidence half-width; undefined under 3 pairs. */
export function pairedTest(diffs: readonly number[]): PairedTest | undefined {
  const n = diffs.length;
  if (n < 3) return undefined;
  const mean = diffs.reduce((a, b) => a + b, 0) / n;
  const variance = diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1);
  const se = Math.sqrt(variance) / Math.sqrt(n);
  // Identical differences: no spread, so any non-zero mean is certain and a zero one is no change at all.
  const p = se > 0 ? tTwoSidedP(mean / se, n - 1) : mean === 0 ? 1 : 0;
  return { n, mean, halfWidth: tCritical95(n - 1) * se, p };
}

/** The one-sided 80 % normal quantile: the power a detectable change is stated at. */
const Z_POWER_80 = 0.8416;

/**
 * The smallest true shift of the mean difference this test would call significant 4 times in 5 (80 % power
 * at 95 % confidence): (t + z₀.₈) standard errors. Under it, "no significant difference" says little.
 */
export function detectableShift(test: PairedTest): number {
  const t = tCritical95(test.n - 1);
  return ((t + Z_POWER_80) * test.halfWidth) / t;
}

export function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz's method), which
 * converges quickly for x < (a + 1) / (a + b + 2); the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) covers the rest.
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - logBeta(a, b)) / a;
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    for (const numerator of [
      (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)),
      -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)),
    ]) {
      d = 1 + numerator * d;
      d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      f *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-12) break;
  }
  return front * f;
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

// Lanczos approximation (g = 7, nine coefficients): about 15 significant digits for positive arguments.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
  const x = z - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The two-sided p-value of Student's t statistic with `df` degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? 1 : 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * Benjamini–Hochberg: which of the p-values are discoveries when the expected share of false ones among them
 * is held at `q`. When nothing differs (an A/A comparison) that share is the chance of any false discovery, so
 * it also bounds the family-wise false-alarm rate there. Valid for independent or positively dependent tests.
 */
export function benjaminiHochberg(ps: readonly number[], q: number): boolean[] {
  const order = ps.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  let cut = -1;
  order.forEach(({ p }, rank) => {
    if (p <= ((rank + 1) / ps.length) * q) cut = rank;
  });
  const found = ps.map(() => false);
  for (let rank = 0; rank <= cut; rank++) found[(order[rank] as { i: number }).i] = true;
  return found;
}

/** Events out of trials: failed requests of all requests, passed checks of all checks. */
export interface Counts {
  events: number;
  trials: number;
}

export interface ProportionTest {
  /** The side's share minus the baseline's. */
  diff: number;
  /** 95 % interval of the difference (Agresti–Caffo: one event and one non-event added to each side). */
  ci: [number, number];
  /** Two-sided p-value: Fisher's exact test when an expected count is under 5, else the pooled z-test. */
  p: number;
  /** The smallest change of the baseline's share found 4 times in 5 (arcsine approximation, Cohen's h). */
  detectable: number;
}

const Z95 = 1.959964;

/** The standard normal upper tail, P(Z > z) (Abramowitz–Stegun 26.2.17: within 7.5e-8). */
export function normalUpperTail(z: number): number {
  if (z < 0) return 1 - normalUpperTail(-z);
  const t = 1 / (1 + 0.2316419 * z);
  const poly =
    t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** Fisher's exact test, two-sided: the tables with the same margins at most as likely as the one seen. */
export function fisherExact(a: Counts, b: Counts): number {
  const n = a.trials + b.trials;
  const k = a.events + b.events;
  const lo = Math.max(0, a.trials - (n - k));
  const hi = Math.min(k, a.trials);
  const logP = (x: number) => logChoose(k, x) + logChoose(n - k, a.trials - x) - logChoose(n, a.trials);
  const seen = logP(a.events);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const l = logP(x);
    // A relative tolerance, as R's fisher.test: ties with the observed table count.
    if (l <= seen + 1e-7) p += Math.exp(l);
  }
  return Math.min(1, p);
}

/** Two shares compared from their counts, requests treated as independent trials. */
export function proportionTest(base: Counts, side: Counts): ProportionTest | undefined {
  if (base.trials === 0 || side.trials === 0) return undefined;
  const p1 = base.events / base.trials;
  const p2 = side.events / side.trials;
  const pooled = (base.events + side.events) / (base.trials + side.trials);
  const expected = Math.min(
    pooled * base.trials,
    pooled * side.trials,
    (1 - pooled) * base.trials,
    (1 - pooled) * side.trials,
  );
  let p: number;
  if (expected < 5) p = fisherExact(base, side);
  else {
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / base.trials + 1 / side.trials));
    p = se > 0 ? 2 * normalUpperTail(Math.abs(p2 - p1) / se) : 1;
  }
  const a1 = (base.events + 1) / (base.trials + 2);
  const a2 = (side.events + 1) / (side.trials + 2);
  const half = Z95 * Math.sqrt((a1 * (1 - a1)) / (base.trials + 2) + (a2 * (1 - a2)) / (side.trials + 2));
  const h = (Z95 + Z_POWER_80) * Math.sqrt(1 / base.trials + 1 / side.trials);
  // Either way from the baseline's share: a rise from 0 % errors, a fall from 100 % checks passed.
  const angle = Math.asin(Math.sqrt(p1));
  const up = Math.sin(Math.min(Math.PI / 2, angle + h / 2)) ** 2 - p1;
  const down = p1 - Math.sin(Math.max(0, angle - h / 2)) ** 2;
  return { diff: p2 - p1, ci: [a2 - a1 - half, a2 - a1 + half], p, detectable: Math.max(up, down) };
}
