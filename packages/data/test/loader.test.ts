// DataLoader: every sample once per epoch, deterministic shuffling, resuming, batch-size independence, worker prefetch.
import { afterAll, describe, expect, it } from 'vitest';
import { cifar10Train, DataLoader, syntheticDataset, type Batch } from '../src/index';

const ds = syntheticDataset({ length: 103, numClasses: 4, seed: 3 });

/** Bitwise equality of two typed arrays (fast, for whole batches). */
function sameBits(a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }, b: typeof a): boolean {
  return Buffer.compare(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

function rows(batches: Iterable<Batch>): Map<number, number[]> {
  const byIndex = new Map<number, number[]>();
  for (const b of batches) {
    const d = b.images.data as Float32Array;
    const per = 3 * 32 * 32;
    b.indices.forEach((idx, k) => byIndex.set(idx, Array.from(d.subarray(k * per, (k + 1) * per))));
  }
  return byIndex;
}

describe('DataLoader', () => {
  it('yields every sample exactly once per epoch, keeping the last partial batch', () => {
    const loader = new DataLoader(ds, { batchSize: 10, shuffle: true, seed: 1 });
    expect(loader.numBatches).toBe(11);
    const seen = new Int32Array(ds.length);
    const sizes: number[] = [];
    for (const b of loader.iterate(0)) {
      expect(b.images.shape).toEqual([b.indices.length, 3, 32, 32]);
      expect(b.images.dtype).toBe('float32');
      expect(b.labels.dtype).toBe('int32');
      b.indices.forEach((idx, k) => {
        seen[idx]!++;
        expect(b.labels.data[k]).toBe(ds.labels[idx]);
      });
      sizes.push(b.indices.length);
    }
    expect(Array.from(seen).every((v) => v === 1)).toBe(true);
    expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
  });

  it('dropLast drops the partial batch', () => {
    const loader = new DataLoader(ds, { batchSize: 10, dropLast: true });
    expect([...loader.iterate(0)].map((b) => b.indices.length)).toEqual(new Array(10).fill(10));
  });

  it('without shuffle, the order is the file order; without a transform, images are x/255', () => {
    const loader = new DataLoader(ds, { batchSize: 4 });
    const b = loader.loadBatch(0, 1);
    expect(Array.from(b.indices)).toEqual([4, 5, 6, 7]);
    expect(b.images.data[3072 + 17]).toBe(Math.fround(ds.get(5).image[17]! / 255));
  });

  it('shuffles deterministically for a seed and an epoch, and differently per epoch', () => {
    const a = new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 9 });
    const b = new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 9 });
    expect(Array.from(a.order(2))).toEqual(Array.from(b.order(2)));
    expect(Array.from(a.order(3))).not.toEqual(Array.from(a.order(2)));
    expect(Array.from(new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 10 }).order(2))).not.toEqual(Array.from(a.order(2)));
    expect(Array.from(a.order(2)).sort((x, y) => x - y)).toEqual(Array.from({ length: ds.length }, (_, i) => i));
  });

  it('resuming at (epoch, batch) gives the same batches as the uninterrupted run', () => {
    const loader = new DataLoader(ds, { batchSize: 16, shuffle: true, seed: 4, transform: cifar10Train() });
    const full = [...loader.iterate(5)];
    const resumed = [...new DataLoader(ds, { batchSize: 16, shuffle: true, seed: 4, transform: cifar10Train() }).iterate(5, 3)];
    expect(resumed.length).toBe(full.length - 3);
    resumed.forEach((b, k) => {
      expect(b.batchIndex).toBe(k + 3);
      expect(Array.from(b.indices)).toEqual(Array.from(full[k + 3]!.indices));
      expect(sameBits(b.images.data as Float32Array, full[k + 3]!.images.data as Float32Array)).toBe(true);
    });
  });

  it('the batch size does not change what a sample sees', () => {
    const small = rows(new DataLoader(ds, { batchSize: 7, shuffle: true, seed: 2, transform: cifar10Train() }).iterate(1));
    const large = rows(new DataLoader(ds, { batchSize: 32, shuffle: false, seed: 2, transform: cifar10Train() }).iterate(1));
    expect(small.size).toBe(ds.length);
    for (const idx of [0, 17, 50, 102]) expect(small.get(idx)).toEqual(large.get(idx));
  });

  it('counts its batches and images and reports its own time', () => {
    const loader = new DataLoader(ds, { batchSize: 50 });
    for (const _ of loader.iterate(0));
    expect(loader.stats.batches).toBe(3);
    expect(loader.stats.images).toBe(103);
    expect(loader.stats.loadMs).toBeGreaterThan(0);
  });

  describe('worker prefetch', () => {
    const loader = new DataLoader(ds, { batchSize: 16, shuffle: true, seed: 6, transform: cifar10Train(), prefetch: 'worker' });
    afterAll(() => loader.close());

    it('yields the same batches as the main thread, from any start batch', async () => {
      const reference = [...new DataLoader(ds, { batchSize: 16, shuffle: true, seed: 6, transform: cifar10Train() }).iterate(2)];
      const got: Batch[] = [];
      for await (const b of loader.iterateAsync(2, 1)) got.push(b);
      expect(got.map((b) => b.batchIndex)).toEqual([1, 2, 3, 4, 5, 6]);
      got.forEach((b) => {
        const ref = reference[b.batchIndex]!;
        expect(b.images.shape).toEqual(ref.images.shape);
        expect(Array.from(b.labels.data)).toEqual(Array.from(ref.labels.data));
        expect(sameBits(b.images.data as Float32Array, ref.images.data as Float32Array)).toBe(true);
      });
      expect(loader.stats.workerMs).toBeGreaterThan(0);
    });
  });
});

describe('syntheticDataset', () => {
  it('is deterministic for a seed, balanced, and its classes differ in stripe orientation', () => {
    const a = syntheticDataset({ length: 40, seed: 5, noise: 0 });
    expect(sameBits(syntheticDataset({ length: 40, seed: 5, noise: 0 }).pixels, a.pixels)).toBe(true);
    expect(sameBits(syntheticDataset({ length: 40, seed: 6, noise: 0 }).pixels, a.pixels)).toBe(false);
    const noisy = syntheticDataset({ length: 40, seed: 5 });
    expect(sameBits(syntheticDataset({ length: 40, seed: 5 }).pixels, noisy.pixels)).toBe(true);
    expect(Array.from(a.classCounts())).toEqual([10, 10, 10, 10]);
    // Without noise, class 0 (0 deg) varies along x only, class 2 (90 deg) along y only: compare |dx| and |dy| on channel 0.
    const grad = (i: number): [number, number] => {
      const img = a.get(i).image;
      let dx = 0;
      let dy = 0;
      for (let y = 0; y < 31; y++) for (let x = 0; x < 31; x++) {
        dx += Math.abs(img[y * 32 + x + 1]! - img[y * 32 + x]!);
        dy += Math.abs(img[(y + 1) * 32 + x]! - img[y * 32 + x]!);
      }
      return [dx, dy];
    };
    for (let i = 0; i < 40; i++) {
      const [dx, dy] = grad(i);
      if (a.labels[i] === 0) expect(dx).toBeGreaterThan(1.5 * dy);
      if (a.labels[i] === 2) expect(dy).toBeGreaterThan(1.5 * dx);
    }
  });
});
