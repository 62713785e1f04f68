// TEMPORARY: replaced by the segments branch.
function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
function frac(i: number, n: number): string {
  if (i === 0) return '0';
  if (i === n) return '1';
  const g = gcd(i, n);
  return `${i / g}/${n / g}`;
}
export function segmentArgs(n: number): Array<{ segment: string; sequence: string }> {
  const sequence = Array.from({ length: n + 1 }, (_, i) => frac(i, n)).join(',');
  return Array.from({ length: n }, (_, i) => ({ segment: `${frac(i, n)}:${frac(i + 1, n)}`, sequence }));
}
