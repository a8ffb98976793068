// Deterministic randomness for the fill: a seeded PRNG for the stream, a hash for values recomputed
// by index (residents are regenerated from their index when a parcel names them, instead of being
// kept), and the small draws the fill's parts share.

/** mulberry32: fast, seedable, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit mix of an index and the seed (murmur3's finaliser). */
export function hash(i: number, seed: number): number {
  let h = (Math.imul(i, 0x9e3779b1) ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function pick<T>(list: ArrayLike<T>, n: number): T {
  const v = list[n % list.length];
  if (v === undefined) throw new Error('empty list');
  return v;
}

export function digits(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export const randDigits = (r: () => number, width: number) => digits(Math.floor(r() * 10 ** width), width);

/** Draws an index from cumulative weights (binary search). */
export function drawCum(cum: Float64Array | readonly number[], total: number, u: number): number {
  const x = u * total;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] ?? 0) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Keeps a uniform sample of at most `size` items from a stream. */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;
  constructor(
    private readonly size: number,
    private readonly r: () => number,
  ) {}
  offer(item: T): void {
    this.seen++;
    if (this.items.length < this.size) this.items.push(item);
    else {
      const j = Math.floor(this.r() * this.seen);
      if (j < this.size) this.items[j] = item;
    }
  }
}
