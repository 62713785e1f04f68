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
}

/** The mean of paired differences with its 95 % confidence half-width; undefined under 3 pairs. */
export function pairedTest(diffs: readonly number[]): PairedTest | undefined {
  const n = diffs.length;
  if (n < 3) return undefined;
  const mean = diffs.reduce((a, b) => a + b, 0) / n;
  const variance = diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1);
  return { n, mean, halfWidth: (tCritical95(n - 1) * Math.sqrt(variance)) / Math.sqrt(n) };
}

export function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}
