/**
 * mulberry32: a 32-bit PRNG by Tommy Ettinger (public domain, 2017), period 2^32, passes gjrand and
 * PractRand to 2^32 bytes — plenty for drawing permutation samples; chosen for being small, fast and
 * reproducible for a seed on every platform.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, bound). */
export const randomBelow = (rnd: () => number, bound: number) => Math.floor(rnd() * bound);
