// A seeded PRNG for generated inputs. mulberry32 uses only 32-bit integer arithmetic, so it yields the same
// sequence on every JS engine and platform (Math.random cannot be seeded at all).

/** Returns a function giving uniform floats in [0, 1), each an exact multiple of 2^-32. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A per-case stream: the project seed mixed with an FNV-1a hash of the case id, so cases are independent. */
export function caseRandom(seed: number, caseId: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < caseId.length; i++) h = Math.imul(h ^ caseId.charCodeAt(i), 0x01000193);
  return mulberry32((seed ^ h) >>> 0);
}

/** `count` float32 values uniform in [low, high), rounded to float32 once, deterministically. */
export function uniformFloat32(random: () => number, count: number, low = -1, high = 1): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = low + (high - low) * random();
  return out;
}
