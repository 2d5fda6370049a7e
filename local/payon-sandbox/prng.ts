/**
 * The sandbox's only source of chaos randomness: mulberry32, seeded, so that a chaotic run with the
 * same seed and the same sequence of operations behaves the same way.
 */

export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** The internal state, to save in a snapshot. */
  state(): number;
}

/** mulberry32 (Tommy Ettinger): 32-bit state, good enough for tests, not for secrets. */
export function mulberry32(seed: number, savedState?: number): Prng {
  let a = (savedState ?? seed) >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
    state: () => a,
  };
}

/**
 * A shuffled copy of `items` (Fisher–Yates). With two or more items the result is never the input
 * order: an identity permutation is rotated by one, so "reorder" always reorders.
 */
export function shuffle<T>(items: readonly T[], rng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  if (out.length >= 2 && out.every((item, index) => item === items[index])) {
    const first = out.shift() as T;
    out.push(first);
  }
  return out;
}

/** A random seed for when none is given (printed at start so the run can be repeated). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
