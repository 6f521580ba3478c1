// Batch transforms in typed-array loops: toTensor, normalize, pad, padTo, randomCrop, randomHorizontalFlip, compose.
import { allocate, Generator } from '@adder/tensor';
import { DataError } from './errors';
import { SALT, seedFor } from './seeding';

/** A batch of n images of c x h x w, CHW per image: raw uint8 pixels or float32 values. */
export interface ImageBatch {
  data: Uint8Array | Float32Array;
  n: number;
  c: number;
  h: number;
  w: number;
}

/** What random transforms are seeded by: the run seed, the epoch, and each row's dataset index. */
export interface TransformContext {
  seed: number;
  epoch: number;
  /** indices[k] is the dataset index of row k of the batch. */
  indices: ArrayLike<number>;
}

/** A plain-data description of a transform (sent to the prefetch worker, which rebuilds it with buildTransform). */
export type TransformSpec =
  | { kind: 'toTensor'; layout: 'CHW' | 'HWC' }
  | { kind: 'normalize'; mean: number[]; std: number[] }
  | { kind: 'pad'; padding: number }
  | { kind: 'padTo'; size: number }
  | { kind: 'randomCrop'; size: number; padding: number }
  | { kind: 'randomHorizontalFlip'; p: number }
  | { kind: 'compose'; transforms: TransformSpec[] };

/** A transform over a whole batch. It may write into the batch it is given (the loader always passes a fresh copy). */
export interface BatchTransform {
  readonly spec: TransformSpec;
  /** Transforms one batch; `ctx` gives the seed, the epoch and each row's dataset index. */
  apply(batch: ImageBatch, ctx: TransformContext): ImageBatch;
}

/** uint8 -> float32 in [0, 1] (x / 255, as torchvision's ToTensor). `layout: 'HWC'` reads HWC pixels and writes CHW. */
export function toTensor(layout: 'CHW' | 'HWC' = 'CHW'): BatchTransform {
  return {
    spec: { kind: 'toTensor', layout },
    apply(b) {
      if (!(b.data instanceof Uint8Array)) return b;
      const out = allocate('float32', b.data.length) as Float32Array;
      const src = b.data;
      if (layout === 'CHW') {
        for (let i = 0; i < src.length; i++) out[i] = src[i]! / 255;
      } else {
        const hw = b.h * b.w;
        for (let s = 0; s < b.n; s++) {
          const base = s * b.c * hw;
          for (let p = 0; p < hw; p++) {
            const from = base + p * b.c;
            for (let ch = 0; ch < b.c; ch++) out[base + ch * hw + p] = src[from + ch]! / 255;
          }
        }
      }
      return { data: out, n: b.n, c: b.c, h: b.h, w: b.w };
    },
  };
}

/** Per-channel (x - mean) / std on float32 data, in float32 arithmetic as torchvision's Normalize. */
export function normalize(mean: readonly number[], std: readonly number[]): BatchTransform {
  if (mean.length !== std.length || std.some((s) => s === 0)) throw new DataError('normalize', `expected equal-length mean and non-zero std, found mean [${mean}] and std [${std}]`);
  const m32 = Float32Array.from(mean);
  const s32 = Float32Array.from(std);
  return {
    spec: { kind: 'normalize', mean: [...mean], std: [...std] },
    apply(b) {
      if (!(b.data instanceof Float32Array)) throw new DataError('normalize', 'expected float32 data (apply toTensor first), found uint8');
      if (b.c !== m32.length) throw new DataError('normalize', `expected ${m32.length} channels, found ${b.c}`);
      const d = b.data;
      const hw = b.h * b.w;
      for (let s = 0; s < b.n; s++) {
        for (let ch = 0; ch < b.c; ch++) {
          const m = m32[ch]!;
          const sd = s32[ch]!;
          const start = (s * b.c + ch) * hw;
          const end = start + hw;
          for (let i = start; i < end; i++) d[i] = Math.fround(d[i]! - m) / sd;
        }
      }
      return b;
    },
  };
}

/** Copies each image into a zero canvas of outH x outW at (top, left) per sample; top/left may be negative (cropping). */
function placeImages(b: ImageBatch, outH: number, outW: number, tops: Int32Array, lefts: Int32Array): ImageBatch {
  const { n, c, h, w } = b;
  const out = b.data instanceof Uint8Array ? (allocate('uint8', n * c * outH * outW) as Uint8Array) : (allocate('float32', n * c * outH * outW) as Float32Array);
  const src = b.data;
  for (let s = 0; s < n; s++) {
    const top = tops[s]!;
    const left = lefts[s]!;
    // Output column x reads input column x - left; only x in [x0, x1) has a source pixel, the rest stays 0.
    const x0 = Math.max(0, left);
    const x1 = Math.min(outW, w + left);
    const y0 = Math.max(0, top);
    const y1 = Math.min(outH, h + top);
    for (let ch = 0; ch < c; ch++) {
      const inPlane = (s * c + ch) * h * w;
      const outPlane = (s * c + ch) * outH * outW;
      for (let y = y0; y < y1; y++) {
        const inRow = inPlane + (y - top) * w - left;
        const outRow = outPlane + y * outW;
        for (let x = x0; x < x1; x++) out[outRow + x] = src[inRow + x]!;
      }
    }
  }
  return { data: out, n, c, h: outH, w: outW };
}

/** Zero padding of `padding` pixels on every side. */
export function pad(padding: number): BatchTransform {
  return {
    spec: { kind: 'pad', padding },
    apply(b) {
      if (padding === 0) return b;
      const t = new Int32Array(b.n).fill(padding);
      return placeImages(b, b.h + 2 * padding, b.w + 2 * padding, t, t);
    },
  };
}

/** Zero padding, centred, up to size x size (a no-op when the images are already that size): 28x28 -> 32x32. */
export function padTo(size: number): BatchTransform {
  return {
    spec: { kind: 'padTo', size },
    apply(b) {
      if (b.h === size && b.w === size) return b;
      if (b.h > size || b.w > size || (size - b.h) % 2 !== 0 || (size - b.w) % 2 !== 0) {
        throw new DataError('padTo', `expected images at most ${size}x${size} that pad evenly, found ${b.h}x${b.w}`);
      }
      const tops = new Int32Array(b.n).fill((size - b.h) / 2);
      const lefts = new Int32Array(b.n).fill((size - b.w) / 2);
      return placeImages(b, size, size, tops, lefts);
    },
  };
}

/**
 * torchvision RandomCrop(size, padding): zero-pad the raw pixels by `padding`, then take a size x size window at
 * top = randint(0, H + 2p - size + 1), left = randint(0, W + 2p - size + 1), drawn in that order from the sample's
 * Generator seeded by (seed, epoch, index, crop salt).
 */
export function randomCrop(size: number, padding = 0): BatchTransform {
  const gen = new Generator(0);
  return {
    spec: { kind: 'randomCrop', size, padding },
    apply(b, ctx) {
      const rangeY = b.h + 2 * padding - size + 1;
      const rangeX = b.w + 2 * padding - size + 1;
      if (rangeY < 1 || rangeX < 1) throw new DataError('randomCrop', `expected images of at least ${size - 2 * padding}x${size - 2 * padding}, found ${b.h}x${b.w}`);
      const tops = new Int32Array(b.n);
      const lefts = new Int32Array(b.n);
      for (let s = 0; s < b.n; s++) {
        seedFor(gen, ctx.seed, ctx.epoch, ctx.indices[s]!, SALT.crop);
        // The window starts at (top, left) of the padded image, so the image sits at (padding - top, padding - left).
        tops[s] = padding - gen.randint(0, rangeY);
        lefts[s] = padding - gen.randint(0, rangeX);
      }
      return placeImages(b, size, size, tops, lefts);
    },
  };
}

/** Mirrors each image left-right when its Generator, seeded by (seed, epoch, index, flip salt), draws random() < p. */
export function randomHorizontalFlip(p = 0.5): BatchTransform {
  const gen = new Generator(0);
  return {
    spec: { kind: 'randomHorizontalFlip', p },
    apply(b, ctx) {
      const d = b.data;
      const { w } = b;
      const rows = b.c * b.h;
      for (let s = 0; s < b.n; s++) {
        if (!(seedFor(gen, ctx.seed, ctx.epoch, ctx.indices[s]!, SALT.flip).random() < p)) continue;
        for (let r = 0; r < rows; r++) {
          let i = (s * rows + r) * w;
          let j = i + w - 1;
          while (i < j) {
            const t = d[i]!;
            d[i] = d[j]!;
            d[j] = t;
            i++;
            j--;
          }
        }
      }
      return b;
    },
  };
}

/** Applies transforms left to right. */
export function compose(...transforms: BatchTransform[]): BatchTransform {
  return {
    spec: { kind: 'compose', transforms: transforms.map((t) => t.spec) },
    apply(b, ctx) {
      let out = b;
      for (const t of transforms) out = t.apply(out, ctx);
      return out;
    },
  };
}

/** Rebuilds a transform from its spec (how the prefetch worker gets the loader's transform). */
export function buildTransform(spec: TransformSpec): BatchTransform {
  switch (spec.kind) {
    case 'toTensor':
      return toTensor(spec.layout);
    case 'normalize':
      return normalize(spec.mean, spec.std);
    case 'pad':
      return pad(spec.padding);
    case 'padTo':
      return padTo(spec.size);
    case 'randomCrop':
      return randomCrop(spec.size, spec.padding);
    case 'randomHorizontalFlip':
      return randomHorizontalFlip(spec.p);
    case 'compose':
      return compose(...spec.transforms.map(buildTransform));
  }
}
