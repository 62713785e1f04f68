// Seeded randomness shared by the k6 runtime (a data set's `random` pick with a seed) and the Node side (the
// synthetic prompt generator): the same seed gives the same numbers in both, in every run. Pure.

/** A 32-bit integer hash with full avalanche (the finaliser of MurmurHash3). */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A stream of uniform numbers in [0, 1) from a 32-bit seed (mulberry32: small, fast, well mixed). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A uniform number in [0, 1) for the n-th draw of a seed, without state: each VU picks for its own
 * iterations, and k6 gives no VU the others' draws, so the iteration's number in the test is the draw.
 */
export function seededUnit(seed: number, n: number): number {
  return mix32(mix32(seed) ^ mix32(n + 0x9e3779b9)) / 4294967296;
}
