// Seeded randomness shared by the k6 runtime (a data set's `random` pick with a seed) and the Node side (the
// synthetic prompt generator): the same seed gives the same numbers in both, in every run. Pure.

/** A 32-bit integer hash with full avalanche (the finaliser of MurmurHash3). */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A stream of uniform numbers in [0, 1) from a 32-bit seed: xoshiro128** seeded through splitmix32 (whose
 * output step is mix32), a small, fast generator with a 2^128 − 1 period whose output is the same in every
 * JavaScript engine (32-bit integer arithmetic only). Arrival times and synthetic prompts both draw from it.
 */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0;
  const split = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    return mix32(x);
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  if ((a | b | c | d) === 0) a = 1;
  const next32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };
  // 53 bits from two draws, so no float in [0, 1) is out of reach.
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

/** A standard normal draw from a uniform stream (Marsaglia's polar method). */
export function standardNormal(random: () => number): number {
  for (;;) {
    const u = 2 * random() - 1;
    const v = 2 * random() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

function rotl(v: number, k: number): number {
  return ((v << k) | (v >>> (32 - k))) >>> 0;
}

/**
 * A uniform number in [0, 1) for the n-th draw of a seed, without state: each VU picks for its own
 * iterations, and k6 gives no VU the others' draws, so the iteration's number in the test is the draw.
 */
export function seededUnit(seed: number, n: number): number {
  return mix32(mix32(seed) ^ mix32(n + 0x9e3779b9)) / 4294967296;
}
