// Per-sample seeds: a hash of (seed, epoch, sample index, salt), so a sample's augmentation never depends on batching or order.
import { Generator } from '@adder/tensor';

/** murmur3's 32-bit finaliser: a bijective mix of all input bits. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The 32-bit seed of one random draw: hash of the run seed, the epoch, the dataset index and a per-transform salt. */
export function sampleSeed(seed: number, epoch: number, index: number, salt: number): number {
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32((h ^ Math.floor(seed / 4294967296)) + 0x7f4a7c15);
  h = fmix32((h ^ (epoch >>> 0)) + 0x6a09e667);
  h = fmix32((h ^ (index >>> 0)) + 0xbb67ae85);
  return fmix32((h ^ (salt >>> 0)) + 0x3c6ef372);
}

/** Reseeds `gen` for one sample's draw (reusing the object, so no allocation per sample). */
export function seedFor(gen: Generator, seed: number, epoch: number, index: number, salt: number): Generator {
  gen.seed(sampleSeed(seed, epoch, index, salt));
  return gen;
}

/** A Generator for epoch-level draws (the shuffle order): hash of (seed, epoch) with the shuffle salt. */
export function epochGenerator(seed: number, epoch: number): Generator {
  return new Generator(sampleSeed(seed, epoch, 0xffffffff, SALT.shuffle));
}

/** Salts that keep the random streams of different transforms independent. */
export const SALT = { shuffle: 1, crop: 2, flip: 3 } as const;
