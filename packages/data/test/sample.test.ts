// The bundled Fashion-MNIST sample through the IDX reader: counts, class balance, and checksums computed once from Debian's files.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, loadFashionMnist, loadSample, type ImageDataset } from '../src/index';

// Golden values printed by tools/sample/make-sample.ts when it built the sample from Debian's dataset-fashion-mnist.
const GOLDEN = {
  train: { n: 5000, perClass: 500, sums: [76247, 84598, 52817], total: 287231516, first10: [9, 0, 0, 3, 0, 2, 7, 2, 5, 5], sha256: '219e0834d6dbbfcccb72e61d67310bfef387e43aba6c40b2bc63758d7ad925c9' },
  test: { n: 1000, perClass: 100, sums: [33456, 100994, 22553], total: 56973981, first10: [9, 2, 1, 1, 6, 1, 4, 6, 5, 7], sha256: '3d7f6d64869a3f2d1afe64ae33ffb9b20670a91b31e3bbf0657e3999ec7b35cf' },
} as const;

function imageSum(ds: ImageDataset, i: number): number {
  let s = 0;
  for (const v of ds.get(i).image) s += v;
  return s;
}

describe.each(['train', 'test'] as const)('bundled sample, %s split', (split) => {
  const g = GOLDEN[split];
  const ds = loadSample(split);

  it('has the expected count, shape and class names', () => {
    expect(ds.length).toBe(g.n);
    expect([ds.channels, ds.height, ds.width]).toEqual([1, 28, 28]);
    expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES);
  });

  it('is class-balanced', () => {
    expect(Array.from(ds.classCounts())).toEqual(new Array(10).fill(g.perClass));
  });

  it('matches the checksums taken from the Debian files', () => {
    expect([imageSum(ds, 0), imageSum(ds, 1), imageSum(ds, g.n - 1)]).toEqual(g.sums);
    let total = 0;
    for (const v of ds.pixels) total += v;
    expect(total).toBe(g.total);
    expect(Array.from({ length: 10 }, (_, i) => ds.get(i).label)).toEqual(g.first10);
    expect(createHash('sha256').update(ds.pixels).digest('hex')).toBe(g.sha256);
  });

  it('pads to 32x32 with a zero border on request', () => {
    const padded = loadSample(split, { padTo: 32 });
    expect([padded.channels, padded.height, padded.width]).toEqual([1, 32, 32]);
    const a = ds.get(1).image;
    const b = padded.get(1).image;
    let border = 0;
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) if (y < 2 || y >= 30 || x < 2 || x >= 30) border += b[y * 32 + x]!;
    expect(border).toBe(0);
    for (const [y, x] of [[0, 0], [13, 14], [27, 27], [5, 20]] as const) expect(b[(y + 2) * 32 + x + 2]).toBe(a[y * 28 + x]);
  });

  // When Debian's files are installed, the sample must equal the first images of each class in file order.
  it.skipIf(!existsSync(DEBIAN_FASHION_MNIST_DIR))('equals the first images of each class of the Debian files', () => {
    const full = loadFashionMnist(split, DEBIAN_FASHION_MNIST_DIR);
    const seen = new Int32Array(10);
    let k = 0;
    for (let i = 0; i < full.length && k < g.n; i++) {
      const label = full.labels[i]!;
      if (seen[label]! >= g.perClass) continue;
      seen[label]!++;
      if (k % 97 === 0) {
        expect(ds.get(k).label).toBe(label);
        expect(Buffer.compare(ds.get(k).image, full.get(i).image)).toBe(0);
      }
      k++;
    }
    expect(k).toBe(g.n);
  });
});
