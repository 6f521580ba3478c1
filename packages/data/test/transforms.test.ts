// Transforms against hand-computed cases and the naive oracle: crop offsets with padding, flip, normalisation constants, seeding.
import { Generator } from '@adder/tensor';
import { describe, expect, it } from 'vitest';
import { cifar10Train, compose, fashionMnistTest, fashionMnistTrain, normalize, pad, padTo, randomCrop, randomHorizontalFlip, SALT, sampleSeed, toTensor, type ImageBatch } from '../src/index';
import { imageOf, naiveCrop, naiveFlip } from './naive-transforms';

const ctx = (indices: number[], seed = 7, epoch = 0) => ({ seed, epoch, indices });

function batchOf(n: number, c: number, h: number, w: number, pixel: (k: number, ch: number, y: number, x: number) => number): ImageBatch {
  const data = new Uint8Array(n * c * h * w);
  for (let k = 0; k < n; k++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[((k * c + ch) * h + y) * w + x] = pixel(k, ch, y, x);
  return { data, n, c, h, w };
}

/** The crop offsets the documented protocol draws for a sample: top then left from its own seeded Generator. */
function drawnOffsets(seed: number, epoch: number, index: number, range: number): [number, number] {
  const g = new Generator(sampleSeed(seed, epoch, index, SALT.crop));
  return [g.randint(0, range), g.randint(0, range)];
}

describe('toTensor and normalize', () => {
  it('maps uint8 to x/255', () => {
    const out = toTensor().apply({ data: Uint8Array.from([0, 51, 255, 128]), n: 1, c: 1, h: 2, w: 2 }, ctx([0]));
    expect(Array.from(out.data)).toEqual([0, 0.2, 1, 128 / 255].map(Math.fround));
  });

  it('reads HWC and writes CHW', () => {
    // A 1x2 image with 3 channels stored HWC: pixel 0 = (1, 2, 3), pixel 1 = (4, 5, 6).
    const out = toTensor('HWC').apply({ data: Uint8Array.from([1, 2, 3, 4, 5, 6]), n: 1, c: 3, h: 1, w: 2 }, ctx([0]));
    expect(Array.from(out.data).map((v) => Math.round(v * 255))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('uses the CIFAR-10 constants: 0 -> -mean/std, 255 -> (1-mean)/std per channel', () => {
    const b = batchOf(1, 3, 1, 2, (_k, _c, _y, x) => (x === 0 ? 0 : 255));
    const out = compose(toTensor(), normalize([0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.201])).apply(b, ctx([0]));
    const hand = [-2.4290657439446366, 2.514087988136431, -2.418254764292879, 2.5967903711133404, -2.2213930348258706, 2.7537313432835817];
    Array.from(out.data).forEach((v, i) => expect(v).toBeCloseTo(hand[i]!, 5));
  });

  it('Fashion-MNIST test preset pads 28 -> 32 with zeros that normalise to -0.2860/0.3530', () => {
    const out = fashionMnistTest().apply(batchOf(1, 1, 28, 28, () => 255), ctx([0]));
    expect([out.h, out.w]).toEqual([32, 32]);
    expect(out.data[0]).toBeCloseTo(-0.8101983002832861, 5);
    expect(out.data[2 * 32 + 2]).toBeCloseTo(2.0226628895184136, 5);
    expect(out.data[31 * 32 + 29]).toBeCloseTo(-0.8101983002832861, 5);
  });
});

describe('pad and crop', () => {
  it('pads a 2x2 image by 1 (hand-written)', () => {
    const out = pad(1).apply({ data: Uint8Array.from([1, 2, 3, 4]), n: 1, c: 1, h: 2, w: 2 }, ctx([0]));
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });

  it('padTo is a no-op at the target size', () => {
    const b = batchOf(1, 1, 4, 4, (_k, _c, y, x) => y * 4 + x);
    expect(padTo(4).apply(b, ctx([0]))).toBe(b);
  });

  it('crop 3 with padding 1 of a 3x3 image: hand-written windows for offsets (0,0), (1,1), (2,2)', () => {
    const img = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const hand: Record<string, number[]> = {
      '0,0': [0, 0, 0, 0, 1, 2, 0, 4, 5],
      '1,1': [1, 2, 3, 4, 5, 6, 7, 8, 9],
      '2,2': [5, 6, 0, 8, 9, 0, 0, 0, 0],
    };
    const seen = new Set<string>();
    for (let index = 0; index < 200 && seen.size < 3; index++) {
      const key = drawnOffsets(7, 0, index, 3).join(',');
      if (!(key in hand) || seen.has(key)) continue;
      seen.add(key);
      const out = randomCrop(3, 1).apply({ data: img.slice(), n: 1, c: 1, h: 3, w: 3 }, ctx([index]));
      expect(Array.from(out.data)).toEqual(hand[key]);
    }
    expect(seen.size).toBe(3);
  });

  it('matches the naive pad-then-slice oracle on random batches, and every offset occurs', () => {
    const n = 64;
    const b = batchOf(n, 2, 6, 5, (k, ch, y, x) => 1 + ((k * 31 + ch * 17 + y * 5 + x) % 250));
    const indices = Array.from({ length: n }, (_, k) => 1000 + 3 * k);
    const out = randomCrop(4, 2).apply({ ...b, data: b.data.slice() }, ctx(indices, 11, 3));
    expect([out.n, out.c, out.h, out.w]).toEqual([n, 2, 4, 4]);
    const offsets = new Set<string>();
    for (let k = 0; k < n; k++) {
      const g = new Generator(sampleSeed(11, 3, indices[k]!, SALT.crop));
      const top = g.randint(0, 6 + 4 - 4 + 1);
      const left = g.randint(0, 5 + 4 - 4 + 1);
      offsets.add(`${top},${left}`);
      expect(imageOf(out.data, k, 2, 4, 4)).toEqual(naiveCrop(imageOf(b.data, k, 2, 6, 5), 2, 4, top, left));
    }
    expect(offsets.size).toBeGreaterThan(20); // of 7 x 6 = 42 possible
  });
});

describe('flip', () => {
  it('p = 1 mirrors every row, p = 0 none', () => {
    const b = batchOf(2, 2, 3, 4, (k, ch, y, x) => k * 100 + ch * 20 + y * 5 + x);
    const flipped = randomHorizontalFlip(1).apply({ ...b, data: b.data.slice() }, ctx([0, 1]));
    for (let k = 0; k < 2; k++) expect(imageOf(flipped.data, k, 2, 3, 4)).toEqual(naiveFlip(imageOf(b.data, k, 2, 3, 4)));
    expect(Array.from(randomHorizontalFlip(0).apply({ ...b, data: b.data.slice() }, ctx([0, 1])).data)).toEqual(Array.from(b.data));
  });

  it('p = 0.5 flips exactly the samples whose seeded draw is below 0.5, about half', () => {
    const n = 200;
    const b = batchOf(n, 1, 2, 3, (k, _c, y, x) => (k + y * 3 + x) % 256);
    const indices = Array.from({ length: n }, (_, k) => k);
    const out = randomHorizontalFlip(0.5).apply({ ...b, data: b.data.slice() }, ctx(indices, 5, 2));
    let flips = 0;
    for (let k = 0; k < n; k++) {
      const flip = new Generator(sampleSeed(5, 2, k, SALT.flip)).random() < 0.5;
      if (flip) flips++;
      const src = imageOf(b.data, k, 1, 2, 3);
      expect(imageOf(out.data, k, 1, 2, 3)).toEqual(flip ? naiveFlip(src) : src);
    }
    expect(flips).toBeGreaterThan(70);
    expect(flips).toBeLessThan(130);
  });
});

describe('seeding by (seed, epoch, sample index)', () => {
  const b = batchOf(8, 3, 32, 32, (k, ch, y, x) => (k * 13 + ch * 7 + y * 3 + x * 11) % 256);
  const indices = [4, 9, 2, 7, 0, 5, 1, 3];
  const run = (rows: number[], seed: number, epoch: number): Float32Array => {
    const sub = new Uint8Array(rows.length * 3072);
    rows.forEach((r, k) => sub.set(b.data.subarray(r * 3072, (r + 1) * 3072), k * 3072));
    return cifar10Train().apply({ data: sub, n: rows.length, c: 3, h: 32, w: 32 }, ctx(rows.map((r) => indices[r]!), seed, epoch)).data as Float32Array;
  };

  it('a sample sees the same augmentation whatever batch it is in', () => {
    const whole = run([0, 1, 2, 3, 4, 5, 6, 7], 42, 1);
    const alone = run([5], 42, 1);
    const reordered = run([7, 5, 2], 42, 1);
    expect(Array.from(alone)).toEqual(Array.from(whole.subarray(5 * 3072, 6 * 3072)));
    expect(Array.from(reordered.subarray(3072, 6144))).toEqual(Array.from(alone));
  });

  it('the epoch and the seed change it', () => {
    const a = run([0, 1, 2, 3, 4, 5, 6, 7], 42, 1);
    expect(Array.from(run([0, 1, 2, 3, 4, 5, 6, 7], 42, 1))).toEqual(Array.from(a));
    expect(Array.from(run([0, 1, 2, 3, 4, 5, 6, 7], 42, 2))).not.toEqual(Array.from(a));
    expect(Array.from(run([0, 1, 2, 3, 4, 5, 6, 7], 43, 1))).not.toEqual(Array.from(a));
  });

  it('padded pixels of the CIFAR preset come out at exactly -mean/std (padding before normalisation)', () => {
    const white = batchOf(16, 3, 32, 32, () => 255);
    const idx = Array.from({ length: 16 }, (_, k) => k);
    const out = cifar10Train().apply(white, ctx(idx, 1, 0)).data;
    const zeroVal = [0.4914, 0.4822, 0.4465].map((m, c) => Math.fround(Math.fround(0 - Math.fround(m)) / Math.fround([0.2023, 0.1994, 0.201][c]!)));
    for (let k = 0; k < 16; k++) {
      const [top, left] = drawnOffsets(1, 0, k, 9);
      // Rows/columns of the window that fall in the padding: |4 - offset| of them along each axis.
      const padRows = Math.abs(4 - top);
      const padCols = Math.abs(4 - left);
      const expectedZeros = 32 * 32 - (32 - padRows) * (32 - padCols);
      for (let c = 0; c < 3; c++) {
        let zeros = 0;
        for (let p = 0; p < 1024; p++) if (out[(k * 3 + c) * 1024 + p] === zeroVal[c]) zeros++;
        expect(zeros).toBe(expectedZeros);
      }
    }
  });
});

describe('the Fashion-MNIST training presets', () => {
  const kinds = (t: { spec: unknown }): string => JSON.stringify(t.spec);
  it("'none' is the test transform; 'crop' and 'crop2' shift by up to 4 or 2 pixels without a flip; the default keeps crop 4 and the flip", () => {
    expect(kinds(fashionMnistTrain('none'))).toBe(kinds(fashionMnistTest()));
    expect(kinds(fashionMnistTrain())).toBe(kinds(fashionMnistTrain('crop-flip')));
    expect(kinds(fashionMnistTrain('crop-flip'))).toBe(kinds(compose(padTo(32), randomCrop(32, 4), randomHorizontalFlip(0.5), toTensor(), normalize([0.286], [0.353]))));
    expect(kinds(fashionMnistTrain('crop'))).toBe(kinds(compose(padTo(32), randomCrop(32, 4), toTensor(), normalize([0.286], [0.353]))));
    expect(kinds(fashionMnistTrain('crop2'))).toBe(kinds(compose(padTo(32), randomCrop(32, 2), toTensor(), normalize([0.286], [0.353]))));
  });
});
