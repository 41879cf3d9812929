import { createHash } from 'node:crypto';

/** A small seeded PRNG (mulberry32): the same seed always gives the same world. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic hex of a label under a seed (ids, hashes, serials). */
export function stableHex(seed: number, label: string, length = 32): string {
  return createHash('sha256').update(`${seed}:${label}`).digest('hex').slice(0, length);
}

/** Deterministic UUID (v4 layout) of a label under a seed. */
export function stableUuid(seed: number, label: string): string {
  const hex = stableHex(seed, label, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
