// A seeded random generator: xoshiro128** (Blackman & Vigna, 2018), seeded through SplitMix32.
// Pure 32-bit integer arithmetic, so the same seed gives the same numbers on every machine.
//
// The algorithm, exactly (all arithmetic mod 2^32):
//   seed word x = (trunc(seed) mod 2^32) XOR (trunc(seed / 2^32) mod 2^32);
//   SplitMix32 step: x += 0x9e3779b9; z = x; z = (z ^ z>>>16) * 0x85ebca6b; z = (z ^ z>>>13) * 0xc2b2ae35;
//   output z ^ z>>>16 (the MurmurHash3 fmix32 finaliser); four steps give the state s0, s1, s2, s3;
//   xoshiro128**: output rotl(s1 * 5, 7) * 9, then t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
//   s2 ^= t; s3 = rotl(s3, 11);
//   random() = ((u1 >>> 5) * 2^26 + (u2 >>> 6)) / 2^53 from two consecutive outputs (53 bits, in [0, 1));
//   normal() = Box-Muller on two uniforms u (redrawn while 0), v: sqrt(-2 ln u) cos(2 pi v), then the spare
//   sqrt(-2 ln u) sin(2 pi v) on the next call; randint(lo, hi) = lo + floor(random() * (hi - lo)).
import type { DType } from './dtype';
import { TensorError } from './errors';
import { NDArray } from './ndarray';
import { checkShape, numelOf } from './shape';
import { Storage } from './storage';

/** The serialisable state of a Generator (for resuming a run bit-exactly). */
export interface GeneratorState {
  s: [number, number, number, number];
  spareNormal: number | null;
}

/** A seeded stream of random numbers. */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Resets the stream: SplitMix32 expands the seed into the four state words. */
  seed(seed: number): void {
    if (!Number.isFinite(seed)) throw new TensorError('Generator.seed', `expected a finite number, got ${seed}`);
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spare = null;
  }

  /** The next uint32 (xoshiro128**: result = rotl(s1 * 5, 7) * 9). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by the Box-Muller transform (two values per pair of uniforms). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  randint(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw new TensorError('randint', `expected integers low < high, got ${low}, ${high}`);
    }
    return low + Math.floor(this.random() * (high - low));
  }

  /** The state, to restore later with setState. */
  getState(): GeneratorState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spare };
  }
  /** Restores a state from getState. */
  setState(state: GeneratorState): void {
    if (state.s.length !== 4 || state.s.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff) || state.s.every((w) => w === 0)) {
      throw new TensorError('Generator.setState', `expected four uint32 words, not all zero, got ${JSON.stringify(state.s)}`);
    }
    [this.s0, this.s1, this.s2, this.s3] = state.s;
    this.spare = state.spareNormal;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The package's default generator; `manualSeed` reseeds it. */
export const defaultGenerator = new Generator(0);

/** Reseeds the default generator (torch.manual_seed). */
export function manualSeed(seed: number): void {
  defaultGenerator.seed(seed);
}

function filled(op: string, shape: readonly number[], dtype: DType, draw: () => number): NDArray {
  checkShape(op, shape);
  const s = Storage.alloc(dtype, numelOf(shape));
  const d = s.data;
  for (let i = 0; i < d.length; i++) d[i] = draw();
  return new NDArray(s, shape);
}

function checkFloatDtype(op: string, dtype: DType): void {
  if (dtype !== 'float32' && dtype !== 'float64') throw new TensorError(op, `expected dtype float32 or float64, got ${dtype}`);
}

/** Uniform [low, high) floats. A float32 draw that rounds up to `high` is redrawn, so `high` never appears. */
export function rand(shape: readonly number[], opts: { dtype?: DType; low?: number; high?: number; generator?: Generator } = {}): NDArray {
  const g = opts.generator ?? defaultGenerator;
  const dtype = opts.dtype ?? 'float32';
  checkFloatDtype('rand', dtype);
  const low = opts.low ?? 0;
  const high = opts.high ?? 1;
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(high >= low)) {
    throw new TensorError('rand', `expected finite low <= high, got low ${low}, high ${high}`);
  }
  const span = high - low;
  if (dtype === 'float64' || span === 0) return filled('rand', shape, dtype, () => low + span * g.random());
  return filled('rand', shape, dtype, () => {
    let v = Math.fround(low + span * g.random());
    while (v >= high) v = Math.fround(low + span * g.random());
    return v;
  });
}

/** Normal(mean, std) floats. */
export function randn(shape: readonly number[], opts: { dtype?: DType; mean?: number; std?: number; generator?: Generator } = {}): NDArray {
  const g = opts.generator ?? defaultGenerator;
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  const dtype = opts.dtype ?? 'float32';
  checkFloatDtype('randn', dtype);
  return filled('randn', shape, dtype, () => mean + std * g.normal());
}

/** Uniform integers in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], opts: { dtype?: DType; generator?: Generator } = {}): NDArray {
  const g = opts.generator ?? defaultGenerator;
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new TensorError('randint', `expected integers low < high, got ${low}, ${high}`);
  }
  const dtype = opts.dtype ?? 'int32';
  const [lo, hi] = dtype === 'uint8' ? [0, 256] : dtype === 'int32' ? [-(2 ** 31), 2 ** 31] : [-(2 ** 53), 2 ** 53];
  if (low < lo || high > hi) throw new TensorError('randint', `range [${low}, ${high}) does not fit dtype ${dtype}`);
  return filled('randint', shape, dtype, () => g.randint(low, high));
}

/** A random permutation of 0..n-1 (Fisher-Yates), int32. */
export function permutation(n: number, opts: { generator?: Generator } = {}): NDArray {
  if (!Number.isInteger(n) || n < 0) throw new TensorError('permutation', `expected a non-negative integer, got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const s = Storage.alloc('int32', n);
  const d = s.data;
  for (let i = 0; i < n; i++) d[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    const t = d[i]!;
    d[i] = d[j]!;
    d[j] = t;
  }
  return new NDArray(s, [n]);
}
