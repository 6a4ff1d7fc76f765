import { randomBytes } from 'node:crypto';

/** mulberry32: a small deterministic PRNG for seeded tests and fault injection, fully determined by the seed. */
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

/** The seed named by env var `name` (to rerun a randomised test), else a fresh random one. */
export function seedFromEnv(name: string): number {
  const v = process.env[name];
  return v !== undefined && v !== '' ? Number(v) >>> 0 : randomBytes(4).readUInt32BE(0);
}
